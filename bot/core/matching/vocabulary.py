"""The knowledge's own words, found in a message: goal names and aliases, tension titles and
keywords, and the figures a tension states.

What a curator writes into ``aliases:`` and ``keywords:`` is evidence for that answer, so a
message that uses one (in any word order, with a typo, or run together with another word)
is marked with it; the classifier learns how much each mark is worth, and learns marks a
curator added yesterday from the keyword itself (see :mod:`~bot.core.matching.bank`).
Typos are corrected only towards these words, and only for words the knowledge never
uses as they are: "bread" is not a typo of anything unless a keyword is "break".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.core.knowledge.label import Kind, Label
from bot.core.knowledge.model import Knowledge
from bot.core.text.noise import Lexicon
from bot.core.text.words import WORD, figure_groups, figures, fold, stem, words

# A typo is a word this close to a term's word (normalised Levenshtein similarity), long
# enough for a typo to be told from another word; shorter words must be spelt right.
TYPO_SIMILARITY: Final = 0.84
TYPO_MIN_LETTERS: Final = 5
# Words of a phrase found this far apart still make the phrase ("activation ... analysis").
PHRASE_SLACK: Final = 2
MAX_WORDS: Final = 120  # bounded work for a message of any length


@dataclass(frozen=True, slots=True)
class Term:
    """A name, alias, title or keyword, as stems, and the answer it points at."""

    stems: tuple[str, ...]
    label: Label
    source: str  # "name", "alias", "title", "keyword"


@dataclass(frozen=True, slots=True)
class Found:
    """What a message names in the knowledge's words."""

    labels: dict[Label, float] = field(default_factory=dict)  # answer -> how strongly
    goals: tuple[str, ...] = ()  # goal ids named, strongest first
    both_goals: tuple[str, ...] = ()  # tensions whose two goals are both named
    figures: tuple[str, ...] = ()  # tensions whose figures are quoted
    # Answers named by a word written in capitals (ROME, SAE) in a message that is not
    # all capitals: an acronym is what a term is, where "rome" may be a city.
    capitals: tuple[Label, ...] = ()
    # Answers named by what is theirs alone: a tension's title, keyword or figure, a goal's
    # name (not an alias, which is an everyday word).
    specific: tuple[Label, ...] = ()
    # Where in the message (word positions) each of those answers is named.
    spans: dict[Label, frozenset[int]] = field(default_factory=dict)


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text))


class Vocabulary:
    """Every term of one knowledge, indexed for finding them in messages; build once per load."""

    def __init__(self, knowledge: Knowledge, lexicon: Lexicon) -> None:
        self.knowledge = knowledge
        self.lexicon = lexicon
        terms: list[Term] = []
        for goal in knowledge.goals.values():
            label = Label.goal(goal.id)
            terms += [Term(_stems(goal.name), label, "name"), Term(_stems(goal.id), label, "name")]
            terms += [Term(_stems(alias), label, "alias") for alias in goal.aliases]
        self.figures: dict[str, list[str]] = defaultdict(list)
        for tension in knowledge.tensions.values():
            label = Label.tension(tension.id)
            terms.append(Term(_stems(tension.title), label, "title"))
            terms += [Term(_stems(keyword), label, "keyword") for keyword in tension.keywords]
            for figure in figures(tension.tradeoff):
                self.figures[figure].append(tension.id)
        # One term per spelling and answer: a goal whose id is its name counts once.
        self.terms = tuple({(t.stems, t.label): t for t in terms if t.stems}.values())
        self.by_stem: dict[str, list[Term]] = defaultdict(list)
        for term in self.terms:
            for s in set(term.stems):
                self.by_stem[s].append(term)
        # Words a typo may be corrected towards: the terms' own, long enough to tell apart.
        self._spellings = sorted(
            {w for t in self._term_words() for w in t if len(w) >= TYPO_MIN_LETTERS}
        )

    def _term_words(self) -> Iterable[tuple[str, ...]]:
        for goal in self.knowledge.goals.values():
            yield tuple(words(goal.name)) + tuple(w for a in goal.aliases for w in words(a))
        for tension in self.knowledge.tensions.values():
            yield tuple(w for k in (tension.title, *tension.keywords) for w in words(k))

    def correct(self, word: str) -> str:
        """A term's word this one is a typo of, or the word itself."""
        if len(word) < TYPO_MIN_LETTERS or word in self.lexicon or not self._spellings:
            return word
        best = process.extractOne(
            word,
            self._spellings,
            scorer=Levenshtein.normalized_similarity,
            score_cutoff=TYPO_SIMILARITY,
        )
        return best[0] if best is not None else word

    def find(self, text: str, folded: list[str] | None = None) -> Found:
        """The answers a message names, and how strongly (1 per term, more for several).

        ``folded``: the message's words, typos already corrected (as the reader has them).
        """
        if folded is None:
            folded = [self.correct(w) for w in words(text)]
        folded = folded[:MAX_WORDS]
        stems = [stem(w) for w in folded]
        raw = WORD.findall(text)
        shouting = sum(w.isupper() for w in raw) * 2 > len(raw)
        capital = {stem(fold(w)) for w in raw if len(w) >= 2 and w.isupper() and not shouting}
        where: dict[str, list[int]] = defaultdict(list)
        for position, s in enumerate(stems):
            where[s].append(position)
        strength: dict[Label, float] = defaultdict(float)
        capitals: list[Label] = []
        specific: list[Label] = []
        spans: dict[Label, set[int]] = defaultdict(set)
        seen: set[int] = set()
        for s in where:
            for term in self.by_stem.get(s, ()):
                if id(term) in seen or not self._present(term, where):
                    continue
                seen.add(id(term))
                strength[term.label] += 1.0
                if term.source != "alias":
                    specific.append(term.label)
                    for part in term.stems:
                        spans[term.label].update(where[part])
                if len(term.stems) == 1 and term.stems[0] in capital:
                    capitals.append(term.label)
        quoted: list[str] = []
        for group in figure_groups(text):  # "2-5%" is that range, not any tension's "2%"
            quoted += next((self.figures[f] for f in group if f in self.figures), [])
        goals = sorted(
            (label.target for label in strength if label.kind is Kind.GOAL),
            key=lambda g: (-strength[Label.goal(g)], g),
        )
        both = tuple(
            tension.id
            for i, a in enumerate(goals)
            for b in goals[i + 1 :]
            if (tension := self.knowledge.between(a, b)) is not None
        )
        return Found(
            dict(strength),
            tuple(goals),
            both,
            tuple(dict.fromkeys(quoted)),
            tuple(dict.fromkeys(capitals)),
            tuple(dict.fromkeys([*specific, *(Label.tension(t) for t in quoted)])),
            {label: frozenset(p) for label, p in spans.items()},
        )

    @staticmethod
    def _present(term: Term, where: dict[str, list[int]]) -> bool:
        """All of a term's stems, each near the others (any order, a little slack)."""
        if len(term.stems) == 1:
            return term.stems[0] in where
        window = len(term.stems) + PHRASE_SLACK
        for start in where.get(term.stems[0], ()):
            if all(any(abs(p - start) <= window for p in where.get(s, ())) for s in term.stems[1:]):
                return True
        return False
