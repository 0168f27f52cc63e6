"""Forgetting a server: its rows go some days after the bot is removed from it, or at once.

Discord says a server is gone for the bot with GUILD_DELETE; the bot notes the departure
here with the moment its rows are due to go (``departed_guilds``). Rejoining before then
takes the note back, so a server that removes the bot by mistake and adds it again loses
nothing. Whoever sweeps first (any cluster, or ``tensionbot forget``) takes the note and
deletes the rows in one transaction, so two clusters sweeping at once forget a server
once, and the audit (``forget_audit``) names each forgetting exactly once.

What a server leaves: its questions and the votes on them, the examples its moderators
taught for it alone (and their audit entries), and whatever other per-server tables are
listed in :data:`PER_GUILD_TABLES`. Examples it taught into the *shared* bank (a curator
server, or the operator teaching there) belong to the shared knowledge every server is
answered from; they stay, with the server's id cleared from them and from their audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .engine import Engine, Transaction

# Other tables with a ``guild_id`` column whose rows a forgotten server takes with it (per
# server settings, for one). Add a table here when it is added to the schema.
PER_GUILD_TABLES: Final[tuple[str, ...]] = ("server_settings", "settings_audit")


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What forgetting one server deleted, for the audit and for whoever asked."""

    guild_id: int
    questions: int
    votes: int
    taught: int


@dataclass(frozen=True, slots=True)
class ForgetEntry:
    id: int
    ts: float
    guild_id: int
    actor: str  # "scheduled" after the window, "shell" for tensionbot forget
    questions: int
    votes: int
    taught: int


class GuildStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def departed(self, guild_id: int, *, now: float, forget_at: float) -> None:
        """The bot was removed from the server: its rows are due to go at ``forget_at``.

        A second removal notice (another cluster, a replayed event) keeps the first date.
        """
        await self.engine.execute(
            "INSERT INTO departed_guilds (guild_id, removed, forget_at) VALUES (?, ?, ?)"
            " ON CONFLICT (guild_id) DO NOTHING",
            guild_id,
            now,
            forget_at,
        )

    async def returned(self, guild_id: int) -> bool:
        """The bot is in the server again: nothing of it is forgotten. True if it was due."""
        return (
            await self.engine.execute("DELETE FROM departed_guilds WHERE guild_id = ?", guild_id)
            > 0
        )

    async def due(self, now: float) -> list[int]:
        rows = await self.engine.fetch(
            "SELECT guild_id FROM departed_guilds WHERE forget_at <= ? ORDER BY forget_at", now
        )
        return [int(r[0]) for r in rows]

    async def pending(self) -> list[tuple[int, float]]:
        """(server, when its rows go) for every server that removed the bot."""
        rows = await self.engine.fetch(
            "SELECT guild_id, forget_at FROM departed_guilds ORDER BY forget_at"
        )
        return [(int(g), float(t)) for g, t in rows]

    async def forget(
        self, guild_id: int, *, now: float, actor: str, scheduled: bool
    ) -> Forgotten | None:
        """Delete the server's rows and audit it, in one transaction.

        ``scheduled``: only if its departure is still noted (a rejoin, or another cluster
        that swept first, leaves nothing to do: None). From the shell it is done at once.
        """

        async def work(tx: Transaction) -> Forgotten | None:
            noted = await tx.fetch(
                "DELETE FROM departed_guilds WHERE guild_id = ? RETURNING guild_id", guild_id
            )
            if scheduled and not noted:
                return None
            votes = await tx.execute(
                "DELETE FROM feedback WHERE question_id IN"
                " (SELECT id FROM questions WHERE guild_id = ?)",
                guild_id,
            )
            questions = await tx.execute("DELETE FROM questions WHERE guild_id = ?", guild_id)
            await tx.execute("DELETE FROM teach_audit WHERE local_guild = ?", guild_id)
            taught = await tx.execute("DELETE FROM taught WHERE local_guild = ?", guild_id)
            await tx.execute("UPDATE taught SET guild_id = NULL WHERE guild_id = ?", guild_id)
            await tx.execute("UPDATE teach_audit SET guild_id = NULL WHERE guild_id = ?", guild_id)
            for table in PER_GUILD_TABLES:
                await tx.execute(f"DELETE FROM {table} WHERE guild_id = ?", guild_id)
            await tx.execute(
                "INSERT INTO forget_audit (ts, guild_id, actor, questions, votes, taught)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                now,
                guild_id,
                actor,
                questions,
                votes,
                taught,
            )
            return Forgotten(guild_id, questions, votes, taught)

        return await self.engine.transaction(work)

    async def audit(self, limit: int) -> list[ForgetEntry]:
        rows = await self.engine.fetch(
            "SELECT id, ts, guild_id, actor, questions, votes, taught FROM forget_audit"
            " ORDER BY id DESC LIMIT ?",
            limit,
        )
        return [
            ForgetEntry(int(i), float(ts), int(g), str(a), int(q), int(v), int(t))
            for i, ts, g, a, q, v, t in rows
        ]
