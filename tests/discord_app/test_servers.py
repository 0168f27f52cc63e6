"""One bot in two servers and DMs: each server's data stays its own, the authority ladder
holds at every command and click, a server's teach answers there alone, and a server that
removes the bot is forgotten after the window.

Server A (``GUILD_ID``) and server B (``GUILD_B_ID``) share one bot; neither is named a
curator, so neither moderator changes the shared knowledge; the application's owner
(``p.OWNER``, from Discord's application info) is the operator.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli.app import main
from bot.discord_app.checks import NEEDS_CURATOR, NEEDS_MODERATOR
from bot.storage import DatabaseURL, open_database
from tests.discord_app.harness import Harness, bot_settings
from tests.discord_app.scenes import MISSED, TAUGHT_AS, TITLE
from tests.fakediscord import FakeDiscord
from tests.fakediscord import payloads as p

MENU = "Teach tensionbot"
ASKED_IN_B = "does the glimmerwort index of server bee matter?"  # a miss, B's own words
ASKED_IN_DM = "privately: what about the zorblax tradeoff?"  # a miss, in a DM
ASKED_IN_A = "does running an SAE slow inference down?"
PARAPHRASE = "which wins, gold-plated or thrifty?"  # means MISSED


@pytest.fixture
async def servers(
    fake: FakeDiscord, knowledge_copy: Path, tmp_path: Path, settings_overrides: dict[str, Any]
) -> AsyncIterator[Harness]:
    fake.add_guild(p.GUILD_B_ID)
    settings = bot_settings(
        knowledge_copy, question_log_path=tmp_path / "q.sqlite3", **settings_overrides
    )
    running = Harness(fake, settings)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
        assert fake.rejected == [], f"Discord would have refused: {fake.rejected}"


async def ask(
    fake: FakeDiscord, who: dict[str, Any], text: str, channel_id: int = p.GENERAL_ID
) -> dict[str, Any]:
    """Ask by mention (or in the DM); the bot's reply."""
    before = len(fake.sent)
    await fake.say(
        who,
        text,
        mention_bot=channel_id != p.DM_CHANNEL_ID,
        channel_id=channel_id,
        dm=channel_id == p.DM_CHANNEL_ID,
    )
    return await fake.next_message(before)


def title(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["title"])


def shown(done: Any) -> str:
    """Everything an ephemeral answer shows, as one text."""
    return json.dumps(done.response.get("embeds") or [], ensure_ascii=False)


def menu_of(message: dict[str, Any]) -> str:
    [menu] = [i for r in message["components"] for i in r["components"] if i["type"] == 3]
    return str(menu["custom_id"])


async def teach(
    fake: FakeDiscord, who: dict[str, Any], message_id: int, label: str
) -> dict[str, Any]:
    """Apps → Teach tensionbot on a message, then pick ``label``: the confirmation."""
    prompt = await fake.context_menu(who, MENU, fake.messages[message_id])
    assert prompt.original is not None, prompt.response
    done = await fake.choose(who, prompt.original, menu_of(prompt.response), [label])
    return done.response


def asked_id(fake: FakeDiscord, text: str, channel_id: int) -> int:
    [found] = [
        i
        for i, m in fake.messages.items()
        if m["content"].endswith(text) and int(m["channel_id"]) == channel_id
    ]
    return found


async def test_a_servers_stats_never_show_another_servers_or_a_dms_questions(
    servers: Harness,
) -> None:
    fake = servers.fake
    member, mod_a, mod_b = (
        fake.person("ann"),
        fake.person("amod", manage_guild=True),
        (fake.person("bmod", manage_guild=True)),
    )
    assert title(await ask(fake, member, ASKED_IN_A)) == "Interpretability vs Efficiency"
    await ask(fake, member, ASKED_IN_B, p.B_GENERAL_ID)
    await ask(fake, member, ASKED_IN_B, p.B_GENERAL_ID)
    await ask(fake, member, ASKED_IN_DM, p.DM_CHANNEL_ID)
    missed = await ask(fake, member, MISSED, p.B_GENERAL_ID)
    assert title(missed) != TITLE
    await teach(fake, mod_b, asked_id(fake, MISSED, p.B_GENERAL_ID), TAUGHT_AS)

    in_a = await fake.slash(mod_a, "stats")
    text_a = shown(in_a)
    assert in_a.ephemeral
    assert in_a.response["embeds"][0]["author"]["name"] == "This server only"
    assert "glimmerwort" not in text_a
    assert "zorblax" not in text_a
    assert "gold-plated" not in text_a
    # A has one question, answered; B's three and the DM's one are not counted.
    assert "**7 days**: 1 questions, 1 answered, 0 unanswered" in text_a, text_a
    assert "nothing unanswered" in text_a
    assert "0 taught this week" in text_a  # B's teach is B's

    in_b = await fake.slash(mod_b, "stats", channel_id=p.B_GENERAL_ID)
    text_b = shown(in_b)
    assert "glimmerwort" in text_b
    assert "2×" in text_b
    assert "zorblax" not in text_b
    assert "SAE" not in text_b
    assert "**7 days**: 3 questions, 0 answered, 3 unanswered" in text_b, text_b
    assert "1 taught this week" in text_b


