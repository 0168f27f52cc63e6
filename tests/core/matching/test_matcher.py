"""The matcher: a sample of each kind of labelled question, the mechanisms behind it, and
the guarantee that no input makes it raise."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.knowledge.label import Kind
from bot.core.knowledge.loader import load_or_raise
from bot.core.knowledge.model import Knowledge
from bot.core.matching.matcher import Matcher
from tests.support import synthetic
from tests.support.questions import load_all, load_sets

ALL = load_all()
# Issue 8: short, keyword-rich questions keep >= 95 % overall; realistic messages reach
# these per kind. The realistic dev set is what the blend was tuned on, so this guards
# against regressions; the untouched test set is scored by benchmarks/bench_matcher.py.
# Guards against regressions, below the figures measured (benchmarks/RESULTS.md): the
# short sets overall, each of them, and the realistic dev sets per kind.
SHORT_TARGET = 0.94
SHORT_EACH = 0.85
REALISTIC_TARGETS = {Kind.TENSION: 0.93, Kind.GOAL: 0.90, Kind.LIST: 0.90, Kind.NONE: 0.93}


@pytest.fixture(scope="module")
def matcher(knowledge: Knowledge) -> Matcher:
    return Matcher(knowledge)


@pytest.mark.parametrize("source", sorted({item.source for item in ALL}))
def test_every_short_set_keeps_its_accuracy(matcher: Matcher, source: str) -> None:
    """Per set, not per question: with a learned part, one phrasing may move while the
    kind of question it stands for holds; the mechanisms below are asserted one by one."""
    items = [item for item in ALL if item.source == source]
    misses = [item.question for item in items if not item.judge(matcher.match(item.question))]
    assert len(misses) <= (1 - SHORT_EACH) * len(items), misses


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
        ("is it really 2-5% overhead?", "interpretability-vs-efficiency"),  # a figure
        ("0.5-2% degradation, where is that from", "unlearning-vs-capability"),
        ("ROME side effects?", "unlearning-vs-capability"),  # an acronym carries a short question
        (
            "anyone measured how much interpretability slows inference?",
            "interpretability-vs-efficiency",
        ),
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


def test_three_goals_at_once_offer_the_tensions_between_them(matcher: Matcher) -> None:
    answer = matcher.match("interpretability vs capability and efficiency")
    both = {"interpretability-vs-capability", "interpretability-vs-efficiency"}
    assert answer.kind is Kind.TENSION
    assert answer.tension in both
    assert both - {answer.tension} <= set(answer.alternatives)


def test_alternatives_are_runner_up_tensions_at_most_three(matcher: Matcher) -> None:
    answer = matcher.match("does interpretability hurt capability")
    assert (answer.kind, answer.tension) == (Kind.TENSION, "interpretability-vs-capability")
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
        "more": [],
    }
    assert 0 < data["score"] <= 1


def test_a_keyword_answers_on_its_own_after_a_reload(knowledge_copy: Path) -> None:
    """What a curator writes into keywords: works with no example written."""
    path = knowledge_copy / "tensions" / "calibration-vs-capability.yaml"
    path.write_text(path.read_text().replace("keywords:\n", "keywords:\n  - glimmerquant\n", 1))
    matcher = Matcher(load_or_raise(knowledge_copy))
    for question in ("what about glimmerquant?", "glimmerquant", "glimerquant tradeoff?"):
        answer = matcher.match(question)
        assert (answer.kind, answer.tension) == (Kind.TENSION, "calibration-vs-capability"), (
            question
        )


def test_the_score_is_a_probability_of_being_right(matcher: Matcher) -> None:
    """Calibrated: among confident answers to the dev sets, about as many are right as the
    scores say (within a generous band: this is a guard, the figures are in RESULTS.md)."""
    items = load_sets("dev")
    answers = [matcher.match(item.question) for item in items]
    given = [(a.score, item.judge(a)) for a, item in zip(answers, items, strict=True)
             if a.kind is not Kind.NONE]  # fmt: skip
    expected = sum(score for score, _ in given) / len(given)
    observed = sum(right for _, right in given) / len(given)
    assert abs(expected - observed) < 0.08


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
