"""A trained model for one knowledge: the classifier, its calibrator, and how to judge a text.

Immutable once built, so a reload builds a new one beside the one in use and swaps. It
can be written to bytes and read back (the disk cache and the shared database keep it),
which is how a second cluster, or the next ``tensionbot ask``, skips training.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

from bot.core.matching import calibration as c
from bot.core.matching.calibration import Calibrator, signals
from bot.core.matching.classifier import Columns, LinearModel, softmax
from bot.core.matching.features import Reading

Floats = npt.NDArray[np.float32]
# What a model tells apart: answers (a Label) for the matcher, the parts of an answer a
# follow-up asks for (a string) for the conversation.
L = TypeVar("L", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Judgement(Generic[L]):
    """What the model says of one text."""

    label: L | None  # the likeliest answer other than none (None when it knows none)
    score: float  # calibrated: the probability that ``label`` is the right answer
    probabilities: dict[L, float]
    suggestions: tuple[L, ...]  # the next likeliest, each likely enough to offer

    @property
    def answers(self) -> bool:
        return self.label is not None and self.score >= c.ANSWER_MIN


@dataclass(frozen=True, eq=False)
class Model(Generic[L]):
    labels: tuple[L, ...]
    none: L | None  # the label of "nothing to answer", if the model learned one
    columns: Columns
    linear: LinearModel
    calibrator: Calibrator
    centroids: Floats  # mean embedding of each answer's examples (0 columns: no model)
    semantic: str  # the embedder's model id the model was trained with

    @classmethod
    def empty(cls) -> Model[L]:
        """Knows nothing: every text gets no answer."""
        zero = np.zeros((0, 0), np.float32)
        return cls(
            (),
            None,
            Columns({}, np.zeros(0, np.float32)),
            LinearModel(zero, zero, np.zeros(0, np.float32)),
            Calibrator.untrained(),
            zero,
            "none",
        )

    def judge_all(self, readings: list[Reading], vectors: Floats) -> list[Judgement[L]]:
        """One judgement per text; ``vectors`` are their embeddings (0 columns: none)."""
        if not self.labels:
            return [Judgement(None, 0.0, {}, ()) for _ in readings]
        x = self.columns.matrix([r.features for r in readings])
        dense = (
            vectors * c.SEMANTIC_WEIGHT if vectors.shape[1] and self.linear.dense.shape[0] else None
        )
        p = softmax(self.linear.logits(x, dense))
        unit = None if dense is None else vectors  # the nearest signal reads unit vectors
        return [self._judge(r, p[i], None if unit is None else unit[i]) for i, r in
                enumerate(readings)]  # fmt: skip

    def _judge(self, reading: Reading, p: Floats, vector: Floats | None) -> Judgement[L]:
        probabilities = dict(zip(self.labels, (float(v) for v in p), strict=True))
        none = probabilities.get(self.none, 0.0) if self.none is not None else 0.0
        ranked = sorted(
            (label for label in self.labels if label != self.none),
            key=lambda label: (-probabilities[label], str(label)),
        )
        if not ranked:
            return Judgement(None, 0.0, probabilities, ())
        top = ranked[0]
        runner = probabilities[ranked[1]] if len(ranked) > 1 else 0.0
        named = 1.0 if top in reading.found.specific else 0.0
        nearest = self._nearest(top, vector)
        score = self.calibrator.score(signals(probabilities[top], none, runner, named, nearest))
        suggestions = tuple(
            label
            for label in ranked[: c.MAX_SUGGESTIONS + 1]
            if probabilities[label] >= self.calibrator.suggest_min
        )
        return Judgement(top, score, probabilities, suggestions)

    def _nearest(self, label: L, vector: Floats | None) -> float:
        if vector is None or not self.centroids.shape[1]:
            return 0.0
        return float(self.centroids[self.labels.index(label)] @ vector)

    # --- bytes, for the caches ------------------------------------------------------

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        names = sorted(self.columns.index, key=self.columns.index.__getitem__)
        np.savez(
            buffer,
            meta=np.array(
                json.dumps(
                    {
                        "labels": [str(label) for label in self.labels],
                        "none": None if self.none is None else str(self.none),
                        "columns": names,
                        "calibrator": list(self.calibrator.weights),
                        "suggest_min": self.calibrator.suggest_min,
                        "semantic": self.semantic,
                    }
                )
            ),
            idf=self.columns.idf,
            sparse=self.linear.sparse,
            dense=self.linear.dense,
            bias=self.linear.bias,
            centroids=self.centroids,
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes, parse: Callable[[str], L]) -> Model[L]:
        """Raises ValueError (or KeyError) on anything that is not such a model;
        ``parse`` turns a label's text back into a label."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(str(arrays["meta"]))
            columns = Columns({n: i for i, n in enumerate(meta["columns"])}, arrays["idf"])
            linear = LinearModel(arrays["sparse"], arrays["dense"], arrays["bias"])
            none = meta["none"]
            return cls(
                tuple(parse(x) for x in meta["labels"]),
                None if none is None else parse(none),
                columns,
                linear,
                Calibrator(tuple(float(w) for w in meta["calibrator"]), meta["suggest_min"]),
                arrays["centroids"],
                str(meta["semantic"]),
            )
