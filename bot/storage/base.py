"""The store's one interface: what the bot, the CLI and the reports may ask of a database.

Two engines implement it (``sqlite.py``, ``postgres.py``). Everything written in plain
SQL that both engines read alike lives here once, with ``?`` placeholders; each engine
supplies the few primitives (run a statement, fetch rows, a locked transaction) and the
parts where the engines truly differ: migrating under a lock, a batch insert, and, for
PostgreSQL, hearing other processes' changes the moment they happen.

Errors come in two kinds, because they call for opposite reactions: :class:`RowsRejectedError`
says the *data* was refused (isolate the row, drop it, keep the rest), :class:`StoreError`
says the *database* failed (keep the batch, retry, tell someone).
"""

from __future__ import annotations

import abc
import os
import socket
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from .rows import QuestionRow, VoteRow
from .url import DatabaseURL, Engine

STALE_CLUSTER_SECONDS = 7 * 86400


class StoreError(Exception):
    """The database could not be opened, read or written. The message has no password.

    ``transient`` marks the failures a retry can fix (a dropped connection, a server
    restarting); a read-only file or a full disk stays broken, and retrying only delays.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class SchemaTooNewError(StoreError):
    """A newer bot migrated this database; this one leaves it alone."""


class RowsRejectedError(Exception):
    """The engine refused the data itself (a value out of range, say), not the operation."""


@dataclass(frozen=True)
class ClusterStatus:
    """One process serving from the database, as it last reported itself."""

    node: int
    label: str
    seen: float
    generation: int  # the last knowledge change it applied
    version: str | None  # the knowledge fingerprint it serves
    ok: bool  # False: its last reload was refused (its files did not load)


def process_label(extra: str = "") -> str:
    """How a process names itself in the clusters table: host, pid, and its shards."""
    base = f"{socket.gethostname()}/{os.getpid()}"
    return f"{base} {extra}".strip()


ChangeCallback = Callable[[int], None]


class Listening(abc.ABC):
    """A running subscription to other processes' knowledge changes; stop it when done."""

    @abc.abstractmethod
    async def stop(self) -> None: ...


class Database(abc.ABC):
    engine: ClassVar[Engine]
    #: True when other processes hear of a change the moment it is announced.
    shared: ClassVar[bool]

    def __init__(self, url: DatabaseURL) -> None:
        self.url = url
        self.node: int | None = None

    # --- primitives each engine supplies ---------------------------------------------

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def migrate(self) -> int:
        """Bring the schema to the current version under a lock; returns the old version."""

    @abc.abstractmethod
    async def schema_version(self) -> int: ...

    @abc.abstractmethod
    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Rows of one query; ``sql`` uses ``?`` placeholders."""

    @abc.abstractmethod
    async def execute(self, sql: str, *args: Any) -> int:
        """Run one statement in its own transaction; returns the rows it changed."""

    @abc.abstractmethod
    async def insert_questions(self, rows: Sequence[QuestionRow]) -> int:
        """Insert in one transaction, never replacing a row; returns how many were new."""

    @abc.abstractmethod
    async def upsert_votes(self, rows: Sequence[VoteRow]) -> None:
        """One vote per (question, voter): a later vote replaces that person's earlier one."""

    @abc.abstractmethod
    async def lease_node(self, label: str) -> int:
        """Register this process; the database numbers it, so the number is unique."""

    @abc.abstractmethod
    async def announce(self, reason: str) -> int:
        """Record that the knowledge changed and tell every listener; the new generation."""

    @abc.abstractmethod
    async def confirm(
        self, node: int, generation: int, version: str | None, *, ok: bool, label: str
    ) -> None:
        """This process now serves ``generation`` (or refused it); wake whoever waits."""

    async def listen(
        self,
        on_change: ChangeCallback,
        on_confirm: Callable[[], None],
        on_connect: Callable[[], Coroutine[Any, Any, None]],
    ) -> Listening | None:
        """Hear announcements as they happen; None where the engine cannot (SQLite)."""
        return None

    # --- shared SQL --------------------------------------------------------------------

    async def meta_value(self, key: str, make: Callable[[], str]) -> str:
        """The value stored under ``key``, created once even if processes race for it."""
        await self.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", key, make()
        )
        rows = await self.fetch("SELECT value FROM meta WHERE key = ?", key)
        return str(rows[0][0])

    async def purge(self, cutoff: float) -> int:
        removed = await self.execute("DELETE FROM questions WHERE ts < ?", cutoff)
        await self.execute(
            "DELETE FROM feedback WHERE question_id NOT IN (SELECT id FROM questions)"
        )
        await self.execute(
            "DELETE FROM clusters WHERE seen < ?", time.time() - STALE_CLUSTER_SECONDS
        )
        return removed

    async def count_questions(self) -> int:
        return int((await self.fetch("SELECT COUNT(*) FROM questions"))[0][0])

    async def answered_counts(self, since: float) -> tuple[int, int]:
        """(answered, unanswered) since ``since``."""
        rows = await self.fetch(
            "SELECT answered, COUNT(*) FROM questions WHERE ts >= ? GROUP BY answered", since
        )
        counts = {int(k): int(v) for k, v in rows}
        return counts.get(1, 0), counts.get(0, 0)

    async def unanswered_texts(self, since: float, limit: int) -> list[str]:
        rows = await self.fetch(
            "SELECT text FROM questions WHERE ts >= ? AND NOT answered ORDER BY ts DESC LIMIT ?",
            since,
            limit,
        )
        return [str(r[0]) for r in rows]

    _KEY = (
        "CASE WHEN q.kind = 'tension' THEN 'tension:' || q.tension "
        "WHEN q.kind = 'goal' THEN 'goal:' || q.goal ELSE q.kind END"
    )

    async def answers_per_key(self, since: float) -> dict[str, int]:
        rows = await self.fetch(
            f"SELECT {self._KEY} AS k, COUNT(*) AS n FROM questions q WHERE q.ts >= ? "
            "AND q.answered AND q.kind != 'none' GROUP BY k ORDER BY n DESC, k",
            since,
        )
        return {str(k): int(n) for k, n in rows}

    async def helpful_per_key(self, since: float) -> dict[str, tuple[int, int]]:
        rows = await self.fetch(
            f"SELECT {self._KEY} AS k, SUM(CASE WHEN f.helpful THEN 1 ELSE 0 END), COUNT(*) "
            "FROM feedback f JOIN questions q ON q.id = f.question_id WHERE q.ts >= ? GROUP BY k",
            since,
        )
        return {str(k): (int(h), int(n)) for k, h, n in rows}

    async def generation(self) -> int:
        rows = await self.fetch("SELECT generation FROM knowledge_state WHERE id = 1")
        return int(rows[0][0]) if rows else 0

    async def heartbeat(self, node: int) -> None:
        await self.execute("UPDATE clusters SET seen = ? WHERE id = ?", time.time(), node)

    async def leave(self, node: int) -> None:
        await self.execute("DELETE FROM clusters WHERE id = ?", node)

    async def clusters(self, seen_since: float) -> list[ClusterStatus]:
        """The serving processes that reported themselves since ``seen_since``."""
        rows = await self.fetch(
            "SELECT id, label, seen, generation, version, ok FROM clusters "
            "WHERE serving AND seen >= ? ORDER BY id",
            seen_since,
        )
        return [
            ClusterStatus(int(n), str(lb), float(s), int(g), v, bool(ok))
            for n, lb, s, g, v, ok in rows
        ]
