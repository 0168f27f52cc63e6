"""No user id is stored or logged, whatever people type and whoever moderates."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

from bot.discord_app.privacy import person_tag, without_mentions
from tests.discord_app.harness import TOKEN, launch
from tests.fakediscord import FakeDiscord
from tests.fakediscord import payloads as p


def every_value(path: Path) -> str:
    """Every value in every table of a SQLite database, as one string."""
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return " ".join(
            str(value)
            for table in tables
            for row in db.execute(f"SELECT * FROM {table}")
            for value in row
        )


async def test_no_user_or_role_id_in_the_log_database_or_any_log_line(
    fake: FakeDiscord, knowledge_copy: Path, tmp_path: Path
) -> None:
    database = tmp_path / "questions.sqlite3"
    process = await launch(
        fake,
        knowledge_copy,
        {
            "TENSIONBOT_QUESTION_LOG_PATH": str(database),
            "TENSIONBOT_LOG_LEVEL": "DEBUG",
            "TENSIONBOT_LOG_FORMAT": "json",
            "TENSIONBOT_MODERATOR_ROLE_IDS": str(p.MOD_ROLE_ID),
            "TENSIONBOT_ANSWER_CHANNEL_IDS": str(p.ASK_ID),
        },
    )
    asker, friend = fake.person("asker"), fake.person("friend")
    moderator = fake.person("mod", roles=(p.MOD_ROLE_ID,))
    ids = [asker["id"], friend["id"], moderator["id"], str(p.MOD_ROLE_ID)]
    try:
        await fake.wait_until(lambda: bool(fake.commands.get(None)), timeout=30)
        before = len(fake.sent)
        await fake.say(
            asker,
            f"<@{friend['id']}> <@&{p.MOD_ROLE_ID}> does unlearning hurt capability?",
            mention_bot=True,
            mention_roles=(p.MOD_ROLE_ID,),
        )
        reply = await fake.next_message(before, timeout=15)
        await fake.say(asker, f"<@!{friend['id']}> asked me: pizza or pasta?", dm=True)
        await fake.say(asker, f"hey <@{friend['id']}>, what about robustness?", channel_id=p.ASK_ID)
        await fake.slash(asker, "ask", {"question": f"<@{friend['id']}> is SAE work expensive?"})
        vote = next(
            c["custom_id"]
            for row in reply["components"]
            for c in row["components"]
            if c["custom_id"].startswith("tb:vote:")
        )
        await fake.press(friend, reply, vote)
        reloaded = await fake.slash(moderator, "reload")
        assert reloaded.response["embeds"][0]["title"] == "Knowledge reloaded"
        await fake.slash(moderator, "stats")
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    logs = err.decode()
    assert process.returncode == 0, logs[-2000:]
    assert '"msg": "reload ok"' in logs
    stored = every_value(database)
    assert "@user" in stored  # the questions were kept, without whom they named
    assert "@role" in stored
    assert "@user asked me: pizza or pasta?" in stored  # a DM question is kept
    assert "what about robustness?" not in stored  # channel chatter matching nothing is not
    for user_id in ids:
        assert user_id not in stored
        for line in logs.splitlines():
            assert user_id not in line, line
    assert "<@" not in stored
    assert "what about robustness" not in logs  # what people ask goes to the database only
    assert TOKEN not in logs


def test_mentions_become_placeholders() -> None:
    text = "<@123> <@!456> <@&789> in <#1011>: does an SAE cost much?"
    assert without_mentions(text) == "@user @user @role in #channel: does an SAE cost much?"


def test_a_moderator_tag_is_stable_keyed_and_not_the_id() -> None:
    tag = person_tag(1_200_000_000_000_000_010, TOKEN)
    assert tag == person_tag(1_200_000_000_000_000_010, TOKEN)
    assert tag != person_tag(1_200_000_000_000_000_011, TOKEN)
    assert tag != person_tag(1_200_000_000_000_000_010, "another deployment's token")
    assert "1200000000000000010" not in tag
