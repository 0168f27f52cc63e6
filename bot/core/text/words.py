"""From raw Discord text to the tokens the matcher compares.

Questions arrive with mentions, markdown, links, emoji and typos; knowledge terms are
clean. Both go through the same functions here so they meet on equal terms: case-folded,
accents removed, hyphens split, words reduced to their Snowball stem.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

import snowballstemmer

# Bounded work per question whatever arrives: Discord allows 4,000 characters with Nitro,
# and nobody asks a question in more than a few dozen words.
MAX_QUESTION_CHARS: Final = 1000
MAX_TOKENS: Final = 80

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_CUSTOM_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_URL = re.compile(r"https?://\S+")
_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
WORD = re.compile(r"[^\W_]+")
_PLURAL_ACRONYM = re.compile(r"^[A-Z]{2,}s$")  # SAEs, LLMs
_TRADE_OFF = re.compile(r"\btrad(?:e|es|ed|ing)[\s-]*offs?\b")
# A figure as the knowledge states them: 10x, 2-5%, 0.5-2 %, ~70-80 percent.
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)(?:\s*[-–]\s*(\d+(?:\.\d+)?))?\s*(x\b|%|percent\b)")

# Words that mean the same thing in this domain, folded onto one stem so that a keyword
# written with one ("dense models") matches a question written with another ("dense nets").
_SAME: Final = {
    "net": "model",
    "network": "model",
    "llm": "model",
    "lm": "model",
    # Negations, so "doesn't know" matches "don't know".
    "dont": "not",
    "doesnt": "not",
    "didnt": "not",
    "cant": "not",
    "cannot": "not",
    "wont": "not",
    "isnt": "not",
    "arent": "not",
}

_stemmer = snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if word in _DISTINCT:
        return _DISTINCT[word]
    base = str(_stemmer.stemWord(word))
    return _SAME.get(base, base)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def clean(text: str) -> str:
    """Case-folded plain words: no mentions, links, markdown, accents or apostrophes."""
    text = text[:MAX_QUESTION_CHARS]
    text = _MENTION.sub(" ", text)
    text = _CUSTOM_EMOJI.sub(r" \1 ", text)
    text = _URL.sub(" ", text)
    text = _strip_accents(unicodedata.normalize("NFKC", text)).casefold()
    text = _APOSTROPHE.sub("", text)  # "don't" -> "dont", "SAE's" -> "saes"
    return _TRADE_OFF.sub("tradeoff", text)


@dataclass(frozen=True, slots=True)
class Token:
    word: str  # cleaned surface form
    stem: str
    acronym: bool  # written in capitals in the original, like SAE or ROME


def tokenize(text: str) -> list[Token]:
    """Tokens of a question, remembering which were written as acronyms."""
    capitals = {
        m.group(0).casefold()
        for m in WORD.finditer(text[:MAX_QUESTION_CHARS])
        if len(m.group(0)) >= 2 and (m.group(0).isupper() or _PLURAL_ACRONYM.match(m.group(0)))
    }
    words = WORD.findall(clean(text))[:MAX_TOKENS]
    return [Token(w, stem(w), w in capitals) for w in words]


# Words the stemmer folds onto a research term they do not mean ("computer" is not compute).
_DISTINCT: Final = {"computer": "computer", "computers": "computer"}


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


def figure_phrases(text: str) -> list[str]:
    """The figures as written, in order and without repeats: "~10-100x", "2-5%"."""
    seen: list[str] = []
    for match in re.finditer(r"~?" + _FIGURE.pattern, text):
        phrase = match.group(0).strip()
        if phrase not in seen:
            seen.append(phrase)
    return seen


_QUESTION_START = frozenset(
    "what whats why how hows when where which who whom whose is are was were do does did "
    "can could would should will shall may might must has have had isnt arent doesnt dont "
    "cant wont any anyone tell explain".split()
)


def reads_as_question(text: str) -> bool:
    """Whether a chat message is phrased as a question, for opted-in channels."""
    stripped = text.strip()
    if stripped.endswith("?"):
        return True
    words = WORD.findall(clean(stripped))
    return bool(words) and words[0] in _QUESTION_START
