"""The lookup structures the matcher needs, built once per knowledge load.

Building them per question would make every answer pay for the whole knowledge base;
built once, a question costs a handful of dictionary lookups and, for unknown words, one
bounded typo search.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.knowledge.model import Knowledge
from bot.core.text.language import (
    DOMAIN_WORDS,
    LIST_WORDS,
    STOPWORDS,
    SURFACE_WORDS,
    TRADEOFF_WORDS,
)
from bot.core.text.words import WORD, clean, figures, stem

NAME_WEIGHT: Final = 1.0
ALIAS_WEIGHT: Final = 0.7
KEYWORD_WEIGHT: Final = 1.0
MIN_FUZZY_LENGTH: Final = 5


@dataclass
class Term:
    """A phrase from the knowledge (stems in order) and what it points at, with weights."""

    stems: tuple[str, ...]
    goals: dict[str, float] = field(default_factory=dict)
    tensions: dict[str, float] = field(default_factory=dict)
    # A tension keyword, or a goal's own name written as such, shows on its own that a
    # question is about research. An alias ("cost", "transparent") or a derived form
    # ("calibrate", "efficient") is everyday English and does not.
    anchor: bool = False
    name_words: set[str] = field(default_factory=set)


def phrase(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(words, stems) of a knowledge phrase, cleaned the same way as questions."""
    words = tuple(WORD.findall(clean(text)))
    return words, tuple(stem(w) for w in words)


def _plural(word: str) -> str:
    if word.endswith("y") and len(word) > 3:
        return word[:-1] + "ies"
    return word + "s"


