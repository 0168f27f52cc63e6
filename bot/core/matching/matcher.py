"""Question in, answer out: which tension (or goal, or the list) a person is asking about.

Two readings of the same message, each good where the other is weak:

* the **lexical** reading (:mod:`~bot.core.matching.lexical`) finds the knowledge's own
  words, acronyms, figures and their typos, and is precise when people use them;
* the **examples** (:mod:`~bot.core.matching.examples`) find the example questions the
  message is closest to, which carries paraphrases, slang, other languages and, through
  the not-answered examples, what must stay unanswered although it names a goal.

The lexical answer stands unless the examples clearly say otherwise: the message is most
like a known non-question ("what does ROME stand for"), or clearly like another answer.
When the lexical reading finds nothing, a confident example match answers. A long message
is also read sentence by sentence, so one clause can ask while the others give context.

The blend's thresholds were tuned on ``tests/data/realistic/dev.yaml`` only;
``benchmarks/bench_matcher.py`` reports accuracy on every labelled set.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge.model import Knowledge
from bot.core.matching.answer import Answer, Kind
from bot.core.matching.examples import ExampleIndex, ranked
from bot.core.matching.lexical import MAX_ALTERNATIVES, LexicalMatcher, Thresholds
from bot.core.matching.message import read_message
from bot.core.matching.reading import combine, read

NONE = "none"


@dataclass(frozen=True)
class Blend:
    """How the examples weigh against the lexical reading (similarities are cosines, 0..1).

    ``veto``: a lexical answer is dropped when the closest examples are not-answered ones
    at least this similar, and closer than the examples of the answer itself.
    ``answer``: without a lexical answer, the best example label must be this similar and
    ``margin`` ahead of the not-answered examples.
    ``override``: examples of another answer this similar, ``override_margin`` ahead of
    the lexical answer's own examples, replace it.
    ``part``: a sentence of a long message answers alone only this confidently.
    """

    veto: float = 0.4
    veto_margin: float = 0.0
    answer: float = 0.2
    margin: float = 0.05
    override: float = 0.6
    override_margin: float = 0.25
    part: float = 0.7
    sure: float = 0.45  # example similarity read as full confidence
    suggest: float = 0.15  # a "did you mean" from the examples


def label_of(answer: Answer) -> str:
    if answer.kind is Kind.TENSION:
        return f"tension:{answer.tension}"
    if answer.kind is Kind.GOAL:
        return f"goal:{answer.goal}"
    return answer.kind.value


class Matcher:
    """Answers questions from one :class:`Knowledge`; build once per load."""

    def __init__(
        self,
        knowledge: Knowledge,
        thresholds: Thresholds | None = None,
        blend: Blend | None = None,
        examples: ExampleIndex | None = None,
    ) -> None:
        """``examples`` is the knowledge's example index when it was built beforehand."""
        self.knowledge = knowledge
        self.lexical = LexicalMatcher(knowledge, thresholds)
        self.examples = examples or ExampleIndex.build(knowledge.examples())
        self.blend = blend or Blend()

    def match(self, question: str) -> Answer:
        """Decide what a question asks for. Never raises, whatever the text."""
        message = read_message(question)
        lexical = self.lexical.match(message.prose)
        if lexical.kind is Kind.NONE and message.parts:
            lexical = self._best_part(message.parts) or lexical
        near = self.examples.label_scores(message.prose)
        return self._decide(question, lexical, near)

    def goals_named(self, text: str) -> tuple[str, ...]:
        """The goals a message names (by name or alias), strongest first; no decision made.

        A follow-up such as "and calibration?" names a goal without asking about it in
        general: the conversation decides what it means from the last answer.
        """
        q = read(self.lexical.index, text)
        if q is None:
            return ()
        weights = {g: combine(hits) for g, hits in q.goal_hits.items() if hits}
        return tuple(sorted(weights, key=lambda g: (-weights[g], g)))

    def _best_part(self, parts: tuple[str, ...]) -> Answer | None:
        """The most confident answer to one sentence of a long message, if any is sure."""
        answers = [self.lexical.match(part) for part in parts]
        confident = [a for a in answers if a.kind is not Kind.NONE and a.score >= self.blend.part]
        return max(confident, key=lambda a: a.score, default=None)

    def _decide(self, question: str, lexical: Answer, near: dict[str, float]) -> Answer:
        b = self.blend
        none = near.get(NONE, 0.0)
        best, similarity = next(((x, s) for x, s in ranked(near) if x != NONE), (NONE, 0.0))
        if lexical.kind is not Kind.NONE:
            own = near.get(label_of(lexical), 0.0)
            if none >= b.veto and none > own + b.veto_margin:
                return self._none(question, (label_of(lexical), best), none)
            if (
                best != label_of(lexical)
                and similarity >= b.override
                and similarity - own >= b.override_margin
            ):
                return self._from_examples(question, best, similarity, none, lexical)
            return Answer(
                question,
                lexical.kind,
                lexical.score,
                tension=lexical.tension,
                goal=lexical.goal,
                goals=lexical.goals,
                alternatives=lexical.alternatives,
            )
        if best != NONE and similarity >= b.answer and similarity - none >= b.margin:
            return self._from_examples(question, best, similarity, none, lexical)
        if lexical.alternatives:
            return lexical
        return self._none(question, (best,) if similarity >= b.suggest else (), similarity)

    def _from_examples(
        self, question: str, label: str, similarity: float, none: float, lexical: Answer
    ) -> Answer:
        confidence = max(0.0, min(1.0, (similarity - none / 2) / self.blend.sure))
        kind, _, target = label.partition(":")
        if kind == Kind.TENSION.value and target in self.knowledge.tensions:
            runners = tuple(x for x in lexical.alternatives if x != target)
            return Answer(
                question,
                Kind.TENSION,
                confidence,
                tension=target,
                goals=self.knowledge.tensions[target].goals,
                alternatives=runners[:MAX_ALTERNATIVES],
            )
        if kind == Kind.GOAL.value and target in self.knowledge.goals:
            return Answer(question, Kind.GOAL, confidence, goal=target)
        if kind == Kind.LIST.value:
            return Answer(question, Kind.LIST, confidence)
        return self._none(question, (), similarity)

    def _none(self, question: str, near: tuple[str, ...], score: float) -> Answer:
        """``none``, suggesting the tensions or goals the message came closest to."""
        suggestions: list[str] = []
        for label in near:
            _, _, target = label.partition(":")
            if target and target not in suggestions:
                suggestions.append(target)
        return Answer(
            question, Kind.NONE, min(score, 1.0), alternatives=tuple(suggestions[:MAX_ALTERNATIVES])
        )
