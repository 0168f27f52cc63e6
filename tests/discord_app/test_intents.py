"""Message Content only when needed, and a bot that runs when Discord refuses it.

The fake Discord blanks a server message's text for a connection without the intent,
unless it mentions the bot, as Discord does; so these tests see what the bot would see.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.discord_app.client import CONTENT_NOT_ENABLED, CONTENT_REFUSED
from tests.discord_app.harness import SENTINEL, SENTINEL_TITLE, Harness, assert_silent, bot_settings
from tests.fakediscord import FakeDiscord
from tests.fakediscord import payloads as p
from tests.fakediscord.server import MESSAGE_CONTENT_INTENT

QUESTION = "does running an SAE slow inference down?"
TITLE = "Interpretability vs Efficiency"


async def answers_without_content(fake: FakeDiscord) -> None:
    """Mentions, DMs and a reply that pings the bot are answered; an opted-in channel's
    question, whose text Discord withheld, is not."""
    asker = fake.person("asker")
    before = len(fake.sent)
    await fake.say(asker, QUESTION, mention_bot=True)
    mentioned = await fake.next_message(before)
    assert mentioned["embeds"][0]["title"] == TITLE
    before = len(fake.sent)
    await fake.say(asker, QUESTION, dm=True)
    assert (await fake.next_message(before))["embeds"][0]["title"] == TITLE
    before = len(fake.sent)
    await fake.say(asker, "how much exactly?", reply_to=mentioned, ping=True)
    follow_up = await fake.next_message(before)
    assert "Interpretability" in str(follow_up["embeds"][0])
    done = await fake.slash(fake.person("slasher"), "ask", {"question": QUESTION})
    assert done.response["embeds"][0]["title"] == TITLE
    before = len(fake.sent)
    await fake.say(asker, QUESTION, channel_id=p.ASK_ID)  # opted in, but arrives empty
    await assert_silent(fake, before, channel_id=p.ASK_ID)


async def start(fake: FakeDiscord, knowledge: Path, **overrides: object) -> Harness:
    running = Harness(fake, bot_settings(knowledge, **overrides))
    await running.start()
    return running


async def test_without_a_channel_opted_in_the_bot_does_not_ask_for_message_content(
    fake: FakeDiscord, knowledge_copy: Path
) -> None:
    running = await start(fake, knowledge_copy, answer_channel_ids=frozenset())
    try:
        assert fake.intents
        assert not fake.intents[-1] & MESSAGE_CONTENT_INTENT
        asker = fake.person("asker")
        before = len(fake.sent)
        await fake.say(asker, QUESTION, mention_bot=True)
        assert (await fake.next_message(before))["embeds"][0]["title"] == TITLE
        before = len(fake.sent)
        await fake.say(asker, QUESTION, dm=True)
        assert (await fake.next_message(before))["embeds"][0]["title"] == TITLE
    finally:
        await running.stop()
    assert fake.rejected == []


async def test_with_a_channel_opted_in_it_asks_and_reads_that_channel(
    fake: FakeDiscord, knowledge_copy: Path
) -> None:
    running = await start(fake, knowledge_copy)  # TENSIONBOT_ANSWER_CHANNEL_IDS has #ask
    try:
        assert fake.intents[-1] & MESSAGE_CONTENT_INTENT
        before = len(fake.sent)
        await fake.say(fake.person("asker"), QUESTION, channel_id=p.ASK_ID)
        assert (await fake.next_message(before))["embeds"][0]["title"] == TITLE
    finally:
        await running.stop()


@pytest.mark.parametrize("mode", ["off", "on"])
async def test_the_operator_decides_with_message_content(
    fake: FakeDiscord, knowledge_copy: Path, mode: str
) -> None:
    running = await start(
        fake, knowledge_copy, answer_channel_ids=frozenset(), message_content=mode
    )
    try:
        assert bool(fake.intents[-1] & MESSAGE_CONTENT_INTENT) == (mode == "on")
    finally:
        await running.stop()


async def test_refused_by_discord_4014_the_bot_says_so_once_and_answers_without_it(
    fake: FakeDiscord, knowledge_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake.content_granted = False
    fake.content_flag = True  # the application's flags still say yes: only IDENTIFY refuses
    caplog.set_level(logging.INFO)
    running = await start(fake, knowledge_copy)
    try:
        assert fake.intents[0] & MESSAGE_CONTENT_INTENT  # asked, refused with 4014
        assert not fake.intents[-1] & MESSAGE_CONTENT_INTENT  # then connected without
        await answers_without_content(fake)
    finally:
        await running.stop()
    assert [r.getMessage() for r in caplog.records].count(CONTENT_REFUSED) == 1
    assert fake.rejected == []


async def test_not_enabled_for_the_application_the_bot_does_not_ask(
    fake: FakeDiscord, knowledge_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake.content_granted = False  # and the application's flags say so
    running = await start(fake, knowledge_copy)
    try:
        assert not any(i & MESSAGE_CONTENT_INTENT for i in fake.intents)
        await answers_without_content(fake)
    finally:
        await running.stop()
    assert [r.getMessage() for r in caplog.records].count(CONTENT_NOT_ENABLED) == 1


async def test_only_the_intents_the_bot_uses_are_requested(
    fake: FakeDiscord, knowledge_copy: Path
) -> None:
    running = await start(fake, knowledge_copy)
    try:
        guilds, guild_messages, dm_messages = 1 << 0, 1 << 9, 1 << 12
        assert fake.intents[-1] == guilds | guild_messages | dm_messages | MESSAGE_CONTENT_INTENT
        before = len(fake.sent)
        await fake.say(fake.person("asker"), SENTINEL, mention_bot=True)
        assert (await fake.next_message(before))["embeds"][0]["title"] == SENTINEL_TITLE
    finally:
        await running.stop()
