"""The learned half of the matcher: a linear classifier over the knowledge's examples.

Every example question is a sparse TF-IDF vector of its :mod:`features`; a multinomial
logistic regression, trained at load time, learns which features speak for which answer
(a :class:`~bot.core.knowledge.label.Label`). On the realistic dev set it was
right far more often than nearest neighbours over the same vectors (see
``benchmarks/RESULTS.md``), because it learns that "tradeoffs" says little and "forget"
says a lot, where a neighbour search weighs every shared word alike.

Training is mini-batch AdaGrad over a fixed seed, so the same knowledge always gives the
same model; it runs as a generator that pauses every few batches, so a reload can train
on the event loop between answers. numpy does the arithmetic; it is the one numerical
dependency, and imports in a fraction of a second.
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterable
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from bot.core.knowledge.label import Label
from bot.core.matching.features import Concepts, features, no_concepts
from bot.core.stepwise import finish

EPOCHS: Final = 8
BATCH: Final = 32
LEARNING_RATE: Final = 0.5
L2: Final = 1e-4
SEED: Final = 20261127
BALANCE: Final = 0.5  # 0: every example counts alike; 1: every label counts alike
BATCHES_PER_STEP: Final = 8  # a pause every few milliseconds of training
EXAMPLES_PER_STEP: Final = 24  # the same, while reading the examples

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Feature names to columns, with the inverse document frequency of each."""

    columns: dict[str, int]
    idf: Floats

    def vector(self, counts: dict[str, float]) -> tuple[Ints, Floats]:
        """Columns and L2-normalised sublinear TF-IDF weights of one text's features."""
        known = [(self.columns[f], c) for f, c in counts.items() if f in self.columns]
        if not known:
            return np.zeros(0, np.intp), np.zeros(0, np.float32)
        cols = np.fromiter((col for col, _ in known), np.intp, len(known))
        tf = np.fromiter(
            (1.0 + math.log(c) if c > 1.0 else c for _, c in known), np.float32, len(known)
        )
        values = tf * self.idf[cols]
        norm = float(np.sqrt(values @ values))
        return cols, values / norm if norm else values


class LinearClassifier:
    """Probabilities over answer labels for any text; train with :meth:`steps`."""

    def __init__(
        self,
        labels: tuple[Label, ...],
        vocabulary: Vocabulary,
        weights: Floats,
        bias: Floats,
        concepts: Concepts = no_concepts,
    ) -> None:
        self.labels = labels
        self.vocabulary = vocabulary
        self.weights = weights
        self.bias = bias
        self.concepts = concepts

    @classmethod
    def untrained(cls) -> LinearClassifier:
        """Knows nothing: every text gets no probabilities, so the lexical reading decides."""
        empty = np.zeros((0, 0), np.float32)
        return cls((), Vocabulary({}, np.zeros(0, np.float32)), empty, np.zeros(0, np.float32))

    def probabilities(self, text: str) -> dict[Label, float]:
        """Each label's probability; empty when nothing was learned."""
        if not self.labels:
            return {}
        cols, values = self.vocabulary.vector(features(text, self.concepts))
        z = values @ self.weights[cols] + self.bias
        p = np.exp(z - z.max())
        p /= p.sum()
        return dict(zip(self.labels, p.tolist(), strict=True))

    @classmethod
    def train(
        cls, examples: Iterable[tuple[Label, str]], concepts: Concepts = no_concepts
    ) -> LinearClassifier:
        return finish(cls.steps(examples, concepts))

    @classmethod
    def steps(
        cls, examples: Iterable[tuple[Label, str]], concepts: Concepts = no_concepts
    ) -> Generator[None, None, LinearClassifier]:
        """Train, pausing every :data:`BATCHES_PER_STEP` batches (see the module doc)."""
        targets: list[Label] = []
        raw: list[dict[str, float]] = []
        df: dict[str, int] = {}  # in how many examples each feature appears
        for count, (label, text) in enumerate(examples, 1):
            found = features(text, concepts)
            if found:
                targets.append(label)
                raw.append(found)
                for feature in found:
                    df[feature] = df.get(feature, 0) + 1
            if count % EXAMPLES_PER_STEP == 0:
                yield
        labels = tuple(sorted(set(targets)))
        vocabulary = _vocabulary(df, len(raw))
        if len(labels) < 2:
            # Nothing to tell apart: every text gets the one label (or none at all).
            size = (len(vocabulary.columns), len(labels))
            return cls(
                labels,
                vocabulary,
                np.zeros(size, np.float32),
                np.zeros(len(labels), np.float32),
                concepts,
            )
        target = np.array([labels.index(t) for t in targets], np.intp)
        rows: list[tuple[Ints, Floats]] = []
        for found in raw:
            rows.append(vocabulary.vector(found))
            if len(rows) % EXAMPLES_PER_STEP == 0:
                yield
        weights, bias = yield from _fit(rows, target, len(vocabulary.columns), len(labels))
        return cls(labels, vocabulary, weights, bias, concepts)


