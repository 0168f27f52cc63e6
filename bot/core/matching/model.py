"""A trained model for one knowledge: the classifier, its calibrator, and how to judge a text.

Immutable once built, so a reload builds a new one beside the one in use and swaps. It
can be written to bytes and read back (the disk cache and the shared database keep it),
which is how a second cluster, or the next ``tensionbot ask``, skips training.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot.core.knowledge.label import Label
from bot.core.matching import calibration as c
from bot.core.matching.calibration import Calibrator, signals
from bot.core.matching.classifier import Columns, LinearModel, softmax
from bot.core.matching.features import Reading

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Judgement:
    """What the model says of one text."""

    label: Label  # the likeliest answer other than none (NONE when it knows no answer)
    score: float  # calibrated: the probability that ``label`` is the right answer
    probabilities: dict[Label, float]
    suggestions: tuple[Label, ...]  # the next likeliest, each likely enough to offer

    @property
    def answers(self) -> bool:
        return self.label != Label.NONE and self.score >= c.ANSWER_MIN


@dataclass(frozen=True, eq=False)
class Model:
    labels: tuple[Label, ...]
    columns: Columns
    linear: LinearModel
    calibrator: Calibrator
    centroids: Floats  # mean embedding of each answer's examples (0 columns: no model)
    semantic: str  # the embedder's model id the model was trained with

    @classmethod
    def empty(cls) -> Model:
        """Knows nothing: every text gets no answer."""
        zero = np.zeros((0, 0), np.float32)
        return cls(
            (),
            Columns({}, np.zeros(0, np.float32)),
            LinearModel(zero, zero, np.zeros(0, np.float32)),
            Calibrator.untrained(),
            zero,
            "none",
        )

    def judge_all(self, readings: list[Reading], vectors: Floats) -> list[Judgement]:
        """One judgement per text; ``vectors`` are their embeddings (0 columns: none)."""
        if not self.labels:
            return [Judgement(Label.NONE, 0.0, {}, ()) for _ in readings]
        x = self.columns.matrix([r.features for r in readings])
        dense = vectors if vectors.shape[1] and self.linear.dense.shape[0] else None
        p = softmax(self.linear.logits(x, dense))
        return [self._judge(r, p[i], None if dense is None else dense[i]) for i, r in
                enumerate(readings)]  # fmt: skip

    def _judge(self, reading: Reading, p: Floats, vector: Floats | None) -> Judgement:
        probabilities = dict(zip(self.labels, (float(v) for v in p), strict=True))
        none = probabilities.get(Label.NONE, 0.0)
        ranked = sorted(
            (label for label in self.labels if label != Label.NONE),
            key=lambda label: (-probabilities[label], str(label)),
        )
        if not ranked:
            return Judgement(Label.NONE, 0.0, probabilities, ())
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

    def _nearest(self, label: Label, vector: Floats | None) -> float:
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
    def from_bytes(cls, data: bytes) -> Model:
        """Raises ValueError (or KeyError) on anything that is not such a model."""
        with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
            meta = json.loads(str(arrays["meta"]))
            columns = Columns({n: i for i, n in enumerate(meta["columns"])}, arrays["idf"])
            linear = LinearModel(arrays["sparse"], arrays["dense"], arrays["bias"])
            return cls(
                tuple(Label.parse(x) for x in meta["labels"]),
                columns,
                linear,
                Calibrator(tuple(float(w) for w in meta["calibrator"]), meta["suggest_min"]),
                arrays["centroids"],
                str(meta["semantic"]),
            )
