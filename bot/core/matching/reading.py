"""Reading a question against the knowledge index: what it names, and how much of it.

A :class:`Reading` holds the question's stems (typos corrected, compounds split, negations
folded), every term it contains with the goals or tensions it points at, the tension texts
and figures it quotes, and the flags the decision needs: is it anchored in research at all,
does it carry strong evidence (an acronym, a figure), does it talk about models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from bot.core.matching.index import KnowledgeIndex, Term
from bot.core.text.language import DOMAIN_SURFACE, REQUEST_VERBS, STOPWORDS, TRADEOFF_WORDS
from bot.core.text.words import Token, figures, stem, tokenize

FUZZY_FACTOR: Final = 0.85
ACRONYM_FACTOR: Final = 1.3
TEXT_WEIGHT: Final = 0.4
KEYWORD_FIGURE: Final = 1.0
KNOWN_CREDIT: Final = 0.25  # a word found somewhere in the knowledge, but not for this answer

Hits = dict[str, list[tuple[float, tuple[int, ...]]]]


def combine(hits: Iterable[tuple[float, tuple[int, ...]]]) -> float:
    """Several hits for one target add up, with diminishing returns."""
    weights = sorted((w for w, _ in hits), reverse=True)
    return weights[0] + 0.5 * sum(weights[1:]) if weights else 0.0


def positions(hits: Iterable[tuple[float, tuple[int, ...]]]) -> set[int]:
    return {p for _, where in hits for p in where}


@dataclass
class Reading:
    """A question's tokens, resolved against the index, and what was found in them."""

    words: list[str]
    stems: list[str]
    content: list[int]  # positions of words that carry meaning
    goal_hits: Hits = field(default_factory=lambda: defaultdict(list))
    keyword_hits: Hits = field(default_factory=lambda: defaultdict(list))
    text: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    text_positions: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    anchored: bool = False  # a goal name, a keyword, an acronym or a research word was seen
    anchored_goals: set[str] = field(default_factory=set)  # named, not just hinted at
    context: bool = False  # a research word standing on its own ("models", "llm")
    strong: bool = False  # a keyword written as an acronym (SAE, ROME) or a quoted figure
    alias_positions: set[int] = field(default_factory=set)
    term_positions: set[int] = field(default_factory=set)

    def coverage(self, index: KnowledgeIndex, full: set[int], half: Iterable[int] = ()) -> float:
        """The share of the meaningful words explained for one candidate answer, 0..1."""
        if not self.content:
            return 0.0
        also = set(half)
        explained = 0.0
        for p in self.content:
            s = self.stems[p]
            if p in full or p in also or s in index.generic or self.words[p] in DOMAIN_SURFACE:
                explained += 1.0
            elif s in index.known:
                explained += KNOWN_CREDIT
        return explained / len(self.content)


def _negated(word: str) -> str:
    for prefix in ("non", "un"):
        if word.startswith(prefix) and len(word) > len(prefix) + 4:
            return stem(word[len(prefix) :])
    return ""


def _carries_meaning(tokens: list[Token], position: int) -> bool:
    word = tokens[position].word
    if word.isdigit():
        return False
    if word in REQUEST_VERBS:
        return position > 0 and tokens[position - 1].word == "to"
    return word not in STOPWORDS


def _split_compounds(index: KnowledgeIndex, tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for token in tokens:
        parts = index.split(token.word) if index.needs_correction(token.word, token.stem) else None
        if parts is None:
            out.append(token)
        else:
            out.extend(Token(part, stem(part), token.acronym) for part in parts)
    return out


def read(index: KnowledgeIndex, question: str) -> Reading | None:
    tokens = _split_compounds(index, tokenize(question))
    if not tokens:
        return None
    stems: list[str] = []
    factors: list[float] = []
    for token in tokens:
        s, factor = token.stem, 1.0
        if index.needs_correction(token.word, s):
            negated = _negated(token.word)
            if negated in index.term_stems:  # "uninterpretable" is about interpretability
                s = negated
            elif (corrected := index.correct(token.word)) is not None:
                s, factor = corrected, FUZZY_FACTOR
        if token.acronym:
            factor *= ACRONYM_FACTOR
        stems.append(s)
        factors.append(factor)
    content = [p for p in range(len(tokens)) if _carries_meaning(tokens, p)]
    reading = Reading([t.word for t in tokens], stems, content)
    _find_terms(index, reading, factors)
    _find_figures(index, reading, question)
    _find_text(index, reading)
    # Context is a research word standing on its own: "models" in "toy models" is part of
    # the keyword, not evidence that the message is about research.
    reading.context = any(
        reading.words[p] in DOMAIN_SURFACE for p in content if p not in reading.term_positions
    )
    plain = [p for p in content if p not in reading.alias_positions]
    reading.anchored = (
        reading.anchored or reading.context or any(stems[p] in TRADEOFF_WORDS for p in plain)
    )
    return reading


def _find_figures(index: KnowledgeIndex, q: Reading, question: str) -> None:
    for figure in figures(question):
        for tension_id in index.figures.get(figure, ()):
            q.keyword_hits[tension_id].append((KEYWORD_FIGURE, ()))
            q.anchored = True
            q.strong = True


def _find_terms(index: KnowledgeIndex, q: Reading, factors: list[float]) -> None:
    where_is: dict[str, list[int]] = defaultdict(list)
    for position, s in enumerate(q.stems):
        where_is[s].append(position)
    seen: set[int] = set()
    meaningful = set(q.content)

    def hit(term: Term, where: tuple[int, ...]) -> None:
        if id(term) in seen:
            return
        seen.add(id(term))
        if term.anchor or any(factors[p] > 1.0 or q.words[p] in term.name_words for p in where):
            q.anchored = True
            q.anchored_goals.update(term.goals)
        if term.tensions and any(factors[p] > 1.0 for p in where):
            q.strong = True
        elif term.goals:
            q.alias_positions.update(where)
        q.term_positions.update(where)
        factor = min(factors[p] for p in where)
        if len(where) > 1:
            factor = min(1.0, factor)  # a phrase is not more certain for being capitalised
        for goal_id, weight in term.goals.items():
            q.goal_hits[goal_id].append((weight * factor, where))
        for tension_id, weight in term.tensions.items():
            q.keyword_hits[tension_id].append((weight * factor, where))

    for position, s in enumerate(q.stems):
        single = index.single.get(s)
        # "explain" is how people ask, not the goal "explainability", though they share a
        # stem; one-word terms only match words that carry meaning.
        if single is not None and position in meaningful:
            hit(single, (position,))
        for term in index.anchored.get(s, ()):
            window = len(term.stems) + 1
            found = [position]
            for other in term.stems:
                if other == s:
                    continue
                near = [
                    p
                    for p in where_is.get(other, ())
                    if abs(p - position) <= window and p not in found
                ]
                if not near:
                    break
                found.append(near[0])
            else:
                hit(term, tuple(found))


def _find_text(index: KnowledgeIndex, q: Reading) -> None:
    """Words of a tension's text that no term explained: paraphrases and figures."""
    covered = set()
    for hits in (*q.goal_hits.values(), *q.keyword_hits.values()):
        covered |= positions(hits)
    for position, s in enumerate(q.stems):
        if s not in index.postings or position in covered:
            continue
        if position not in q.content and not s.isdigit():
            continue
        for tension_id in index.postings[s]:
            if position not in q.text_positions[tension_id]:
                q.text[tension_id] += TEXT_WEIGHT * index.idf[s]
                q.text_positions[tension_id].add(position)
