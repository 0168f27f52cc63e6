"""What a message is made of, for the parts of the matcher that learn from examples.

A sparse bag of weighted features: word stems and pairs of them, character n-grams (they
carry typos, slang spellings, compounds and other languages, whose words the English
stemmer does not know), characters of Chinese text (written without spaces), and the
*concepts* the knowledge's own vocabulary finds (a goal named by any alias or typo of it,
a tension by its keywords), which ties what was learned to the curated word lists, and
the function words and opening of the message, which tell a definition or a how-to from a
question about a tradeoff.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import pairwise
from typing import Final

from bot.core.text.language import STOPWORDS
from bot.core.text.words import WORD, clean, stem

CHAR_SIZES: Final = (3, 4, 5)
CJK_SIZES: Final = (1, 2, 3)
WORD_WEIGHT: Final = 1.0
PAIR_WEIGHT: Final = 0.8
CHAR_WEIGHT: Final = 0.35
CONCEPT_WEIGHT: Final = 1.0
# How a message asks says much about whether it asks us: "what does ROME stand for" and
# "how do I ..." open differently from "does ROME hurt ...". Function words and the first
# two words carry that; the classifier learns how much.
FUNCTION_WEIGHT: Final = 0.5
OPENING_WEIGHT: Final = 0.7
MAX_FEATURES: Final = 600  # bounded work for a message of any length


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and ch.isalpha()


Concepts = Callable[[str], Iterable[str]]


def no_concepts(text: str) -> Iterable[str]:
    return ()


def features(text: str, concepts: Concepts = no_concepts) -> dict[str, float]:
    """Raw term counts of a text, weighted by kind of feature.

    ``concepts`` names what the knowledge's own vocabulary finds in the text (a goal by
    any alias or typo of it, a tension by its keywords): shared concepts make "calib
    tradeoffs?" near calibration's examples, not near every example about tradeoffs.
    """
    out: dict[str, float] = defaultdict(float)
    for concept in concepts(text):
        out["k" + concept] += CONCEPT_WEIGHT
    words = WORD.findall(clean(text))
    content: list[str] = []
    for word in words:
        if any(_is_cjk(ch) for ch in word):
            # No spaces between Chinese words: characters and their pairs stand in.
            for size in CJK_SIZES:
                for i in range(len(word) - size + 1):
                    out["z" + word[i : i + size]] += CHAR_WEIGHT * size
            continue
        if word in STOPWORDS or word.isdigit():
            out["s" + word] += FUNCTION_WEIGHT
            continue
        s = stem(word)
        content.append(s)
        out["w" + s] += WORD_WEIGHT
        padded = f" {word} "
        for size in CHAR_SIZES:
            for i in range(len(padded) - size + 1):
                out["c" + padded[i : i + size]] += CHAR_WEIGHT
        if len(out) > MAX_FEATURES:
            break
    if len(words) >= 2:
        out["^" + words[0] + " " + words[1]] += OPENING_WEIGHT
    for a, b in pairwise(content):
        out[f"p{a} {b}"] += PAIR_WEIGHT
    return out
