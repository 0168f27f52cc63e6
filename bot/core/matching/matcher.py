"""Question in, answer out: which tension (or goal, or the list) a person is asking about.

One reading of each message, learned from the knowledge (:mod:`~bot.core.matching.training`):
its n-grams, the knowledge's own terms, and what it means (a multilingual sentence
embedding), weighed by a classifier trained on the examples, with a score calibrated on
out-of-fold predictions so that it is the probability the answer is right. The bot answers
when that is at least :data:`~bot.core.matching.calibration.ANSWER_MIN`; below, it says it
is not sure and offers what came close.

A message is read whole and sentence by sentence: one clause can ask while the others
give context, and a message that asks two documented things gets both answers. A message
that is exactly one of the examples gets that example's answer, whatever was learned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace

from bot.core.knowledge.label import Kind, Label
from bot.core.knowledge.model import Knowledge, example_key
from bot.core.matching import calibration as c
from bot.core.matching import model_cache
from bot.core.matching.answer import Answer
from bot.core.matching.bank import Example, bank_steps, known_answers
from bot.core.matching.features import Reader, Reading
from bot.core.matching.follow_ups import FOLLOW_UPS, follow_up_steps
from bot.core.matching.model import Judgement, Model
from bot.core.matching.semantic import Embeddings
from bot.core.matching.semantic import embeddings as shared_embeddings
from bot.core.matching.training import train
from bot.core.matching.vocabulary import Vocabulary
from bot.core.stepwise import finish
from bot.core.text.message import read_message
from bot.core.text.noise import Lexicon
from bot.core.text.words import asks, stem, words

log = logging.getLogger(__name__)


def lexicon_of(knowledge: Knowledge) -> Lexicon:
    """Every word the knowledge uses: what undoing noise may turn a word into."""
    texts: list[str] = [text for _, text in knowledge.examples()]
    for goal in knowledge.goals.values():
        texts += [goal.name, goal.description, *goal.aliases]
    for tension in knowledge.tensions.values():
        texts += [tension.title, tension.summary, tension.tradeoff, *tension.keywords]
        texts += list(tension.research)
    return Lexicon.of(texts)


Worded = list[tuple[Example[Label], list[str]]]  # examples with their folded words


def question_openers(examples: Worded) -> frozenset[str]:
    """Words that open a question: at least ``OPENER_MIN`` examples start with them, and
    most of those examples end with a question mark."""
    starts: dict[str, list[bool]] = {}
    for example, folded in examples:
        if example.asked and folded:
            starts.setdefault(folded[0], []).append(asks(example.text))
    return frozenset(
        w
        for w, marks in starts.items()
        if len(marks) >= c.OPENER_MIN and sum(marks) * 2 > len(marks)
    )


def common_words(examples: Worded) -> frozenset[str]:
    """Words so common across the examples that they say how, not what, a message asks:
    in at least ``COMMON_SHARE`` of them (learned, so in the knowledge's languages)."""
    counts: dict[str, int] = {}
    for _, folded in examples:
        for word in set(folded):
            counts[word] = counts.get(word, 0) + 1
    least = max(2.0, c.COMMON_SHARE * len(examples))
    return frozenset(w for w, n in counts.items() if n >= least)


def cache_keys(knowledge: Knowledge) -> list[tuple[str, Callable[[str], object]]]:
    """The cache keys of the models a matcher for this knowledge uses, and how each reads
    its labels back: what a store shared by several processes is asked for first."""
    semantic = shared_embeddings().model.model_id
    answers = model_cache.key_for(knowledge.fingerprint, semantic)
    follow_ups = model_cache.key_for(knowledge.fingerprint, semantic, FOLLOW_UPS)
    keys: list[tuple[str, Callable[[str], object]]] = []
    if answers is not None:
        keys.append((answers, Label.parse))
    if follow_ups is not None:
        keys.append((follow_ups, str))
    return keys


def _model_steps(
    knowledge: Knowledge, reader: Reader, vectors: Embeddings
) -> Generator[None, None, Model[Label]]:
    """The cached model for this knowledge, or one trained now (and cached)."""
    key = model_cache.key_for(knowledge.fingerprint, vectors.model.model_id)
    model = model_cache.recall(key, Label.parse)
    if model is not None:
        return model
    try:
        examples = yield from bank_steps(knowledge)
        model = yield from train(examples, reader, vectors, Label.NONE)
    except (ArithmeticError, MemoryError, ValueError) as exc:
        # A bot that answers exact examples beats one that does not start.
        log.warning("the classifier could not be trained (%s); answering examples only", exc)
        return Model.empty()
    model_cache.store(key, model)
    return model


@dataclass(frozen=True, eq=False)
class Prepared:
    """What a matcher learns from the knowledge besides its models: how to read it, the
    texts it answers exactly, and the words its examples ask with."""

    vocabulary: Vocabulary
    reader: Reader
    known: dict[str, Label]
    openers: frozenset[str]
    common: frozenset[str]
    asked_words: frozenset[str]  # words some question was asked with


WORDED_PER_STEP = 256  # examples split into words between two pauses of a reload


def _prepare_steps(knowledge: Knowledge) -> Generator[None, None, Prepared]:
    lexicon = lexicon_of(knowledge)
    yield
    vocabulary = Vocabulary(knowledge, lexicon)
    yield
    examples = yield from bank_steps(knowledge, contexts=False)
    worded: Worded = []
    for count, example in enumerate(examples, 1):
        worded.append((example, words(example.text)))
        if count % WORDED_PER_STEP == 0:
            yield
    known = known_answers(examples)
    openers = question_openers(worded)
    yield
    common = common_words(worded)
    asked = frozenset(w for e, folded in worded if e.asked for w in folded)
    yield
    return Prepared(vocabulary, Reader(vocabulary), known, openers, common, asked)


class Matcher:
    """Answers questions from one :class:`Knowledge`; build once per load."""

    def __init__(
        self,
        knowledge: Knowledge,
        *,
        model: Model[Label] | None = None,
        parts: Model[str] | None = None,
        embeddings: Embeddings | None = None,
        prepared: Prepared | None = None,
    ) -> None:
        """``model`` is given when built beforehand (by :meth:`steps`); ``embeddings``
        when not the process's own (a benchmark reading without the semantic model)."""
        self.knowledge = knowledge
        prepared = finish(_prepare_steps(knowledge)) if prepared is None else prepared
        self.vocabulary = prepared.vocabulary
        self.reader = prepared.reader
        self.embeddings = embeddings or shared_embeddings()
        self.known = prepared.known
        self.openers = prepared.openers
        self.common = prepared.common
        self.asked_words = prepared.asked_words
        if model is None:
            model = finish(_model_steps(knowledge, self.reader, self.embeddings))
        if parts is None:
            parts = finish(follow_up_steps(knowledge, self.reader, self.embeddings))
        self.model = model
        self.parts = parts

    @classmethod
    def steps(cls, knowledge: Knowledge) -> Generator[None, None, Matcher]:
        """Build a matcher in slices of a few milliseconds, for a reload between answers."""
        prepared = yield from _prepare_steps(knowledge)
        vectors = shared_embeddings()
        model = yield from _model_steps(knowledge, prepared.reader, vectors)
        parts = yield from follow_up_steps(knowledge, prepared.reader, vectors)
        return cls(knowledge, model=model, parts=parts, prepared=prepared)

    # --- reading --------------------------------------------------------------------

    def judge(self, texts: list[str]) -> list[Judgement[Label]]:
        """What the model says of each text (embedded together, in one batch)."""
        readings = [self.reader.read(t) for t in texts]
        return self.model.judge_all(readings, self.embeddings.of([r.text for r in readings]))

    def follow_up(self, text: str) -> Judgement[str]:
        """What a message asks of the last answer (see :mod:`~bot.core.matching.follow_ups`)."""
        reading = self.reader.read(text)
        [judged] = self.parts.judge_all([reading], self.embeddings.of([reading.text]))
        return judged

    def read(self, text: str) -> Reading:
        return self.reader.read(text)

    def reads_as_question(self, text: str) -> bool:
        """Written as a question: a question mark, or an opening word that the knowledge's
        examples open questions with (learned from them, so in their languages)."""
        if asks(text):
            return True
        folded = words(text)
        return bool(folded) and folded[0] in self.openers

    def goals_named(self, text: str) -> tuple[str, ...]:
        """The goals a message names (by name or alias), strongest first; no decision made.

        A follow-up such as "and calibration?" names a goal without asking about it in
        general: the conversation decides what it means from the last answer.
        """
        return self.reader.read(text).found.goals

    # --- deciding -------------------------------------------------------------------

    def match(self, question: str) -> Answer:
        """Decide what a question asks for (and any further question in it). Never raises."""
        message = read_message(question)
        if not self.reader.read(message.prose).words:  # mentions, emoji, punctuation: no words
            return Answer(question, Kind.NONE, 1.0)
        texts = [message.prose, *message.parts[: c.MAX_PARTS]]
        judged = self.judge(texts)
        whole = judged[0]
        known = self.known.get(example_key(message.prose))
        named = self._named_alone(message.prose)
        if known is not None:
            primary = self._answer(question, known, 1.0, whole)
        elif named is not None and not (whole.answers and whole.label != named):
            primary = self._answer(question, named, max(whole.score, c.ANSWER_MIN), whole)
        elif whole.answers and whole.label is not None:
            primary = self._answer(question, whole.label, whole.score, whole)
        else:
            part = max((j for j in judged[1:] if j.answers), key=lambda j: j.score, default=None)
            if part is None or part.label is None:
                return self._none(question, whole, self.reader.read(message.prose))
            primary = self._answer(question, part.label, part.score, part)
        further = self._further(question, primary, judged[1:])
        return replace(primary, more=further) if further else primary

    def goal_alone(self, text: str) -> str | None:
        """The one goal a message names with nothing else but common words around it:
        "and calibration?", "what about cost, then": in a conversation, a goal put in."""
        reading = self.reader.read(text)
        goals = reading.found.goals
        if len(goals) != 1:
            return None
        terms = [t for t in self.vocabulary.terms if t.label == Label.goal(goals[0])]
        term_stems = {s for t in terms for s in t.stems}
        rest = [w for w in reading.words if stem(w) not in term_stems]
        return goals[0] if all(w in self.common for w in rest) else None

    def _named_alone(self, text: str) -> Label | None:
        """The answer a message names and nothing else, by a word no example uses yet: a
        keyword a curator just added, with only common words around it ("what about
        glimmerquant?"), is asked as written. A term the examples use is left to the
        classifier, which has learned how it is asked (and that "what's MEMIT?" is not)."""
        reading = self.reader.read(text)
        spans = reading.found.spans
        if len(spans) != 1 or not reading.words:
            return None
        [(label, where)] = spans.items()
        named = [w for i, w in enumerate(reading.words) if i in where]
        rest = [w for i, w in enumerate(reading.words) if i not in where]
        new = any(w not in self.asked_words for w in named)
        return label if new and all(w in self.common for w in rest) else None

    def _further(
        self, question: str, primary: Answer, parts: list[Judgement[Label]]
    ) -> tuple[Answer, ...]:
        """Other documented things the message's sentences ask about, each answered."""
        seen = {primary.label}
        out: list[Answer] = []
        for part in sorted(parts, key=lambda j: -j.score):
            label = part.label
            if label is None or label in seen or part.score < c.FURTHER_MIN:
                continue
            if any(self._within(label, answer.label) for answer in (primary, *out)):
                continue
            seen.add(label)
            out.append(self._answer(question, label, part.score, part))
        return tuple(out[: c.MAX_FURTHER])

    def _within(self, a: Label, b: Label) -> bool:
        """Whether one answer is part of the other: a goal and a tension it is a side of.
        A clause that names one side of the tension asked about is context, not a second
        question ("if we train abstention in, how many benchmark points do we lose")."""
        for goal, tension in ((a, b), (b, a)):
            if goal.kind is Kind.GOAL and tension.kind is Kind.TENSION:
                found = self.knowledge.tensions.get(tension.target)
                if found is not None and goal.target in found.goals:
                    return True
        return False

    def _answer(
        self, question: str, label: Label, score: float, judged: Judgement[Label]
    ) -> Answer:
        """The answer a label names (``none`` when it names nothing in this knowledge)."""
        score = max(0.0, min(1.0, score))
        if label.kind is Kind.TENSION and label.target in self.knowledge.tensions:
            runners = tuple(
                other.target
                for other, p in sorted(judged.probabilities.items(), key=lambda x: -x[1])
                if other.kind is Kind.TENSION and other != label and p >= c.SUGGESTION_FLOOR
            )
            return Answer(
                question,
                Kind.TENSION,
                score,
                tension=label.target,
                goals=self.knowledge.tensions[label.target].goals,
                alternatives=runners[: c.MAX_SUGGESTIONS],
            )
        if label.kind is Kind.GOAL and label.target in self.knowledge.goals:
            return Answer(question, Kind.GOAL, score, goal=label.target)
        if label.kind is Kind.LIST:
            return Answer(question, Kind.LIST, score)
        return Answer(question, Kind.NONE, score)

    def _none(self, question: str, judged: Judgement[Label], reading: Reading) -> Answer:
        """``none``, suggesting the tensions or goals the message came closest to (those
        likely enough, then those its words name); its score is the probability that
        nothing documented was asked for."""
        named = sorted(
            (label for label in reading.found.labels if label.target),
            key=lambda label: -judged.probabilities.get(label, 0.0),
        )
        near = tuple(dict.fromkeys(s.target for s in (*judged.suggestions, *named) if s.target))
        score = 1.0 - judged.score if judged.label is not None else 1.0
        return Answer(question, Kind.NONE, score, alternatives=near[: c.MAX_SUGGESTIONS])
