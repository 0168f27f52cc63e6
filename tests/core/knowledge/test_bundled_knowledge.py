"""The bundled knowledge is complete, and says exactly what the seed text says."""

from __future__ import annotations

import re

import pytest

from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.model import Knowledge
from tests.conftest import BUNDLED, DATA

GOAL_IDS = ["interpretability", "efficiency", "capability", "calibration", "unlearning"]
TENSION_IDS = {
    "interpretability-vs-efficiency",
    "capability-vs-efficiency",
    "calibration-vs-capability",
    "unlearning-vs-capability",
    "interpretability-vs-capability",
}
# In the seed's order.
SEED_ORDER = [
    "interpretability-vs-efficiency",
    "capability-vs-efficiency",
    "calibration-vs-capability",
    "unlearning-vs-capability",
    "interpretability-vs-capability",
]


def seed_sections() -> list[dict[str, str]]:
    """Split the seed into (summary, tradeoff, research) per tension, by its headings."""
    lines = [line.strip() for line in (DATA / "seed.txt").read_text("utf-8").splitlines()]
    body = lines[3:]  # title, intro, "5 documented tensions"
    sections = []
    for start in range(0, len(body), 5):
        summary, heading1, tradeoff, heading2, research = body[start : start + 5]
        assert (heading1, heading2) == ("Known Tradeoff", "Active Research")
        sections.append({"summary": summary, "tradeoff": tradeoff, "research": research})
    return sections


def test_bundled_knowledge_loads_without_problems_or_warnings() -> None:
    result = load_knowledge(BUNDLED)
    assert result.ok, [str(p) for p in result.problems]
    assert result.warnings == ()


def test_goal_and_tension_ids_are_exactly_the_documented_ones(knowledge: Knowledge) -> None:
    assert list(knowledge.goals) == GOAL_IDS
    assert set(knowledge.tensions) == TENSION_IDS
    assert len(seed_sections()) == len(TENSION_IDS)


@pytest.mark.parametrize(("index", "tension_id"), list(enumerate(SEED_ORDER)))
def test_texts_match_the_seed_verbatim(knowledge: Knowledge, index: int, tension_id: str) -> None:
    seed = seed_sections()[index]
    tension = knowledge.tensions[tension_id]
    assert tension.summary == seed["summary"]
    assert tension.tradeoff == seed["tradeoff"]
    assert " ".join(tension.research) == seed["research"]


@pytest.mark.parametrize(
    ("tension_id", "figures"),
    [
        ("interpretability-vs-efficiency", ["~10-100x", "2-5%"]),
        (
            "capability-vs-efficiency",
            ["10x compute → 1 benchmark point", "~70-80%", "10-100x less"],
        ),
        ("calibration-vs-capability", ["1-3%"]),
        ("unlearning-vs-capability", ["0.5-2%"]),
    ],
)
def test_figures_are_stated_as_the_seed_states_them(
    knowledge: Knowledge, tension_id: str, figures: list[str]
) -> None:
    tension = knowledge.tensions[tension_id]
    for figure in figures:
        assert figure in tension.tradeoff
    assert tension.quantified


def test_the_unquantified_tension_says_so(knowledge: Knowledge) -> None:
    tension = knowledge.tensions["interpretability-vs-capability"]
    assert not tension.quantified
    assert tension.tradeoff.startswith("No quantified tradeoff yet")
    assert [t.id for t in knowledge.tensions.values() if not t.quantified] == [tension.id]


def test_no_figure_appears_that_the_seed_does_not_contain(knowledge: Knowledge) -> None:
    seed = (DATA / "seed.txt").read_text("utf-8")
    number = re.compile(r"\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?[x%]?")
    for tension in knowledge.tensions.values():
        text = " ".join([tension.summary, tension.tradeoff, *tension.research])
        for figure in number.findall(text):
            assert figure in seed, f"{tension.id}: {figure} is not in the seed"


def test_further_reading_comes_from_the_checked_references(knowledge: Knowledge) -> None:
    references = (DATA / "references.md").read_text("utf-8")
    for tension in knowledge.tensions.values():
        assert tension.reading, f"{tension.id} has no further reading"
        for item in tension.reading:
            assert item.title in references, item.title
            address = item.url.removeprefix("https://").replace("arxiv.org/abs/", "arXiv:")
            assert address in references, item.url


def test_goals_have_the_aliases_people_use(knowledge: Knowledge) -> None:
    expected = {
        "interpretability": {"explainability", "mech interp", "transparency"},
        "efficiency": {"compute", "cost", "cheap", "inference cost"},
        "capability": {"frontier", "performance", "benchmarks", "scaling"},
        "calibration": {"honesty", "uncertainty", "abstention", "hallucination"},
        "unlearning": {"machine unlearning", "knowledge removal", "model editing", "forgetting"},
    }
    for goal_id, aliases in expected.items():
        assert aliases <= set(knowledge.goals[goal_id].aliases), goal_id


def test_keywords_name_the_specific_terms_of_each_tension(knowledge: Knowledge) -> None:
    expected = {
        "interpretability-vs-efficiency": {"sae", "activation analysis", "simpler circuits"},
        "capability-vs-efficiency": {
            "scaling laws",
            "distillation",
            "deepseek",
            "test-time compute",
        },
        "calibration-vs-capability": {"abstention", "hedging", "epistemic rlhf"},
        "unlearning-vs-capability": {"rome", "memit", "superposition"},
        "interpretability-vs-capability": {"entangled representations", "superposition"},
    }
    for tension_id, keywords in expected.items():
        assert keywords <= set(knowledge.tensions[tension_id].keywords), tension_id
