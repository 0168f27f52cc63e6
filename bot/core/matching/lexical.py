"""The lexical reading: which tension (or goal, or the list) a question names in words.

Precise where people use the knowledge's own vocabulary (names, acronyms, figures, typos
of them); :mod:`bot.core.matching.matcher` combines it with the examples for the rest.
It works over an index built once per knowledge load (``index.py``) and a
reading of each question against it (``reading.py``):

* every goal name, alias and tension keyword is a *term* pointing at its goal or tension,
  weighted by how distinctive it is; terms are found in any word order within a small
  window, after stemming, and after correcting typos against the knowledge's own words;
* a tension scores its keywords, figures quoted from it, a little of its text, and the
  evidence for each of its two goals, with a bonus when both goals are named;
* *coverage* guards against near misses: the share of the question's words that the
  candidate (or generic research vocabulary) explains. "How do I calibrate my monitor"
  names a goal, but half of it is about something else.

The thresholds were calibrated on the labelled sets in ``tests/data/questions/``;
``benchmarks/bench_matcher.py`` reports accuracy per kind on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.core.knowledge.label import Kind, Label
from bot.core.knowledge.model import Knowledge
from bot.core.matching.answer import Answer
from bot.core.matching.index import KnowledgeIndex
from bot.core.matching.reading import Reading, combine, positions, read
from bot.core.text.language import IMPACT_WORDS, LIST_SUBJECTS, TRADEOFF_WORDS
from bot.core.text.words import stem

PAIR_BONUS: Final = 0.5
MAX_ALTERNATIVES: Final = 3
FULL_EVIDENCE: Final = 1.5  # raw evidence at which a tension's confidence stops growing
TIE: Final = 0.98  # a runner-up this close means no tension "clearly fits"
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


@dataclass(frozen=True)
class _Scored:
    confidence: float  # 0..1, what the answer reports
    coverage: float
    specific: bool  # the question points at this tension, not only at one of its goals
    rank: float  # uncapped evidence x coverage, to order confident candidates


class LexicalMatcher:
    """Answers from the knowledge's own words; build once per load."""

    def __init__(self, knowledge: Knowledge, thresholds: Thresholds | None = None) -> None:
        self.knowledge = knowledge
        self.index = KnowledgeIndex(knowledge)
        self.thresholds = thresholds or Thresholds()

    def concepts(self, text: str) -> list[str]:
        """The goals and tensions a text names in the knowledge's words (aliases, keywords,
        figures and their typos), as ``goal:<id>`` and ``tension:<id>``."""
        q = read(self.index, text)
        if q is None:
            return []
        goals = [str(Label.goal(g)) for g in q.goal_hits]
        return goals + [str(Label.tension(t)) for t in q.keyword_hits]

    def match(self, question: str) -> Answer:
        """Decide what a question asks for. Never raises, whatever the text."""
        return self.read_and_match(question)[0]

    def read_and_match(self, question: str) -> tuple[Answer, bool]:
        """The answer, and whether its evidence is *strong*: an acronym keyword or a quoted
        figure ("how bad is ROME", "2-5%?"), or both goals of the tension named. Such a
        reading is what the knowledge itself says, and outweighs a learned guess."""
        q = read(self.index, question)
        answer = self._decide(question, q)
        strong = (
            q is not None
            and answer.kind is Kind.TENSION
            and (q.strong or all(q.goal_hits.get(g) for g in answer.goals))
        )
        return answer, strong

    def _decide(self, question: str, q: Reading | None) -> Answer:
        if q is not None and self._asks_about_the_bot(q):
            return Answer(question, Kind.LIST, 1.0)
        if q is None or not q.content:
            return Answer(question, Kind.NONE, 0.0)
        goals = {g: combine(hits) for g, hits in q.goal_hits.items()}
        scored = self._score_tensions(q, goals)
        ranked = sorted(scored, key=lambda x: (-scored[x].rank, x))
        goal_scores = {g: self._score_goal(q, g, goals) for g in goals}
        ranked_goals = sorted(goal_scores, key=lambda g: (-goal_scores[g][0], g))
        return (
            self._tension_answer(question, q, goals, scored, ranked)
            or self._goal_answer(question, q, goals, goal_scores, ranked_goals)
            or self._list_answer(question, q, goals)
            or self._no_answer(question, scored, ranked, goal_scores, ranked_goals)
        )

    # --- candidates ----------------------------------------------------------------------

    def _score_tensions(self, q: Reading, goals: dict[str, float]) -> dict[str, _Scored]:
        candidates = set(q.keyword_hits)
        candidates |= {x for x, v in q.text.items() if v >= self.thresholds.text_specific}
        for goal_id in goals:
            candidates.update(x.id for x in self.knowledge.tensions_of(goal_id))
        impact = any(q.stems[p] in IMPACT_WORDS for p in q.content)
        return {x: self._score_tension(q, x, goals, impact) for x in candidates}

    def _score_tension(
        self, q: Reading, tension_id: str, goals: dict[str, float], impact: bool
    ) -> _Scored:
        tension = self.knowledge.tensions[tension_id]
        a, b = (goals.get(g, 0.0) for g in tension.goals)
        keyword = combine(q.keyword_hits.get(tension_id, ()))
        text = q.text.get(tension_id, 0.0)
        # A goal with a single tension, asked about with a cost word ("does unlearning
        # hurt?"), points at that tension: it is the one known cost, the implied other side.
        implied = impact and any(
            goals.get(g) and len(self.knowledge.tensions_of(g)) == 1 for g in tension.goals
        )
        paired = bool(a and b) or implied
        raw = keyword + text + a + b + (PAIR_BONUS if paired else 0.0)
        specific = keyword > 0 or paired or text >= self.thresholds.text_specific
        full = positions(q.keyword_hits.get(tension_id, ()))
        for g in tension.goals:
            full |= positions(q.goal_hits.get(g, ()))
        coverage = q.coverage(self.index, full, q.text_positions.get(tension_id, ()))
        confidence = coverage * min(1.0, raw / FULL_EVIDENCE)
        return _Scored(confidence, coverage, specific, coverage * raw)

    def _score_goal(self, q: Reading, goal_id: str, goals: dict[str, float]) -> tuple[float, float]:
        coverage = q.coverage(self.index, positions(q.goal_hits[goal_id]))
        return coverage * min(1.0, goals[goal_id]), coverage

    # --- the four kinds of answer --------------------------------------------------------

    def _tension_answer(
        self,
        question: str,
        q: Reading,
        goals: dict[str, float],
        scored: dict[str, _Scored],
        ranked: list[str],
    ) -> Answer | None:
        if not ranked:
            return None
        t = self.thresholds
        best = ranked[0]
        top = scored[best]
        needed = self._coverage_needed(q, t.tension_coverage)
        if self._names_both_goals(q, best):
            needed = min(needed, t.context_coverage)
        floor = t.tension
        if q.keyword_hits.get(best):
            if q.strong:  # an acronym keyword (SAE, ROME) or a quoted figure stands alone
                needed = min(needed, t.strong_coverage)
                floor = t.tension_strong
            elif not q.context and not self._goal_named_beside(q, best):
                # One phrase and nothing else about research ("scaling laws in biology").
                needed = max(needed, t.keyword_only_coverage)
        runner = scored[ranked[1]] if len(ranked) > 1 else None
        tied = runner is not None and runner.specific and runner.rank >= TIE * top.rank
        if not top.specific or tied or top.confidence < floor or top.coverage < needed:
            return None
        others = [x for x in ranked[1:] if scored[x].rank > 0][:MAX_ALTERNATIVES]
        tension = self.knowledge.tensions[best]
        return Answer(
            question,
            Kind.TENSION,
            top.confidence,
            tension=best,
            goals=tension.goals,
            alternatives=tuple(others),
        )

    def _goal_answer(
        self,
        question: str,
        q: Reading,
        goals: dict[str, float],
        goal_scores: dict[str, tuple[float, float]],
        ranked_goals: list[str],
    ) -> Answer | None:
        if not ranked_goals:
            return None
        t = self.thresholds
        top = ranked_goals[0]
        confidence, coverage = goal_scores[top]
        runner = goals[ranked_goals[1]] if len(ranked_goals) > 1 else 0.0
        needed = self._coverage_needed(q, t.goal_coverage)
        if top not in q.anchored_goals:  # "is it honest to use chatgpt?": an alias in passing
            needed = max(needed, t.goal_coverage)
        if runner < 0.75 * goals[top] and confidence >= t.goal and coverage >= needed:
            return Answer(question, Kind.GOAL, confidence, goal=top)
        return None

    def _list_answer(self, question: str, q: Reading, goals: dict[str, float]) -> Answer | None:
        if goals or q.keyword_hits or not self._asks_for_list(q):
            return None
        coverage = q.coverage(self.index, set())
        return Answer(question, Kind.LIST, coverage) if coverage >= self.thresholds.list else None

    def _no_answer(
        self,
        question: str,
        scored: dict[str, _Scored],
        ranked: list[str],
        goal_scores: dict[str, tuple[float, float]],
        ranked_goals: list[str],
    ) -> Answer:
        """``none``, with up to three "did you mean" tensions or goals that came close."""
        near = [(scored[x].confidence, x) for x in ranked[:MAX_ALTERNATIVES] if scored[x].specific]
        near += [(goal_scores[g][0], g) for g in ranked_goals[:MAX_ALTERNATIVES]]
        near.sort(key=lambda pair: -pair[0])
        best = near[0][0] if near else 0.0
        close = tuple(x for score, x in near if score >= self.thresholds.suggestion)
        return Answer(question, Kind.NONE, best, alternatives=close[:MAX_ALTERNATIVES])

    # --- helpers -------------------------------------------------------------------------

    def _goal_named_beside(self, q: Reading, tension_id: str) -> bool:
        """Whether one of the tension's goals is named outside its matched keyword."""
        inside = positions(q.keyword_hits[tension_id])
        goals = self.knowledge.tensions[tension_id].goals
        return any(positions(q.goal_hits.get(g, ())) - inside for g in goals)

    def _names_both_goals(self, q: Reading, tension_id: str) -> bool:
        """Both goals named, one of them by a word that anchors the question in research."""
        if not q.anchored:
            return False
        return all(q.goal_hits.get(g) for g in self.knowledge.tensions[tension_id].goals)

    def _coverage_needed(self, q: Reading, anchored: float) -> float:
        t = self.thresholds
        if not q.anchored:
            return max(anchored, t.unanchored_coverage)
        return min(anchored, t.context_coverage) if q.context else anchored

    @staticmethod
    def _asks_for_list(q: Reading) -> bool:
        stems = set(q.stems)
        return (
            bool(stems & LIST_SUBJECTS)
            or bool(stems & _LIST_ALONE)
            or bool(stems & TRADEOFF_WORDS and len(q.content) <= 2)
        )

    @staticmethod
    def _asks_about_the_bot(q: Reading) -> bool:
        """ "What do you know about?": a question to the bot itself, with no topic."""
        words = set(q.words)
        return not q.content and "you" in words and bool(words & _ABOUT_YOU)
