"""Question in, answer out: which tension (or goal, or the list) a person is asking about.

Two readings of the same message, each good where the other is weak:

* the **lexical** reading (:mod:`~bot.core.matching.lexical`) finds the knowledge's own
  words, acronyms, figures and their typos, and is precise when people use them;
* the **classifier** (:mod:`~bot.core.matching.classifier`), trained on the knowledge's
  example questions, which carries paraphrases, slang, other languages and, through the
  not-answered examples, what must stay unanswered although it names a goal.

The lexical answer stands unless the examples clearly say otherwise: the message is most
like a known non-question ("what does ROME stand for"), or clearly like another answer.
When the lexical reading finds nothing, a confident example match answers. A long message
is also read sentence by sentence, so one clause can ask while the others give context.

The blend's thresholds were tuned on ``tests/data/realistic/dev.yaml`` only;
``benchmarks/bench_matcher.py`` reports accuracy on every labelled set.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator
from dataclasses import dataclass, replace

from bot.core.knowledge.label import Kind, Label
from bot.core.knowledge.model import Knowledge, example_key
from bot.core.matching import model_cache
from bot.core.matching.answer import Answer
from bot.core.matching.classifier import LinearClassifier
from bot.core.matching.lexical import MAX_ALTERNATIVES, LexicalMatcher, Thresholds
from bot.core.matching.reading import combine, read
from bot.core.stepwise import finish
from bot.core.text.message import read_message

log = logging.getLogger(__name__)

MAX_LEARNED_LABELS = 500  # answers the classifier may learn to tell apart


@dataclass(frozen=True)
class Blend:
    """How the learned classifier weighs against the lexical reading (probabilities 0..1).

    ``veto``: a lexical answer is dropped when the classifier gives ``none`` this much
    (``veto_firm`` when the lexical reading is ``firm``: a figure, an acronym, both goals).
    ``override``: a lexical answer gives way to another the classifier is this sure of,
    ``override_firm`` when the lexical reading is firm: its score reaches ``firm``, or its
    evidence is strong (an acronym, a figure, both goals named). "What's the catch with
    unlearning?" names one goal with a cost word, which the lexical reading sends to that
    goal's one tension; the examples know it asks about the goal.
    ``answer``: without a lexical answer, the classifier answers alone this sure.
    ``part``: a sentence of a long message answers alone only this confidently (lexical).
    ``suggest``: a "did you mean" needs this much probability.
    """

    veto: float = 0.35
    veto_firm: float = 0.6
    override: float = 0.4
    override_firm: float = 0.8
    torn: float = 0.5  # to answer when the lexical reading saw several answers, equally
    firm: float = 0.9
    answer: float = 0.2
    margin: float = 0.15  # ... and this far ahead of ``none``
    part: float = 0.7
    suggest: float = 0.1


def bank(knowledge: Knowledge) -> Iterator[tuple[Label, str]]:
    """The curators' examples, plus the names the knowledge gives itself.

    "Calibration vs Capability" is how people write a tension's name in a hurry; without
    these, a bank of chatty examples would find such a terse message closest to some
    chatter that happens to share a word.
    """
    for tension in knowledge.tensions.values():
        a, b = knowledge.goal_names(tension)
        for name in (tension.title, f"{a} vs {b}", f"{b} vs {a}"):
            yield Label.tension(tension.id), name
    for goal in knowledge.goals.values():
        yield Label.goal(goal.id), goal.name
    yield from knowledge.examples()


def _classifier_steps(
    knowledge: Knowledge, lexical: LexicalMatcher
) -> Generator[None, None, LinearClassifier]:
    """The cached model for this knowledge, or one trained now (and cached).

    Without curated examples there is nothing to learn beyond the lexical reading, and a
    knowledge base with thousands of tensions would need a weight per feature per tension:
    both are left to the lexical reading alone.
    """
    labels = len(knowledge.tensions) + len(knowledge.goals) + 2
    if labels > MAX_LEARNED_LABELS or next(knowledge.examples(), None) is None:
        return LinearClassifier.untrained()
    key = model_cache.key_for(knowledge.fingerprint)
    classifier = model_cache.recall(key, lexical.concepts)
    if classifier is not None:
        return classifier
    try:
        classifier = yield from LinearClassifier.steps(bank(knowledge), lexical.concepts)
    except (ArithmeticError, MemoryError, ValueError) as exc:
        # A bot that answers from its word lists beats one that does not start.
        log.warning("the classifier could not be trained (%s); answering lexically", exc)
        return LinearClassifier.untrained()
    model_cache.store(key, classifier)
    return classifier


def _rescored(answer: Answer, score: float) -> Answer:
    return Answer(
        answer.question,
        answer.kind,
        min(1.0, score),
        tension=answer.tension,
        goal=answer.goal,
        goals=answer.goals,
        alternatives=answer.alternatives,
    )


class Matcher:
    """Answers questions from one :class:`Knowledge`; build once per load."""

    def __init__(
        self,
        knowledge: Knowledge,
        thresholds: Thresholds | None = None,
        blend: Blend | None = None,
        *,
        lexical: LexicalMatcher | None = None,
        classifier: LinearClassifier | None = None,
    ) -> None:
        """``lexical`` and ``classifier`` are given when built beforehand (by :meth:`steps`)."""
        self.knowledge = knowledge
        self.lexical = lexical or LexicalMatcher(knowledge, thresholds)
        if classifier is None:
            classifier = finish(_classifier_steps(knowledge, self.lexical))
        self.classifier = classifier
        # What curators wrote is answered as they said, whatever the classifier learned.
        self.known = {example_key(text): label for label, text in bank(knowledge)}
        self.blend = blend or Blend()

    @classmethod
    def steps(cls, knowledge: Knowledge) -> Generator[None, None, Matcher]:
        """Build a matcher in slices of a few milliseconds, for a reload between answers."""
        lexical = LexicalMatcher(knowledge)
        yield
        classifier = yield from _classifier_steps(knowledge, lexical)
        return cls(knowledge, lexical=lexical, classifier=classifier)

    def match(self, question: str) -> Answer:
        """Decide what a question asks for. Never raises, whatever the text."""
        message = read_message(question)
        lexical, strong = self.lexical.read_and_match(message.prose)
        if lexical.kind is Kind.NONE and message.parts:
            lexical = self._best_part(message.parts) or lexical
        answer = self.decide(
            question,
            lexical,
            self.classifier.probabilities(message.prose),
            self.known.get(example_key(message.prose)),
            strong,
        )
        # The lexical reading saw only the prose (or one sentence); report what was asked.
        return replace(answer, question=question)

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

    def decide(
        self,
        question: str,
        lexical: Answer,
        probabilities: dict[Label, float],
        known: Label | None = None,
        strong: bool = False,
    ) -> Answer:
        """The blend of the readings (public so the benchmark can retune it on cached ones)."""
        b = self.blend
        if known is not None:
            return self._labelled(question, known, 1.0, lexical)
        best, p = max(
            probabilities.items(), key=lambda x: (x[1], str(x[0])), default=(Label.NONE, 0.0)
        )
        if lexical.kind is not Kind.NONE:
            own = lexical.label
            if best == own:
                return _rescored(lexical, max(lexical.score, p))
            firm = strong or lexical.score >= b.firm
            if best == Label.NONE and p >= (b.veto_firm if firm else b.veto):
                return self._none(question, (own,), p)
            if best != Label.NONE and p >= (b.override_firm if firm else b.override):
                return self._labelled(question, best, p, lexical)
            return lexical
        torn = len(lexical.alternatives) > 1  # the lexical reading saw several, equally
        ahead = p - probabilities.get(Label.NONE, 0.0) >= b.margin
        if best != Label.NONE and ahead and p >= (b.torn if torn else b.answer):
            return self._labelled(question, best, p, lexical)
        if lexical.alternatives:
            return lexical
        close = sorted(
            (x for x, q in probabilities.items() if x != Label.NONE and q >= b.suggest),
            key=lambda x: -probabilities[x],
        )
        return self._none(question, tuple(close), probabilities.get(best, 0.0))

    def _labelled(self, question: str, label: Label, confidence: float, lexical: Answer) -> Answer:
        """The answer a label names, or ``none`` when it names nothing in this knowledge."""
        kind, target = label.kind, label.target
        confidence = max(0.0, min(1.0, confidence))
        if kind is Kind.TENSION and target in self.knowledge.tensions:
            runners = tuple(x for x in lexical.alternatives if x != target)
            return Answer(
                question,
                Kind.TENSION,
                confidence,
                tension=target,
                goals=self.knowledge.tensions[target].goals,
                alternatives=runners[:MAX_ALTERNATIVES],
            )
        if kind is Kind.GOAL and target in self.knowledge.goals:
            return Answer(question, Kind.GOAL, confidence, goal=target)
        if kind is Kind.LIST:
            return Answer(question, Kind.LIST, confidence)
        return self._none(question, (), 0.0)

    def _none(self, question: str, near: tuple[Label, ...], score: float) -> Answer:
        """``none``, suggesting the tensions or goals the message came closest to."""
        suggestions: list[str] = []
        for label in near:
            if label.target and label.target not in suggestions:
                suggestions.append(label.target)
        return Answer(
            question, Kind.NONE, min(score, 1.0), alternatives=tuple(suggestions[:MAX_ALTERNATIVES])
        )
