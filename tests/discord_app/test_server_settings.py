"""/settings at the wire, with two servers: each server's choices are its own.

The bot is in two servers (A: ``GUILD_ID``, B: ``GUILD_B_ID``); what A's moderators choose
changes what A's members see, and nothing in B. Every change is audited without a user id.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.discord_app.exts.settings import NO_CONTENT
from tests.discord_app.harness import SENTINEL, SENTINEL_TITLE, Harness, assert_silent
from tests.discord_app.scenes import moderator
from tests.fakediscord import FakeDiscord, Interaction
from tests.fakediscord import payloads as p

QUESTION = "does running an SAE slow inference down?"
TITLE = "Interpretability vs Efficiency"


@pytest.fixture
def fake(fake: FakeDiscord) -> FakeDiscord:
    """The fake Discord with the bot in server B too (before the bot connects)."""
    fake.add_guild(p.GUILD_B_ID)
    return fake


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, object]:
    """Settings live in the database: give the bot one (SQLite), unless a test says not."""
    found: dict[str, object] = getattr(request, "param", {"question_log_path": tmp_path / "q.db"})
    return found


def description(done: Interaction) -> str:
    return str(done.response["embeds"][0]["description"])


async def set_channel(
    fake: FakeDiscord, who: dict[str, Any], channel: int, mode: str
) -> Interaction:
    return await fake.slash(
        who,
        "settings",
        {"channel": ("channel", channel), "mode": mode},
        subcommand="channel",
        channel_id=channel,
    )


def b_moderator(fake: FakeDiscord) -> dict[str, Any]:
    return fake.person("b-admin", manage_guild=True)


async def test_a_channel_opted_in_by_settings_is_answered_without_a_mention_there_only(
    harness: Harness,
) -> None:
    fake = harness.fake
    done = await set_channel(fake, moderator(harness), p.OTHER_ID, "open")
    assert done.ephemeral
    assert "Saved." in description(done)
    assert f"<#{p.OTHER_ID}>" in description(done)  # listed as answered without a mention

    asker = fake.person("asker")
    before = len(fake.sent)
    asked = await fake.say(asker, QUESTION, channel_id=p.OTHER_ID)
    reply = await fake.next_message(before)
    assert reply.get("replied_to") == asked
    assert reply["embeds"][0]["title"] == TITLE

    # Server B chose nothing: its channels still wait for a mention, and its settings do
    # not show server A's channels.
    before = len(fake.sent)
    await fake.say(asker, QUESTION, channel_id=p.B_GENERAL_ID)
    await assert_silent(fake, before, channel_id=p.B_GENERAL_ID)
    shown = await fake.slash(
        b_moderator(fake), "settings", subcommand="show", channel_id=p.B_GENERAL_ID
    )
    assert shown.ephemeral
    assert f"<#{p.OTHER_ID}>" not in description(shown)
    assert f"<#{p.ASK_ID}>" not in description(shown)  # the default, but server A's channel

    # Back to the default: the channel waits for a mention again.
    await set_channel(fake, moderator(harness), p.OTHER_ID, "default")
    before = len(fake.sent)
    await fake.say(asker, QUESTION, channel_id=p.OTHER_ID)
    await assert_silent(fake, before, channel_id=p.OTHER_ID)


async def test_every_change_is_audited_without_a_user_id(harness: Harness) -> None:
    fake = harness.fake
    mod = moderator(harness)
    await set_channel(fake, mod, p.OTHER_ID, "open")
    await fake.slash(mod, "settings", {"minutes": 2.5}, subcommand="conversation")
    path = harness.settings.question_log_path
    assert path is not None
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT guild_id, key, value, moderator FROM settings_audit").fetchall()
        every_value = " ".join(
            str(v) for table in ("settings_audit", "server_settings")
            for row in db.execute(f"SELECT * FROM {table}") for v in row
        )  # fmt: skip
    assert [(g, k, v) for g, k, v, _ in rows] == [
        (p.GUILD_ID, f"channel:{p.OTHER_ID}", "open"),
        (p.GUILD_ID, "conversation_minutes", "2.5"),
    ]
    assert len({m for *_, m in rows}) == 1  # one moderator, one keyed tag
    assert mod["id"] not in every_value


async def test_a_channel_set_off_is_not_answered_even_when_mentioned(harness: Harness) -> None:
    fake = harness.fake
    await set_channel(fake, moderator(harness), p.ASK_ID, "off")
    before = len(fake.sent)
    await fake.say(fake.person("asker"), QUESTION, channel_id=p.ASK_ID, mention_bot=True)
    await assert_silent(fake, before)  # the sentinel, asked in #general, is answered first
    done = await fake.slash(
        fake.person("asker"), "ask", {"question": SENTINEL}, channel_id=p.ASK_ID
    )
    assert done.ephemeral  # a slash command there answers its asker alone
    assert done.response["embeds"][0]["title"] == SENTINEL_TITLE


async def test_a_servers_cooldown_applies_in_that_server_only(harness: Harness) -> None:
    fake = harness.fake
    await fake.slash(
        moderator(harness), "settings", {"answers": 1, "seconds": 3600.0}, subcommand="cooldown"
    )
    asker = fake.person("quick")
    first = await fake.slash(asker, "ask", {"question": QUESTION})
    assert first.response["embeds"][0]["title"] == TITLE
    second = await fake.slash(asker, "ask", {"question": SENTINEL})
    assert second.ephemeral
    assert "asking quickly" in description(second)
    elsewhere = await fake.slash(asker, "ask", {"question": SENTINEL}, channel_id=p.B_GENERAL_ID)
    assert elsewhere.response["embeds"][0]["title"] == SENTINEL_TITLE


async def test_a_moderator_role_set_in_one_server_counts_there(harness: Harness) -> None:
    fake = harness.fake
    helper = fake.person("helper", roles=(p.B_MOD_ROLE_ID,))
    refused = await fake.slash(helper, "settings", subcommand="show", channel_id=p.B_GENERAL_ID)
    assert "You need Manage Server or a moderator role" in description(refused)
    await fake.slash(
        b_moderator(fake),
        "settings",
        {"role": ("role", p.B_MOD_ROLE_ID), "moderator": "moderator"},
        subcommand="moderator-role",
        channel_id=p.B_GENERAL_ID,
    )
    shown = await fake.slash(helper, "settings", subcommand="show", channel_id=p.B_GENERAL_ID)
    assert f"<@&{p.B_MOD_ROLE_ID}>" in description(shown)


async def test_a_plain_member_cannot_see_or_use_settings(harness: Harness) -> None:
    fake = harness.fake
    member = fake.person("member")
    assert not fake.sees(member, "settings")
    assert fake.sees(fake.person("admin", manage_guild=True), "settings")
    [command] = [c for c in fake.commands[None] if c["name"] == "settings"]
    assert command["contexts"] == [0]  # servers only, never a DM
    assert command["integration_types"] == [0]  # never in a person's own installation
    # A server may show it to everyone (its integration settings); the bot still refuses.
    refused = await set_channel(fake, member, p.OTHER_ID, "open")
    assert refused.ephemeral
    assert "You need Manage Server or a moderator role" in description(refused)
    before = len(fake.sent)
    await fake.say(member, QUESTION, channel_id=p.OTHER_ID)
    await assert_silent(fake, before, channel_id=p.OTHER_ID)


@pytest.mark.parametrize(
    "settings_overrides",
    [{"answer_channel_ids": frozenset(), "question_log_path": None}],
    indirect=True,
)
async def test_settings_without_a_database_say_so(harness: Harness) -> None:
    done = await set_channel(harness.fake, moderator(harness), p.OTHER_ID, "open")
    assert done.ephemeral
    assert "Settings need the database" in description(done)


async def test_opting_in_without_message_content_tells_the_moderator(
    fake: FakeDiscord, knowledge_copy: Path, tmp_path: Path
) -> None:
    from tests.discord_app.harness import bot_settings

    fake.content_granted = False
    running = Harness(
        fake, bot_settings(knowledge_copy, question_log_path=tmp_path / "bot.sqlite3")
    )
    await running.start()
    try:
        done = await set_channel(fake, moderator(running), p.OTHER_ID, "open")
        await fake.wait_until(lambda: bool(done.followups))
        assert NO_CONTENT in done.followups[0]["embeds"][0]["description"]
        assert done.followups[0]["flags"] & 64  # ephemeral
        # A mention there is still answered: Discord sends the text of a mention.
        before = len(fake.sent)
        await fake.say(fake.person("asker"), SENTINEL, channel_id=p.OTHER_ID, mention_bot=True)
        reply = await fake.next_message(before)
        assert reply["embeds"][0]["title"] == SENTINEL_TITLE
    finally:
        await running.stop()
    assert fake.rejected == []
