"""Taught examples in the core: what text can be taught, and how it joins the knowledge."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.core.knowledge.label import Label
from bot.core.knowledge.model import Knowledge, Taught, diff, example_key
from bot.core.knowledge.teaching import (
    MAX_TAUGHT_CHARS,
    MAX_TAUGHT_PER_ANSWER,
    Unteachable,
    merge,
    teachable_text,
)
from bot.core.matching.guesses import ranked_answers
from bot.core.matching.matcher import Matcher
from bot.core.serving.store import KnowledgeStore

MISSED = "gold-plated or thrifty, which wins?"
EFFICIENT = Label.tension("capability-vs-efficiency")


def test_the_text_kept_is_what_the_matcher_reads_on_one_line() -> None:
    assert teachable_text("  is an SAE\n\n   expensive?  ") == "is an SAE expensive?"
    code = "ours went from 40 min to 6 h:\n```python\nsae.encode(x)\n```\nis that normal?"
    assert teachable_text(code) == "ours went from 40 min to 6 h: is that normal?"
    assert teachable_text("> quoted\nreply") == "quoted reply"


@pytest.mark.parametrize(
    "text", ["", "   ", "@user", "@user @role #channel", "https://example.org/x", "<@123> ?!"]
)
def test_nothing_to_learn_from_is_refused_with_the_reason(text: str) -> None:
    with pytest.raises(Unteachable, match="no question to learn from"):
        teachable_text(text)


def test_the_length_bound_is_the_examples_bound() -> None:
    assert teachable_text("a" * MAX_TAUGHT_CHARS) == "a" * MAX_TAUGHT_CHARS
    with pytest.raises(Unteachable, match=r"301 characters long; .* at most 300"):
        teachable_text("a" * (MAX_TAUGHT_CHARS + 1))


def test_whom_a_message_mentions_does_not_make_another_example() -> None:
    assert example_key("<@123> does X hurt Y?") == example_key("@user does x hurt y")
    assert example_key("ask <#456> or <@&789>") == example_key("ask #channel or @role")
    assert example_key("email me@user.org") != example_key("email me")  # not a placeholder


def taught(*items: tuple[int, str | Label, str]) -> list[Taught]:
    return [Taught(i, Label.parse(str(label)), text) for i, label, text in items]


def test_taught_examples_are_learned_and_answered_exactly(knowledge: Knowledge) -> None:
    assert Matcher(knowledge).match(MISSED).tension != "capability-vs-efficiency"
    merged, problems = merge(knowledge, taught((1, EFFICIENT, MISSED)))
    assert problems == ()
    assert (EFFICIENT, MISSED) in set(merged.examples())
    assert merged.fingerprint != knowledge.fingerprint  # the cached model is not reused
    assert merged.folder_fingerprint == knowledge.fingerprint
    matcher = Matcher(merged)
    assert matcher.match(MISSED).tension == "capability-vs-efficiency"
    assert matcher.match(f"<@99> {MISSED.upper()}").tension == "capability-vs-efficiency"
    assert diff(knowledge, merged).examples_changed == ("taught",)
    again, _ = merge(knowledge, ())
    assert again.fingerprint == knowledge.fingerprint  # nothing taught: as before teaching


def test_conflicts_are_reported_and_kept_once(knowledge: Knowledge) -> None:
    folder_example = knowledge.tensions["interpretability-vs-efficiency"].examples[0]
    merged, problems = merge(
        knowledge,
        taught(
            (1, "goal:efficiency", folder_example.upper()),  # the files say otherwise
            (2, "tension:interpretability-vs-efficiency", folder_example),  # the same: not twice
            (3, EFFICIENT, MISSED),
            (4, "goal:capability", MISSED + "!"),  # taught first as something else
            (5, "tension:gone-vs-away", "what about the removed one"),
        ),
    )
    assert [t.id for t in merged.taught] == [3]
    assert [p.file for p in problems] == ["taught #1", "taught #4", "taught #5"]
    assert "the files win (remove it with: tensionbot learned remove 1)" in str(problems[0])
    assert f"taught as {EFFICIENT} (#3) first" in str(problems[1])
    assert "not in the knowledge any more" in str(problems[2])


def test_one_answer_holds_a_bounded_number_of_taught_examples(knowledge: Knowledge) -> None:
    many = [Taught(i, Label.parse("list"), f"overview question number {i}") for i in range(60)]
    merged, problems = merge(knowledge, many)
    assert len(merged.taught) == MAX_TAUGHT_PER_ANSWER
    assert len(problems) == 60 - MAX_TAUGHT_PER_ANSWER
    assert "already has 50 taught examples" in str(problems[0])


def test_titles_read_as_a_moderator_reads_them(knowledge: Knowledge) -> None:
    assert EFFICIENT.title(knowledge) == "Frontier Capability vs Cost Efficiency"
    assert Label.goal("unlearning").title(knowledge) == "Unlearning (overview)"
    assert Label.LIST.title(knowledge) == "the list of all tensions"
    assert Label.NONE.title(knowledge) == "no answer (not something to answer)"


def test_every_answer_is_offered_and_the_likeliest_first(knowledge: Knowledge) -> None:
    matcher = Matcher(knowledge)
    guesses = ranked_answers(matcher, "does running an SAE slow inference down?")
    labels = [g.label for g in guesses]
    assert labels[0] == Label.tension("interpretability-vs-efficiency")
    assert len(labels) == len(set(labels)) == len(knowledge.tensions) + len(knowledge.goals) + 2
    assert [g.score for g in guesses] == sorted((g.score for g in guesses), reverse=True)
    example = knowledge.goals["calibration"].examples[0]
    assert ranked_answers(matcher, example)[0].label == Label.goal("calibration")
    assert matcher.match(example).label == Label.goal("calibration")


async def test_the_store_merges_at_every_reload_and_keeps_the_last_on_failure(
    knowledge_copy: Path,
) -> None:
    store, _ = KnowledgeStore.open(knowledge_copy)
    assert store is not None
    kept: Sequence[Taught] = taught((1, EFFICIENT, MISSED))
    failing = False

    async def source() -> Sequence[Taught]:
        if failing:
            raise OSError("the database went away")
        return kept

    store.taught_source = source
    outcome = await store.reload()
    assert outcome.ok
    assert outcome.diff.examples_changed == ("taught",)
    assert store.snapshot.matcher.match(MISSED).tension == "capability-vs-efficiency"
    failing = True
    outcome = await store.reload()
    assert outcome.ok
    assert [str(w) for w in outcome.warnings] == [
        "taught examples: could not be read (the database went away); using the 1 read before"
    ]
    assert store.snapshot.matcher.match(MISSED).tension == "capability-vs-efficiency"
