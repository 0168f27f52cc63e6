"""The questions the bot considered and the votes on its answers: writing them, and the
queries the moderators' report is built from.

Rows arrive already checked (:mod:`.rows`) and in batches (:mod:`.questionlog`); a
question is never replaced (its id is known before it is written, see :mod:`.ids`), and
a vote replaces only the same person's earlier vote on the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from .engine import Column, Engine
from .rows import QuestionRow, VoteRow

QUESTION_COLUMNS: Final[tuple[Column, ...]] = (
    ("id", "int"),
    ("ts", "real"),
    ("guild_id", "int"),
    ("channel_id", "int"),
    ("route", "text"),
    ("text", "text"),
    ("kind", "text"),
    ("tension", "text"),
    ("goal", "text"),
    ("score", "real"),
    ("answered", "bool"),
    ("knowledge", "text"),
)
VOTE_COLUMNS: Final[tuple[Column, ...]] = (
    ("question_id", "int"),
    ("voter", "text"),
    ("helpful", "bool"),
    ("ts", "real"),
)

# An answer's label as the log stores it in three columns, put back together for the report.
_LABEL: Final = (
    "CASE WHEN q.kind = 'tension' THEN 'tension:' || q.tension "
    "WHEN q.kind = 'goal' THEN 'goal:' || q.goal ELSE q.kind END"
)


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose questions a report reads: everything (the operator's shell), one server, or the
    DMs. A server's moderators get their own server's scope and nothing else, so no count,
    text or vote of another server, nor of anyone's DMs, can reach their report.
    """

    guild_id: int | None = None
    everything: bool = False

    @classmethod
    def all(cls) -> Scope:
        return cls(everything=True)

    @classmethod
    def guild(cls, guild_id: int) -> Scope:
        return cls(guild_id)

    @classmethod
    def dms(cls) -> Scope:
        return cls(None)

    def where(self, column: str) -> tuple[str, tuple[object, ...]]:
        """An ``AND ...`` clause (and its arguments) keeping rows of this scope."""
        if self.everything:
            return "", ()
        if self.guild_id is None:
            return f" AND {column} IS NULL", ()
        return f" AND {column} = ?", (self.guild_id,)


EVERYTHING: Final = Scope.all()


class QuestionStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- writing -----------------------------------------------------------------------

    async def insert(self, rows: Sequence[QuestionRow]) -> int:
        """Insert in one transaction, never replacing a row; returns how many were new."""
        return await self.engine.insert_many(
            "questions", QUESTION_COLUMNS, rows, on_conflict="ON CONFLICT (id) DO NOTHING"
        )

    async def upsert_votes(self, rows: Sequence[VoteRow]) -> None:
        """One vote per (question, voter): a later vote replaces that person's earlier one."""
        latest: dict[tuple[int, str], VoteRow] = {}
        for row in rows:  # one statement may not touch a row twice: keep each person's last
            latest[(row[0], row[1])] = row
        await self.engine.insert_many(
            "feedback",
            VOTE_COLUMNS,
            list(latest.values()),
            on_conflict="ON CONFLICT (question_id, voter) DO UPDATE SET helpful = excluded.helpful,"
            " ts = excluded.ts",
        )

    async def voter_key(self, make: Callable[[], str]) -> str:
        """The key voters are hashed with, created once even if processes race for it."""
        await self.engine.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            "voter_key",
            make(),
        )
        rows = await self.engine.fetch("SELECT value FROM meta WHERE key = ?", "voter_key")
        return str(rows[0][0])

    async def purge(self, cutoff: float) -> int:
        """Delete the questions older than ``cutoff`` and their votes; how many questions."""
        removed = await self.engine.execute("DELETE FROM questions WHERE ts < ?", cutoff)
        await self.engine.execute(
            "DELETE FROM feedback WHERE question_id NOT IN (SELECT id FROM questions)"
        )
        return removed

    # --- the report --------------------------------------------------------------------

    async def answered_counts(self, since: float, scope: Scope = EVERYTHING) -> tuple[int, int]:
        """(answered, unanswered) since ``since``."""
        where, args = scope.where("guild_id")
        rows = await self.engine.fetch(
            f"SELECT answered, COUNT(*) FROM questions WHERE ts >= ?{where} GROUP BY answered",
            since,
            *args,
        )
        counts = {int(k): int(v) for k, v in rows}
        return counts.get(1, 0), counts.get(0, 0)

    async def text(self, question_id: int, scope: Scope = EVERYTHING) -> str | None:
        """A logged question's text, if it is in ``scope`` (a Teach button pressed in one
        server must not read another server's question by guessing its id)."""
        where, args = scope.where("guild_id")
        rows = await self.engine.fetch(
            f"SELECT text FROM questions WHERE id = ?{where}", question_id, *args
        )
        return str(rows[0][0]) if rows else None

    async def unanswered(
        self, since: float, limit: int, scope: Scope = EVERYTHING
    ) -> list[tuple[int, str]]:
        """(id, text) of the latest unanswered questions: the id lets /stats teach one."""
        where, args = scope.where("guild_id")
        rows = await self.engine.fetch(
            f"SELECT id, text FROM questions WHERE ts >= ? AND NOT answered{where}"
            " ORDER BY ts DESC LIMIT ?",
            since,
            *args,
            limit,
        )
        return [(int(i), str(t)) for i, t in rows]

    async def answers_per_label(self, since: float, scope: Scope = EVERYTHING) -> dict[str, int]:
        where, args = scope.where("q.guild_id")
        rows = await self.engine.fetch(
            f"SELECT {_LABEL} AS k, COUNT(*) AS n FROM questions q WHERE q.ts >= ? "
            f"AND q.answered AND q.kind != 'none'{where} GROUP BY k ORDER BY n DESC, k",
            since,
            *args,
        )
        return {str(k): int(n) for k, n in rows}

    async def helpful_per_label(
        self, since: float, scope: Scope = EVERYTHING
    ) -> dict[str, tuple[int, int]]:
        """label -> (helpful votes, votes) for the answers given since ``since``."""
        where, args = scope.where("q.guild_id")
        rows = await self.engine.fetch(
            f"SELECT {_LABEL} AS k, SUM(CASE WHEN f.helpful THEN 1 ELSE 0 END), COUNT(*) "
            f"FROM feedback f JOIN questions q ON q.id = f.question_id WHERE q.ts >= ?{where}"
            " GROUP BY k",
            since,
            *args,
        )
        return {str(k): (int(h), int(n)) for k, h, n in rows}
