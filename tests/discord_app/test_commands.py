"""Slash commands, autocomplete and buttons, as Discord delivers them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.discord_app.harness import Harness

GOALS = ["interpretability", "efficiency", "capability", "calibration", "unlearning"]
BUILTINS = {"ask", "tension", "tensions", "about", "help", "reload", "stats", "settings"}


def field(embed: dict[str, Any], name: str) -> str:
    for item in embed.get("fields", []):
        if item["name"] == name:
            return str(item["value"])
    raise AssertionError(f"no field {name!r} in {embed}")


async def test_commands_registered_once_with_every_goal(harness: Harness) -> None:
    registered = {c["name"] for c in harness.fake.commands[None] if c["type"] == 1}
    assert registered == BUILTINS | set(GOALS)
    menus = {c["name"] for c in harness.fake.commands[None] if c["type"] == 3}
    assert menus == {"Teach tensionbot"}
    assert len(harness.fake.calls("PUT", r"/applications/\d+/commands")) == 1


async def test_ask_answers_publicly(harness: Harness) -> None:
    fake = harness.fake
    done = await fake.slash(
        fake.person("ann"), "ask", {"question": "can we push the frontier cheaply?"}
    )
    assert not done.ephemeral
    embed = done.response["embeds"][0]
    assert embed["title"] == "Frontier Capability vs Cost Efficiency"
    assert "Roughly 10x compute → 1 benchmark point" in field(embed, "Known tradeoff")
    assert done.response["allowed_mentions"] == {"parse": []}


async def test_ask_without_a_match_is_ephemeral(harness: Harness) -> None:
    fake = harness.fake
    done = await fake.slash(fake.person("ben"), "ask", {"question": "who wants pizza"})
    assert done.ephemeral
    assert done.response["embeds"][0]["title"] == "No matching tension"
    assert "pizza" not in str(done.response)
    assert done.response["embeds"][0]["footer"]["text"].startswith("Try /tensions")


async def test_ask_a_goal_overview_and_the_list(harness: Harness) -> None:
    fake = harness.fake
    goal = await fake.slash(
        fake.person("cat"), "ask", {"question": "what does unlearning trade off against?"}
    )
    assert goal.response["embeds"][0]["title"] == "Unlearning"
    listing = await fake.slash(fake.person("cat"), "ask", {"question": "list all the tradeoffs"})
    assert listing.response["embeds"][0]["title"] == "Goal tensions"


async def test_tension_by_id_and_by_free_text(harness: Harness) -> None:
    fake = harness.fake
    dan = fake.person("dan")
    done = await fake.slash(dan, "tension", {"name": "unlearning-vs-capability"})
    assert done.response["embeds"][0]["title"] == "Unlearning vs Capability"
    assert "0.5-2% degradation" in field(done.response["embeds"][0], "Known tradeoff")
    typed = await fake.slash(dan, "tension", {"name": "rome memit"})
    assert typed.response["embeds"][0]["title"] == "Unlearning vs Capability"
    unknown = await fake.slash(dan, "tension", {"name": "pizza toppings"})
    assert unknown.ephemeral


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("", "Interpretability vs Efficiency"),
        ("sae", "Interpretability vs Efficiency"),
        ("calib", "Calibration vs Benchmark Capability"),
        ("frontier", "Frontier Capability vs Cost Efficiency"),
        ("😀" * 100, None),
    ],
)
async def test_tension_autocomplete(harness: Harness, typed: str, first: str | None) -> None:
    fake = harness.fake
    choices = await fake.autocomplete(fake.person("eve"), "tension", "name", typed)
    assert len(choices) <= 25
    assert all(1 <= len(c["name"]) <= 100 for c in choices)
    if first is not None:
        assert choices[0]["name"] == first
        assert choices[0]["value"] in harness.bot.store.snapshot.knowledge.tensions  # type: ignore[union-attr]


async def test_tensions_lists_all(harness: Harness) -> None:
    fake = harness.fake
    done = await fake.slash(fake.person("fay"), "tensions")
    embed = done.response["embeds"][0]
    assert embed["title"] == "Goal tensions"
    assert embed["footer"]["text"] == "5 documented tensions between 5 goals"
    for title in ("Interpretability vs Efficiency", "Unlearning vs Capability"):
        assert title in embed["description"]


@pytest.mark.parametrize("goal", GOALS)
async def test_each_goal_command_gives_its_overview(harness: Harness, goal: str) -> None:
    fake = harness.fake
    done = await fake.slash(fake.person("gus"), goal)
    embed = done.response["embeds"][0]
    knowledge = harness.bot.store.snapshot.knowledge  # type: ignore[union-attr]
    assert embed["title"] == knowledge.goals[goal].name
    for tension in knowledge.tensions_of(goal):
        assert field(embed, tension.title)


async def test_goal_command_question_narrows_to_one_tension(harness: Harness) -> None:
    fake = harness.fake
    hal = fake.person("hal")
    done = await fake.slash(hal, "interpretability", {"question": "is it expensive to run?"})
    assert done.response["embeds"][0]["title"] == "Interpretability vs Efficiency"
    done = await fake.slash(hal, "capability", {"question": "what about hedging?"})
    assert done.response["embeds"][0]["title"] == "Calibration vs Benchmark Capability"
    choices = await fake.autocomplete(hal, "capability", "question", "")
    assert len(choices) == 4


async def test_about_and_help_are_ephemeral(harness: Harness) -> None:
    fake = harness.fake
    about = await fake.slash(fake.person("ida"), "about")
    assert about.ephemeral
    embed = about.response["embeds"][0]
    assert field(embed, "Tensions") == "5"
    assert field(embed, "Goals") == "5"
    assert "loaded <t:" in field(embed, "Knowledge")
    help_ = await fake.slash(fake.person("ida"), "help")
    assert "/interpretability" in help_.response["embeds"][0]["description"]


async def test_works_in_dms_too(harness: Harness) -> None:
    fake = harness.fake
    done = await fake.slash(
        fake.person("jo"), "ask", {"question": "is interpretability expensive?"}, dm=True
    )
    assert done.response["embeds"][0]["title"] == "Interpretability vs Efficiency"


async def test_related_button_shows_that_tension_to_the_presser(harness: Harness) -> None:
    fake = harness.fake
    kai = fake.person("kai")
    done = await fake.slash(kai, "ask", {"question": "is interpretability expensive?"})
    buttons = [c for row in done.response["components"] for c in row["components"]]
    target = next(b for b in buttons if b["label"] == "Interpretability vs Capability")
    assert done.original is not None
    pressed = await fake.press(fake.person("lou"), done.original, target["custom_id"])
    assert pressed.ephemeral
    assert pressed.response["embeds"][0]["title"] == "Interpretability vs Capability"


async def test_buttons_on_a_message_reply_work(harness: Harness) -> None:
    fake = harness.fake
    before = len(fake.sent)
    await fake.say(fake.person("max"), "what is superposition?", mention_bot=True)
    reply = await fake.next_message(before)
    custom_id = reply["components"][0]["components"][0]["custom_id"]
    pressed = await fake.press(fake.person("max"), reply, custom_id)
    assert pressed.response["embeds"][0]["title"] in {
        "Interpretability vs Capability",
        "Unlearning vs Capability",
    }


async def test_views_time_out_by_disabling_their_buttons(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(harness.bot.answerer.expiry, "seconds", 0.3)  # type: ignore[union-attr]
    fake = harness.fake
    before = len(fake.sent)
    await fake.say(fake.person("ned"), "is interpretability expensive?", mention_bot=True)
    reply = await fake.next_message(before)
    message_id = int(reply["id"])
    done = await fake.slash(
        fake.person("ned"), "ask", {"question": "does unlearning hurt capability?"}
    )

    def disabled(components: list[dict[str, object]]) -> bool:
        return all(c.get("disabled") for row in components for c in row["components"])  # type: ignore[attr-defined]

    await fake.wait_until(lambda: disabled(fake.messages[message_id]["components"]), timeout=5)
    assert done.original is not None
    await fake.wait_until(lambda: disabled(done.original["components"]), timeout=5)  # type: ignore[index]
    await asyncio.sleep(0)


async def test_buttons_keep_working_after_a_restart(harness: Harness) -> None:
    fake = harness.fake
    before = len(fake.sent)
    await fake.say(fake.person("ola"), "is interpretability expensive?", mention_bot=True)
    reply = await fake.next_message(before)
    await harness.restart()
    custom_id = reply["components"][0]["components"][0]["custom_id"]
    pressed = await fake.press(fake.person("ola"), reply, custom_id)
    assert pressed.response["embeds"][0]["title"] == "Interpretability vs Capability"


async def test_a_button_whose_tension_was_removed_says_so(harness: Harness) -> None:
    fake = harness.fake
    before = len(fake.sent)
    await fake.say(fake.person("pam"), "is interpretability expensive?", mention_bot=True)
    reply = await fake.next_message(before)
    (harness.settings.knowledge_dir / "tensions" / "interpretability-vs-capability.yaml").unlink()
    outcome = await harness.bot.store.reload()  # type: ignore[union-attr]
    assert outcome.ok
    custom_id = reply["components"][0]["components"][0]["custom_id"]
    pressed = await fake.press(fake.person("pam"), reply, custom_id)
    assert pressed.ephemeral
    assert "no longer in the knowledge" in pressed.response["embeds"][0]["description"]
