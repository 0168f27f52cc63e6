"""Teaching from Discord: Apps → Teach tensionbot, the choice, Undo, and /stats' buttons."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.discord_app.privacy import moderator_tag
from tests.conftest import ROOT
from tests.discord_app.conftest import Pair
from tests.discord_app.harness import Harness
from tests.discord_app.scenes import MISSED, TAUGHT_AS, TITLE, dm_answer
from tests.fakediscord import FakeDiscord
from tests.fakediscord import payloads as p

MENU = "Teach tensionbot"


@pytest.fixture
def settings_overrides(tmp_path: Path) -> dict[str, object]:
    return {"question_log_path": tmp_path / "questions.sqlite3"}


def menu_of(message: dict[str, Any]) -> dict[str, Any]:
    [menu] = [
        item for row in message["components"] for item in row["components"] if item["type"] == 3
    ]
    assert isinstance(menu, dict)
    return menu


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {
        item["label"]: item["custom_id"]
        for row in message.get("components") or []
        for item in row["components"]
        if item["type"] == 2
    }


async def ask(fake: FakeDiscord, who: dict[str, Any], text: str) -> dict[str, Any]:
    """A member asks by mention; the bot's reply."""
    before = len(fake.sent)
    await fake.say(who, text, mention_bot=True)
    return await fake.next_message(before)