async def test_the_operator_sees_every_server_and_dm_from_the_shell(
    servers: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = servers.fake
    member = fake.person("ann")
    await ask(fake, member, ASKED_IN_B, p.B_GENERAL_ID)
    await ask(fake, member, ASKED_IN_DM, p.DM_CHANNEL_ID)
    assert servers.bot is not None
    assert servers.bot.answerer.log is not None
    await servers.bot.answerer.log.flush()
    url = str(servers.settings.question_log_path)

    async def report(*scope: str) -> dict[str, Any]:
        capsys.readouterr()
        assert await shell("stats", "--json", "--db", url, *scope) == 0
        data: dict[str, Any] = json.loads(capsys.readouterr().out)
        return data

    everything = await report()
    assert everything["unanswered"]["30"] == 2
    assert {g["example"] for g in everything["top_unanswered"]} == {ASKED_IN_B, ASKED_IN_DM}
    in_b = await report("--guild", str(p.GUILD_B_ID))
    assert [g["example"] for g in in_b["top_unanswered"]] == [ASKED_IN_B]
    assert [g["example"] for g in (await report("--dms"))["top_unanswered"]] == [ASKED_IN_DM]
    assert (await report("--guild", str(p.GUILD_ID)))["unanswered"]["30"] == 0


async def test_a_servers_moderator_teaches_for_that_server_alone(servers: Harness) -> None:
    fake = servers.fake
    member, mod_b = fake.person("ann"), fake.person("bmod", manage_guild=True)
    await ask(fake, member, MISSED, p.B_GENERAL_ID)
    confirmation = await teach(fake, mod_b, asked_id(fake, MISSED, p.B_GENERAL_ID), TAUGHT_AS)
    description = confirmation["embeds"][0]["description"]
    assert f"Next time in this server: **{TITLE}**" in description, description
    assert "For this server only" in description

    assert title(await ask(fake, member, MISSED, p.B_GENERAL_ID)) == TITLE
    assert title(await ask(fake, member, PARAPHRASE, p.B_GENERAL_ID)) == TITLE  # its meaning
    assert title(await ask(fake, member, MISSED)) != TITLE  # server A: as before
    assert title(await ask(fake, member, MISSED, p.DM_CHANNEL_ID)) != TITLE  # a DM too
    asked = await fake.slash(member, "ask", {"question": MISSED}, channel_id=p.B_GENERAL_ID)
    assert title(asked.response) == TITLE


async def test_the_operator_lists_and_promotes_a_servers_teach(
    servers: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = servers.fake
    member, mod_b = fake.person("ann"), fake.person("bmod", manage_guild=True)
    await ask(fake, member, MISSED, p.B_GENERAL_ID)
    await teach(fake, mod_b, asked_id(fake, MISSED, p.B_GENERAL_ID), TAUGHT_AS)
    url = str(servers.settings.question_log_path)
    capsys.readouterr()
    assert await shell("learned", "list", "--db", url) == 0
    listed = capsys.readouterr().out
    assert f"[server {p.GUILD_B_ID} only: tensionbot learned promote 1]" in listed, listed
    assert await shell("learned", "promote", "1", "--db", url) == 0
    assert "promoted #1" in capsys.readouterr().out
    # Promoted: every server is answered with it after a reload (the operator's /reload).
    done = await fake.slash(p.OWNER, "reload")
    assert title(done.response) == "Knowledge reloaded"
    assert title(await ask(fake, member, MISSED)) == TITLE


async def test_the_ladder_for_reload_teach_and_stats(servers: Harness) -> None:
    fake = servers.fake
    member, mod_b = fake.person("max"), fake.person("bmod", manage_guild=True)
    operator = p.OWNER  # the application's owner, as Discord's application info says

    # /reload: a member is told what a moderator is; B's moderator that it is shared.
    done = await fake.slash(member, "reload", channel_id=p.B_GENERAL_ID)
    assert NEEDS_MODERATOR in shown(done)
    done = await fake.slash(mod_b, "reload", channel_id=p.B_GENERAL_ID)
    assert NEEDS_CURATOR.split(",")[0] in shown(done)
    done = await fake.slash(operator, "reload", channel_id=p.B_GENERAL_ID)
    assert title(done.response) == "Knowledge reloaded"

    # /stats: refused to a member; a moderator and the operator get that server's report.
    assert NEEDS_MODERATOR in shown(await fake.slash(member, "stats", channel_id=p.B_GENERAL_ID))
    for who in (mod_b, operator):
        done = await fake.slash(who, "stats", channel_id=p.B_GENERAL_ID)
        assert title(done.response) == "Question log", shown(done)

    # Teach: refused to a member, at the command and at the menu's click alike.
    await ask(fake, member, MISSED)
    missed = asked_id(fake, MISSED, p.GENERAL_ID)
    refused = await fake.context_menu(member, MENU, fake.messages[missed])
    assert NEEDS_MODERATOR in shown(refused)
    prompt = await fake.context_menu(operator, MENU, fake.messages[missed])
    assert prompt.original is not None
    clicked = await fake.choose(member, prompt.original, menu_of(prompt.response), [TAUGHT_AS])
    assert "moderator role to teach" in shown(clicked)
    # The operator teaches the shared bank: server B is answered with it too.
    done = await fake.choose(operator, prompt.original, menu_of(prompt.response), [TAUGHT_AS])
    assert f"Next time: **{TITLE}**" in done.response["embeds"][0]["description"]
    assert title(await ask(fake, member, MISSED, p.B_GENERAL_ID)) == TITLE
    # B's moderator may not undo what the operator shared.
    [undo] = [i for r in done.response["components"] for i in r["components"]]
    assert done.original is not None
    pressed = await fake.press(mod_b, done.original, undo["custom_id"])
    assert NEEDS_CURATOR.split(",")[0] in shown(pressed)
    assert title(await ask(fake, member, MISSED)) == TITLE


@pytest.mark.parametrize("settings_overrides", [{"curator_guild_ids": frozenset({p.GUILD_ID})}])
async def test_a_curator_servers_moderator_changes_the_shared_knowledge(
    servers: Harness,
) -> None:
    fake = servers.fake
    member, mod_a = fake.person("ann"), fake.person("amod", manage_guild=True)
    done = await fake.slash(mod_a, "reload")
    assert title(done.response) == "Knowledge reloaded"
    await ask(fake, member, MISSED)
    confirmation = await teach(fake, mod_a, asked_id(fake, MISSED, p.GENERAL_ID), TAUGHT_AS)
    assert f"Next time: **{TITLE}**" in confirmation["embeds"][0]["description"]
    assert title(await ask(fake, member, MISSED, p.B_GENERAL_ID)) == TITLE


async def test_the_operator_can_be_a_team_member(fake: FakeDiscord, knowledge_copy: Path) -> None:
    fake.add_guild(p.GUILD_B_ID)
    engineer = p.user(p.snowflake(), "engineer")
    fake.team = [p.OWNER, engineer]
    fake.add_member(engineer)
    running = Harness(fake, bot_settings(knowledge_copy))
    await running.start()
    try:
        done = await fake.slash(engineer, "reload", channel_id=p.B_GENERAL_ID)
        assert title(done.response) == "Knowledge reloaded"
    finally:
        await running.stop()


async def rows_of(url: DatabaseURL, guild_id: int) -> tuple[int, int]:
    """(questions, taught examples) the database holds for a server."""
    database = await open_database(url)
    try:
        questions = await database.engine.fetch(
            "SELECT COUNT(*) FROM questions WHERE guild_id = ?", guild_id
        )
        taught = await database.engine.fetch(
            "SELECT COUNT(*) FROM taught WHERE local_guild = ?", guild_id
        )
        return int(questions[0][0]), int(taught[0][0])
    finally:
        await database.close()


async def departed(url: DatabaseURL) -> set[int]:
    database = await open_database(url)
    try:
        return {g for g, _ in await database.guilds.pending()}
    finally:
        await database.close()


async def test_a_server_that_removes_the_bot_is_forgotten_after_the_window(
    servers: Harness,
) -> None:
    fake, bot = servers.fake, servers.bot
    assert bot is not None
    assert bot.answerer.log is not None
    member, mod_b = fake.person("ann"), fake.person("bmod", manage_guild=True)
    await ask(fake, member, ASKED_IN_A)
    await ask(fake, member, MISSED, p.B_GENERAL_ID)
    await teach(fake, mod_b, asked_id(fake, MISSED, p.B_GENERAL_ID), TAUGHT_AS)
    await bot.answerer.log.flush()
    url = DatabaseURL.sqlite(Path(str(servers.settings.question_log_path)))
    assert await rows_of(url, p.GUILD_B_ID) == (1, 1)

    await fake.remove_guild(p.GUILD_B_ID)
    await wait_for(lambda: departed(url), {p.GUILD_B_ID})
    assert await bot.forget_departed(time.time() + 29 * 86400) == []  # within the window
    assert await rows_of(url, p.GUILD_B_ID) == (1, 1)
    [forgotten] = await bot.forget_departed(time.time() + 31 * 86400)
    assert (forgotten.questions, forgotten.taught) == (1, 1)
    assert await rows_of(url, p.GUILD_B_ID) == (0, 0)
    assert await rows_of(url, p.GUILD_ID) == (1, 0)  # A keeps its own


async def test_rejoining_within_the_window_keeps_the_server(servers: Harness) -> None:
    fake, bot = servers.fake, servers.bot
    assert bot is not None
    assert bot.answerer.log is not None
    await ask(fake, fake.person("ann"), ASKED_IN_B, p.B_GENERAL_ID)
    await bot.answerer.log.flush()
    url = DatabaseURL.sqlite(Path(str(servers.settings.question_log_path)))
    await fake.remove_guild(p.GUILD_B_ID)
    await wait_for(lambda: departed(url), {p.GUILD_B_ID})
    await fake.rejoin_guild(p.GUILD_B_ID)
    await wait_for(lambda: departed(url), set())
    assert await bot.forget_departed(time.time() + 31 * 86400) == []
    assert await rows_of(url, p.GUILD_B_ID) == (1, 0)


async def test_forget_from_the_shell_is_at_once_and_audited(
    servers: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    fake, bot = servers.fake, servers.bot
    assert bot is not None
    assert bot.answerer.log is not None
    await ask(fake, fake.person("ann"), ASKED_IN_B, p.B_GENERAL_ID)
    await bot.answerer.log.flush()
    path = str(servers.settings.question_log_path)
    capsys.readouterr()
    assert await shell("forget", "--guild", str(p.GUILD_B_ID), "--db", path) == 0
    assert "forgot server" in capsys.readouterr().out
    url = DatabaseURL.sqlite(Path(path))
    assert await rows_of(url, p.GUILD_B_ID) == (0, 0)
    database = await open_database(url)
    try:
        [entry] = await database.guilds.audit(10)
    finally:
        await database.close()
    assert (entry.guild_id, entry.actor, entry.questions) == (p.GUILD_B_ID, "shell", 1)


async def test_thanks_gets_a_short_friendly_reply_not_a_miss(servers: Harness) -> None:
    fake = servers.fake
    reply = await ask(fake, fake.person("ann"), "thanks!", p.DM_CHANNEL_ID)
    assert title(reply) == "Glad to help"
    assert "No matching" not in json.dumps(reply["embeds"])


async def shell(*args: str) -> int:
    """``tensionbot ARGS`` as the operator runs it (its own event loop, in a thread)."""
    return await asyncio.to_thread(main, list(args))


async def wait_for(read: Any, expected: object) -> None:
    """Wait until ``await read()`` gives ``expected`` (the bot writes it when it hears)."""
    deadline = time.monotonic() + 10
    while (found := await read()) != expected:
        assert time.monotonic() < deadline, f"still {found!r}"
        await asyncio.sleep(0.05)
