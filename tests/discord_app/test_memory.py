"""What keeps memory bounded and the collector's pauses short (figures: bench_burst.py)."""

from __future__ import annotations

import gc

import discord

from bot.core.knowledge.label import Kind
from bot.core.matching.answer import Answer
from bot.core.rendering.render import answer_card
from bot.discord_app.answering.expiry import MAX_SCHEDULED
from bot.discord_app.gc_tuning import AT_LEAST_EVERY_SECONDS, IDLE_SECONDS, Collector
from tests.discord_app.harness import Harness
from tests.discord_app.scenes import moderator
from tests.fakediscord import payloads as p


def live_views() -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, discord.ui.View))


async def test_what_is_loaded_is_frozen_and_full_collections_wait_for_a_quiet_moment(
    harness: Harness,
) -> None:
    bot = harness.bot
    assert bot is not None
    assert gc.get_freeze_count() > 10_000  # discord.py, the knowledge, the matcher
    assert gc.get_threshold()[2] >= 1_000_000  # no automatic full collection mid-burst
    before = gc.get_freeze_count()
    done = await harness.fake.slash(moderator(harness), "reload")
    assert done.response["embeds"][0]["title"] == "Knowledge reloaded"
    assert gc.get_freeze_count() > 10_000  # the new knowledge, frozen again
    assert abs(gc.get_freeze_count() - before) < before // 2


async def test_the_collector_settings_are_given_back_when_the_bot_stops(harness: Harness) -> None:
    await harness.stop()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold()[2] < 1000


async def test_sent_views_are_freed_at_once_not_left_to_the_collector(harness: Harness) -> None:
    fake = harness.fake
    gc.collect()
    gc.disable()  # only reference counting frees anything now
    try:
        before = live_views()
        for i in range(20):
            sent = len(fake.sent)
            await fake.say(fake.person(f"v{i}"), "is interpretability expensive?", mention_bot=True)
            reply = await fake.next_message(sent)
            assert reply["components"]  # the answer had buttons
        await fake.slash(fake.person("w"), "ask", {"question": "what is superposition?"})
        await fake.slash(fake.person("w"), "ask", {"question": "is unlearning costly?"})
        assert live_views() - before <= 1  # at most one still being sent
    finally:
        gc.enable()


async def test_buttons_waiting_to_expire_are_bounded(harness: Harness) -> None:
    bot = harness.bot
    assert bot is not None
    channel = bot.get_channel(p.GENERAL_ID)
    assert isinstance(channel, discord.TextChannel)
    card = answer_card(bot.store.snapshot.knowledge, Answer("", Kind.LIST, 1.0))
    for message_id in range(MAX_SCHEDULED + 500):
        bot.answerer.expiry.track(channel.get_partial_message(message_id + 1), card.links)
    assert bot.answerer.expiry.scheduled == MAX_SCHEDULED


def test_one_card_per_answer_however_often_it_is_given() -> None:
    from bot.core.knowledge.loader import load_or_raise
    from tests.conftest import BUNDLED

    knowledge = load_or_raise(BUNDLED)
    first = answer_card(
        knowledge, Answer("q1", Kind.TENSION, 0.9, tension="unlearning-vs-capability")
    )
    again = answer_card(
        knowledge, Answer("q2", Kind.TENSION, 0.7, tension="unlearning-vs-capability")
    )
    assert again is first


def test_full_collections_when_idle_or_at_least_every_few_minutes() -> None:
    collector = Collector()
    start = collector._last_full
    assert not collector.due(start + 10 * AT_LEAST_EVERY_SECONDS)  # nothing happened
    collector.busy()
    asked = collector._last_question
    assert not collector.due(asked + IDLE_SECONDS / 2)  # questions are coming in
    assert collector.due(asked + IDLE_SECONDS)  # a quiet moment
    assert not collector.due(asked + IDLE_SECONDS, tasks=5000)  # events still being parsed
    assert collector.due(start + AT_LEAST_EVERY_SECONDS)  # busy for minutes: collect anyway