async def teach(
    fake: FakeDiscord, moderator: dict[str, Any], message_id: int, label: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Apps → Teach tensionbot on a message, then pick ``label``: (prompt, confirmation)."""
    prompt = await fake.context_menu(moderator, MENU, fake.messages[message_id])
    assert prompt.ephemeral
    shown = dict(prompt.response)
    assert prompt.original is not None
    done = await fake.choose(moderator, prompt.original, menu_of(shown)["custom_id"], [label])
    assert done.callbacks[0]["type"] == 6  # deferred: the reload may take a moment
    return shown, done.response


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


async def test_the_menu_is_a_message_command_for_moderators_in_servers(harness: Harness) -> None:
    [menu] = [c for c in harness.fake.commands[None] if c["name"] == MENU]
    assert menu["type"] == 3  # Apps on a message
    assert menu["default_member_permissions"] == str(p.MANAGE_GUILD)  # hidden from members
    assert menu["contexts"] == [0]  # servers only
    assert menu["description"] == ""


async def test_a_moderator_teaches_a_missed_question_and_it_is_answered(harness: Harness) -> None:
    fake = harness.fake
    asker, friend = fake.person("ann"), fake.person("bob")
    moderator = fake.person("mod", roles=(p.MOD_ROLE_ID,))
    missed = await ask(fake, asker, f"<@{friend['id']}> {MISSED}")
    assert missed["embeds"][0].get("title") != TITLE
    [question_id] = [i for i, m in fake.messages.items() if MISSED in m["content"]]

    prompt, confirmation = await teach(fake, moderator, question_id, TAUGHT_AS)
    text = prompt["embeds"][0]["fields"][0]["value"]
    assert text == f"@user {MISSED}"  # whom it mentioned is not kept
    options = menu_of(prompt)["options"]
    assert 2 <= len(options) <= 25
    assert (options[-1]["value"], options[-1]["label"]) == ("none", "Not something to answer")
    assert {o["value"] for o in options} >= {TAUGHT_AS, "list", "goal:efficiency"}
    assert confirmation["flags"] & 64  # still only the moderator sees it
    embed = confirmation["embeds"][0]
    assert embed["title"] == "Taught #1"
    assert f"Next time: **{TITLE}**." in embed["description"]
    assert set(buttons(confirmation)) == {"Undo"}
    assert not any(c["type"] == 3 for r in confirmation["components"] for c in r["components"])

    again = await ask(fake, fake.person("cy"), f"<@{friend['id']}> {MISSED}")
    assert again["embeds"][0]["title"] == TITLE
    plain = await ask(fake, asker, MISSED)
    assert plain["embeds"][0]["title"] == TITLE

    path = harness.settings.question_log_path
    assert path is not None
    [(label, stored, moderator_hash, guild)] = rows(
        path, "SELECT label, text, moderator, guild_id FROM taught"
    )
    assert (label, stored, guild) == (TAUGHT_AS, f"@user {MISSED}", p.GUILD_ID)
    assert moderator_hash == moderator_tag(harness.settings, int(moderator["id"]))  # as in logs
    [(action, taught_id, by)] = rows(path, "SELECT action, taught_id, moderator FROM teach_audit")
    assert (action, taught_id, by) == ("taught", 1, moderator_hash)
    everything = " ".join(
        str(v)
        for table in ("taught", "teach_audit")
        for row in rows(path, f"SELECT * FROM {table}")
        for v in row
    )
    for person in (asker, friend, moderator):
        assert str(person["id"]) not in everything


async def test_a_plain_member_is_refused(harness: Harness) -> None:
    fake = harness.fake
    member, moderator = fake.person("dee"), fake.person("admin", manage_guild=True)
    await ask(fake, member, MISSED)
    [question_id] = [i for i, m in fake.messages.items() if MISSED in m["content"]]
    refused = await fake.context_menu(member, MENU, fake.messages[question_id])
    assert refused.ephemeral
    assert "Manage Server or a moderator role" in refused.response["embeds"][0]["description"]
    # A member who somehow gets hold of a moderator's prompt cannot use it either.
    prompt = await fake.context_menu(moderator, MENU, fake.messages[question_id])
    assert prompt.original is not None
    custom_id = menu_of(prompt.response)["custom_id"]
    sneaky = await fake.choose(member, prompt.original, custom_id, [TAUGHT_AS])
    assert sneaky.ephemeral
    assert "Manage Server or a moderator role" in sneaky.response["embeds"][0]["description"]
    path = harness.settings.question_log_path
    assert path is not None
    assert rows(path, "SELECT COUNT(*) FROM taught") == [(0,)]
    assert (await ask(fake, member, MISSED))["embeds"][0].get("title") != TITLE


async def test_undo_forgets_the_example_and_is_audited(harness: Harness) -> None:
    fake = harness.fake
    moderator = fake.person("mod", roles=(p.MOD_ROLE_ID,))
    await ask(fake, fake.person("eve"), MISSED)
    [question_id] = [i for i, m in fake.messages.items() if MISSED in m["content"]]
    _, confirmation = await teach(fake, moderator, question_id, TAUGHT_AS)
    assert (await ask(fake, fake.person("fay"), MISSED))["embeds"][0]["title"] == TITLE

    message = fake.messages[int(confirmation["id"])]
    undo = buttons(confirmation)["Undo"]
    undone = await fake.press(moderator, message, undo)
    assert undone.callbacks[0]["type"] == 6
    embed = undone.response["embeds"][0]
    assert embed["title"] == "Undone #1"
    assert "Next time: **no answer (not something to answer)**." in embed["description"]
    assert not buttons(undone.response)
    assert (await ask(fake, fake.person("gus"), MISSED))["embeds"][0].get("title") != TITLE

    # Taught again, then removed from the shell: Undo on the confirmation still shown says so.
    _, confirmation = await teach(fake, moderator, question_id, TAUGHT_AS)
    assert confirmation["embeds"][0]["title"] == "Taught #2"
    path = harness.settings.question_log_path
    assert path is not None
    # In a process of its own, while the bot keeps running (and writing) on this loop.
    shell = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "learned", "remove", "2", "--db", str(path), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(shell.communicate(), 60)
    assert shell.returncode == 0, err.decode()
    assert out.decode().startswith(f'removed #2 ({TAUGHT_AS}): "{MISSED}"')
    assert "kill -HUP" in out.decode()  # one process on SQLite: it learns at its next reload
    message = fake.messages[int(confirmation["id"])]
    again = await fake.press(moderator, message, buttons(confirmation)["Undo"])
    assert again.response["embeds"][0]["title"] == "Already undone"
    assert (await ask(fake, fake.person("hui"), MISSED))["embeds"][0].get("title") != TITLE
    assert rows(path, "SELECT COUNT(*) FROM taught") == [(0,)]
    assert rows(path, "SELECT action, taught_id, moderator FROM teach_audit ORDER BY id")[1:] == [
        ("undone", 1, rows(path, "SELECT moderator FROM teach_audit")[0][0]),
        ("taught", 2, rows(path, "SELECT moderator FROM teach_audit")[0][0]),
        ("removed", 2, "shell"),
    ]


async def test_refusals_say_why_and_keep_nothing(harness: Harness) -> None:
    fake = harness.fake
    moderator = fake.person("mod", roles=(p.MOD_ROLE_ID,))
    asker = fake.person("hal")
    samples = {
        "only a mention": f"<@{asker['id']}>",
        "too long": "why " * 100,
        "known": "what does interpretability trade off against?",  # in goals.yaml
    }
    ids = {}
    for name, text in samples.items():
        ids[name] = await fake.say(asker, text, channel_id=p.OTHER_ID)
    empty = await fake.context_menu(moderator, MENU, fake.messages[ids["only a mention"]])
    assert "no question to learn from" in empty.response["embeds"][0]["description"]
    long = await fake.context_menu(moderator, MENU, fake.messages[ids["too long"]])
    assert "at most 300" in long.response["embeds"][0]["description"]
    prompt, conflict = await teach(
        fake, moderator, ids["known"], "tension:calibration-vs-capability"
    )
    assert conflict["embeds"][0]["title"] == "Not taught"
    assert (
        "the knowledge files already give that text to Interpretability (overview)"
        in (conflict["embeds"][0]["description"])
    )
    # The bot's own best guess comes first.
    assert menu_of(prompt)["options"][0]["value"] == "goal:interpretability"
    assert "my best guess" in menu_of(prompt)["options"][0]["description"]

    await fake.say(asker, MISSED, channel_id=p.OTHER_ID)
    [question_id] = [i for i, m in fake.messages.items() if m["content"] == MISSED]
    await teach(fake, moderator, question_id, TAUGHT_AS)
    _, twice = await teach(fake, moderator, question_id, "goal:efficiency")
    assert (
        "already taught as Frontier Capability vs Cost Efficiency (#1)"
        in (twice["embeds"][0]["description"])
    )
    path = harness.settings.question_log_path
    assert path is not None
    assert rows(path, "SELECT id, label FROM taught") == [(1, TAUGHT_AS)]


@pytest.mark.parametrize("settings_overrides", [{"question_log_path": None}])
async def test_without_a_database_teaching_says_so(harness: Harness) -> None:
    fake = harness.fake
    message_id = await fake.say(fake.person("ida"), MISSED, channel_id=p.OTHER_ID)
    done = await fake.context_menu(
        fake.person("mod", roles=(p.MOD_ROLE_ID,)), MENU, fake.messages[message_id]
    )
    assert done.ephemeral
    assert "Teaching needs the database" in done.response["embeds"][0]["description"]


async def test_stats_has_a_teach_button_per_unanswered_group(harness: Harness) -> None:
    fake = harness.fake
    moderator = fake.person("mod", roles=(p.MOD_ROLE_ID,))
    asker = fake.person("jo")
    for text in (MISSED, MISSED, "favourite pizza?"):
        await fake.slash(asker, "ask", {"question": text})
    stats = await fake.slash(moderator, "stats")
    report = stats.response
    gaps = {f["name"]: f["value"] for f in report["embeds"][0]["fields"]}[
        "Most asked, not answered (last 30 days)"
    ].splitlines()
    assert gaps[0] == f"1. 2× {MISSED}"
    assert set(buttons(report)) == {"Teach 1", "Teach 2"}
    assert "**Teaching**: 0 taught this week" in report["embeds"][0]["description"]

    message = fake.messages[int(report["id"])]
    opened = await fake.press(moderator, message, buttons(report)["Teach 1"])
    assert opened.ephemeral
    assert opened.response["embeds"][0]["fields"][0]["value"] == MISSED
    assert opened.original is not None
    done = await fake.choose(
        moderator, opened.original, menu_of(opened.response)["custom_id"], [TAUGHT_AS]
    )
    assert f"Next time: **{TITLE}**." in done.response["embeds"][0]["description"]
    answer = await fake.slash(asker, "ask", {"question": MISSED})
    assert answer.response["embeds"][0]["title"] == TITLE
    again = await fake.slash(moderator, "stats")
    assert "**Teaching**: 1 taught this week" in again.response["embeds"][0]["description"]
    member = await fake.press(asker, message, buttons(report)["Teach 2"])
    assert "Manage Server or a moderator role" in member.response["embeds"][0]["description"]


async def test_taught_examples_outlive_a_restart(harness: Harness) -> None:
    fake = harness.fake
    await ask(fake, fake.person("kim"), MISSED)
    [question_id] = [i for i, m in fake.messages.items() if MISSED in m["content"]]
    await teach(fake, fake.person("mod", roles=(p.MOD_ROLE_ID,)), question_id, TAUGHT_AS)
    bot = await harness.restart()
    assert [str(t.label) for t in bot.store.snapshot.knowledge.taught] == [TAUGHT_AS]
    assert (await ask(fake, fake.person("lou"), MISSED))["embeds"][0]["title"] == TITLE


async def test_every_cluster_sharing_postgresql_answers_as_taught(pair: Pair) -> None:
    """Taught in the guild's cluster; the DM cluster answers with it after the broadcast."""
    fake = pair.fake
    assert await dm_answer(fake, MISSED) != TITLE
    await ask(fake, fake.person("max"), MISSED)
    [question_id] = [i for i, m in fake.messages.items() if MISSED in m["content"]]
    moderator = fake.person("mod", roles=(p.MOD_ROLE_ID,))
    _, confirmation = await teach(fake, moderator, question_id, TAUGHT_AS)
    description = confirmation["embeds"][0]["description"]
    assert f"Next time: **{TITLE}**." in description
    assert "Reloaded in 2 of 2 clusters." in description
    assert await dm_answer(fake, MISSED) == TITLE
    assert pair.dm.bot is not None
    assert [t.id for t in pair.dm.bot.store.snapshot.knowledge.taught] == [1]

    message = fake.messages[int(confirmation["id"])]
    undone = await fake.press(moderator, message, buttons(confirmation)["Undo"])
    assert "Reloaded in 2 of 2 clusters." in undone.response["embeds"][0]["description"]
    assert await dm_answer(fake, MISSED) != TITLE


async def test_a_teach_while_the_folder_is_broken_is_kept_for_the_next_good_reload(
    harness: Harness,
) -> None:
    fake = harness.fake
    moderator = fake.person("mod", roles=(p.MOD_ROLE_ID,))
    message_id = await fake.say(fake.person("ned"), MISSED, channel_id=p.OTHER_ID)
    goals = harness.settings.knowledge_dir / "goals.yaml"
    good = goals.read_text("utf-8")
    goals.write_text("goals: [\n", "utf-8")  # a curator's edit in progress
    _, confirmation = await teach(fake, moderator, message_id, TAUGHT_AS)
    description = confirmation["embeds"][0]["description"]
    assert "Kept as #1, but not in effect: the bot still answers **no answer" in description
    assert "The knowledge folder does not load (1 problem; see /reload)" in description
    assert (await ask(fake, fake.person("ola"), MISSED))["embeds"][0].get("title") != TITLE
    goals.write_text(good, "utf-8")
    reloaded = await fake.slash(moderator, "reload")
    assert "examples changed: taught" in reloaded.response["embeds"][0]["description"]
    assert (await ask(fake, fake.person("pia"), MISSED))["embeds"][0]["title"] == TITLE
