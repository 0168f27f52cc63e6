"""The teach prompt within Discord's limits, whatever the size of the knowledge."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.knowledge.model import Knowledge
from bot.core.serving.store import Snapshot
from bot.curation.stats import Group
from bot.discord_app.exts.stats.buttons import stats_view
from bot.discord_app.exts.teaching.prompt import PICK_ID, pick_view
from tests.fakediscord.validate import message_errors
from tests.support import synthetic


def components(view: discord.ui.View | None) -> list[dict[str, Any]]:
    assert view is not None
    return [dict(row) for row in view.to_components()]


def test_a_large_knowledge_offers_the_24_likeliest_and_silence() -> None:
    big = synthetic.build(300)
    answers = len(big.tensions) + len(big.goals) + 2
    view = pick_view(Snapshot.of(big), "is it expensive?")
    [row] = components(view)
    [menu] = row["components"]
    assert menu["custom_id"] == PICK_ID
    options = menu["options"]
    assert len(options) == 25
    assert options[-1]["value"] == "none"
    assert f"({answers - 25} more answers not listed)" in menu["placeholder"]
    assert message_errors({"components": components(view)}) == []


def test_the_bundled_knowledge_fits_whole(knowledge: Knowledge) -> None:
    view = pick_view(Snapshot.of(knowledge), "is it expensive?")
    [row] = components(view)
    [menu] = row["components"]
    assert len(menu["options"]) == len(knowledge.tensions) + len(knowledge.goals) + 2
    assert menu["placeholder"] == "What should the bot answer?"
    assert message_errors({"components": components(view)}) == []


def test_stats_buttons_fit_their_rows() -> None:
    groups = tuple(Group(f"q{i}", 1, (f"q{i}",), 10**18 + i) for i in range(10))
    view = stats_view(groups)
    rows = components(view)
    assert [len(r["components"]) for r in rows] == [5, 5]
    assert message_errors({"components": rows}) == []
    assert stats_view((Group("gone", 1, ("gone",), None),)) is None
