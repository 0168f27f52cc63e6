"""Every answer a message could get, most likely first: the choices offered to a teacher.

A moderator teaching the bot picks the right answer from a list; the bot's own best
guesses come first so that the usual case is one click. The classifier gives every answer
a probability (an exact example: that answer, for certain); everything else follows in
knowledge order, so every answer is somewhere on the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge.label import Label
from bot.core.knowledge.model import example_key
from bot.core.matching.matcher import Matcher
from bot.core.text.message import read_message


@dataclass(frozen=True, slots=True)
class Guess:
    label: Label
    score: float  # 0..1, how likely the bot thinks this answer is


def ranked_answers(matcher: Matcher, text: str) -> list[Guess]:
    """All answers of the matcher's knowledge, likeliest first; ties in knowledge order."""
    knowledge = matcher.knowledge
    labels = [
        *(Label.tension(t) for t in knowledge.tensions),
        *(Label.goal(g) for g in knowledge.goals),
        Label.LIST,
        Label.NONE,
    ]
    prose = read_message(text).prose
    scores = dict.fromkeys(labels, 0.0)
    [judged] = matcher.judge([prose])
    for label, p in judged.probabilities.items():
        if label in scores:
            scores[label] = p
    if judged.label is not None and judged.label in scores:  # as sure as the bot says it
        scores[judged.label] = max(scores[judged.label], judged.score)
    known = matcher.known.get(example_key(prose))
    if known is not None and known in scores:  # exactly an example already: certain
        scores[known] = 1.0
    position = {label: i for i, label in enumerate(labels)}
    ordered = sorted(labels, key=lambda label: (-scores[label], position[label]))
    return [Guess(label, scores[label]) for label in ordered]
