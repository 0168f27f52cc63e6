"""Training a model for one knowledge, and learning from its own examples how far to trust it.

1. Every example of the bank (:mod:`~bot.core.matching.bank`) is read and embedded.
2. The examples are split into folds; a classifier is trained on all folds but one and
   asked about the one left out, for each fold in turn. Those *out-of-fold* answers are
   what the classifier would say of questions it never saw.
3. A calibrator is fitted on them: how likely the top answer is right, given how sure
   the classifier was, how close the runner-up came, whether the knowledge's own words
   named it, and how near the examples of it the text is. ``not-answered`` examples
   count as at least :data:`~bot.core.matching.calibration.NONE_SHARE` of all messages.
   The "did you mean" cut is learned the same way.
4. The model that serves is the mean of the fold models: every example taught it, and
   no time goes to training once more on everything.

Names and keywords are trained on in every fold but never held out: they are not
questions anybody asks, and would make the calibrator trust one-word messages.
"""

from __future__ import annotations

import logging
from collections.abc import Generator

import numpy as np
import numpy.typing as npt

from bot.core.matching import calibration as c
from bot.core.matching.bank import Example, L
from bot.core.matching.calibration import Calibrator, fit_calibrator, signals
from bot.core.matching.classifier import Columns, LinearModel, balanced, fit, softmax
from bot.core.matching.features import Reader, Reading
from bot.core.matching.model import Model
from bot.core.matching.semantic import Embeddings

log = logging.getLogger(__name__)

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]

READ_PER_STEP = 32  # examples read between two pauses of a reload


def folds_for(examples: int) -> int:
    """Fewer folds for a large bank: each fold is a training run (see calibration)."""
    return c.FOLDS if examples <= c.LARGE_BANK else c.FOLDS_LARGE


def train(
    examples: list[Example[L]], reader: Reader, embeddings: Embeddings, none: L | None
) -> Generator[None, None, Model[L]]:
    """The model for these examples, built in slices of a few milliseconds; ``none`` is
    the label of "nothing to answer" (the calibrator weighs those examples up)."""
    labels = tuple(sorted({e.label for e in examples}, key=str))
    if len(labels) > c.MAX_ANSWERS:
        # The loader refuses such a knowledge; one built in code is read by exact examples.
        log.warning("%d answers is more than the %d a model learns", len(labels), c.MAX_ANSWERS)
        return Model.empty()
    if len(labels) < 2:
        return Model.empty()
    known_none = none if none in labels else None
    readings: list[Reading] = []
    for count, example in enumerate(examples, 1):
        readings.append(reader.read(example.text, keep=False))
        if count % READ_PER_STEP == 0:
            yield
    vectors = yield from embeddings.examples([e.text for e in examples])
    dense = vectors * c.SEMANTIC_WEIGHT if vectors.shape[1] else None
    index = {label: i for i, label in enumerate(labels)}
    target = np.array([index[e.label] for e in examples], np.int64)
    asked = np.array([e.asked for e in examples], bool)
    features = [r.features for r in readings]
    columns = yield from Columns.steps(features, c.MIN_DF)
    x = yield from columns.matrix_steps(features)
    weights = balanced(target, len(labels))
    weights[~asked] *= c.TERM_WEIGHT
    fold = _folds(target, asked, folds_for(int(asked.sum())))
    if not asked.any():  # names and keywords only: nothing to hold out, nothing to calibrate
        linear = yield from fit(x, dense, target, len(labels), weights)
        centroids = np.zeros((len(labels), 0 if dense is None else dense.shape[1]), np.float32)
        if dense is not None:
            centroids = _centroids(vectors, target, len(labels))
        model_id = embeddings.model.model_id
        return Model(
            labels, known_none, columns, linear, Calibrator.untrained(), centroids, model_id
        )
    total: LinearModel | None = None  # the fold models' sum, kept as they are trained
    oof = np.zeros((len(examples), len(labels)), np.float32)
    centroids_oof = np.zeros((len(examples), 0 if dense is None else len(labels)), np.float32)
    for k in range(int(fold.max()) + 1):
        keep = fold != k
        model = yield from fit(
            x[keep], None if dense is None else dense[keep], target[keep], len(labels),
            weights[keep],
        )  # fmt: skip
        held = np.flatnonzero(~keep)
        if len(held):
            oof[held] = softmax(model.logits(x[held], None if dense is None else dense[held]))
            if dense is not None:
                cents = _centroids(vectors[keep], target[keep], len(labels))
                centroids_oof[held] = vectors[held] @ cents.T
        if total is None:
            total = model
        else:
            total.add(model)
        del model
        yield
    assert total is not None  # at least one fold: some examples were asked
    linear = total.scaled(1.0 / (int(fold.max()) + 1))
    yield
    centroids = (
        np.zeros((len(labels), 0), np.float32)
        if dense is None
        else _centroids(vectors, target, len(labels))
    )
    yield
    calibrator = _calibrate(labels, known_none, readings, target, fold >= 0, oof, centroids_oof)
    yield
    semantic = embeddings.model.model_id
    return Model(labels, known_none, columns, linear, calibrator, centroids, semantic)


