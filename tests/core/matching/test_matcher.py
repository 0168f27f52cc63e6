"""The matcher: a sample of each kind of labelled question, the mechanisms behind it, and
the guarantee that no input makes it raise."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge.label import Kind
from bot.core.knowledge.model import Knowledge
from bot.core.matching import index as index_module
from bot.core.matching.matcher import Matcher
from tests.support import synthetic
from tests.support.questions import load_all, load_sets

ALL = load_all()
# Issue 8: short, keyword-rich questions keep >= 95 % overall; realistic messages reach
# these per kind. The realistic dev set is what the blend was tuned on, so this guards
# against regressions; the untouched test set is scored by benchmarks/bench_matcher.py.
SHORT_TARGET = 0.95
REALISTIC_TARGETS = {Kind.TENSION: 0.90, Kind.GOAL: 0.85, Kind.LIST: 0.95, Kind.NONE: 0.92}


@pytest.fixture(scope="module")
def matcher(knowledge: Knowledge) -> Matcher:
    return Matcher(knowledge)


@pytest.mark.parametrize("source", sorted({item.source for item in ALL}))
def test_every_short_set_keeps_its_accuracy(matcher: Matcher, source: str) -> None:
    """Per set, not per question: with a learned part, one phrasing may move while the
    kind of question it stands for holds; the mechanisms below are asserted one by one."""
    items = [item for item in ALL if item.source == source]
    misses = [item.question for item in items if not item.judge(matcher.match(item.question))]
    assert len(misses) <= (1 - SHORT_TARGET) * len(items), misses


def test_short_questions_keep_their_accuracy(matcher: Matcher) -> None:
    right = [item.judge(matcher.match(item.question)) for item in ALL]
    assert sum(right) / len(right) >= SHORT_TARGET
    assert len(ALL) >= 150


def test_realistic_messages_meet_the_targets_per_kind(matcher: Matcher) -> None:
    results: dict[Kind, list[bool]] = defaultdict(list)
    for item in load_sets("dev"):
        results[item.kind].append(item.judge(matcher.match(item.question)))
    for kind, target in REALISTIC_TARGETS.items():
        rate = sum(results[kind]) / len(results[kind])
        assert rate >= target, f"{kind.value}: {rate:.1%} < {target:.0%}"
    assert len(results[Kind.NONE]) >= 90


@pytest.mark.parametrize(
    ("question", "tension"),
    [
        ("does running an SAE slow inference down?", "interpretability-vs-efficiency"),
        ("can we push the frontier cheaply", "capability-vs-efficiency"),
        ("calibraton capabilty tradeoff", "calibration-vs-capability"),  # two typos
        ("is it really 2-5% on benchmarks?", "interpretability-vs-efficiency"),  # a figure
        ("0.5-2% degradation, where is that from", "unlearning-vs-capability"),
        ("ROME side effects?", "unlearning-vs-capability"),  # an acronym carries a short question
        ("anyone measured the slowdown from interpretability?", "interpretability-vs-efficiency"),
        ("reinforcement learning from human feedback vs honesty", "calibration-vs-capability"),
        ("is capability fundamentally uninterpretable", "interpretability-vs-capability"),
        ("<@123> **does** `unlearning` hurt capability??? 🙏", "unlearning-vs-capability"),
    ],
)
def test_mechanisms(matcher: Matcher, question: str, tension: str) -> None:
    answer = matcher.match(question)
    assert (answer.kind, answer.tension) == (Kind.TENSION, tension), answer
    assert set(answer.goals) == set(matcher.knowledge.tensions[tension].goals)


@pytest.mark.parametrize(
    "question",
    [
        "how do I calibrate my monitor",
        "efficient market hypothesis",
        "how do I unlearn bad habits",
        "cheap flights to rome",
        "can someone explain transformers to me",
        "lol",
    ],
)
def test_near_misses_stay_quiet(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).kind is Kind.NONE


def test_a_keyword_shared_by_two_tensions_offers_both(matcher: Matcher) -> None:
    answer = matcher.match("what is superposition?")
    assert answer.kind is Kind.NONE
    assert set(answer.alternatives[:2]) == {
        "interpretability-vs-capability",
        "unlearning-vs-capability",
    }


def test_goal_with_one_tension_asked_about_its_cost_gives_that_tension(matcher: Matcher) -> None:
    assert matcher.match("what does unlearning trade off against?").goal == "unlearning"
    answer = matcher.match("does unlearning hurt?")
    assert (answer.kind, answer.tension) == (Kind.TENSION, "unlearning-vs-capability")


def test_three_goals_at_once_is_not_one_clear_tension(matcher: Matcher) -> None:
    answer = matcher.match("interpretability vs capability and efficiency")
    assert answer.kind is Kind.NONE
    assert len(answer.alternatives) == 3


def test_alternatives_are_runner_up_tensions_at_most_three(matcher: Matcher) -> None:
    answer = matcher.match("does interpretability hurt capability")
    assert (answer.kind, answer.tension) == (Kind.TENSION, "interpretability-vs-capability")
    assert "interpretability-vs-efficiency" in answer.alternatives
    assert answer.tension not in answer.alternatives
    assert len(answer.alternatives) <= 3
    assert set(answer.alternatives) <= set(matcher.knowledge.tensions)


def test_json_interface_has_the_documented_fields(matcher: Matcher) -> None:
    data = matcher.match("is interpretability expensive?").to_json()
    assert data == {
        "question": "is interpretability expensive?",
        "kind": "tension",
        "tension": "interpretability-vs-efficiency",
        "goal": None,
        "goals": ["interpretability", "efficiency"],
        "score": data["score"],
        "alternatives": data["alternatives"],
    }
    assert 0 < data["score"] <= 1


def test_the_index_is_built_once_per_knowledge(
    knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = 0
    original = index_module.KnowledgeIndex.__init__

    def counting(self: index_module.KnowledgeIndex, k: Knowledge) -> None:
        nonlocal built
        built += 1
        original(self, k)

    monkeypatch.setattr(index_module.KnowledgeIndex, "__init__", counting)
    matcher = Matcher(knowledge)
    for question in ("sae overhead", "lol", "list tensions", "calibration"):
        matcher.match(question)
    assert built == 1


def test_works_on_generated_knowledge() -> None:
    big = synthetic.build(300)
    matcher = Matcher(big)
    tension = next(iter(big.tensions.values()))
    a, b = (big.goals[g].name for g in tension.goals)
    answer = matcher.match(f"is there a tradeoff between {a} and {b}?")
    assert (answer.kind, answer.tension) == (Kind.TENSION, tension.id)


HOSTILE = [
    "",
    " ",
    "\x00\x01\x02",
    "@everyone @here <@&123> <@!456> <#789>",
    "😀" * 5000,
    "ش" * 3000 + " interpretability",
    "‮reversed‬ text",
    "**bold** __under__ ~~strike~~ ||spoiler|| `code` ```block```",
    "a" * 10_000,
    "sae " * 3000,
    "\n" * 1000,
    "%" * 200 + "10x" * 500,
]


@pytest.mark.parametrize("question", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_gets_an_answer(matcher: Matcher, question: str) -> None:
    answer = matcher.match(question)
    json.dumps(answer.to_json())
    assert answer.question == question


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_any_string_returns_an_answer(question: str) -> None:
    answer = _shared().match(question)
    assert answer.kind in Kind
    assert 0.0 <= answer.score <= 1.0
    assert len(answer.alternatives) <= 3
    json.dumps(answer.to_json())


_cache: list[Matcher] = []


def _shared() -> Matcher:
    if not _cache:
        from bot.core.knowledge.loader import load_or_raise
        from tests.conftest import BUNDLED

        _cache.append(Matcher(load_or_raise(BUNDLED)))
    return _cache[0]
