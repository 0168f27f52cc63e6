"""Nearest example questions: the baseline the classifier was chosen over.

``bench_matcher --variants`` scores it beside the blend, so the comparison in
benchmarks/RESULTS.md can be re-run.

Intent bots generalise by comparing a message with example *questions* rather than with
the answer's text: people ask about the same tradeoff in the same ways far more often
than they quote the knowledge. Each example is a sparse TF-IDF vector over word stems,
word pairs and character n-grams (the n-grams carry typos, slang spellings, compounds
and other languages, whose words the English stemmer does not know); a message scores
each label by the similarity of its nearest examples.

Pure Python over an inverted index: a bank of a few thousand examples is searched in a
few milliseconds.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Final

from bot.core.knowledge.label import Label
from bot.core.matching.features import Concepts, features, no_concepts

# n-grams in more than this share of the examples say nothing about the label but cost a
# long posting list to walk; they are left out of the index.
MAX_DF_SHARE: Final = 0.15
NEIGHBOURS: Final = 2  # a label scores the mean similarity of its nearest examples
STEP: Final = 64  # examples built between two pauses of a cooperative build (a few ms)


@dataclass(frozen=True, slots=True)
class Neighbour:
    label: Label
    similarity: float
    example: int  # position in the bank, for explaining a decision


class ExampleIndex:
    """Cosine similarity of sublinear TF-IDF vectors, searched through posting lists."""

    def __init__(
        self,
        labels: list[Label],
        texts: list[str],
        idf: dict[str, float],
        postings: dict[str, list[tuple[int, float]]],
        concepts: Concepts = no_concepts,
    ) -> None:
        self.concepts = concepts
        self.labels = labels
        self.texts = texts
        self.idf = idf
        self.postings = postings

    @classmethod
    def build(
        cls, examples: Iterable[tuple[Label, str]], concepts: Concepts = no_concepts
    ) -> ExampleIndex:
        steps = cls.steps(examples, concepts)
        while True:
            try:
                next(steps)
            except StopIteration as done:
                index: ExampleIndex = done.value
                return index

    @classmethod
    def steps(
        cls,
        examples: Iterable[tuple[Label, str]],
        concepts: Concepts = no_concepts,
        per_step: int = STEP,
    ) -> Generator[None, None, ExampleIndex]:
        """Build the index, pausing every ``per_step`` examples.

        A reload drives this from the event loop, answering questions between steps: a
        build in a thread would starve the loop of the GIL for the whole build instead.
        """
        labels: list[Label] = []
        texts: list[str] = []
        raw: list[dict[str, float]] = []
        df: dict[str, int] = defaultdict(int)
        for count, (label, text) in enumerate(examples, 1):
            f = features(text, concepts)
            if f:
                labels.append(label)
                texts.append(text)
                raw.append(f)
                for term in f:
                    df[term] += 1
            if count % per_step == 0:
                yield
        n = len(raw)
        limit = max(3, int(MAX_DF_SHARE * n))
        idf = {
            term: math.log((1 + n) / (1 + count)) + 1.0
            for term, count in df.items()
            if count <= limit
        }
        index = cls(labels, texts, idf, {}, concepts)
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for doc, f in enumerate(raw):
            for term, weight in index._vector(f).items():
                postings[term].append((doc, weight))
            if doc % per_step == per_step - 1:
                yield
        index.postings = dict(postings)
        return index

    def __len__(self) -> int:
        return len(self.labels)

    def _vector(self, f: dict[str, float]) -> dict[str, float]:
        idf = self.idf
        vec = {term: _sublinear(count) * idf[term] for term, count in f.items() if term in idf}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {term: v / norm for term, v in vec.items()} if norm else {}

    def neighbours(self, text: str, k: int = 20) -> list[Neighbour]:
        """The ``k`` examples most similar to ``text``, best first."""
        scores: dict[int, float] = defaultdict(float)
        for term, weight in self._vector(features(text, self.concepts)).items():
            for doc, w in self.postings.get(term, ()):
                scores[doc] += weight * w
        best = heapq.nlargest(k, scores.items(), key=lambda item: item[1])
        return [Neighbour(self.labels[doc], score, doc) for doc, score in best]

    def label_scores(self, text: str) -> dict[Label, float]:
        """Each label near the text, scored by its nearest examples' mean similarity."""
        return scores_of(self.neighbours(text))


def _sublinear(count: float) -> float:
    """A word said three times is not three times the evidence."""
    return 1.0 + math.log(count) if count > 1.0 else count


def scores_of(neighbours: Iterable[Neighbour]) -> dict[Label, float]:
    kept: dict[Label, list[float]] = defaultdict(list)
    for n in neighbours:
        if len(kept[n.label]) < NEIGHBOURS:
            kept[n.label].append(n.similarity)
    return {label: sum(sims) / NEIGHBOURS for label, sims in kept.items()}


def ranked(scores: dict[Label, float]) -> Iterator[tuple[Label, float]]:
    return iter(sorted(scores.items(), key=lambda item: (-item[1], str(item[0]))))
