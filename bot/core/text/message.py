"""A chat message as a reader sees it: the prose that asks, apart from code and links.

People paste a stack trace or a table and ask about it underneath, or open with three
sentences of context before the one clause that asks. The code's identifiers say nothing
about which tradeoff is meant, and the context sentences dilute what the question says,
so the matcher reads the prose first and can look at each sentence on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.core.text.words import MAX_QUESTION_CHARS, WORD

# A fenced block, closed or not (a message cut at Discord's limit leaves it open).
_FENCE: Final = re.compile(r"```[^\n`]*\n?(.*?)(?:```|\Z)", re.S)
_QUOTE_LINE: Final = re.compile(r"^>+ ?", re.M)
# Sentence ends, line breaks, dashes and semicolons between clauses.
_BOUNDARY: Final = re.compile(r"(?<=[.!?。？！])\s+|\n+|\s[—–]\s|\s--?\s|;\s")
# Within a sentence: commas and plus signs, where two questions are often joined.
_CLAUSE: Final = re.compile(r"[,，、]\s*|\s\+\s")
MIN_PART_WORDS: Final = 3
MAX_PARTS: Final = 12


@dataclass(frozen=True, slots=True)
class Message:
    prose: str  # the text to read: the message without code blocks (or the code, if alone)
    parts: tuple[str, ...]  # its sentences and clauses, when there is more than one


def read_message(text: str) -> Message:
    """Split a message into the prose to read and its sentences. Never raises."""
    text = text[: MAX_QUESTION_CHARS * 4]
    code = " ".join(m.group(1) for m in _FENCE.finditer(text))
    prose = _FENCE.sub("\n", text)
    # A question written entirely inside a code block is still a question.
    if not WORD.search(prose):
        prose = code
    prose = _QUOTE_LINE.sub("", prose)
    sentences = [
        part.strip()
        for part in _BOUNDARY.split(prose)
        if part and len(WORD.findall(part)) >= MIN_PART_WORDS
    ]
    parts: list[str] = []
    for sentence in sentences:
        clauses = [c.strip() for c in _CLAUSE.split(sentence) if c.strip()]
        if len(clauses) > 1 and all(len(WORD.findall(c)) >= MIN_PART_WORDS for c in clauses):
            parts += clauses
        else:
            parts.append(sentence)
    parts = parts[:MAX_PARTS]
    return Message(prose.strip(), tuple(parts) if len(parts) > 1 else ())
