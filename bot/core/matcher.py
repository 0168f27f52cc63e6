"""Question in, answer out: which tension (or goal, or the list) a person is asking about.

The matcher is lexical, over an index built once per knowledge load (see ``index.py``):

* every goal name, alias and tension keyword is a *term* pointing at its goal or tension,
  weighted by how distinctive it is; terms are found in any word order within a small
  window, after stemming, and after correcting typos against the knowledge's own words;
* a tension scores its keywords, a little of its text (figures included), and the
  evidence for each of its two goals, with a bonus when both goals are named;
* *coverage* guards against near misses: the share of the question's words that the
  candidate (or generic research vocabulary) explains. "How do I calibrate my monitor"
  names a goal, but half of it is about something else.

The decision thresholds were calibrated on ``tests/data/questions.yaml``;
``benchmarks/bench_matcher.py`` reports accuracy per kind on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from .answer import Answer, Kind
from .index import KnowledgeIndex, Term
from .knowledge import Knowledge
from .language import (
    DOMAIN_SURFACE,
    IMPACT_WORDS,
    LIST_SUBJECTS,
    REQUEST_VERBS,
    STOPWORDS,
    TRADEOFF_WORDS,
)
from .text import Token, figures, stem, tokenize

FUZZY_FACTOR: Final = 0.85
ACRONYM_FACTOR: Final = 1.3
PAIR_BONUS: Final = 0.5
TEXT_WEIGHT: Final = 0.4
MAX_ALTERNATIVES: Final = 3
KEYWORD_FIGURE: Final = 1.0
FULL_EVIDENCE: Final = 1.5  # raw evidence at which a tension's confidence stops growing
KNOWN_CREDIT: Final = 0.25  # a word found somewhere in the knowledge, but not for this answer


def _negated(word: str) -> str:
    for prefix in ("non", "un"):
        if word.startswith(prefix) and len(word) > len(prefix) + 4:
            return stem(word[len(prefix) :])
    return ""


_ABOUT_YOU: Final = frozenset({"know", "cover", "answer", "do"})
_LIST_ALONE: Final = frozenset(stem(w) for w in "list overview everything catalogue map".split())


@dataclass(frozen=True)
class Thresholds:
    """How sure the matcher must be (0..1) before it answers; below, the answer is ``none``.

    ``*_coverage`` is the least share of the question the answer must explain;
    ``tension``/``goal`` bound the combined confidence (evidence x coverage).
    """

    tension: float = 0.3
    tension_strong: float = 0.15
    tension_coverage: float = 0.55
    goal: float = 0.45
    goal_coverage: float = 0.8
    list: float = 0.6
    unanchored_coverage: float = 0.85  # when only everyday words (aliases) matched
    context_coverage: float = 0.4  # when the question also talks about models or research
    strong_coverage: float = 0.25  # an acronym keyword or a quoted figure
    keyword_only_coverage: float = 0.7  # a keyword alone, no goal named, no research context
    text_specific: float = 0.6
    suggestion: float = 0.15


@dataclass
class _Question:
    """A question's tokens, resolved against the index, and what was found in them."""

    stems: list[str]
    content: list[int]  # positions of words that carry meaning
    goal_hits: dict[str, list[tuple[float, tuple[int, ...]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    keyword_hits: dict[str, list[tuple[float, tuple[int, ...]]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    text: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    text_positions: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    anchored: bool = False  # a goal name, a keyword, an acronym or a research word was seen
    context: bool = False  # a word about models or research that no alias explains
    alias_positions: set[int] = field(default_factory=set)
    term_positions: set[int] = field(default_factory=set)
    strong: bool = False  # a keyword written as an acronym (SAE, ROME) or a quoted figure
    anchored_goals: set[str] = field(default_factory=set)  # named, not just hinted at
    words: list[str] = field(default_factory=list)


def _combine(hits: Iterable[tuple[float, tuple[int, ...]]]) -> float:
    """Several hits for one target add up, with diminishing returns."""
    weights = sorted((w for w, _ in hits), reverse=True)
    return weights[0] + 0.5 * sum(weights[1:]) if weights else 0.0


def _positions(hits: Iterable[tuple[float, tuple[int, ...]]]) -> set[int]:
    return {p for _, where in hits for p in where}


class Matcher:
    """Answers questions from one :class:`Knowledge`; build once per load."""

    def __init__(self, knowledge: Knowledge, thresholds: Thresholds | None = None) -> None:
        self.knowledge = knowledge
        self.index = KnowledgeIndex(knowledge)
        self.thresholds = thresholds or Thresholds()

    # --- reading the question ------------------------------------------------------------

    def _read(self, question: str) -> _Question | None:
        tokens = self._split_compounds(tokenize(question))
        if not tokens:
            return None
        index = self.index
        stems: list[str] = []
        factors: list[float] = []
        content: list[int] = []
        for position, token in enumerate(tokens):
            s, factor = token.stem, 1.0
            if index.needs_correction(token.word, s):
                corrected = index.correct(token.word)
                negated = _negated(token.word)
                if negated in index.term_stems:  # "uninterpretable" is about interpretability
                    s = negated
                elif corrected is not None:
                    s, factor = corrected, FUZZY_FACTOR
            if token.acronym:
                factor *= ACRONYM_FACTOR
            stems.append(s)
            factors.append(factor)
            if self._carries_meaning(tokens, position):
                content.append(position)
        q = _Question(stems, content, words=[t.word for t in tokens])
        self._find_terms(q, [t.word for t in tokens], factors)
        self._find_figures(q, question)
        self._find_text(q)
        plain = [p for p in content if p not in q.alias_positions]
        # Context is a research word standing on its own: "models" in "toy models" is part of
        # the keyword, not evidence that the message is about research.
        q.context = any(q.words[p] in DOMAIN_SURFACE for p in content if p not in q.term_positions)
        q.anchored = q.anchored or q.context or any(stems[p] in TRADEOFF_WORDS for p in plain)
        return q

    @staticmethod
    def _carries_meaning(tokens: list[Token], position: int) -> bool:
        word = tokens[position].word
        if word.isdigit():
            return False
        if word in REQUEST_VERBS:
            return position > 0 and tokens[position - 1].word == "to"
        return word not in STOPWORDS

    def _split_compounds(self, tokens: list[Token]) -> list[Token]:
        out: list[Token] = []
        for token in tokens:
            parts = None
            if self.index.needs_correction(token.word, token.stem):
                parts = self.index.split(token.word)
            if parts is None:
                out.append(token)
            else:
                out.extend(Token(part, stem(part), token.acronym) for part in parts)
        return out

    def _find_figures(self, q: _Question, question: str) -> None:
        for figure in figures(question):
            for tension_id in self.index.figures.get(figure, ()):
                q.keyword_hits[tension_id].append((KEYWORD_FIGURE, ()))
                q.anchored = True
                q.strong = True

    def _find_terms(self, q: _Question, words: list[str], factors: list[float]) -> None:
        where_is: dict[str, list[int]] = defaultdict(list)
        for position, s in enumerate(q.stems):
            where_is[s].append(position)
        seen: set[int] = set()
        meaningful = set(q.content)

        def hit(term: Term, where: tuple[int, ...]) -> None:
            if id(term) in seen:
                return
            seen.add(id(term))
            if term.anchor or any(factors[p] > 1.0 or words[p] in term.name_words for p in where):
                q.anchored = True
                q.anchored_goals.update(term.goals)
            if term.tensions and any(factors[p] > 1.0 for p in where):
                q.strong = True
            elif term.goals:
                q.alias_positions.update(where)
            q.term_positions.update(where)
            factor = (
                min(factors[p] for p in where)
                if len(where) == 1
                else min(1.0, min(factors[p] for p in where))
            )
            for goal_id, weight in term.goals.items():
                q.goal_hits[goal_id].append((weight * factor, where))
            for tension_id, weight in term.tensions.items():
                q.keyword_hits[tension_id].append((weight * factor, where))

        for position, s in enumerate(q.stems):
            single = self.index.single.get(s)
            # "explain" is how people ask, not the goal "explainability", though they share
            # a stem; one-word terms only match words that carry meaning.
            if single is not None and position in meaningful:
                hit(single, (position,))
            for term in self.index.anchored.get(s, ()):
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

    def _find_text(self, q: _Question) -> None:
        """Words of a tension's text that no term explained: paraphrases and figures."""
        postings, idf = self.index.postings, self.index.idf
        covered = set()
        for hits in (*q.goal_hits.values(), *q.keyword_hits.values()):
            covered |= _positions(hits)
        for position, s in enumerate(q.stems):
            if s not in postings or position in covered:
                continue
            if position not in q.content and not s.isdigit():
                continue
            for tension_id in postings[s]:
                if position not in q.text_positions[tension_id]:
                    q.text[tension_id] += TEXT_WEIGHT * idf[s]
                    q.text_positions[tension_id].add(position)

    def _coverage(self, q: _Question, full: set[int], half: set[int] = frozenset()) -> float:  # type: ignore[assignment]
        """The share of the question's meaningful words explained for one candidate answer."""
        if not q.content:
            return 0.0
        explained = 0.0
        for p in q.content:
            s = q.stems[p]
            if p in full or p in half or s in self.index.generic or q.words[p] in DOMAIN_SURFACE:
                explained += 1.0
            elif s in self.index.known:
                explained += KNOWN_CREDIT
        return explained / len(q.content)

    # --- deciding ------------------------------------------------------------------------

    def match(self, question: str) -> Answer:
        """Decide what a question asks for. Never raises, whatever the text."""
        q = self._read(question)
        if q is not None and self._asks_about_the_bot(q):
            return Answer(question, Kind.LIST, 1.0)
        if q is None or not q.content:
            return Answer(question, Kind.NONE, 0.0)
        t = self.thresholds
        goals = {g: _combine(hits) for g, hits in q.goal_hits.items()}
        impact = any(q.stems[p] in IMPACT_WORDS for p in q.content)

        candidates = set(q.keyword_hits) | {x for x, v in q.text.items() if v >= t.text_specific}
        for goal_id in goals:
            candidates.update(x.id for x in self.knowledge.tensions_of(goal_id))
        scored: dict[str, tuple[float, float, bool, float]] = {}
        for tension_id in candidates:
            scored[tension_id] = self._score_tension(q, tension_id, goals, impact)
        # Rank on the uncapped evidence, so two confident candidates are still ordered.
        ranked = sorted(scored, key=lambda x: (-scored[x][3], x))

        if ranked:
            best = ranked[0]
            confidence, coverage, specific, _ = scored[best]
            needed = self._coverage_needed(q, t.tension_coverage)
            if self._names_both_goals(q, best):
                needed = min(needed, t.context_coverage)
            floor = t.tension
            if q.keyword_hits.get(best):
                needed = self._strongest_floor(q, needed)
                inside = _positions(q.keyword_hits[best])
                around = set().union(
                    *(
                        _positions(q.goal_hits.get(g, ()))
                        for g in self.knowledge.tensions[best].goals
                    )
                )
                if not q.context and not q.strong and not around - inside:
                    # One phrase and nothing else about research ("scaling laws in biology").
                    needed = max(needed, t.keyword_only_coverage)
                floor = t.tension_strong if q.strong else floor
            # Two tensions equally likely: not one that "clearly fits"; offer both instead.
            tied = (
                len(ranked) > 1
                and scored[ranked[1]][2]
                and scored[ranked[1]][3] >= 0.98 * scored[best][3]
            )
            if specific and not tied and confidence >= floor and coverage >= needed:
                others = [x for x in ranked[1:] if scored[x][3] > 0]
                return Answer(
                    question,
                    Kind.TENSION,
                    confidence,
                    tension=best,
                    goals=self.knowledge.tensions[best].goals,
                    alternatives=tuple(others[:MAX_ALTERNATIVES]),
                )

        goal_scores = {g: self._score_goal(q, g, goals) for g in goals}
        ranked_goals = sorted(goal_scores, key=lambda g: (-goal_scores[g][0], g))
        if ranked_goals:
            top = ranked_goals[0]
            confidence, coverage = goal_scores[top]
            runner = goals[ranked_goals[1]] if len(ranked_goals) > 1 else 0.0
            needed = self._coverage_needed(q, t.goal_coverage)
            if top not in q.anchored_goals:  # "is it honest to use chatgpt?": an alias in passing
                needed = max(needed, t.goal_coverage)
            if runner < 0.75 * goals[top] and confidence >= t.goal and coverage >= needed:
                return Answer(question, Kind.GOAL, confidence, goal=top)

        if not goals and not q.keyword_hits and self._asks_for_list(q):
            coverage = self._coverage(q, set())
            if coverage >= t.list:
                return Answer(question, Kind.LIST, coverage)

        suggestions = [(scored[x][0], x) for x in ranked[:MAX_ALTERNATIVES] if scored[x][2]]
        suggestions += [(goal_scores[g][0], g) for g in ranked_goals[:MAX_ALTERNATIVES]]
        suggestions.sort(key=lambda pair: -pair[0])
        best_score = suggestions[0][0] if suggestions else 0.0
        return Answer(
            question,
            Kind.NONE,
            best_score,
            alternatives=tuple(x for score, x in suggestions if score >= t.suggestion)[
                :MAX_ALTERNATIVES
            ],
        )

    def _score_tension(
        self, q: _Question, tension_id: str, goals: dict[str, float], impact: bool
    ) -> tuple[float, float, bool, float]:
        """(confidence, coverage, specific, rank) for one tension."""
        tension = self.knowledge.tensions[tension_id]
        a, b = (goals.get(g, 0.0) for g in tension.goals)
        keyword = _combine(q.keyword_hits.get(tension_id, ()))
        text = q.text.get(tension_id, 0.0)
        # A goal with a single tension, asked about with a cost word ("does unlearning
        # hurt?"), points at that tension: it is the one known cost, the implied other side.
        implied = impact and any(
            goals.get(g) and len(self.knowledge.tensions_of(g)) == 1 for g in tension.goals
        )
        paired = bool(a and b) or implied
        raw = keyword + text + a + b + (PAIR_BONUS if paired else 0.0)
        specific = keyword > 0 or paired or text >= self.thresholds.text_specific
        full: set[int] = _positions(q.keyword_hits.get(tension_id, ()))
        for g in tension.goals:
            full |= _positions(q.goal_hits.get(g, ()))
        coverage = self._coverage(q, full, q.text_positions.get(tension_id, set()))
        return coverage * min(1.0, raw / FULL_EVIDENCE), coverage, specific, coverage * raw

    def _score_goal(
        self, q: _Question, goal_id: str, goals: dict[str, float]
    ) -> tuple[float, float]:
        coverage = self._coverage(q, _positions(q.goal_hits[goal_id]))
        return coverage * min(1.0, goals[goal_id]), coverage

    def _strongest_floor(self, q: _Question, needed: float) -> float:
        """An acronym keyword (SAE, ROME) or a quoted figure is evidence enough on its own."""
        return min(needed, self.thresholds.strong_coverage) if q.strong else needed

    def _names_both_goals(self, q: _Question, tension_id: str) -> bool:
        """Both goals named, one of them by a word that anchors the question in research."""
        if not q.anchored:
            return False
        return all(q.goal_hits.get(g) for g in self.knowledge.tensions[tension_id].goals)

    def _coverage_needed(self, q: _Question, anchored: float) -> float:
        t = self.thresholds
        if not q.anchored:
            return max(anchored, t.unanchored_coverage)
        return min(anchored, t.context_coverage) if q.context else anchored

    def _asks_for_list(self, q: _Question) -> bool:
        stems = set(q.stems)
        return (
            bool(stems & LIST_SUBJECTS)
            or bool(stems & _LIST_ALONE)
            or bool(stems & TRADEOFF_WORDS and len(q.content) <= 2)
        )

    @staticmethod
    def _asks_about_the_bot(q: _Question) -> bool:
        """ "What do you know about?": a question to the bot itself, with no topic."""
        words = set(q.words)
        return not q.content and "you" in words and bool(words & _ABOUT_YOU)
