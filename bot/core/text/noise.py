"""Undoing the noise of chat before a message is read: emoji, stretched letters, leetspeak,
words run together, shouting.

The rules are general (no word list of their own): a rewrite is kept only when it turns a
word the knowledge has never seen into one it uses, so "gpt4" and "a100" stay as written
while "1nt3rpr3t4b1l1ty" becomes "interpretability" and "doesSAEslowinference" becomes
"does SAE slow inference". The words the knowledge uses, and how often, come from a
:class:`Lexicon` built once per knowledge load (the matching package builds it from the
examples, names, aliases and keywords).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final

from bot.core.text.words import fold

# Letters and digits people swap in for each other ("l33t"), undone only where it helps.
_LEET: Final = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                              "8": "b", "@": "a", "$": "s", "!": "i", "|": "l"})  # fmt: skip
_TOKEN: Final = re.compile(r"[^\s]+")
_LEETISH: Final = re.compile(r"^(?=.*[^\W\d_])(?=.*[0-9@$!|])[\w@$!|]+$")
_STRETCHED: Final = re.compile(r"([^\W\d_])\1{2,}")
_LOWER_UPPER: Final = re.compile(r"(?<=[a-z])(?=[A-Z])")
_CAPITALS_THEN_LOWER: Final = re.compile(r"^([A-Z]{2,})([a-z].*)$")
MIN_RUN_TOGETHER: Final = 9  # letters before an unknown word is tried as several
MIN_PIECE: Final = 3  # letters in each word of a split
MIN_MEAN_PIECE: Final = 4.0  # ... and on average: "cap ab il ty" is no reading of a typo
MAX_TOKENS: Final = 400  # bounded work for a message of any length


@dataclass(frozen=True, eq=False)
class Lexicon:
    """The words a knowledge uses, folded, with how often: what a rewrite must reach."""

    counts: Mapping[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, texts: Iterable[str]) -> Lexicon:
        counts: dict[str, int] = {}
        for text in texts:
            for word in re.findall(r"[^\W_]+", fold(text)):
                counts[word] = counts.get(word, 0) + 1
        return cls(counts)

    def __contains__(self, word: object) -> bool:
        return word in self.counts

    def cost(self, word: str) -> float:
        """How unlikely a word is, for choosing between splits: rarer words cost more."""
        return -math.log((self.counts.get(word, 0) + 0.5) / (len(self.counts) + 1))


def is_emoji(ch: str) -> bool:
    """Pictographs, their modifiers and joiners: they colour a message, they do not ask."""
    if ch in "\u200d\ufe0f\ufe0e\u20e3":
        return True
    category = unicodedata.category(ch)
    return category in ("So", "Sk", "Cs") or 0x1F000 <= ord(ch) <= 0x1FAFF


def _unstretch(word: str, lexicon: Lexicon) -> str:
    """ "sooooo" -> "so", "expensiiiive" -> "expensive": runs of three or more letters."""
    if not _STRETCHED.search(word):
        return word
    doubled = _STRETCHED.sub(r"\1\1", word)
    single = _STRETCHED.sub(r"\1", word)
    for candidate in (fold(single), fold(doubled)):
        if candidate in lexicon:
            return single if candidate == fold(single) else doubled
    return single


def _unleet(word: str, lexicon: Lexicon) -> str:
    if not _LEETISH.match(word) or fold(word) in lexicon:
        return word
    plain = word.translate(_LEET)
    return plain if fold(plain) in lexicon else word


def split_run_together(word: str, lexicon: Lexicon) -> list[str] | None:
    """The cheapest way to read an unknown word as several known ones, if there is one."""
    folded = fold(word)
    n = len(folded)
    if n < MIN_RUN_TOGETHER or folded in lexicon or not folded.isalpha():
        return None
    best: list[tuple[float, int]] = [(0.0, 0)] + [(math.inf, 0)] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - 24), end - MIN_PIECE + 1):
            if best[start][0] == math.inf:
                continue
            piece = folded[start:end]
            if piece in lexicon:
                cost = best[start][0] + lexicon.cost(piece)
                if cost < best[end][0]:
                    best[end] = (cost, start)
    if best[n][0] == math.inf:
        return None
    pieces: list[str] = []
    end = n
    while end > 0:
        start = best[end][1]
        pieces.append(folded[start:end])
        end = start
    if len(pieces) < 2 or n / len(pieces) < MIN_MEAN_PIECE:
        return None
    return pieces[::-1]


def denoise(text: str, lexicon: Lexicon, typo: Callable[[str], bool] | None = None) -> str:
    """The message as it was meant: never raises, and leaves clean text as it is.

    ``typo`` says whether an unknown (folded) word is a typo of a known one, which is a
    better reading of it than several words run together.
    """
    if not text.isascii():
        text = "".join(" " if is_emoji(ch) else ch for ch in text)
    out: list[str] = []
    for count, match in enumerate(_TOKEN.finditer(text)):
        if count >= MAX_TOKENS:
            out.append(text[match.start() :])
            break
        token = match.group(0)
        core = token.strip(".,;:!?¿¡()[]{}\"'«»“”‘’")
        if not core:
            out.append(token)
            continue
        if core.isalpha() and core.islower() and core in lexicon:  # the common case
            out.append(token)
            continue
        word = _unleet(_unstretch(core, lexicon), lexicon)
        plain = fold(word)
        whole = plain in lexicon or (typo is not None and typo(plain))
        pieces = [word] if whole else _pieces(word, lexicon)
        out.append(token.replace(core, " ".join(pieces), 1))
    return " ".join(out)


def _pieces(word: str, lexicon: Lexicon) -> list[str]:
    """An unknown word as the known words it runs together, where it does."""
    pieces: list[str] = []
    for part in _LOWER_UPPER.split(word):  # "doesSAEslowinference": does | SAEslowinference
        capitals = _CAPITALS_THEN_LOWER.match(part)
        if capitals and fold(part) not in lexicon:
            head, tail = capitals.groups()  # SAE | slowinference, or HTM | LParser
            if fold(tail) not in lexicon and fold(head[-1] + tail) in lexicon:
                head, tail = head[:-1], head[-1] + tail
            pieces.append(head)
            part = tail
        pieces.extend(split_run_together(part, lexicon) or [part])
    return [p for p in pieces if p]
