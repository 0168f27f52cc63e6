"""Follow-ups in Discord: reply chains, DMs, threads, re-mentions, /ask, and two people."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.discord_app.harness import Harness, assert_silent
from tests.fakediscord import FakeDiscord
from tests.fakediscord import payloads as p

SAE = "does running an SAE slow inference down?"
FRONTIER = "can we push the frontier cheaply?"
IE = "Interpretability vs Efficiency"
CE = "Frontier Capability vs Cost Efficiency"


def labels(message: dict[str, Any]) -> list[str]:
    return [c["label"] for row in message["components"] for c in row["components"]]


async def ask(fake: FakeDiscord, person: dict[str, Any], text: str, **where: Any) -> dict[str, Any]:
    """A person says something; the bot's reply to it."""
    before = len(fake.sent)
    asked = await fake.say(person, text, **where)
    reply = await fake.next_message(before)
    assert reply["replied_to"] == asked
    assert reply["allowed_mentions"] == {"parse": [], "replied_user": False}
    return reply


def title(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["title"])


async def test_a_reply_chain_follows_the_answer_it_replies_to(harness: Harness) -> None:
    fake = harness.fake
    alice, bob = fake.person("alice"), fake.person("bob")
    first = await ask(fake, alice, SAE, mention_bot=True)
    assert title(first) == IE
    # Replying without the ping still reaches the bot: the reply is to its answer.
    numbers = await ask(fake, alice, "how much exactly?", reply_to=first)
    assert title(numbers) == f"{IE} · Known tradeoff"
    assert "~10-100x compute overhead" in numbers["embeds"][0]["description"]
    assert "Active research" not in str(numbers["embeds"])  # a part, not the whole card
    # The whole answer is one press away, then the buttons the whole answer had.
    assert labels(numbers) == [IE, *labels(first)]
    papers = await ask(fake, alice, "any papers?", reply_to=numbers, ping=True)
    assert title(papers) == f"{IE} · Further reading"
    assert "arxiv.org/abs/2309.08600" in papers["embeds"][0]["description"]
    # Anyone replying to an answer is in that answer's conversation.
    research = await ask(fake, bob, "who's working on this?", reply_to=first)
    assert title(research) == f"{IE} · Active research"
    switched = await ask(fake, bob, "and benchmarks?", reply_to=research)
    assert title(switched) == "Interpretability vs Capability"
    # Chatter under an answer is not meant for the bot.
    before = len(fake.sent)
    await fake.say(bob, "lol nice", reply_to=switched)
    await assert_silent(fake, before)


async def test_a_dm_keeps_its_conversation(harness: Harness) -> None:
    fake = harness.fake
    carl = fake.person("carl")
    assert title(await ask(fake, carl, FRONTIER, dm=True)) == CE
    why = await ask(fake, carl, "why?", dm=True)
    assert title(why) == f"{CE} · Why"
    assert why["channel_id"] == str(p.DM_CHANNEL_ID)
    other = await ask(fake, carl, "what about calibration?", dm=True)
    assert title(other) == "Calibration vs Benchmark Capability"
    # A new question of its own is answered as such, whatever came before.
    new = await ask(fake, carl, "ok different question: does unlearning hurt capability?", dm=True)
    assert title(new) == "Unlearning vs Capability"


async def test_a_thread_the_bot_answered_in_is_one_conversation(harness: Harness) -> None:
    fake = harness.fake
    dana, eli = fake.person("dana"), fake.person("eli")
    asked = await ask(fake, dana, SAE, mention_bot=True, channel_id=p.THREAD_ID)
    assert title(asked) == IE
    assert asked["channel_id"] == str(p.THREAD_ID)
    follow = await ask(fake, eli, "numbers?", mention_bot=True, channel_id=p.THREAD_ID)
    assert title(follow) == f"{IE} · Known tradeoff"


async def test_the_same_person_mentioning_again_continues(harness: Harness) -> None:
    fake = harness.fake
    finn = fake.person("finn")
    await ask(fake, finn, FRONTIER, mention_bot=True)
    numbers = await ask(fake, finn, "numbers pls", mention_bot=True)
    assert title(numbers) == f"{CE} · Known tradeoff"
    assert "70-80%" in numbers["embeds"][0]["description"]
    # A follow-up that asks for nothing recognisable says so, with the last answer's buttons.
    unclear = await ask(fake, finn, "does that work for llama too?", mention_bot=True)
    assert title(unclear) == "Not sure what you mean"
    assert "Frontier Capability vs Cost Efficiency" in unclear["embeds"][0]["description"]
    assert labels(unclear)[0] == CE
    assert "Helpful" not in labels(unclear)  # nothing was answered to vote on
    # The context is still there after it.
    why = await ask(fake, finn, "why?", mention_bot=True)
    assert title(why) == f"{CE} · Why"


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, object]:
    return getattr(request, "param", {})


