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
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

from bot.core.knowledge.label import Label
from bot.core.knowledge.model import Knowledge, example_key
from bot.core.matching import calibration as c
from bot.core.text.words import figure_phrases

L = TypeVar("L", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Example(Generic[L]):
    label: L
    text: str
    asked: bool  # a message someone wrote; False for a name or keyword


def bank(knowledge: Knowledge) -> list[Example[Label]]:
    out = [Example(label, text, True) for label, text in knowledge.examples()]
    for tension in knowledge.tensions.values():
        label = Label.tension(tension.id)
        a, b = knowledge.goal_names(tension)
        figures = figure_phrases(tension.tradeoff)
        for name in (tension.title, f"{a} vs {b}", f"{b} vs {a}", *tension.keywords, *figures):
            out.append(Example(label, name, False))
        own = [e.text for e in out if e.label == label and e.asked]
        out += [Example(label, text, False) for text in keyword_contexts(own, tension.keywords)]
    for goal in knowledge.goals.values():
        names = (goal.name, *goal.aliases) if c.ALIAS_EXAMPLES else (goal.name,)
        out += [Example(Label.goal(goal.id), name, False) for name in names]
    return out


def keyword_contexts(examples: list[str], keywords: tuple[str, ...]) -> list[str]:
    """Each keyword in the places its siblings stand in the answer's examples.

    "does ROME hurt nearby facts?" with ROME swapped for another keyword of the same
    tension shows the classifier that keyword asked about in a sentence, so a keyword
    nobody has written an example for yet answers inside a question too, not only alone.
    """
    patterns = [
        (k, re.compile(rf"(?<!\w){re.escape(k)}(?!\w)", re.IGNORECASE)) for k in keywords if k
    ]
    out: list[str] = []
    for keyword, _ in patterns:
        made = 0
        for text in examples:
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
