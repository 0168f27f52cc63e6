"""The tension map: a real PNG with every goal drawn and every tension an edge."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from bot.core.knowledge.loader import load_or_raise
from bot.core.knowledge.model import Knowledge
from bot.curation.tensionmap import HEIGHT, WIDTH, render


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
    from benchmarks import synthetic

    rendered = render(synthetic.build(300))
    assert len(rendered.layout.nodes) == len(synthetic.build(300).goals)
    assert Image.open(io.BytesIO(rendered.png)).size == (WIDTH, HEIGHT)
