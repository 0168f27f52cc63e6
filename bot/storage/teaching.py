"""The examples moderators taught, and the audit trail of every teach, undo and removal.

An example and its audit entry are written in one transaction, so the trail can never
miss a change nor name one that did not happen. Who taught is a keyed hash of the
moderator (or ``shell``), never a user id. The rules a teach must pass first live above
the store, in :mod:`bot.curation.teaching`; what is here only keeps and reads.

An example is either in the **shared bank** (``local_guild`` NULL: every server's answers
learn from it) or **local** to one server (``local_guild`` is that server's id: taught by
its moderators, it answers there and nowhere else). The text key is unique within a
scope, so two servers may each teach the same words their own way: a local key is stored
with its server in front (:func:`scoped_key`), the shared bank's as it always was.
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
    local_guild: int | None = None  # None: the shared bank

    @property
    def local(self) -> bool:
        return self.local_guild is not None


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
    local_guild: int | None = None


_TAUGHT: Final = "SELECT id, ts, guild_id, label, text, moderator, local_guild FROM taught"
_AUDIT: Final = (
    "SELECT id, ts, guild_id, action, taught_id, label, text, moderator, local_guild"
    " FROM teach_audit"
)
_RETURNED: Final = "id, ts, guild_id, label, text, moderator, local_guild"


def scoped_key(key: str, local_guild: int | None) -> str:
    """The unique key of a text in its scope: the shared bank's is the text key itself."""
    return key if local_guild is None else f"{local_guild}:{key}"


def _scope(local_guild: int | None) -> tuple[str, tuple[object, ...]]:
    if local_guild is None:
        return "local_guild IS NULL", ()
    return "local_guild = ?", (local_guild,)


class TeachingStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def taught(self) -> list[TaughtEntry]:
        """Every taught example, shared and local, oldest first (the order of merging)."""
        rows = await self.engine.fetch(f"{_TAUGHT} ORDER BY id")
        return [_taught_entry(r) for r in rows]

    async def shared(self) -> list[TaughtEntry]:
        """The shared bank alone: what every server's matcher learns from."""
        rows = await self.engine.fetch(f"{_TAUGHT} WHERE local_guild IS NULL ORDER BY id")
        return [_taught_entry(r) for r in rows]

    async def local(self, guild_id: int | None = None) -> list[TaughtEntry]:
        """What servers taught for themselves (one server's, given its id), oldest first."""
        if guild_id is None:
            rows = await self.engine.fetch(f"{_TAUGHT} WHERE local_guild IS NOT NULL ORDER BY id")
        else:
            rows = await self.engine.fetch(f"{_TAUGHT} WHERE local_guild = ? ORDER BY id", guild_id)
        return [_taught_entry(r) for r in rows]

    async def get(self, taught_id: int) -> TaughtEntry | None:
        rows = await self.engine.fetch(f"{_TAUGHT} WHERE id = ?", taught_id)
        return _taught_entry(rows[0]) if rows else None

    async def with_key(self, key: str, local_guild: int | None = None) -> TaughtEntry | None:
        """The example taught with this text (as :func:`example_key` reads it) in a scope."""
        rows = await self.engine.fetch(f"{_TAUGHT} WHERE key = ?", scoped_key(key, local_guild))
        return _taught_entry(rows[0]) if rows else None

    async def count(self, label: str, local_guild: int | None = None) -> int:
        """How many examples ``label`` was taught in a scope."""
        where, args = _scope(local_guild)
        rows = await self.engine.fetch(
            f"SELECT COUNT(*) FROM taught WHERE label = ? AND {where}", label, *args
        )
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
        self,
        *,
        ts: float,
        guild_id: int | None,
        label: str,
        text: str,
        key: str,
        moderator: str,
        local_guild: int | None = None,
    ) -> TaughtEntry | None:
        """Keep a taught example and audit it, together; None when the text is taught already.

        The key is unique in its scope, so two moderators (or two clusters) teaching the
        same text at the same moment keep it once: the second finds the first.
        """
        text = clean_text(text, len(text))

        async def work(tx: Transaction) -> TaughtEntry | None:
            rows = await tx.fetch(
                "INSERT INTO taught (ts, guild_id, label, text, key, moderator, local_guild)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING id",
                ts,
                guild_id,
                label,
                text,
                scoped_key(key, local_guild),
                moderator,
                local_guild,
            )
            if not rows:
                return None
            entry = TaughtEntry(int(rows[0][0]), ts, guild_id, label, text, moderator, local_guild)
            await _audit(tx, entry, "taught", ts, guild_id, moderator)
            return entry

        return await self.engine.transaction(work)

    async def remove(
        self, taught_id: int, *, ts: float, guild_id: int | None, moderator: str, action: str
    ) -> TaughtEntry | None:
        """Forget a taught example and audit it, together; None when there was none."""

        async def work(tx: Transaction) -> TaughtEntry | None:
            rows = await tx.fetch(
                f"DELETE FROM taught WHERE id = ? RETURNING {_RETURNED}", taught_id
            )
            if not rows:
                return None
            entry = _taught_entry(rows[0])
            await _audit(tx, entry, action, ts, guild_id, moderator)
            return entry

        return await self.engine.transaction(work)

    async def promote(
        self, taught_id: int, *, ts: float, moderator: str, key: str
    ) -> TaughtEntry | None:
        """Move a server's local example into the shared bank, audited as ``promoted``.

        None when there is no such local example. Raises :class:`AlreadyShared` when the
        shared bank already holds the text (the unique key would refuse it anyway).
        """

        async def work(tx: Transaction) -> TaughtEntry | None:
            rows = await tx.fetch(f"{_TAUGHT} WHERE id = ? AND local_guild IS NOT NULL", taught_id)
            if not rows:
                return None
            clash = await tx.fetch("SELECT id FROM taught WHERE key = ?", key)
            if clash:
                raise AlreadyShared(int(clash[0][0]))
            await tx.execute(
                "UPDATE taught SET local_guild = NULL, key = ? WHERE id = ?", key, taught_id
            )
            before = _taught_entry(rows[0])
            entry = TaughtEntry(
                before.id,
                before.ts,
                before.guild_id,
                before.label,
                before.text,
                before.moderator,
                None,
            )
            await _audit(tx, before, "promoted", ts, before.guild_id, moderator)
            return entry

        return await self.engine.transaction(work)

    async def audit(self, limit: int) -> list[AuditEntry]:
        """The latest ``limit`` entries of the audit trail, newest first."""
        rows = await self.engine.fetch(f"{_AUDIT} ORDER BY id DESC LIMIT ?", limit)
        return [
            AuditEntry(int(i), float(ts), g, str(a), int(t), str(lb), str(tx), str(m), lg)
            for i, ts, g, a, t, lb, tx, m, lg in rows
        ]

    async def counts(self, since: float, guild_id: int | None = None) -> dict[str, int]:
        """How many teaches, undos and removals since ``since``, by action; ``guild_id``:
        only those done in that server (its /stats must not count another's)."""
        if guild_id is None:
            rows = await self.engine.fetch(
                "SELECT action, COUNT(*) FROM teach_audit WHERE ts >= ? GROUP BY action", since
            )
        else:
            rows = await self.engine.fetch(
                "SELECT action, COUNT(*) FROM teach_audit WHERE ts >= ? AND guild_id = ?"
                " GROUP BY action",
                since,
                guild_id,
            )
        return {str(a): int(n) for a, n in rows}


class AlreadyShared(Exception):  # noqa: N818 - an answer for the operator, not a failure
    """The shared bank already holds that text, as example #``taught_id``."""

    def __init__(self, taught_id: int) -> None:
        super().__init__(f"the shared bank already has that text (#{taught_id})")
        self.taught_id = taught_id


def _taught_entry(row: tuple[Any, ...]) -> TaughtEntry:
    i, ts, guild, label, text, moderator, local_guild = row
    return TaughtEntry(
        int(i),
        float(ts),
        guild,
        str(label),
        str(text),
        str(moderator),
        None if local_guild is None else int(local_guild),
    )


async def _audit(
    tx: Transaction,
    entry: TaughtEntry,
    action: str,
    ts: float,
    guild_id: int | None,
    moderator: str,
) -> None:
    await tx.execute(
        "INSERT INTO teach_audit"
        " (ts, guild_id, action, taught_id, label, text, moderator, local_guild)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ts,
        guild_id,
        action,
        entry.id,
        entry.label,
        entry.text,
        moderator,
        entry.local_guild,
    )