def _folds(target: Ints, asked: npt.NDArray[np.bool_], folds: int) -> Ints:
    """Each asked example's fold, dealt round-robin within its answer after a seeded
    shuffle (so every fold has some of every answer); -1 for names and keywords."""
    rng = np.random.default_rng(c.SEED)
    fold = np.full(len(target), -1, np.int64)
    for label in np.unique(target):
        members = np.flatnonzero((target == label) & asked)
        rng.shuffle(members)
        fold[members] = np.arange(len(members)) % folds
    return fold


def _centroids(vectors: Floats, target: Ints, answers: int) -> Floats:
    sums = np.zeros((answers, vectors.shape[1]), np.float32)
    np.add.at(sums, target, vectors)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.asarray(sums / np.maximum(norms, 1e-9), np.float32)


def _calibrate(
    labels: tuple[L, ...],
    none_label: L | None,
    readings: list[Reading],
    target: Ints,
    held_out: npt.NDArray[np.bool_],
    oof: Floats,
    near: Floats,
) -> Calibrator:
    none = labels.index(none_label) if none_label is not None else -1
    rows: list[Floats] = []
    right: list[bool] = []
    is_none: list[bool] = []
    candidates: list[tuple[float, bool]] = []  # for the "did you mean" cut
    for i in np.flatnonzero(held_out):
        p = oof[i].copy()
        p_none = float(p[none]) if none >= 0 else 0.0
        if none >= 0:
            p[none] = -1.0
        order = np.argsort(-p)
        top = int(order[0])
        runner = float(p[order[1]]) if len(order) > 1 and order[1] != none else 0.0
        named = 1.0 if labels[top] in readings[i].found.specific else 0.0
        nearest = float(near[i, top]) if near.shape[1] else 0.0
        rows.append(signals(float(p[top]), p_none, runner, named, nearest))
        right.append(top == target[i])
        is_none.append(target[i] == none)
        if target[i] != none:
            for j in order[1 : c.MAX_SUGGESTIONS + 1]:
                if j != none:
                    candidates.append((float(p[j]), bool(j == target[i])))
    if len(rows) < 2 or len(set(right)) < 2:
        return Calibrator.untrained()
    matrix = np.stack(rows)
    truth = np.array(right)
    nones = np.array(is_none)
    weights = np.ones(len(rows), np.float32)
    wanted = c.NONE_SHARE / (1 - c.NONE_SHARE) * float((~nones).sum())
    if nones.any() and nones.sum() < wanted:
        weights[nones] = wanted / float(nones.sum())
    fitted = fit_calibrator(matrix, truth, weights)
    return Calibrator(fitted, _suggestion_cut(candidates))


def _suggestion_cut(candidates: list[tuple[float, bool]]) -> float:
    """The lowest probability at which a runner-up was the right answer often enough."""
    if not candidates:
        return Calibrator.untrained().suggest_min
    ranked = sorted(candidates, reverse=True)
    hits = 0
    cut = ranked[0][0]
    for count, (p, good) in enumerate(ranked, 1):
        hits += good
        if hits / count >= c.SUGGESTION_PRECISION:
            cut = p
    return max(cut, c.SUGGESTION_FLOOR)