def _vocabulary(df: dict[str, int], n: int) -> Vocabulary:
    columns = {feature: i for i, feature in enumerate(df)}
    idf = np.fromiter(
        (math.log((1 + n) / (1 + count)) + 1.0 for count in df.values()), np.float32, len(df)
    )
    return Vocabulary(columns, idf)


def _fit(
    rows: list[tuple[Ints, Floats]], target: Ints, width: int, classes: int
) -> Generator[None, None, tuple[Floats, Floats]]:
    """Multinomial logistic regression by mini-batch AdaGrad (L2-regularised)."""
    weights = np.zeros((width, classes), np.float32)
    bias = np.zeros(classes, np.float32)
    g_weights = np.full((width, classes), 1e-8, np.float32)
    g_bias = np.full(classes, 1e-8, np.float32)
    rng = np.random.default_rng(SEED)
    n = len(rows)
    # Rarer labels weigh more, so hundreds of not-answered examples do not drown out a
    # tension's few dozen: each label's total weight ends up the same, to a power.
    counts = np.bincount(target, minlength=classes).astype(np.float32)
    balance = ((n / (classes * np.maximum(counts, 1.0))) ** BALANCE).astype(np.float32)
    done = 0
    for _ in range(EPOCHS):
        order = rng.permutation(n)
        for start in range(0, n, BATCH):
            batch = order[start : start + BATCH]
            lengths = np.fromiter((len(rows[i][0]) for i in batch), np.intp, len(batch))
            cols = np.concatenate([rows[i][0] for i in batch])
            values = np.concatenate([rows[i][1] for i in batch])
            owner = np.repeat(np.arange(len(batch)), lengths)
            starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
            z = np.add.reduceat(weights[cols] * values[:, None], starts, axis=0) + bias
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(batch)), target[batch]] -= 1.0  # the gradient of the loss in z
            p *= balance[target[batch], None]
            # Sum the gradient per distinct column: a sort and one reduceat.
            order_cols = np.argsort(cols, kind="stable")
            sorted_cols = cols[order_cols]
            firsts = np.flatnonzero(np.r_[True, sorted_cols[1:] != sorted_cols[:-1]])
            unique = sorted_cols[firsts]
            contrib = (p[owner] * values[:, None])[order_cols]
            grad = np.add.reduceat(contrib, firsts, axis=0) / len(batch)
            grad += L2 * weights[unique]
            g_weights[unique] += grad * grad
            weights[unique] -= LEARNING_RATE * grad / np.sqrt(g_weights[unique])
            grad_bias = p.mean(axis=0)
            g_bias += grad_bias * grad_bias
            bias -= LEARNING_RATE * grad_bias / np.sqrt(g_bias)
            done += 1
            if done % BATCHES_PER_STEP == 0:
                yield
    return weights, bias
