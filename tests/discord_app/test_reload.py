"""``/reload``: who may, what it reports, what it changes (and what it never changes)."""

from __future__ import annotations

import logging

import pytest

from bot.discord_app.privacy import person_tag
from tests.discord_app.harness import TOKEN, Harness
from tests.discord_app.scenes import NEW_TENSION, moderator


async def test_reload_is_hidden_and_guild_only(harness: Harness) -> None:
    [reload] = [c for c in harness.fake.commands[None] if c["name"] == "reload"]
    assert reload["default_member_permissions"] == str(1 << 5)  # Manage Server
    assert reload["contexts"] == [0]  # servers only


async def test_non_moderator_is_refused_server_side(harness: Harness) -> None:
    fake = harness.fake
    before = harness.bot.store.snapshot  # type: ignore[union-attr]
    done = await fake.slash(fake.person("pat"), "reload")
    assert done.ephemeral
    assert "Manage Server or a moderator role" in done.response["embeds"][0]["description"]
    assert harness.bot.store.snapshot is before  # type: ignore[union-attr]


@pytest.mark.parametrize("how", ["role", "manage_guild"])
async def test_moderator_reload_reports_the_diff_and_new_data_answers(
    harness: Harness, how: str
) -> None:
    fake = harness.fake
    folder = harness.settings.knowledge_dir
    (folder / "tensions" / "calibration-vs-efficiency.yaml").write_text(NEW_TENSION, "utf-8")
    path = folder / "tensions" / "unlearning-vs-capability.yaml"
    path.write_text(path.read_text("utf-8").replace("0.5-2%", "0.5-2.5%"), "utf-8")
    who = moderator(harness) if how == "role" else fake.person("admin", manage_guild=True)
    puts = len(fake.calls("PUT", r"/applications/\d+/commands"))
    done = await fake.slash(who, "reload")
    assert done.callbacks[0]["type"] == 5  # deferred: "thinking…"
    edits, followups = fake.completions(done)
    assert (len(edits), followups) == (1, [])  # then the thinking message is edited
    assert done.ephemeral
    embed = done.response["embeds"][0]
    assert embed["title"] == "Knowledge reloaded"
    assert "1 tension added: calibration-vs-efficiency" in embed["description"]
    assert "1 tension changed: unlearning-vs-capability" in embed["description"]
    assert len(fake.calls("PUT", r"/applications/\d+/commands")) == puts  # goals unchanged
    answer = await fake.slash(
        fake.person("q"), "ask", {"question": "is self-consistency sampling expensive?"}
    )
    assert answer.response["embeds"][0]["title"] == "Calibration vs Efficiency"
    answer = await fake.slash(fake.person("q"), "tension", {"name": "unlearning-vs-capability"})
    assert "0.5-2.5% degradation" in str(answer.response["embeds"][0])


async def test_broken_files_are_reported_and_the_old_data_keeps_answering(harness: Harness) -> None:
    fake = harness.fake
    folder = harness.settings.knowledge_dir
    (folder / "tensions" / "bad.yaml").write_text("id: bad\nsumary: x\n", "utf-8")
    (folder / "tensions" / "worse.yaml").write_text("id: [unclosed\n", "utf-8")
    path = folder / "tensions" / "interpretability-vs-efficiency.yaml"
    path.write_text(path.read_text("utf-8").replace("~10-100x", "~1000x"), "utf-8")  # must not leak
    version = harness.bot.store.snapshot.version  # type: ignore[union-attr]
    done = await fake.slash(moderator(harness), "reload")
    embed = done.response["embeds"][0]
    assert embed["title"].startswith("Reload refused: ")
    assert (
        "knowledge/tensions/bad.yaml:2 sumary: unknown field (did you mean 'summary'?)"
        in embed["description"]
    )
    assert "knowledge/tensions/worse.yaml:" in embed["description"]
    assert "still serving" in embed["footer"]["text"]
    assert harness.bot.store.snapshot.version == version  # type: ignore[union-attr]
    answer = await fake.slash(
        fake.person("r"), "ask", {"question": "does running an SAE slow inference down?"}
    )
    assert "~10-100x compute overhead" in str(answer.response["embeds"][0])


async def test_a_new_goal_becomes_a_command_and_a_removed_one_goes(harness: Harness) -> None:
    fake = harness.fake
    folder = harness.settings.knowledge_dir
    goals = folder / "goals.yaml"
    original = goals.read_text("utf-8")
    goals.write_text(
        original + "  - id: robustness\n    name: Robustness\n"
        "    description: Holding up under distribution shift and attack.\n"
        "    colour: '#1ABC9C'\n    aliases: [adversarial robustness]\n",
        "utf-8",
    )
    (folder / "tensions" / "robustness-vs-capability.yaml").write_text(
        NEW_TENSION.replace("calibration-vs-efficiency", "robustness-vs-capability")
        .replace("[calibration, efficiency]", "[robustness, capability]")
        .replace("Calibration vs Efficiency", "Robustness vs Capability"),
        "utf-8",
    )
    puts = len(fake.calls("PUT", r"/applications/\d+/commands"))
    done = await fake.slash(moderator(harness), "reload")
    assert "1 goal added: robustness" in done.response["embeds"][0]["description"]
    assert "goal commands updated" in done.response["embeds"][0]["description"]
    assert len(fake.calls("PUT", r"/applications/\d+/commands")) == puts + 1
    assert "robustness" in {c["name"] for c in fake.commands[None]}
    used = await fake.slash(fake.person("s"), "robustness")
    assert used.response["embeds"][0]["title"] == "Robustness"

    goals.write_text(original, "utf-8")
    (folder / "tensions" / "robustness-vs-capability.yaml").unlink()
    done = await fake.slash(moderator(harness), "reload")
    assert "1 goal removed: robustness" in done.response["embeds"][0]["description"]
    assert len(fake.calls("PUT", r"/applications/\d+/commands")) == puts + 2
    assert "robustness" not in {c["name"] for c in fake.commands[None]}


async def test_every_reload_is_logged_with_who(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    who = moderator(harness)
    await harness.fake.slash(who, "reload")
    records = [r for r in caplog.records if r.getMessage().startswith("reload ")]
    assert records
    tag = person_tag(int(who["id"]), TOKEN)
    assert records[-1].by == tag  # type: ignore[attr-defined]
    assert str(who["id"]) not in str(records[-1].__dict__)


async def test_a_failure_after_the_defer_replaces_the_thinking_message(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken() -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(harness.bot.store, "reload", broken)  # type: ignore[union-attr]
    done = await harness.fake.slash(moderator(harness), "reload")
    edits, followups = harness.fake.completions(done)
    assert (len(edits), followups) == (1, [])
    assert done.ephemeral
    assert "Something went wrong" in done.response["embeds"][0]["description"]
    assert any("command /reload failed" in r.getMessage() for r in caplog.records)
