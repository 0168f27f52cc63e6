"""Questions typed in Discord: mentions, DMs, an opted-in channel, and the house rules."""

from __future__ import annotations

import asyncio

import pytest

from tests.discord_app.harness import Harness, assert_silent
from tests.fakediscord import payloads as p


async def test_mention_answers_with_the_tension(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.person("alice")
    before = len(fake.sent)
    asked = await fake.say(alice, "does running an SAE slow inference down?", mention_bot=True)
    reply = await fake.next_message(before)
    assert reply["replied_to"] == asked
    assert reply["channel_id"] == str(p.GENERAL_ID)
    embed = reply["embeds"][0]
    assert embed["title"] == "Interpretability vs Efficiency"
    assert embed["description"].startswith("Making models interpretable often requires")
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert "~10-100x compute overhead" in fields["Known tradeoff"]
    assert "efficient SAE training" in fields["Active research"]
    assert "arxiv.org/abs/2309.08600" in fields["Further reading"]
    assert embed["footer"]["text"].startswith("Interpretability × Efficiency")
    assert embed["color"] == 0x9B59B6
    labels = [c["label"] for row in reply["components"] for c in row["components"]]
    assert labels == ["Interpretability vs Capability", "Frontier Capability vs Cost Efficiency"]


async def test_two_questions_in_one_message_get_both_answers(harness: Harness) -> None:
    fake = harness.fake
    before = len(fake.sent)
    await fake.say(
        fake.person("alice"),
        "does running an SAE slow inference down? and can a small lab compete with frontier labs?",
        mention_bot=True,
    )
    reply = await fake.next_message(before)
    titles = [embed["title"] for embed in reply["embeds"]]
    assert titles == ["Interpretability vs Efficiency", "Frontier Capability vs Cost Efficiency"]
    labels = [c["label"] for row in reply["components"] for c in row["components"]]
    assert "Frontier Capability vs Cost Efficiency" not in labels  # shown, not offered


async def test_the_slash_command_answers_both_questions_too(harness: Harness) -> None:
    question = "is interpretability expensive, and can we compete with the big labs on $50k?"
    done = await harness.fake.slash(harness.fake.person("carol"), "ask", {"question": question})
    titles = [embed["title"] for embed in done.response["embeds"]]
    assert titles == ["Interpretability vs Efficiency", "Frontier Capability vs Cost Efficiency"]


async def test_dm_is_answered(harness: Harness) -> None:
    fake = harness.fake
    bob = fake.person("bob")
    before = len(fake.sent)
    await fake.say(bob, "can we push the frontier cheaply?", dm=True)
    reply = await fake.next_message(before)
    assert reply["channel_id"] == str(p.DM_CHANNEL_ID)
    assert reply["embeds"][0]["title"] == "Frontier Capability vs Cost Efficiency"


async def test_opted_in_channel_answers_questions_and_ignores_chatter(harness: Harness) -> None:
    fake = harness.fake
    carol = fake.person("carol")
    before = len(fake.sent)
    await fake.say(carol, "do calibrated models score lower on benchmarks?", channel_id=p.ASK_ID)
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == "Calibration vs Benchmark Capability"
    before = len(fake.sent)
    for chatter in ("lol", "good morning everyone", "how do I calibrate my monitor?", "SAE"):
        await fake.say(carol, chatter, channel_id=p.ASK_ID)
    await assert_silent(fake, before, channel_id=p.ASK_ID)


async def test_other_channels_are_not_read(harness: Harness) -> None:
    fake = harness.fake
    dave = fake.person("dave")
    before = len(fake.sent)
    await fake.say(dave, "does running an SAE slow inference down?", channel_id=p.OTHER_ID)
    await assert_silent(fake, before, channel_id=p.OTHER_ID)


async def test_unanswerable_mention_gets_suggestions_without_echo(harness: Harness) -> None:
    fake = harness.fake
    erin = fake.person("erin")
    before = len(fake.sent)
    await fake.say(erin, "my secret-word-42 has nothing to do with you", mention_bot=True)
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == "No matching tension"
    assert "secret-word-42" not in str(reply)
    await fake.say(erin, "what is superposition?", mention_bot=True)
    reply = await fake.next_message(before + 1)
    assert reply["embeds"][0]["title"] == "No matching tension"
    labels = [c["label"] for row in reply["components"] for c in row["components"]]
    assert set(labels) >= {"Interpretability vs Capability", "Unlearning vs Capability"}


async def test_bare_mention_explains_itself(harness: Harness) -> None:
    fake = harness.fake
    before = len(fake.sent)
    await fake.say(fake.person("finn"), "", mention_bot=True)
    reply = await fake.next_message(before)
    assert "Ask me about a tradeoff" in reply["content"]
    assert reply["embeds"][0]["title"] == "Goal tensions"


async def test_nobody_is_ever_pinged(harness: Harness) -> None:
    fake = harness.fake
    gina = fake.person("gina")
    before = len(fake.sent)
    await fake.say(
        gina,
        f"@everyone <@&{p.MOD_ROLE_ID}> does unlearning hurt capability?",
        mention_bot=True,
        mention_roles=(p.MOD_ROLE_ID,),
        mention_everyone=True,
    )
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == "Unlearning vs Capability"
    assert reply["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert "@everyone" not in str(reply["embeds"])
    assert f"<@&{p.MOD_ROLE_ID}>" not in str(reply)


@pytest.mark.parametrize(
    "text",
    ["😀" * 2500, "**__~~||`x`||~~__**" * 100, "\u202e" + "ش" * 1500, "a" * 3990],
    ids=["emoji", "markdown", "rtl", "long"],
)
async def test_hostile_text_gets_a_calm_answer(harness: Harness, text: str) -> None:
    fake = harness.fake
    before = len(fake.sent)
    await fake.say(fake.person("hal"), text, mention_bot=True)
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == "No matching tension"


@pytest.fixture
def settings_overrides(request: pytest.FixtureRequest) -> dict[str, object]:
    return getattr(request, "param", {})


@pytest.mark.parametrize(
    "settings_overrides", [{"cooldown_rate": 2, "cooldown_seconds": 60.0}], indirect=True
)
async def test_cooldown_limits_one_person_and_says_so_once(harness: Harness) -> None:
    fake = harness.fake
    ivan, jane = fake.person("ivan"), fake.person("jane")
    before = len(fake.sent)
    for question in ("is interpretability expensive?", "does unlearning hurt capability?"):
        await fake.say(ivan, question, mention_bot=True)
        await fake.next_message(len(fake.sent))
    assert len(fake.sent) == before + 2
    await fake.say(ivan, "calibration vs capability", mention_bot=True)
    notice = await fake.next_message(before + 2)
    assert "asking quickly" in notice["embeds"][0]["description"]
    await fake.say(ivan, "what about scaling laws?", mention_bot=True)
    await assert_silent(fake, before + 3)  # told once per window, not on every message
    await fake.say(jane, "calibration vs capability", mention_bot=True)
    other = await fake.next_message(before + 4)  # others are not affected
    assert other["embeds"][0]["title"] == "Calibration vs Benchmark Capability"


@pytest.mark.parametrize("settings_overrides", [{"repeat_window_seconds": 60.0}], indirect=True)
async def test_same_answer_in_a_minute_points_to_the_first(harness: Harness) -> None:
    fake = harness.fake
    kim, lee = fake.person("kim"), fake.person("lee")
    before = len(fake.sent)
    await fake.say(kim, "does SAE analysis slow inference down?", channel_id=p.ASK_ID)
    first = await fake.next_message(before)
    await fake.say(lee, "why is interpretability so expensive?", channel_id=p.ASK_ID)
    second = await fake.next_message(before + 1)
    assert "answered that in this channel a moment ago" in second["embeds"][0]["description"]
    assert first["id"] in second["embeds"][0]["description"]
    # A different answer, or another channel, is answered in full.
    await fake.say(lee, "is interpretability expensive?", mention_bot=True, channel_id=p.GENERAL_ID)
    third = await fake.next_message(before + 2)
    assert third["embeds"][0]["title"] == "Interpretability vs Efficiency"


@pytest.mark.parametrize("settings_overrides", [{"repeat_window_seconds": 60.0}], indirect=True)
async def test_a_burst_of_repeats_gets_one_answer_and_pointers_to_it(harness: Harness) -> None:
    fake = harness.fake
    before = len(fake.sent)
    for i in range(30):  # back to back: none waits for the bot's reply to the one before
        await fake.say(
            fake.person(f"p{i}"), "does SAE analysis slow inference down?", channel_id=p.ASK_ID
        )
    await fake.wait_until(lambda: len(fake.sent) >= before + 30)
    replies = fake.sent[before:]
    full = [r for r in replies if r["embeds"][0].get("title") == "Interpretability vs Efficiency"]
    pointers = [
        r for r in replies if "answered that in this channel" in r["embeds"][0]["description"]
    ]
    assert len(full) == 1
    assert len(pointers) == 29


@pytest.mark.parametrize("settings_overrides", [{"repeat_window_seconds": 60.0}], indirect=True)
async def test_a_repeat_of_an_answer_that_failed_is_answered_in_full(harness: Harness) -> None:
    fake = harness.fake
    fake.fail("POST", r"/channels/\d+/messages", 403, times=1)
    await fake.say(
        fake.person("ora"), "does SAE analysis slow inference down?", channel_id=p.ASK_ID
    )
    await fake.wait_until(lambda: len(fake.calls("POST", r"/channels/\d+/messages")) >= 1)
    await asyncio.sleep(0.1)
    before = len(fake.sent)
    await fake.say(
        fake.person("pax"), "does SAE analysis slow inference down?", channel_id=p.ASK_ID
    )
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == "Interpretability vs Efficiency"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("does unlearning hurt capability?", "Unlearning vs Capability"),
        ("what is superposition?", "No matching tension"),
        ("", "Goal tensions"),
    ],
    ids=["answer", "miss", "bare-mention"],
)
async def test_a_question_deleted_before_the_reply_is_answered_anyway(
    harness: Harness, text: str, title: str
) -> None:
    fake = harness.fake
    before = len(fake.sent)
    await fake.say(fake.person("rue"), text, mention_bot=True, deleted=True)
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == title
    assert "replied_to" not in reply  # sent as an ordinary message: there is nothing to reply to
    assert fake.rejected == []


