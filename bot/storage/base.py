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
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from .rows import AuditEntry, QuestionRow, TaughtEntry, VoteRow, clean_text
from .url import DatabaseURL, Engine

T = TypeVar("T")

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


class Transaction(abc.ABC):
    """Statements that commit together or not at all (see :meth:`Database.transaction`)."""

    @abc.abstractmethod
    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]: ...

    @abc.abstractmethod
    async def execute(self, sql: str, *args: Any) -> int: ...


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

    @abc.abstractmethod
    async def transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run ``work``'s statements in one write transaction; an exception rolls it back.

        ``work`` must await nothing but the transaction's own statements (on PostgreSQL it
        runs on the engine's loop).
        """

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

    async def answered_counts(self, since: float) -> tuple[int, int]:
        """(answered, unanswered) since ``since``."""
        rows = await self.fetch(
            "SELECT answered, COUNT(*) FROM questions WHERE ts >= ? GROUP BY answered", since
        )
        counts = {int(k): int(v) for k, v in rows}
        return counts.get(1, 0), counts.get(0, 0)

    async def question_text(self, question_id: int) -> str | None:
        rows = await self.fetch("SELECT text FROM questions WHERE id = ?", question_id)
        return str(rows[0][0]) if rows else None

    async def unanswered_rows(self, since: float, limit: int) -> list[tuple[int, str]]:
        """(id, text) of the latest unanswered questions: the id lets /stats teach one."""
        rows = await self.fetch(
            "SELECT id, text FROM questions WHERE ts >= ? AND NOT answered"
            " ORDER BY ts DESC LIMIT ?",
            since,
            limit,
        )
        return [(int(i), str(t)) for i, t in rows]

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

    # --- taught examples and their audit trail -----------------------------------------

    _TAUGHT = "SELECT id, ts, guild_id, label, text, moderator FROM taught"
    _AUDIT = "SELECT id, ts, guild_id, action, taught_id, label, text, moderator FROM teach_audit"

    async def taught(self) -> list[TaughtEntry]:
        """Every taught example, oldest first (the order they are merged in)."""
        rows = await self.fetch(f"{self._TAUGHT} ORDER BY id")
        return [_taught_entry(r) for r in rows]

    async def taught_with_key(self, key: str) -> TaughtEntry | None:
        rows = await self.fetch(f"{self._TAUGHT} WHERE key = ?", key)
        return _taught_entry(rows[0]) if rows else None

    async def taught_count(self, label: str) -> int:
        return int((await self.fetch("SELECT COUNT(*) FROM taught WHERE label = ?", label))[0][0])

    async def taught_by(self, moderator: str, since: float) -> list[float]:
        """When this moderator taught since ``since``, oldest first (for the rate limit)."""
        rows = await self.fetch(
            "SELECT ts FROM teach_audit WHERE moderator = ? AND action = 'taught' AND ts >= ?"
            " ORDER BY ts",
            moderator,
            since,
        )
        return [float(r[0]) for r in rows]

    async def add_taught(
        self, *, ts: float, guild_id: int | None, label: str, text: str, key: str, moderator: str
    ) -> TaughtEntry | None:
        """Keep a taught example and audit it, together; None when the text is taught already.

        The key is unique, so two moderators (or two clusters) teaching the same text at
        the same moment keep it once: the second finds the first.
        """
        text = clean_text(text, len(text))

        async def work(tx: Transaction) -> TaughtEntry | None:
            rows = await tx.fetch(
                "INSERT INTO taught (ts, guild_id, label, text, key, moderator)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING id",
                ts,
                guild_id,
                label,
                text,
                key,
                moderator,
            )
            if not rows:
                return None
            entry = TaughtEntry(int(rows[0][0]), ts, guild_id, label, text, moderator)
            await _audit(tx, entry, "taught", ts, guild_id, moderator)
            return entry

        return await self.transaction(work)

    async def remove_taught(
        self, taught_id: int, *, ts: float, guild_id: int | None, moderator: str, action: str
    ) -> TaughtEntry | None:
        """Forget a taught example and audit it, together; None when there was none."""

        async def work(tx: Transaction) -> TaughtEntry | None:
            rows = await tx.fetch(
                "DELETE FROM taught WHERE id = ? RETURNING id, ts, guild_id, label, text,"
                " moderator",
                taught_id,
            )
            if not rows:
                return None
            entry = _taught_entry(rows[0])
            await _audit(tx, entry, action, ts, guild_id, moderator)
            return entry

        return await self.transaction(work)

    async def teach_audit(self, limit: int) -> list[AuditEntry]:
        """The latest ``limit`` entries of the audit trail, newest first."""
        rows = await self.fetch(f"{self._AUDIT} ORDER BY id DESC LIMIT ?", limit)
        return [
            AuditEntry(int(i), float(ts), g, str(a), int(t), str(lb), str(tx), str(m))
            for i, ts, g, a, t, lb, tx, m in rows
        ]

    async def teach_counts(self, since: float) -> dict[str, int]:
        """How many teaches, undos and removals since ``since``, by action."""
        rows = await self.fetch(
            "SELECT action, COUNT(*) FROM teach_audit WHERE ts >= ? GROUP BY action", since
        )
        return {str(a): int(n) for a, n in rows}


def _taught_entry(row: tuple[Any, ...]) -> TaughtEntry:
    i, ts, guild, label, text, moderator = row
    return TaughtEntry(int(i), float(ts), guild, str(label), str(text), str(moderator))


async def _audit(
    tx: Transaction,
    entry: TaughtEntry,
    action: str,
    ts: float,
    guild_id: int | None,
    moderator: str,
) -> None:
    await tx.execute(
        "INSERT INTO teach_audit (ts, guild_id, action, taught_id, label, text, moderator)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        ts,
        guild_id,
        action,
        entry.id,
        entry.label,
        entry.text,
        moderator,
    )
