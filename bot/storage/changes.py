"""One signal, "the knowledge changed", carried to every process sharing the database.

Each process keeps its own copy of the knowledge in memory, so a change made in one must
reach the others. The database holds a *generation* row (:mod:`.clusters`): a counter
bumped, with the reason, by whoever changed something: a moderator's ``/reload``, a teach
or an Undo in Discord, ``tensionbot reload`` or ``tensionbot learned remove`` in a shell.
Every process applies a new generation by reloading its knowledge (``apply``), then
records which generation it serves, which lets the announcer count confirmations
("reloaded in 2 of 2 clusters").

Three ways a process learns of a new generation, because any one of them can miss:

- ``LISTEN/NOTIFY`` (PostgreSQL): within milliseconds, while the listener is connected;
- each time the listener (re)connects: notifications sent while it was away are lost;
- a timer, every ``check_seconds``, which also refreshes the process's "seen" time so
  the others know it is alive.

The bot runs :class:`KnowledgeChanges` on a shared database (PostgreSQL) only; shell
commands announce and count with :func:`wait_for_confirmations`. Nothing here imports
discord: ``apply`` is whatever the process does to reload.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from .clusters import ClusterStatus, ClusterStore
from .engine import Listening
from .errors import RowsRejectedError, StoreError

log = logging.getLogger(__name__)

# Missing this many timer checks in a row counts a process as gone.
ALIVE_CHECKS = 3


@dataclass(frozen=True)
class Applied:
    """What ``apply`` reports: did the process take the change, and what it now serves."""

    ok: bool
    version: str


@dataclass(frozen=True)
class Confirmations:
    """How a change spread: which live processes serve it, which refused, which are silent."""

    generation: int
    confirmed: tuple[ClusterStatus, ...] = ()
    refused: tuple[ClusterStatus, ...] = ()
    silent: tuple[ClusterStatus, ...] = ()
    seconds: float = 0.0
    versions: frozenset[str] = field(default_factory=frozenset)

    @property
    def total(self) -> int:
        return len(self.confirmed) + len(self.refused) + len(self.silent)

    def summary(self, what: str = "reloaded") -> str:
        """ "reloaded in 2 of 2 clusters", with what went wrong when it did."""
        total = self.total
        line = f"{what} in {len(self.confirmed)} of {total} cluster{'s' if total != 1 else ''}"
        notes = []
        if self.refused:
            notes.append(f"{len(self.refused)} refused the files (see its log)")
        if self.silent:
            notes.append(f"{len(self.silent)} did not answer within {self.seconds:.0f} s")
        if len(self.versions) > 1:
            notes.append(f"{len(self.versions)} different knowledge versions in service")
        return line + (f" ({'; '.join(notes)})" if notes else "")


async def confirmations(
    clusters: ClusterStore, generation: int, *, check_seconds: float, waited: float = 0.0
) -> Confirmations:
    """Who serves ``generation`` now, among the processes seen alive lately."""
    alive_since = time.time() - ALIVE_CHECKS * check_seconds
    everyone = await clusters.serving(alive_since)
    done = [c for c in everyone if c.generation >= generation]
    return Confirmations(
        generation,
        confirmed=tuple(c for c in done if c.ok),
        refused=tuple(c for c in done if not c.ok),
        silent=tuple(c for c in everyone if c.generation < generation),
        seconds=waited,
        versions=frozenset(c.version for c in done if c.ok and c.version),
    )


async def wait_for_confirmations(
    clusters: ClusterStore,
    generation: int,
    *,
    check_seconds: float,
    confirm_seconds: float,
    wake: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> Confirmations:
    """Poll until every live process serves ``generation`` or ``confirm_seconds`` pass.

    ``wake(timeout)`` returns early when a confirmation arrives; the default just sleeps.
    """
    start = time.monotonic()
    while True:
        result = await confirmations(
            clusters, generation, check_seconds=check_seconds, waited=confirm_seconds
        )
        left = confirm_seconds - (time.monotonic() - start)
        if not result.silent or left <= 0:
            return result
        await wake(min(left, 0.25))


class KnowledgeChanges:
    """This process's end of the signal: announce changes, apply everyone else's."""

    def __init__(
        self,
        clusters: ClusterStore,
        label: str,
        apply: Callable[[], Awaitable[Applied]],
        current: Callable[[], str],
        *,
        check_seconds: float = 5.0,
        confirm_seconds: float = 5.0,
    ) -> None:
        self.clusters = clusters
        self.label = label
        self.apply = apply
        self.current = current
        self.check_seconds = check_seconds
        self.confirm_seconds = confirm_seconds
        self.node = 0
        self.generation = 0  # the generation this process serves
        self._lock = asyncio.Lock()
        self._confirmed = asyncio.Condition()
        self._listening: Listening | None = None
        self._timer: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Join: what the process loaded at start-up *is* the latest generation."""
        self.node = await self.clusters.lease_node(self.label)
        self.generation = await self.clusters.generation()
        await self._report(ok=True)
        self._listening = await self.clusters.listen(
            self._heard, self._heard_confirmation, self.catch_up
        )
        self._timer = asyncio.create_task(self._tick())

    async def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
        if self._listening is not None:
            await self._listening.stop()
        for task in list(self._pending):
            task.cancel()
        with contextlib.suppress(StoreError, RowsRejectedError):
            await self.clusters.leave(self.node)

    # --- announcing --------------------------------------------------------------------

    async def announce(self, reason: str) -> Confirmations:
        """Tell everyone (this process has applied the change already); wait for them."""
        async with self._lock:
            generation = await self.clusters.announce(reason)
            self.generation = generation
            await self._report(ok=True)
        return await wait_for_confirmations(
            self.clusters,
            generation,
            check_seconds=self.check_seconds,
            confirm_seconds=self.confirm_seconds,
            wake=self._until_confirmed,
        )

    async def _until_confirmed(self, seconds: float) -> None:
        async with self._confirmed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._confirmed.wait(), seconds)

    # --- hearing -----------------------------------------------------------------------

    def _heard(self, generation: int) -> None:
        if generation > self.generation:
            task = asyncio.create_task(self.catch_up())
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    def _heard_confirmation(self) -> None:
        async def wake() -> None:
            async with self._confirmed:
                self._confirmed.notify_all()

        task = asyncio.create_task(wake())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def catch_up(self) -> None:
        """Apply the latest generation if this process is behind; once per generation."""
        try:
            async with self._lock:
                latest = await self.clusters.generation()
                if latest <= self.generation:
                    return
                log.info(
                    "knowledge changed elsewhere (generation %d); reloading",
                    latest,
                    extra={"generation": latest},
                )
                applied = await self.apply()
                self.generation = latest
                await self._report(ok=applied.ok)
        except (StoreError, RowsRejectedError) as exc:
            log.warning("could not check for knowledge changes: %s", exc)

    async def _report(self, *, ok: bool) -> None:
        await self.clusters.confirm(
            self.node, self.generation, self.current(), ok=ok, label=self.label
        )

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.check_seconds)
            try:
                await self.clusters.heartbeat(self.node)
            except (StoreError, RowsRejectedError) as exc:
                log.warning("could not report to the database: %s", exc)
                continue
            await self.catch_up()
