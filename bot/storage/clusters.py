"""The processes serving from one database, and the knowledge generation they serve.

Two tables: ``knowledge_state`` holds one row, a *generation* that whoever changes the
knowledge bumps (with the reason); ``clusters`` has a row per process, numbered by the
database (the number is also the process's node in question ids, see :mod:`.ids`), saying
which generation it serves and when it last reported. A bump and a report each notify
the other processes in the transaction that writes them, where the engine can
(PostgreSQL); how the processes use all this is :mod:`.changes`.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Final

from .engine import Engine, Listening, Transaction

# A process not seen for this long is gone (killed without leaving); its row is removed.
STALE_CLUSTER_SECONDS: Final = 7 * 86400
CHANGED: Final = "tensionbot_knowledge"
CONFIRMED: Final = "tensionbot_knowledge_confirmed"


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


class ClusterStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.node: int | None = None

    async def lease_node(self, label: str) -> int:
        """Register this process, once; the database numbers it, so the number is unique."""
        if self.node is None:
            now = time.time()

            async def work(tx: Transaction) -> int:
                rows = await tx.fetch(
                    "INSERT INTO clusters (label, started, seen) VALUES (?, ?, ?) RETURNING id",
                    label,
                    now,
                    now,
                )
                return int(rows[0][0])

            self.node = await self.engine.transaction(work)
        return self.node

    async def generation(self) -> int:
        rows = await self.engine.fetch("SELECT generation FROM knowledge_state WHERE id = 1")
        return int(rows[0][0]) if rows else 0

    async def announce(self, reason: str) -> int:
        """Record that the knowledge changed and tell every listener; the new generation."""

        async def work(tx: Transaction) -> int:
            rows = await tx.fetch(
                "UPDATE knowledge_state SET generation = generation + 1, changed = ?,"
                " reason = ? WHERE id = 1 RETURNING generation",
                time.time(),
                reason,
            )
            generation = int(rows[0][0]) if rows else 0
            await tx.notify(CHANGED, str(generation))
            return generation

        return await self.engine.transaction(work)

    async def confirm(
        self, node: int, generation: int, version: str | None, *, ok: bool, label: str
    ) -> None:
        """This process now serves ``generation`` (or refused it); wake whoever waits."""

        async def work(tx: Transaction) -> None:
            await tx.execute(
                "UPDATE clusters SET serving = ?, label = ?, seen = ?, generation = ?,"
                " version = ?, ok = ? WHERE id = ?",
                True,
                label,
                time.time(),
                generation,
                version,
                ok,
                node,
            )
            await tx.notify(CONFIRMED, f"{node}:{generation}")

        await self.engine.transaction(work)

    async def heartbeat(self, node: int) -> None:
        await self.engine.execute("UPDATE clusters SET seen = ? WHERE id = ?", time.time(), node)

    async def leave(self, node: int) -> None:
        await self.engine.execute("DELETE FROM clusters WHERE id = ?", node)

    async def forget_stale(self) -> None:
        """Remove the processes not seen for a week (killed without leaving)."""
        await self.engine.execute(
            "DELETE FROM clusters WHERE seen < ?", time.time() - STALE_CLUSTER_SECONDS
        )

    async def serving(self, seen_since: float) -> list[ClusterStatus]:
        """The serving processes that reported themselves since ``seen_since``."""
        rows = await self.engine.fetch(
            "SELECT id, label, seen, generation, version, ok FROM clusters "
            "WHERE serving AND seen >= ? ORDER BY id",
            seen_since,
        )
        return [
            ClusterStatus(int(n), str(lb), float(s), int(g), v, bool(ok))
            for n, lb, s, g, v, ok in rows
        ]

    async def listen(
        self,
        on_change: Callable[[int], None],
        on_confirm: Callable[[], None],
        on_connect: Callable[[], Coroutine[Any, Any, None]],
    ) -> Listening | None:
        """Hear announcements (with their generation) and confirmations as they happen;
        None where the engine cannot (SQLite)."""

        def changed(payload: str) -> None:
            try:
                generation = int(payload)
            except ValueError:
                return  # not ours: every announcement carries its generation
            on_change(generation)

        def confirmed(_payload: str) -> None:
            on_confirm()

        return await self.engine.listen({CHANGED: changed, CONFIRMED: confirmed}, on_connect)
