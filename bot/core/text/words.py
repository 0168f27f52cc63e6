"""From raw Discord text to the words the matcher compares.

Questions arrive with mentions, markdown, links, emoji and typos; knowledge terms are
clean. Both go through the same functions here so they meet on equal terms: case-folded,
accents removed, apostrophes dropped, words reduced to their Snowball stem. Nothing here
knows a word of the knowledge or of any one language beyond what the stemmer does.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

import snowballstemmer

# Bounded work per question whatever arrives: Discord allows 4,000 characters with Nitro,
# and nobody asks a question in more than a few dozen words.
MAX_QUESTION_CHARS: Final = 1000

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_CUSTOM_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_URL = re.compile(r"https?://\S+")
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
WORD = re.compile(r"[^\W_]+")
# A figure as the knowledge states them: 10x, 2-5%, 0.5-2 %, ~70-80 percent.
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)(?:\s*[-–]\s*(\d+(?:\.\d+)?))?\s*(x\b|%|percent\b)")

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of a folded word (English rules; other words mostly pass as they are)."""
    return str(_stemmer.stemWord(word))


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Case-folded, accents and apostrophes removed: how two spellings of a word meet."""
    if text.isascii():  # most of what is read; the same result, without Unicode tables
        text = text.lower()
    else:
        text = _strip_accents(unicodedata.normalize("NFKC", text)).casefold()
    return _APOSTROPHE.sub("", text)  # "don't" -> "dont", "SAE's" -> "saes"


def clean(text: str) -> str:
    """Folded plain words: no mentions, links, markdown, accents or apostrophes."""
    text = text[:MAX_QUESTION_CHARS]
    text = _MENTION.sub(" ", text)
    text = _CUSTOM_EMOJI.sub(r" \1 ", text)
    text = _URL.sub(" ", text)
    return fold(text)


def words(text: str) -> list[str]:
    """The folded words of a message, in order."""
    return WORD.findall(clean(text))


def figures(text: str) -> frozenset[str]:
    """Figures with a unit, normalised ("2-5%"), plus each end of a range ("2%", "5%").

    A question that quotes a figure is almost certainly about the tension stating it.
    """
    found: set[str] = set()
    for low, high, unit in _FIGURE.findall(text.casefold()):
        unit = "%" if unit == "percent" else unit
        found.add(f"{low}{unit}")
        if high:
            found.add(f"{high}{unit}")
            found.add(f"{low}-{high}{unit}")
    return frozenset(found)


def figure_groups(text: str) -> list[tuple[str, ...]]:
    """Each figure of a text, most specific form first: ("2-5%", "2%", "5%")."""
    groups: list[tuple[str, ...]] = []
    for low, high, unit in _FIGURE.findall(text.casefold()):
        unit = "%" if unit == "percent" else unit
        if high:
            groups.append((f"{low}-{high}{unit}", f"{low}{unit}", f"{high}{unit}"))
        else:
            groups.append((f"{low}{unit}",))
    return groups


def figure_phrases(text: str) -> list[str]:
    """The figures as written, in order and without repeats: "~10-100x", "2-5%"."""
    seen: list[str] = []
    for match in re.finditer(r"~?" + _FIGURE.pattern, text):
        phrase = match.group(0).strip()
        if phrase not in seen:
            seen.append(phrase)
    return seen


def asks(text: str) -> bool:
    """Whether a message is written as a question: a question mark in any script."""
    return any(mark in text for mark in "?？؟\u037e՞")
