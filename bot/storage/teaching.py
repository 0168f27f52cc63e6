"""The examples moderators taught, and the audit trail of every teach, undo and removal.

An example and its audit entry are written in one transaction, so the trail can never
miss a change nor name one that did not happen. Who taught is a keyed hash of the
moderator (or ``shell``), never a user id. The rules a teach must pass first live above
the store, in :mod:`bot.curation.teaching`; what is here only keeps and reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from .engine import Engine, Transaction
from .rows import clean_text


@dataclass(frozen=True, slots=True)
class TaughtEntry:
    """A taught example as stored: who taught it is a keyed hash, never a user id."""

    id: int
    ts: float
    guild_id: int | None
    label: str
    text: str
    moderator: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One teach, undo or removal: what was done to which example, when, where, by whom.

    ``moderator`` is a keyed hash of the moderator's user id, or ``shell`` for the command
    line; ``action`` is ``taught``, ``undone`` (from Discord) or ``removed`` (from the shell).
    """

    id: int
    ts: float
    guild_id: int | None
    action: str
    taught_id: int
    label: str
    text: str
    moderator: str


_TAUGHT: Final = "SELECT id, ts, guild_id, label, text, moderator FROM taught"
_AUDIT: Final = (
    "SELECT id, ts, guild_id, action, taught_id, label, text, moderator FROM teach_audit"
)


class TeachingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def taught(self) -> list[TaughtEntry]:
        """Every taught example, oldest first (the order they are merged in)."""
        rows = await self.engine.fetch(f"{_TAUGHT} ORDER BY id")
        return [_taught_entry(r) for r in rows]

    async def with_key(self, key: str) -> TaughtEntry | None:
        """The example taught with this text (as :func:`example_key` reads it), if any."""
        rows = await self.engine.fetch(f"{_TAUGHT} WHERE key = ?", key)
        return _taught_entry(rows[0]) if rows else None

    async def count(self, label: str) -> int:
        """How many examples ``label`` was taught."""
        rows = await self.engine.fetch("SELECT COUNT(*) FROM taught WHERE label = ?", label)
        return int(rows[0][0])

    async def taught_by(self, moderator: str, since: float) -> list[float]:
        """When this moderator taught since ``since``, oldest first (for the rate limit)."""
        rows = await self.engine.fetch(
            "SELECT ts FROM teach_audit WHERE moderator = ? AND action = 'taught' AND ts >= ?"
            " ORDER BY ts",
            moderator,
            since,
        )
        return [float(r[0]) for r in rows]

    async def add(
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

        return await self.engine.transaction(work)

    async def remove(
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

        return await self.engine.transaction(work)

    async def audit(self, limit: int) -> list[AuditEntry]:
        """The latest ``limit`` entries of the audit trail, newest first."""
        rows = await self.engine.fetch(f"{_AUDIT} ORDER BY id DESC LIMIT ?", limit)
        return [
            AuditEntry(int(i), float(ts), g, str(a), int(t), str(lb), str(tx), str(m))
            for i, ts, g, a, t, lb, tx, m in rows
        ]

    async def counts(self, since: float) -> dict[str, int]:
        """How many teaches, undos and removals since ``since``, by action."""
        rows = await self.engine.fetch(
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