@pytest.mark.parametrize("settings_overrides", [{"conversation_minutes": 0.005}], indirect=True)
async def test_after_the_window_a_follow_up_stands_alone(harness: Harness) -> None:
    fake = harness.fake
    gus = fake.person("gus")
    await ask(fake, gus, FRONTIER, mention_bot=True)
    await asyncio.sleep(0.5)  # the window is 0.3 s here
    late = await ask(fake, gus, "numbers pls", mention_bot=True)
    assert title(late) == "No matching tension"
    # A DM forgets too.
    await ask(fake, gus, FRONTIER, dm=True)
    await asyncio.sleep(0.5)
    assert title(await ask(fake, gus, "why?", dm=True)) == "No matching tension"
    # An old answer replied to without a ping is no longer the bot's to answer.
    first = await ask(fake, gus, FRONTIER, mention_bot=True)
    await asyncio.sleep(0.5)
    before = len(fake.sent)
    await fake.say(gus, "why?", reply_to=first)
    await assert_silent(fake, before)


async def test_two_people_in_one_channel_keep_their_own_conversations(
    harness: Harness,
) -> None:
    fake = harness.fake
    hana, ivo = fake.person("hana"), fake.person("ivo")
    await ask(fake, hana, SAE, mention_bot=True)
    # Ivo has asked nothing: Hana's context does not answer his "why?".
    assert title(await ask(fake, ivo, "why?", mention_bot=True)) == "No matching tension"
    await ask(fake, ivo, FRONTIER, mention_bot=True)
    assert title(await ask(fake, hana, "why?", mention_bot=True)) == f"{IE} · Why"
    assert title(await ask(fake, ivo, "why?", mention_bot=True)) == f"{CE} · Why"
    # The same person in another channel starts afresh.
    other = await ask(fake, hana, "numbers?", mention_bot=True, channel_id=p.OTHER_ID)
    assert title(other) == "No matching tension"


async def test_the_opted_in_channel_answers_a_persons_follow_ups_only(harness: Harness) -> None:
    fake = harness.fake
    jo, kai = fake.person("jo"), fake.person("kai")
    await ask(fake, jo, "do calibrated models score lower on benchmarks?", channel_id=p.ASK_ID)
    source = await ask(fake, jo, "source?", channel_id=p.ASK_ID)
    assert title(source) == "Calibration vs Benchmark Capability · Further reading"
    before = len(fake.sent)
    await fake.say(kai, "source?", channel_id=p.ASK_ID)  # Kai was not talking to the bot
    await fake.say(jo, "haha is that so", channel_id=p.ASK_ID)  # not a request of any part
    await assert_silent(fake, before, channel_id=p.ASK_ID)


async def test_ask_joins_the_conversation_of_the_same_person_and_channel(
    harness: Harness,
) -> None:
    fake = harness.fake
    lia, max_ = fake.person("lia"), fake.person("max")
    await ask(fake, lia, SAE, mention_bot=True)
    done = await fake.slash(lia, "ask", {"question": "who's working on this?"})
    assert not done.ephemeral
    assert done.response["embeds"][0]["title"] == f"{IE} · Active research"
    # Someone else's /ask in the same channel does not join Lia's conversation.
    other = await fake.slash(max_, "ask", {"question": "who's working on this?"})
    assert other.ephemeral
    assert other.response["embeds"][0]["title"] == "No matching tension"
    # And the /ask answer can be replied to like any other.
    assert done.original is not None
    follow = await ask(fake, lia, "and benchmarks?", reply_to=done.original)
    assert title(follow) == "Interpretability vs Capability"


@pytest.mark.parametrize(
    "settings_overrides",
    [{"repeat_window_seconds": 60.0, "cooldown_rate": 3, "cooldown_seconds": 60.0}],
    indirect=True,
)
async def test_follow_ups_keep_the_house_rules(harness: Harness) -> None:
    fake = harness.fake
    mo = fake.person("mo")
    await ask(fake, mo, SAE, mention_bot=True)
    # One part of an answer just given is not "answered a moment ago".
    numbers = await ask(fake, mo, "numbers?", mention_bot=True)
    assert title(numbers) == f"{IE} · Known tradeoff"
    # The same part again is.
    again = await ask(fake, mo, "how much exactly?", mention_bot=True)
    assert "answered that in this channel a moment ago" in again["embeds"][0]["description"]
    # Follow-ups count against the cooldown like any question.
    notice = await ask(fake, mo, "why?", mention_bot=True)
    assert "asking quickly" in notice["embeds"][0]["description"]
