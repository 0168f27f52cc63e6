"""What the classifier learns from: the curators' examples, and the knowledge's own words.

Besides the example questions (``examples:`` of tensions and goals, ``overview.yaml``,
``not-answered.yaml``, and what moderators taught), every name a knowledge gives itself
is an example of its answer: a tension's title and "A vs B" (how people write it in a
hurry), its ``keywords:`` and the figures it states, a goal's name and ``aliases:``.
That is what makes a keyword a curator added yesterday answer after a ``/reload`` with
no example written: the classifier learns the word (alone, and in the sentences its
sibling keywords stand in), and the vocabulary marks every message that uses it. These
are never held out for calibration: nobody asks a one-word question about a keyword
often enough for it to say how far the classifier can be trusted.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.core.knowledge.label import Label
from bot.core.knowledge.model import Knowledge, example_key
from bot.core.matching import calibration as c
from bot.core.stepwise import finish
from bot.core.text.words import figure_phrases

L = TypeVar("L", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Example(Generic[L]):
    label: L
    text: str
    asked: bool  # a message someone wrote; False for a name or keyword


def bank(knowledge: Knowledge, *, contexts: bool = True) -> list[Example[Label]]:
    """Everything the classifier learns from; ``contexts``: with keywords in their siblings'
    sentences (only training needs them)."""
    return finish(bank_steps(knowledge, contexts=contexts))


def bank_steps(
    knowledge: Knowledge, *, contexts: bool = True
) -> Generator[None, None, list[Example[Label]]]:
    """:func:`bank`, pausing after each tension (for a reload between answers)."""
    out = [Example(label, text, True) for label, text in knowledge.examples()]
    asked: dict[Label, list[str]] = {}
    for example in out:
        asked.setdefault(example.label, []).append(example.text)
    patterns = {t.id: _patterns(t.keywords) for t in knowledge.tensions.values()}
    sentences = [
        (text, patterns[tension.id])
        for tension in knowledge.tensions.values()
        for text in asked.get(Label.tension(tension.id), ())
    ]
    for tension in knowledge.tensions.values():
        label = Label.tension(tension.id)
        a, b = knowledge.goal_names(tension)
        figures = figure_phrases(tension.tradeoff)
        for name in (tension.title, f"{a} vs {b}", f"{b} vs {a}", *tension.keywords, *figures):
            out.append(Example(label, name, False))
        if contexts:
            own = [(text, patterns[tension.id]) for text in asked.get(label, ())]
            made = keyword_contexts(tension.keywords, [*own, *sentences])
            out += [Example(label, text, False) for text in made]
        yield
    for goal in knowledge.goals.values():
        names = (goal.name, *goal.aliases) if c.ALIAS_EXAMPLES else (goal.name,)
        out += [Example(Label.goal(goal.id), name, False) for name in names]
    return out


Patterns = list[tuple[str, re.Pattern[str]]]


def _patterns(keywords: tuple[str, ...]) -> Patterns:
    return [(k, re.compile(rf"(?<!\w){re.escape(k)}(?!\w)", re.IGNORECASE)) for k in keywords if k]


def keyword_contexts(keywords: tuple[str, ...], sentences: list[tuple[str, Patterns]]) -> list[str]:
    """Each keyword in the place another keyword stands in an asked sentence: the answer's
    own examples first, then, for a tension with few examples yet, any tension's.

    "does ROME hurt nearby facts?" with ROME swapped for another keyword shows the
    classifier that keyword asked about in a sentence, so a keyword nobody has written an
    example for yet answers inside a question ("is self-consistency sampling expensive?"),
    not only alone.
    """
    out: list[str] = []
    for keyword in keywords:
        made = 0
        for text, patterns in sentences:
            if made >= c.KEYWORD_CONTEXTS:
                break
            for other, pattern in patterns:
                if other != keyword and pattern.search(text):
                    out.append(pattern.sub(keyword, text, count=1))
                    made += 1
                    break
    return out


def known_answers(examples: list[Example[Label]]) -> dict[str, Label]:
    """Texts that are exactly an example get its answer, as curators said; a text that two
    answers share (a keyword of two tensions) decides nothing on its own."""
    found: dict[str, set[Label]] = {}
    for example in examples:
        found.setdefault(example_key(example.text), set()).add(example.label)
    return {key: next(iter(labels)) for key, labels in found.items() if len(labels) == 1 and key}
