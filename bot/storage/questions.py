"""The questions the bot considered and the votes on its answers: writing them, and the
queries the moderators' report is built from.

Rows arrive already checked (:mod:`.rows`) and in batches (:mod:`.questionlog`); a
question is never replaced (its id is known before it is written, see :mod:`.ids`), and
a vote replaces only the same person's earlier vote on the same answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

    async def answered_counts(self, since: float) -> tuple[int, int]:
        """(answered, unanswered) since ``since``."""
        rows = await self.engine.fetch(
            "SELECT answered, COUNT(*) FROM questions WHERE ts >= ? GROUP BY answered", since
        )
        counts = {int(k): int(v) for k, v in rows}
        return counts.get(1, 0), counts.get(0, 0)

    async def text(self, question_id: int) -> str | None:
        rows = await self.engine.fetch("SELECT text FROM questions WHERE id = ?", question_id)
        return str(rows[0][0]) if rows else None

    async def unanswered(self, since: float, limit: int) -> list[tuple[int, str]]:
        """(id, text) of the latest unanswered questions: the id lets /stats teach one."""
        rows = await self.engine.fetch(
            "SELECT id, text FROM questions WHERE ts >= ? AND NOT answered"
            " ORDER BY ts DESC LIMIT ?",
            since,
            limit,
        )
        return [(int(i), str(t)) for i, t in rows]

    async def answers_per_label(self, since: float) -> dict[str, int]:
        rows = await self.engine.fetch(
            f"SELECT {_LABEL} AS k, COUNT(*) AS n FROM questions q WHERE q.ts >= ? "
            "AND q.answered AND q.kind != 'none' GROUP BY k ORDER BY n DESC, k",
            since,
        )
        return {str(k): int(n) for k, n in rows}

    async def helpful_per_label(self, since: float) -> dict[str, tuple[int, int]]:
        """label -> (helpful votes, votes) for the answers given since ``since``."""
        rows = await self.engine.fetch(
            f"SELECT {_LABEL} AS k, SUM(CASE WHEN f.helpful THEN 1 ELSE 0 END), COUNT(*) "
            "FROM feedback f JOIN questions q ON q.id = f.question_id WHERE q.ts >= ? GROUP BY k",
            since,
        )
        return {str(k): (int(h), int(n)) for k, h, n in rows}
