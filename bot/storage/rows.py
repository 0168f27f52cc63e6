"""The question log's rows, and the check each row passes before it is written.

A row that no engine could store (a number out of range, text that is not valid Unicode)
must cost only itself, never the batch it came in. So rows are checked and cleaned one by
one here, before any engine sees them: text that merely contains an unpaired surrogate or
a NUL (which PostgreSQL's text type refuses) is kept with the character replaced, because
a log keeps every row it can; a row that cannot be repaired is rejected with a reason.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Final

MAX_TEXT: Final = 500
MAX_LABEL: Final = 100
INT64_MIN: Final = -(2**63)
INT64_MAX: Final = 2**63 - 1
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Entry:
    """A question the bot considered. There is no user id in it, by design."""

    id: int
    ts: float
    guild_id: int | None
    channel_id: int | None
    route: str
    text: str
    kind: str
    tension: str | None
    goal: str | None
    score: float
    answered: bool
    knowledge: str


@dataclass(frozen=True, slots=True)
class Vote:
    """A *Helpful* vote; ``voter`` is the user id, hashed before it is stored."""

    question_id: int
    voter: int
    helpful: bool
    ts: float


# (id, ts, guild_id, channel_id, route, text, kind, tension, goal, score, answered, knowledge)
QuestionRow = tuple[
    int, float, int | None, int | None, str, str, str, str | None, str | None, float, bool, str
]
# (question_id, voter hash, helpful, ts)
VoteRow = tuple[int, str, bool, float]


class RowRejectedError(ValueError):
    """A row that cannot be stored; the message names the field and why."""


def clean_text(text: str, limit: int) -> str:
    """Valid UTF-8 without NUL, at most ``limit`` characters."""
    text = text[:limit]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = _SURROGATE.sub("\N{REPLACEMENT CHARACTER}", text)
    return text.replace("\x00", "\N{REPLACEMENT CHARACTER}")


def _int(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise RowRejectedError(f"{name}: not an integer")
    if not INT64_MIN <= value <= INT64_MAX:
        raise RowRejectedError(f"{name}: {value} does not fit in 64 bits")
    return value


def _maybe_int(name: str, value: object) -> int | None:
    return None if value is None else _int(name, value)


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RowRejectedError(f"{name}: not a number")
    if not math.isfinite(value):
        raise RowRejectedError(f"{name}: {value} is not a finite number")
    return float(value)


def _text(name: str, value: object, limit: int = MAX_LABEL) -> str:
    if not isinstance(value, str):
        raise RowRejectedError(f"{name}: not text")
    return clean_text(value, limit)


def _maybe_text(name: str, value: object) -> str | None:
    return None if value is None else _text(name, value)


def question_row(entry: Entry) -> QuestionRow:
    """The row for ``entry``, or :class:`RowRejectedError`."""
    return (
        _int("id", entry.id),
        _real("ts", entry.ts),
        _maybe_int("guild_id", entry.guild_id),
        _maybe_int("channel_id", entry.channel_id),
        _text("route", entry.route),
        _text("text", entry.text, MAX_TEXT),
        _text("kind", entry.kind),
        _maybe_text("tension", entry.tension),
        _maybe_text("goal", entry.goal),
        _real("score", entry.score),
        bool(entry.answered),
        _text("knowledge", entry.knowledge),
    )


def vote_row(vote: Vote, voter: str) -> VoteRow:
    return (_int("question_id", vote.question_id), voter, bool(vote.helpful), _real("ts", vote.ts))
