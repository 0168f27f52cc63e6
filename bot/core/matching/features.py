"""What a message is made of, for the classifier: a sparse bag of weighted features.

Word stems and pairs of them; character n-grams (they carry typos, slang spellings,
compounds and other languages, whose words the English stemmer does not know); characters
of text written without spaces (Chinese, Japanese); the opening of the message (how a
definition or a how-to starts differs from a question about a tradeoff); and the
*concepts* the knowledge's own vocabulary finds (a goal named by any alias, a tension by
its keywords or a quoted figure, both goals of a tension named), which ties what is
learned to what curators wrote. No word is dropped as a "stop word": the classifier
learns what each is worth from the examples, which is what makes it work for any
knowledge, in any language.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Final

from bot.core.matching import calibration as c
from bot.core.matching.vocabulary import Found, Vocabulary
from bot.core.text.noise import denoise
from bot.core.text.words import stem, words

READINGS_KEPT: Final = 4096  # recent messages read, per knowledge


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and ch.isalpha()


@lru_cache(maxsize=65536)
def _word_grams(word: str) -> tuple[str, ...]:
    """The character n-grams of one word (cached: words repeat across messages)."""
    padded = f" {word} "
    return tuple(
        "c" + padded[i : i + size] for size in c.CHAR_SIZES for i in range(len(padded) - size + 1)
    )


@dataclass(frozen=True, slots=True)
class Reading:
    """One message as the matcher reads it."""

    text: str  # the message with its noise undone
    words: tuple[str, ...]
    found: Found
    features: dict[str, float]


def featurise(folded: list[str], found: Found) -> dict[str, float]:
    """Counts of a message's features, by name; the first letter of a name says its kind
    (see :data:`~bot.core.matching.calibration.FEATURE_WEIGHTS`)."""
    out: Counter[str] = Counter()
    for label, strength in found.labels.items():
        out[f"k{label}"] += round(strength)
    out.update(f"b{tension_id}" for tension_id in found.both_goals)
    out.update(f"a{label}" for label in found.capitals)
    out.update(f"f{tension_id}" for tension_id in found.figures)
    content: list[str] = []
    for word in folded[: c.MAX_WORDS]:
        if not word.isascii() and any(_is_cjk(ch) for ch in word):
            # No spaces between words: characters and their runs stand in.
            out.update(_cjk_grams(word))
            continue
        s = stem(word)
        content.append(s)
        out["w" + s] += 1
        out.update(_word_grams(word))
    if folded:
        out["^" + folded[0]] += 1
    if len(folded) >= 2:
        out["^" + folded[0] + " " + folded[1]] += 1
    out.update(f"p{a} {b}" for a, b in pairwise(content))
    return dict(out)


@lru_cache(maxsize=16384)
def _cjk_grams(word: str) -> tuple[str, ...]:
    return tuple(
        "z" + word[i : i + size] for size in c.CJK_SIZES for i in range(len(word) - size + 1)
    )


class Reader:
    """Reads messages against one knowledge's vocabulary; recent readings are kept, since
    the same text is read for its answer, its follow-up and the teach menu."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._kept: OrderedDict[str, Reading] = OrderedDict()

    def read(self, text: str, *, keep: bool = True) -> Reading:
        """``keep``: remember the reading for the next time this text comes (not for the
        examples a model is trained on: they are read once, and would push out messages)."""
        kept = self._kept.get(text)
        if kept is not None:
            self._kept.move_to_end(text)
            return kept
        vocabulary = self.vocabulary
        plain = denoise(text, vocabulary.lexicon, lambda w: vocabulary.correct(w) != w)
        folded = [vocabulary.correct(w) for w in words(plain)]
        found = vocabulary.find(plain, folded)
        reading = Reading(plain, tuple(folded), found, featurise(folded, found))
        if not keep:
            return reading
        self._kept[text] = reading
        if len(self._kept) > READINGS_KEPT:
            self._kept.popitem(last=False)
        return reading
