"""The tension map: a real PNG with every goal drawn and every tension a named edge.

The PNGs of these cases were looked at while the layout was made (5, 20 and the maximum
number of tensions, short and longest names); what can be checked in numbers is checked
here: every edge named, every label inside the canvas and clear of the others, goal names
inside their circles.
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

import pytest
from PIL import Image

from bot.core.knowledge.loader import MAX_FILES, load_or_raise
from bot.core.knowledge.model import Knowledge
from bot.core.knowledge.schema import Goal, Tension
from bot.core.rendering.tension_map import HEIGHT, MAX_LABELLED_EDGES, WIDTH, Layout, render
from tests.conftest import BUNDLED


def test_bundled_map(knowledge: Knowledge) -> None:
    rendered = render(knowledge)
    assert rendered.png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(rendered.png)).convert("RGB")
    assert image.size == (WIDTH, HEIGHT)
    plan = rendered.layout
    assert [n.goal_id for n in plan.nodes] == list(knowledge.goals)
    assert {e.tension_id for e in plan.edges} == set(knowledge.tensions)
    for node in plan.nodes:  # every goal is drawn: its colour fills the circle's centre area
        goal = knowledge.goals[node.goal_id]
        expected = (
            goal.colour_value >> 16 & 255,
            goal.colour_value >> 8 & 255,
            goal.colour_value & 255,
        )
        assert image.getpixel((int(node.x), int(node.y - node.radius * 0.6))) == expected
    unquantified = [e for e in plan.edges if not e.quantified]
    assert [e.tension_id for e in unquantified] == ["interpretability-vs-capability"]
    assert unquantified[0].label == "not yet quantified"
    labels = {e.tension_id: e.label for e in plan.edges}
    assert labels["interpretability-vs-efficiency"] == "~10-100x · 2-5%"
    assert labels["calibration-vs-capability"] == "1-3%"


def test_cached_per_knowledge_version(knowledge: Knowledge) -> None:
    assert render(knowledge) is render(knowledge)


def test_goal_without_tension_still_renders(knowledge_copy: Path) -> None:
    goals = knowledge_copy / "goals.yaml"
    goals.write_text(
        goals.read_text("utf-8")
        + "  - id: robustness\n    name: Robustness\n    description: Holding up.\n"
        "    colour: '#1ABC9C'\n",
        "utf-8",
    )
    fresh = load_or_raise(knowledge_copy)
    rendered = render(fresh)
    assert "robustness" in {n.goal_id for n in rendered.layout.nodes}
    assert all("robustness" not in (e.a, e.b) for e in rendered.layout.edges)
    image = Image.open(io.BytesIO(rendered.png)).convert("RGB")
    node = rendered.layout.node("robustness")
    assert image.getpixel((int(node.x), int(node.y - node.radius * 0.6))) == (0x1A, 0xBC, 0x9C)


def test_large_knowledge_renders() -> None:
    from tests.support import synthetic

    rendered = render(synthetic.build(300))
    assert len(rendered.layout.nodes) == len(synthetic.build(300).goals)
    assert Image.open(io.BytesIO(rendered.png)).size == (WIDTH, HEIGHT)


def longest_names(tensions: int) -> Knowledge:
    """Generated knowledge with every goal name and title as long as the schema allows."""
    from tests.support import synthetic

    goals, items = synthetic.generate(tensions)
    for goal in goals:
        goal["name"] = (goal["name"] + " and a name as long as allowed" * 2)[:40]
    for item in items:
        item["title"] = (item["title"] + " with a title as long as allowed" * 4)[:100]
    return Knowledge.build(
        [Goal.model_validate(g) for g in goals],
        [Tension.model_validate(t) for t in items],
        fingerprint=f"longest-{tensions}",
    )


@cache
def knowledge_of(case: str) -> Knowledge:
    from tests.support import synthetic

    if case == "bundled-5":
        return load_or_raise(BUNDLED)
    if case == "longest-5":
        return longest_names(5)
    if case == "20":
        return synthetic.build(20)
    if case == "longest-20":
        return longest_names(20)
    if case == "most-numbered":
        return synthetic.build(MAX_LABELLED_EDGES)
    assert case == "maximum"
    return synthetic.build(MAX_FILES)  # one file per tension: the loader's limit


CASES = ["bundled-5", "longest-5", "20", "longest-20", "most-numbered", "maximum"]


def check_readable(plan: Layout) -> None:
    for label in plan.labels:  # inside the canvas, with a margin
        x0, y0, x1, y1 = label.box
        assert 0 < x0 < x1 < plan.width, label
        assert 0 < y0 < y1 < plan.height, label
    outside = [x for x in plan.labels if not x.inside]
    for i, one in enumerate(outside):  # no label covers another
        for other in outside[i + 1 :]:
            dx = min(one.box[2], other.box[2]) - max(one.box[0], other.box[0])
            dy = min(one.box[3], other.box[3]) - max(one.box[1], other.box[1])
            assert dx <= 0 or dy <= 0, (one, other)
    for label in plan.labels:  # a goal's name inside its circle stays clear of the rim
        if label.inside:
            node = plan.node(label.owner)
            half_w = (label.box[2] - label.box[0]) / 2
            half_h = (label.box[3] - label.box[1]) / 2
            assert math.hypot(half_w, half_h) <= node.radius - 8, label


@pytest.mark.parametrize("case", CASES)
def test_every_edge_is_named_and_every_label_fits(case: str) -> None:
    knowledge = knowledge_of(case)
    rendered = render(knowledge)
    plan = rendered.layout
    assert Image.open(io.BytesIO(rendered.png)).size == (WIDTH, HEIGHT)
    check_readable(plan)
    if len(plan.edges) <= MAX_LABELLED_EDGES:
        for edge in plan.edges:
            kinds = {x.kind: x for x in plan.labels_of(edge.tension_id)}
            named = kinds.get("edge") or kinds["key"]
            shown = named.lines[0] if named.kind == "edge" else named.lines[1]
            if named.kind == "key" and edge.label:  # the figures whole, after the name
                assert shown.endswith(f": {edge.label}"), named
                shown = shown.removesuffix(f": {edge.label}")
            name = shown.removesuffix("…")
            assert edge.title.startswith(name), (edge, named)
            assert len(name) >= min(len(edge.title), 20), named  # enough of it to tell
            if named.kind == "key":  # the number on the edge is the number in the key
                assert kinds["badge"].lines[0] == named.lines[0]
        assert "too many" not in plan.note
    else:
        assert not [x for x in plan.labels if x.kind != "name"]
        assert plan.note.startswith(f"{len(plan.edges):,} tensions are too many to name here")
    named_goals = {x.owner for x in plan.labels if x.kind == "name"}
    if len(named_goals) < len(plan.nodes):
        assert f"{len(plan.nodes) - len(named_goals):,} of {len(plan.nodes):,} goals" in plan.note


def test_bundled_edges_carry_name_and_figures(knowledge: Knowledge) -> None:
    plan = render(knowledge).layout
    lines = {x.owner: x.lines for x in plan.labels if x.kind == "edge"}
    assert lines["interpretability-vs-efficiency"] == (
        "Interpretability vs Efficiency",
        "~10-100x · 2-5%",
    )
    assert lines["interpretability-vs-capability"][1] == "not yet quantified"
    assert {x.owner for x in plan.labels if x.inside} == set(knowledge.goals)