@pytest.mark.parametrize("status", [500, 429])
async def test_discord_errors_on_a_reply_are_survived(harness: Harness, status: int) -> None:
    fake = harness.fake
    mia = fake.person("mia")
    fake.fail("POST", r"/channels/\d+/messages", status, times=1)
    before = len(fake.sent)
    await fake.say(mia, "does unlearning hurt capability?", mention_bot=True)
    reply = await fake.next_message(before, timeout=15)  # retried after the error
    assert reply["embeds"][0]["title"] == "Unlearning vs Capability"
    assert len(fake.calls("POST", r"/channels/\d+/messages")) >= 2
    await fake.say(mia, "is interpretability expensive?", mention_bot=True)
    nxt = await fake.next_message(before + 1)
    assert nxt["embeds"][0]["title"] == "Interpretability vs Efficiency"


async def test_a_reply_that_keeps_failing_is_logged_and_the_bot_carries_on(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    fake = harness.fake
    ned = fake.person("ned")
    fake.fail("POST", r"/channels/\d+/messages", 403, times=1)  # not retried by discord.py
    before = len(fake.sent)
    await fake.say(ned, "does unlearning hurt capability?", mention_bot=True)
    await fake.wait_until(lambda: len(fake.calls("POST", r"/channels/\d+/messages")) >= 1)
    await asyncio.sleep(0.1)
    assert any("could not reply" in r.getMessage() for r in caplog.records)
    await fake.say(ned, "is interpretability expensive?", mention_bot=True)
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == "Interpretability vs Efficiency"
