"""Conversations in the core: each kind of follow-up, standalone questions, the memory."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import limits
from bot.core.conversation.context import Context
from bot.core.conversation.memory import ConversationMemory
from bot.core.conversation.resolve import Conversation, respond
from bot.core.knowledge.label import Kind, Label, Section
from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.model import Knowledge
from bot.core.matching.matcher import Matcher
from tests.support.conversations import (
    CONVERSATIONS,
    BadConversationsError,
    load,
    play_given_labels,
)

SAE = "does running an SAE slow inference down?"
IE = "interpretability-vs-efficiency"
IC = "interpretability-vs-capability"
CC = "calibration-vs-capability"
CE = "capability-vs-efficiency"
UC = "unlearning-vs-capability"


@pytest.fixture(scope="module")
def matcher(knowledge: Knowledge) -> Matcher:
    return Matcher(knowledge)


def after(matcher: Matcher, *lines: str) -> tuple[str, str | None, Section | None, bool]:
    """Play the lines as one conversation; (kind, target, section, follow_up) of the last."""
    chat = Conversation(matcher)
    for line in lines[:-1]:
        chat.ask(line)
    turn = chat.ask(lines[-1])
    answer = turn.answer
    return answer.kind.value, answer.tension or answer.goal, turn.section, turn.follow_up


# --- asking for a part of the last answer ----------------------------------------------------


@pytest.mark.parametrize(
    ("follow_up", "section"),
    [
        ("how much exactly?", Section.TRADEOFF),
        ("are those numbers solid?", Section.TRADEOFF),
        ("how big is the hit, in numbers?", Section.TRADEOFF),
        ("who's working on this?", Section.RESEARCH),
        ("is anyone fixing that?", Section.RESEARCH),
        ("citation?", Section.READING),
        ("any papers?", Section.READING),
        ("why?", Section.SUMMARY),
        ("explain", Section.SUMMARY),
        ("¿cuánto exactamente?", Section.TRADEOFF),
        ("gibt es Paper dazu?", Section.READING),
        ("为什么？", Section.SUMMARY),
    ],
)
def test_a_part_of_the_same_answer(matcher: Matcher, follow_up: str, section: Section) -> None:
    assert after(matcher, SAE, follow_up) == ("tension", IE, section, True)


def test_a_part_of_a_goal_answer_is_that_part_for_the_goal(matcher: Matcher) -> None:
    assert after(matcher, "tell me about calibration", "any papers?") == (
        "goal",
        "calibration",
        Section.READING,
        True,
    )


# --- switching one side ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        # The first side is kept when both would make a tension: it is what was asked about.
        (SAE, "and benchmarks?", IC),
        (SAE, "does it also cost accuracy?", IC),
        # Otherwise the side that makes one.
        ("do bigger models get harder to interpret?", "what about calibration?", CC),
        ("does unlearning hurt capability?", "what about interpretability", IC),
        ("do calibrated models score lower on benchmarks?", "and cost?", CE),
        ("does unlearning hurt capability?", "und Kalibrierung?", CC),
        ("can we push the frontier cheaply?", "e unlearning?", UC),
    ],
)
def test_another_goal_switches_one_side(
    matcher: Matcher, first: str, follow_up: str, expected: str
) -> None:
    assert after(matcher, first, follow_up) == ("tension", expected, None, True)


def test_a_switch_with_no_tension_is_the_goals_overview(matcher: Matcher) -> None:
    assert after(matcher, SAE, "what about unlearning?") == ("goal", "unlearning", None, True)
    assert after(matcher, SAE, "et la calibration ?") == ("goal", "calibration", None, True)


def test_a_switch_and_a_part_at_once(matcher: Matcher) -> None:
    assert after(matcher, SAE, "what about capability, any papers?") == (
        "tension",
        IC,
        Section.READING,
        True,
    )


def test_the_switched_answer_is_the_new_context(matcher: Matcher) -> None:
    assert after(matcher, SAE, "and benchmarks?", "why?") == ("tension", IC, Section.SUMMARY, True)


# --- nothing fits ----------------------------------------------------------------------------


def test_a_follow_up_that_fits_nothing_offers_the_last_answer(
    matcher: Matcher, knowledge: Knowledge
) -> None:
    chat = Conversation(matcher)
    chat.ask(SAE)
    turn = chat.ask("does that work for llama too?")
    assert turn.answer.kind is Kind.NONE
    assert turn.unclear == Label.tension(IE)
    card = turn.card(knowledge)
    assert "Interpretability vs Efficiency" in card.description
    assert next(link.target for link in card.links) == Label.tension(IE)
    # The conversation goes on from the same answer.
    assert chat.ask("numbers?").answer.tension == IE


# --- standalone questions win ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("follow_up", "expected"),
    [
        ("ok different question: can we push the frontier cheaply?", CE),
        ("does unlearning hurt capability?", UC),
        ("do models that say idk get penalized on benchmarks?", CC),
    ],
)
def test_a_confident_standalone_question_wins(
    matcher: Matcher, follow_up: str, expected: str
) -> None:
    assert after(matcher, SAE, follow_up) == ("tension", expected, None, False)


@pytest.mark.parametrize(
    "line", ["why?", "source?", "how much exactly?", "and the numbers?", "who's working on it?"]
)
def test_without_context_a_follow_up_stays_none(matcher: Matcher, line: str) -> None:
    assert after(matcher, line) == ("none", None, None, False)


def test_chatter_between_keeps_the_context_and_the_list_clears_it(matcher: Matcher) -> None:
    assert after(matcher, SAE, "thanks, super useful", "any papers?")[:3] == (
        "tension",
        IE,
        Section.READING,
    )
    assert after(matcher, SAE, "what tensions are there?", "why?")[0] == "none"


def test_a_context_the_knowledge_no_longer_has_is_ignored(matcher: Matcher) -> None:
    gone = Context(Kind.TENSION, "no-such-tension")
    assert respond(matcher, gone, "why?").answer.kind is Kind.NONE


def test_a_context_holds_no_text() -> None:
    assert {f.name for f in fields(Context)} == {"kind", "target", "section"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_as_a_follow_up_gives_an_answer(matcher: Matcher, text: str) -> None:
    for context in (None, Context(Kind.TENSION, IE), Context(Kind.GOAL, "calibration")):
        turn = respond(matcher, context, text)
        card = turn.card(matcher.knowledge)
        assert card.total_chars() <= limits.EMBED_TOTAL


def test_reading_what_a_follow_up_asks(matcher: Matcher) -> None:
    """Learned from follow-ups.yaml, so in languages the examples are in and others."""
    assert matcher.follow_up("and calibration?").label == "switch:calibration"
    assert matcher.follow_up("numbers pls").label == "tradeoff"
    assert matcher.follow_up("got a citation for that?").label == "reading"
    assert matcher.follow_up("qui travaille là-dessus ?").label == "research"
    assert matcher.follow_up("なぜ？").label == "summary"
    for nod in ("thanks for that!", "got it", "ok that makes sense", "love it"):
        assert matcher.follow_up(nod).label in ("nothing", "other"), nod
    question = matcher.follow_up("ok real question: is interpretability expensive?")
    assert question.label == "other" or not question.answers


def test_a_follow_up_file_is_validated(knowledge_copy: Path) -> None:
    path = knowledge_copy / "follow-ups.yaml"
    path.write_text("tradeoff:\n  - how much?\nswitch:\n  - and then?\n")
    problems = [str(p) for p in load_knowledge(knowledge_copy).problems]
    assert any("switch[0] must say where the goal goes, with {goal}" in p for p in problems)
    path.write_text("tradeoff:\n  - how much?\nresearch:\n  - How much\n")
    [problem] = [str(p) for p in load_knowledge(knowledge_copy).problems]
    assert problem.startswith("knowledge/follow-ups.yaml:4 research[0]: the same follow-up")
    assert "also under tradeoff" in problem


# --- the labelled conversations --------------------------------------------------------------


def test_dev_follow_ups_resolve_given_their_context(matcher: Matcher) -> None:
    """What the conversation adds on its own; the benchmark reports the end-to-end figure."""
    results = []
    for conversation in load(CONVERSATIONS / "dev.yaml", matcher.knowledge):
        turns = play_given_labels(matcher, conversation)
        results += [
            labelled.judge(turn)
            for labelled, turn in zip(conversation, turns, strict=True)
            if labelled.follow_up
        ]
    assert sum(results) / len(results) >= 0.95


def test_a_bad_labelled_file_names_the_turn(tmp_path: Path, knowledge: Knowledge) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("conversations:\n  - - say: hi\n      expect: tension:nope\n")
    with pytest.raises(BadConversationsError, match="conversation 1, turn 1: tension 'nope'"):
        load(path, knowledge)
    path.write_text("conversations:\n  - - say: hi\n      expect: maybe\n")
    with pytest.raises(BadConversationsError, match="expect 'maybe'"):
        load(path, None)


# --- the memory ------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_context_expires_after_the_window() -> None:
    clock = Clock()
    memory = ConversationMemory(window=600, clock=clock)
    memory.remember(("dm", 1), Context(Kind.TENSION, IE))
    clock.now += 599
    assert memory.recall(("dm", 1)) == Context(Kind.TENSION, IE)
    clock.now += 2
    assert memory.recall(("dm", 1)) is None
    assert len(memory) == 0


def test_expired_contexts_are_dropped_as_new_ones_arrive() -> None:
    clock = Clock()
    memory = ConversationMemory(window=10, clock=clock)
    for i in range(100):
        memory.remember(("person", 1, i), Context(Kind.GOAL, "calibration"))
    clock.now += 11
    memory.remember(("person", 1, 999), Context(Kind.GOAL, "calibration"))
    assert len(memory) == 1


def test_the_least_recently_answered_conversation_goes_first() -> None:
    clock = Clock()
    memory = ConversationMemory(window=600, capacity=3, clock=clock)
    for key in "abc":
        memory.remember(key, Context(Kind.TENSION, IE))
        clock.now += 1
    memory.remember("a", Context(Kind.TENSION, CC))  # answered again: now the newest
    memory.remember("d", Context(Kind.TENSION, UC))
    assert len(memory) == 3
    assert memory.recall("b") is None
    assert memory.recall("a") == Context(Kind.TENSION, CC)
    assert memory.recall("c") is not None
    assert memory.recall("d") is not None


def test_a_zero_window_keeps_nothing() -> None:
    memory = ConversationMemory(window=0)
    memory.remember("a", Context(Kind.TENSION, IE))
    assert len(memory) == 0
    assert memory.recall("a") is None


def test_ending_a_conversation_forgets_it() -> None:
    memory = ConversationMemory(window=600)
    memory.remember("a", Context(Kind.TENSION, IE))
    memory.remember("a", None)
    assert memory.recall("a") is None