class KnowledgeIndex:
    """Terms, text postings and vocabulary for one :class:`Knowledge`."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.terms = self._build_terms(knowledge)
        self.single: dict[str, Term] = {}
        self.anchored: dict[str, list[Term]] = defaultdict(list)
        frequency: dict[str, int] = defaultdict(int)
        for term in self.terms.values():
            for s in set(term.stems):
                frequency[s] += 1
        for key, term in self.terms.items():
            if len(key) == 1:
                self.single[key[0]] = term
            else:  # look a phrase up by its rarest stem, checking the rest nearby
                self.anchored[min(key, key=lambda s: (frequency[s], s))].append(term)
        self.term_stems = frozenset(frequency)
        self._build_text(knowledge)
        self._build_vocabulary(knowledge)
        self.correct = lru_cache(maxsize=16384)(self._correct)

    @staticmethod
    def _build_terms(knowledge: Knowledge) -> dict[tuple[str, ...], Term]:
        terms: dict[tuple[str, ...], Term] = {}

        def add(text: str, weight: float, *, goal: str = "", tension: str = "") -> None:
            words, stems = phrase(text)
            if not stems or (len(words) == 1 and words[0] in STOPWORDS):
                return
            term = terms.setdefault(stems, Term(stems))
            if tension or len(stems) > 1 or any(s in DOMAIN_WORDS for s in stems):
                # A keyword, a phrase ("mech interp"), or an alias naming the domain itself.
                term.anchor = True
            elif weight == NAME_WEIGHT:
                term.name_words.update(words)
                term.name_words.update(_plural(w) for w in words)
            targets, key = (term.goals, goal) if goal else (term.tensions, tension)
            targets[key] = max(targets.get(key, 0.0), weight)

        for goal in knowledge.goals.values():
            add(goal.id.replace("-", " "), NAME_WEIGHT, goal=goal.id)
            add(goal.name, NAME_WEIGHT, goal=goal.id)
            for alias in goal.aliases:
                add(alias, ALIAS_WEIGHT, goal=goal.id)
        for tension in knowledge.tensions.values():
            for keyword in tension.keywords:
                add(keyword, KEYWORD_WEIGHT, tension=tension.id)

        # Distinctiveness: a term shared by several tensions (or goals) says less about
        # each; a phrase of several words is more specific than one word.
        for term in terms.values():
            length_bonus = min(1.0 + 0.2 * (len(term.stems) - 1), 1.6)
            for targets in (term.goals, term.tensions):
                share = len(targets)
                for key in targets:
                    targets[key] = targets[key] * length_bonus / share
        return terms

    def _build_text(self, knowledge: Knowledge) -> None:
        """Which tension texts contain which stems, weighted by inverse document frequency.

        Generic words (tradeoff, model, ...) are left out: they say a question is in the
        domain, not which tension it is about.
        """
        postings: dict[str, set[str]] = defaultdict(set)
        figure_postings: dict[str, set[str]] = defaultdict(set)
        for tension in knowledge.tensions.values():
            text = " ".join([tension.title, tension.summary, tension.tradeoff, *tension.research])
            words, stems = phrase(text)
            for word, s in zip(words, stems, strict=True):
                if word in STOPWORDS or s in TRADEOFF_WORDS or s in DOMAIN_WORDS:
                    continue
                postings[s].add(tension.id)
            for figure in figures(text):
                figure_postings[figure].add(tension.id)
        self.figures = {f: tuple(sorted(ids)) for f, ids in figure_postings.items()}
        total = max(len(knowledge.tensions), 1)
        self.postings = {s: tuple(sorted(ids)) for s, ids in postings.items()}
        idf = {
            s: math.log(1 + (total - len(ids) + 0.5) / (len(ids) + 0.5))
            for s, ids in postings.items()
        }
        top = max(idf.values(), default=1.0)
        self.idf = {s: value / top for s, value in idf.items()}

    def _build_vocabulary(self, knowledge: Knowledge) -> None:
        """Known stems (they explain a question's words) and words to correct typos against."""
        known = set(self.postings) | set(self.term_stems)
        for goal in knowledge.goals.values():
            known.update(phrase(goal.description)[1])
        self.known = frozenset(known)
        self.generic = frozenset(TRADEOFF_WORDS | LIST_WORDS)  # research words: by surface
        words: dict[str, str] = {}
        sources = [text for g in knowledge.goals.values() for text in (g.id, g.name, *g.aliases)]
        sources += [k for t in knowledge.tensions.values() for k in t.keywords]
        sources += sorted(SURFACE_WORDS)
        for text in sources:
            for word, s in zip(*phrase(text), strict=True):
                if len(word) >= MIN_FUZZY_LENGTH and word not in STOPWORDS and word.isalpha():
                    words.setdefault(word, s)
        buckets: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in words:
            buckets[(word[0], len(word))].append(word)
        self._words = words
        self._buckets = dict(buckets)

    def _correct(self, word: str) -> str | None:
        """The stem of the knowledge word a typo most likely meant, or None.

        One edit (OSA: a transposition counts once) up to 11 letters, two from 12; the
        first letter must agree, which is where people rarely mistype and which keeps real
        words such as "internet" from becoming "interpret".
        """
        budget = 1 if len(word) < 12 else 2
        candidates: list[str] = []
        for length in range(len(word) - budget, len(word) + budget + 1):
            candidates.extend(self._buckets.get((word[0], length), ()))
        if not candidates:
            return None
        best = process.extractOne(word, candidates, scorer=OSA.distance, score_cutoff=budget)
        if best is None or word.startswith(best[0]):
            # "computer" is not a typo of "compute": a word that only adds letters to a
            # knowledge word is another word (the stemmer handles real inflections).
            return None
        return self._words[best[0]]

    def split(self, word: str) -> tuple[str, str] | None:
        """A run-together compound ("slowdown", "testtime") as two known words, if it is one."""
        if len(word) < 7 or not word.isalpha():
            return None
        known = self.term_stems | self.generic
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            if stem(left) in known and (stem(right) in known or right in STOPWORDS):
                return left, right
        return None

    def needs_correction(self, word: str, s: str) -> bool:
        return (
            len(word) >= MIN_FUZZY_LENGTH
            and word.isalpha()
            and word not in STOPWORDS
            and s not in self.term_stems
            and s not in self.generic
            and s not in self.postings
        )
