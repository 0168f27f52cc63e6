"""Every knob of the matcher, in one place, with what it is for.

Two kinds live here. The *stated targets* say what the bot promises (how likely an answer
must be right before it is given); they are the same for every knowledge. The *learning
settings* say how the model is trained; they were chosen once, on the dev sets and
CLINC150's validation split, and hold from 5 answers to 1,000. What a knowledge decides
for itself (how sure the classifier is when it is right, what a word is worth, where
"did you mean" starts) is learned at every load from out-of-fold predictions over its own
examples: see :mod:`~bot.core.matching.training` and :class:`Calibrator`.

``score`` means one thing everywhere: the estimated probability that the answer given is
the right one (for ``none``, that nothing documented fits). Channel policy, suggestions
and follow-ups read it; nothing else is compared with a threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from bot.core.knowledge import schema

# --- stated targets (the same for every knowledge) -------------------------------------

# Answer when it is more likely right than wrong: below, silence (with "did you mean").
ANSWER_MIN: Final = 0.5
# In a channel that opted in, nobody asked the bot: answer only when this likely right.
CHANNEL_MIN: Final = 0.8
# A second question in the same message is answered too when this likely right.
FURTHER_MIN: Final = 0.9
MAX_FURTHER: Final = 2  # further answers in one reply, beside the first
# A follow-up in a conversation is read as a new question of its own above this.
STANDALONE_MIN: Final = 0.75
# "Did you mean": a suggestion must have been right this often, out of fold.
SUGGESTION_PRECISION: Final = 0.25
SUGGESTION_FLOOR: Final = 0.05  # below this a runner-up is noise, whatever the folds say
MAX_SUGGESTIONS: Final = 3
# Of all the messages the bot reads, at least this share are not for it, whatever share
# of the examples ``not-answered.yaml`` holds: the calibrator is fitted as if so. Only a
# knowledge with few such examples feels it (the bundled one has 40 %). Chosen on CLINC150's
# validation split: 0.2 gave 92.4 % in scope at 94 % out-of-scope recall, 0.1 93.2 % at 93 %.
NONE_SHARE: Final = 0.1

# --- learning settings ------------------------------------------------------------------

FOLDS: Final = 3  # out-of-fold predictions for calibration
FOLDS_LARGE: Final = 2  # ... past this many asked examples, where each fold costs seconds
LARGE_BANK: Final = 6000
EPOCHS: Final = 3  # passes over the examples, at least
MIN_BATCHES: Final = 60  # ... and at least this many updates, for a small bank
MAX_EPOCHS: Final = 30
BATCH: Final = 512
LEARNING_RATE: Final = 0.5  # AdaGrad's step
L2: Final = 1e-5
SEED: Final = 20261202
BALANCE: Final = 0.5  # 0: every example counts alike; 1: every answer counts alike
# A name, keyword or figure counts as this many examples: what curators wrote into the
# knowledge's own fields is evidence the classifier must respect.
TERM_WEIGHT: Final = 1.0
ALIAS_EXAMPLES: Final = True  # a goal's aliases also count as examples of the goal
KEYWORD_CONTEXTS: Final = 3  # examples each keyword is also seen in, in a sibling's place
# A word in this share of the examples says how a message asks, not what: around a
# keyword, only such words leave the keyword as what is asked.
COMMON_SHARE: Final = 0.03
OPENER_MIN: Final = 5  # examples that must open with a word before it opens a question

# How loud each kind of feature is before the classifier weighs it, by the first letter
# of its name: a word stem, a pair of them, a character n-gram, characters of text written
# without spaces, the message's opening, and the knowledge's own terms (a name, alias or
# keyword, both goals of a tension, an acronym of a term, a figure a tension states).
FEATURE_WEIGHTS: Final = {
    "w": 1.0,
    "p": 0.8,
    "c": 0.35,
    "z": 0.5,
    "^": 0.5,
    "k": 1.0,
    "b": 1.0,
    "a": 1.0,
    "f": 3.0,
}
SEMANTIC_WEIGHT: Final = 1.0  # the sentence embedding, beside the unit-length n-grams
CHAR_SIZES: Final = (3, 4, 5)
CJK_SIZES: Final = (1, 2, 3)
MIN_DF: Final = 1  # examples a feature must be in to get a weight (its own term: always)
MAX_WORDS: Final = 150  # read of one message (bounded work whatever its length)

# --- limits ---------------------------------------------------------------------------

# The classifier keeps a weight per feature per answer; past this many answers a
# knowledge does not load (``tensionbot check`` says so), rather than degrading silently.
MAX_ANSWERS: Final = schema.MAX_ANSWERS
FOLLOW_UP_OTHERS: Final = 600  # standalone examples a follow-up is told apart from
MAX_PARTS: Final = 8  # sentences and clauses of a long message read on their own

Floats = npt.NDArray[np.float32]

CALIBRATOR_FEATURES: Final = ("bias", "top", "none", "margin", "named", "nearest")
UNTRAINED_SUGGEST: Final = 0.2  # the "did you mean" cut when nothing was held out


@dataclass(frozen=True)
class Calibrator:
    """P(the top answer is right) from what the classifier says about it.

    A logistic regression over a handful of signals (the top probability, that of
    ``none``, the margin to the runner-up, whether the knowledge's own words name the
    answer, how close the nearest example of it is), fitted on out-of-fold predictions:
    how sure the classifier is when it is right differs with the number of answers, the
    examples and the languages, so each knowledge learns its own.
    """

    weights: tuple[float, ...]  # empty: untrained (nothing was held out to learn from)
    suggest_min: float  # a raw probability at which a "did you mean" was often right

    @classmethod
    def untrained(cls) -> Calibrator:
        """For a knowledge with no example questions, only names and keywords."""
        return cls((), UNTRAINED_SUGGEST)

    def score(self, signals: Floats) -> float:
        if not self.weights:
            # How far the top answer is ahead: 3 to 1 over the runner-up reads as 0.75.
            top = float(signals[CALIBRATOR_FEATURES.index("top")])
            margin = float(signals[CALIBRATOR_FEATURES.index("margin")])
            p_top = 1.0 / (1.0 + math.exp(-top))
            runner = max(p_top - margin, 0.0)
            return p_top / (p_top + runner) if p_top + runner > 0 else 0.0
        z = float(np.dot(np.asarray(self.weights, np.float32), signals))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def signals(top: float, none: float, runner: float, named: float, nearest: float) -> Floats:
    """The calibrator's inputs, in :data:`CALIBRATOR_FEATURES` order."""
    return np.array([1.0, logit(top), logit(none), top - runner, named, nearest], np.float32)


def fit_calibrator(
    rows: Floats, right: npt.NDArray[np.bool_], weights: Floats, *, iterations: int = 25
) -> tuple[float, ...]:
    """Weighted logistic regression by Newton's method (six inputs: milliseconds)."""
    theta = np.zeros(rows.shape[1], np.float64)
    x = rows.astype(np.float64)
    y = right.astype(np.float64)
    w = weights.astype(np.float64)
    ridge = 1e-3 * np.eye(rows.shape[1])
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ theta, -30, 30)))
        gradient = x.T @ (w * (p - y)) + ridge @ theta
        hessian = (x * (w * p * (1 - p))[:, None]).T @ x + ridge
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if float(np.abs(step).max()) < 1e-6:
            break
    return tuple(float(t) for t in theta)
