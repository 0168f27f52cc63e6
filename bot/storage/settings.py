"""What each server's moderators chose with ``/settings``, and the audit trail of every change.

A server's settings are rows ``(guild_id, key, value)``: a key per setting a server set
(``conversation_minutes``, ``cooldown``, one ``channel:<id>`` per channel given a mode, one
``role:<id>`` per role made a moderator role or not). A server that set nothing has no
rows and keeps the operator's environment defaults; a setting put back to its default is
a deleted row, so the defaults keep applying when the operator changes them. New settings
need a key, not a migration.

A change and its audit entry are written in one transaction, which also notifies the
other processes sharing the database (PostgreSQL) with the server's id: they re-read that
server's rows at once. The audit ids double as a revision counter, so a process that
missed a notification (its listener was reconnecting) finds the servers changed since the
last audit id it saw. Who changed a setting is a keyed hash of the moderator, never a
user id.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Final

from .engine import Engine, Listening, Transaction

SETTINGS_CHANGED: Final = "tensionbot_settings"


@dataclass(frozen=True, slots=True)
class SettingsAudit:
    """One change: which server, which setting, the new value (None: back to the default)."""

    id: int
    ts: float
    guild_id: int
    key: str
    value: str | None
    moderator: str


class SettingsStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def everything(self) -> dict[int, dict[str, str]]:
        """Every server's settings, by server: what a process loads when it starts."""
        rows = await self.engine.fetch("SELECT guild_id, key, value FROM server_settings")
        found: dict[int, dict[str, str]] = {}
        for guild_id, key, value in rows:
            found.setdefault(int(guild_id), {})[str(key)] = str(value)
        return found

    async def of(self, guild_id: int) -> dict[str, str]:
        rows = await self.engine.fetch(
            "SELECT key, value FROM server_settings WHERE guild_id = ?", guild_id
        )
        return {str(k): str(v) for k, v in rows}

    async def change(
        self, guild_id: int, key: str, value: str | None, *, ts: float, moderator: str
    ) -> int:
        """Set (or, with None, put back to the default) one setting, audited, and tell the
        other processes; returns the audit id."""

        async def work(tx: Transaction) -> int:
            if value is None:
                await tx.execute(
                    "DELETE FROM server_settings WHERE guild_id = ? AND key = ?", guild_id, key
                )
            else:
                await tx.execute(
                    "INSERT INTO server_settings (guild_id, key, value, ts) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value,"
                    " ts = excluded.ts",
                    guild_id,
                    key,
                    value,
                    ts,
                )
            rows = await tx.fetch(
                "INSERT INTO settings_audit (ts, guild_id, key, value, moderator)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                ts,
                guild_id,
                key,
                value,
                moderator,
            )
            await tx.notify(SETTINGS_CHANGED, str(guild_id))
            return int(rows[0][0])

        return await self.engine.transaction(work)

    async def revision(self) -> int:
        """The latest audit id: it moves whenever any server's settings change."""
        rows = await self.engine.fetch("SELECT MAX(id) FROM settings_audit")
        return int(rows[0][0] or 0) if rows else 0

    async def changed_since(self, revision: int) -> list[int]:
        """The servers whose settings changed after audit id ``revision``."""
        rows = await self.engine.fetch(
            "SELECT DISTINCT guild_id FROM settings_audit WHERE id > ?", revision
        )
        return sorted(int(r[0]) for r in rows)

    async def audit(self, guild_id: int | None = None, limit: int = 50) -> list[SettingsAudit]:
        """The latest ``limit`` changes (of one server, or of all), newest first."""
        where, args = ("WHERE guild_id = ? ", (guild_id,)) if guild_id is not None else ("", ())
        rows = await self.engine.fetch(
            "SELECT id, ts, guild_id, key, value, moderator FROM settings_audit "
            f"{where}ORDER BY id DESC LIMIT ?",
            *args,
            limit,
        )
        return [
            SettingsAudit(int(i), float(ts), int(g), str(k), None if v is None else str(v), str(m))
            for i, ts, g, k, v, m in rows
        ]

    async def listen(
        self,
        on_change: Callable[[int], None],
        on_connect: Callable[[], Coroutine[Any, Any, None]],
    ) -> Listening | None:
        """Hear which server's settings changed, as it happens; None where the engine
        cannot (SQLite: one process, which changed them itself)."""

        def changed(payload: str) -> None:
            try:
                guild_id = int(payload)
            except ValueError:
                return
            on_change(guild_id)

        return await self.engine.listen({SETTINGS_CHANGED: changed}, on_connect)
