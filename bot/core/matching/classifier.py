"""The learned reading: a multinomial logistic regression over a message's features.

Every example is a sparse TF-IDF vector of its n-gram and concept features
(:mod:`~bot.core.matching.features`), beside a dense sentence embedding when the semantic
model is loaded (:mod:`~bot.core.matching.semantic`). Training is mini-batch AdaGrad over
a fixed seed, so the same knowledge always gives the same model: each batch updates only
the rows of the weights its features touch, which keeps a knowledge of 15,000 examples and
170 answers to about a second per pass. It runs as a generator that pauses after every
batch, so a reload can train on the event loop between answers. scipy does the sparse
arithmetic (numpy alone would gather the weights row by row, several times slower).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from bot.core.matching import calibration as c
from bot.core.stepwise import finish

ROWS_PER_STEP = 256  # rows counted or put in the matrix between two pauses of a reload

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]
Features = dict[str, float]


@dataclass(frozen=True, eq=False)
class Columns:
    """Feature names to columns, with the inverse document frequency of each."""

    index: dict[str, int]
    idf: Floats

    @classmethod
    def of(cls, rows: Sequence[Features], min_df: int = 1) -> Columns:
        """The columns of a training set: its features, weighted by kind and rarity; a
        feature in fewer than ``min_df`` rows gets no column (it could only memorise)."""
        return finish(cls.steps(rows, min_df))

    @classmethod
    def steps(cls, rows: Sequence[Features], min_df: int = 1) -> Generator[None, None, Columns]:
        """:meth:`of` in slices of ``ROWS_PER_STEP`` rows, for a reload between answers."""
        df: Counter[str] = Counter()
        for start in range(0, len(rows), ROWS_PER_STEP):
            for row in rows[start : start + ROWS_PER_STEP]:
                df.update(row.keys())
            yield
        n = len(rows)
        names = [name for name, count in df.items() if count >= min_df or name[:1] in "kbaf"]
        yield
        counts = np.fromiter((df[name] for name in names), np.float32, len(names))
        idf = np.log((1 + n) / (1 + counts)) + 1.0
        yield
        kind = np.fromiter((c.FEATURE_WEIGHTS.get(f[:1], 1.0) for f in names), np.float32)
        yield
        return cls({name: i for i, name in enumerate(names)}, (idf * kind).astype(np.float32))

    def matrix_steps(self, rows: Sequence[Features]) -> Generator[None, None, sp.csr_matrix]:
        """:meth:`matrix` in slices of ``ROWS_PER_STEP`` rows."""
        parts = []
        for start in range(0, len(rows), ROWS_PER_STEP):
            parts.append(self.matrix(rows[start : start + ROWS_PER_STEP]))
            yield
        if not parts:
            return self.matrix(rows)
        return sp.csr_matrix(sp.vstack(parts, format="csr"))

    def matrix(self, rows: Sequence[Features]) -> sp.csr_matrix:
        """L2-normalised sublinear TF-IDF rows (a row with no known feature stays zero)."""
        lengths = np.fromiter(map(len, rows), np.int64, len(rows))
        names = [name for row in rows for name in row]
        counts = np.fromiter((v for row in rows for v in row.values()), np.float32, len(names))
        cols = np.fromiter(map(self.index.get, names, repeat(-1)), np.int64, len(names))
        owner = np.repeat(np.arange(len(rows)), lengths)
        known = cols >= 0
        cols, counts, owner = cols[known], counts[known], owner[known]
        tf = np.where(counts > 1.0, 1.0 + np.log(np.maximum(counts, 1.0)), counts)
        data = (tf * self.idf[cols]).astype(np.float32)
        norms = np.sqrt(np.bincount(owner, weights=data * data, minlength=len(rows)))
        norms[norms == 0] = 1.0
        data = (data / norms[owner]).astype(np.float32)
        indptr = np.concatenate(([0], np.cumsum(np.bincount(owner, minlength=len(rows)))))
        return sp.csr_matrix((data, cols, indptr), shape=(len(rows), len(self.index)))


@dataclass(frozen=True, eq=False)
class LinearModel:
    """Weights for the sparse features, for the dense embedding, and a bias, per answer."""

    sparse: Floats  # columns x answers
    dense: Floats  # embedding dimensions x answers (0 rows without the semantic model)
    bias: Floats

    def logits(self, x: sp.csr_matrix, e: Floats | None) -> Floats:
        z = np.asarray(x @ self.sparse, np.float32) + self.bias
        if e is not None and self.dense.shape[0]:
            z += e @ self.dense
        return z

    def add(self, other: LinearModel) -> None:
        """Add another model's weights into this one's, in place: folds are summed as
        they are trained, so only one fold's weights are held besides the sum (for a
        large knowledge each is features x answers, hundreds of MiB)."""
        for mine, theirs in zip(self.arrays, other.arrays, strict=True):
            np.add(mine, theirs, out=mine)

    def scaled(self, factor: float) -> LinearModel:
        """This model's weights times ``factor``, in place (the sum of k folds / k is
        their mean: an ensemble as one model)."""
        for mine in self.arrays:
            np.multiply(mine, np.float32(factor), out=mine)
        return self

    @property
    def arrays(self) -> tuple[Floats, Floats, Floats]:
        return self.sparse, self.dense, self.bias


def softmax(z: Floats) -> Floats:
    z = z - z.max(axis=-1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=-1, keepdims=True)
    return z


def fit(
    x: sp.csr_matrix,
    e: Floats | None,
    target: Ints,
    answers: int,
    weights: Floats,
) -> Generator[None, None, LinearModel]:
    """Multinomial logistic regression by lazy mini-batch AdaGrad, pausing every batch."""
    n, width = x.shape
    dims = 0 if e is None else e.shape[1]
    sparse = np.zeros((width, answers), np.float32)
    dense = np.zeros((dims, answers), np.float32)
    bias = np.zeros(answers, np.float32)
    g_sparse = np.full((width, answers), 1e-8, np.float32)
    g_dense = np.full((dims, answers), 1e-8, np.float32)
    g_bias = np.full(answers, 1e-8, np.float32)
    rng = np.random.default_rng(c.SEED)
    rate = c.LEARNING_RATE
    batches = max(1, math.ceil(n / c.BATCH))
    epochs = min(c.MAX_EPOCHS, max(c.EPOCHS, math.ceil(c.MIN_BATCHES / batches)))
    # The columns a batch touches, found by marking them (a pass over the columns) rather
    # than sorting its entries, and renumbered in place: both are most of a batch's cost
    # done the obvious way (np.unique, then slicing the columns out of the matrix).
    mark = np.zeros(width, bool)
    position = np.zeros(width, np.int32)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, c.BATCH):
            batch = order[start : start + c.BATCH]
            xb = x[batch]
            mark[xb.indices] = True
            touched = np.flatnonzero(mark)
            mark[touched] = False
            position[touched] = np.arange(len(touched), dtype=np.int32)
            xs = sp.csr_matrix(
                (xb.data, position[xb.indices], xb.indptr), shape=(len(batch), len(touched))
            )
            w_touched = sparse[touched]
            z = np.asarray(xs @ w_touched, np.float32) + bias
            if e is not None:
                z += e[batch] @ dense
            p = softmax(z)
            p[np.arange(len(batch)), target[batch]] -= 1.0  # the loss's gradient in z
            p *= (weights[batch] / len(batch))[:, None]
            grad = np.asarray(xs.T @ p, np.float32) + c.L2 * w_touched
            g_touched = g_sparse[touched] + grad * grad
            g_sparse[touched] = g_touched
            sparse[touched] = w_touched - rate * grad / np.sqrt(g_touched)
            if e is not None:
                grad_dense = e[batch].T @ p + c.L2 * dense
                g_dense += grad_dense * grad_dense
                dense -= rate * grad_dense / np.sqrt(g_dense)
            grad_bias = p.sum(axis=0)
            g_bias += grad_bias * grad_bias
            bias -= rate * grad_bias / np.sqrt(g_bias)
            yield
    return LinearModel(sparse, dense, bias)


def balanced(target: Ints, answers: int) -> Floats:
    """Rarer answers weigh more, so hundreds of not-answered examples do not drown a
    tension's few dozen: each answer's total weight ends up the same, to a power."""
    counts = np.bincount(target, minlength=answers).astype(np.float32)
    per = (len(target) / (answers * np.maximum(counts, 1.0))) ** c.BALANCE
    return np.asarray(per[target], np.float32)
