"""The stricter bar for channels answered unprompted, and what makes two answers the same."""

from __future__ import annotations

from bot.core.knowledge.label import Kind
from bot.core.matching.answer import Answer
from bot.core.matching.matcher import Matcher
from bot.core.matching.policy import answer_key, answer_unprompted


def test_unprompted_answers_need_a_question_and_confidence() -> None:
    strong = Answer("q", Kind.TENSION, 0.9, tension="t")
    weak = Answer("q", Kind.TENSION, 0.4, tension="t")
    assert answer_unprompted("is interpretability expensive?", strong)
    assert not answer_unprompted("does SAE analysis cost a lot", strong)  # no question mark
    assert answer_unprompted("does SAE analysis cost a lot", strong, asked=True)
    assert not answer_unprompted("interpretability is expensive lol", strong)
    assert not answer_unprompted("is interpretability expensive?", weak)
    assert not answer_unprompted("what?", Answer("what?", Kind.NONE, 0.9))


def test_answer_key_names_what_was_answered() -> None:
    assert answer_key(Answer("q", Kind.TENSION, 1, tension="a-vs-b")) == "tension:a-vs-b"
    assert answer_key(Answer("q", Kind.GOAL, 1, goal="a")) == "goal:a"
    assert answer_key(Answer("q", Kind.LIST, 1)) == "list"


def test_a_question_opens_the_way_the_examples_open_questions(matcher_bundled: Matcher) -> None:
    assert matcher_bundled.reads_as_question("does SAE analysis cost a lot")
    assert matcher_bundled.reads_as_question("¿cuesta mucho?")
    assert not matcher_bundled.reads_as_question("sae analysis costs a lot lol")
