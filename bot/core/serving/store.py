"""The knowledge being served, and the one way to replace it: a validated, atomic reload.

Readers take ``store.snapshot`` once per question and use only that object, so a reload
that swaps the attribute mid-question cannot give them half of each version. A reload
reads the folder one file at a time and trains the classifier a few examples at a time
(or takes it from the model cache), letting the event loop answer questions between the
slices (:mod:`bot.core.stepwise`), and swaps only when the new knowledge and its matcher
are both complete; on any problem nothing changes.

Taught examples come from outside the folder: a *taught source*, any coroutine the caller
sets (the bot sets one reading its database once it is open), supplies them to every
reload, which merges them with the folder's (:mod:`bot.core.knowledge.teaching`). If the
source fails, the taught examples read last time are kept and the reload says so. The
core knows nothing of where they are kept.

Trained models can come from outside too: a *model share* (any object with async
``get(key)`` and ``put(key, data)``, the bot lends its shared database's) is asked for
the models a new version needs before training, and given the ones trained here before
the reload returns, so the first process to reload trains and the others load.

What a server taught for itself comes from a *local source* in the same way, but is not
merged: it becomes the per-server overlay (``store.local``, :mod:`bot.core.matching.local`),
rebuilt at every reload and whenever a server teaches (:meth:`KnowledgeStore.refresh_local`),
so it changes that server's answers at once and nobody else's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from bot.core.knowledge.loader import load_knowledge, load_steps
from bot.core.knowledge.model import Knowledge, KnowledgeDiff, Taught, diff
from bot.core.knowledge.problems import Problem
from bot.core.knowledge.teaching import merge
from bot.core.matching import model_cache
from bot.core.matching.answer import Answer
from bot.core.matching.local import GuildOverlay, LocalBank, LocalTaught
from bot.core.matching.matcher import Matcher, cache_keys
from bot.core.matching.semantic import embeddings as shared_embeddings
from bot.core.stepwise import finish_between

log = logging.getLogger(__name__)

TaughtSource = Callable[[], Awaitable[Sequence[Taught]]]
LocalSource = Callable[[], Awaitable[Sequence[LocalTaught]]]


class ModelShare(Protocol):
    """Where processes serving the same knowledge leave trained models for each other."""

    async def get(self, key: str) -> bytes | None: ...

    async def put(self, key: str, data: bytes) -> None: ...


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One consistent version: the knowledge and the matcher built from it."""

    knowledge: Knowledge
    matcher: Matcher
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def version(self) -> str:
        return self.knowledge.fingerprint

    @classmethod
    def of(cls, knowledge: Knowledge) -> Snapshot:
        return cls(knowledge, Matcher(knowledge))

    @classmethod
    async def build(cls, knowledge: Knowledge) -> Snapshot:
        """The same as :meth:`of`, built on the event loop in slices of a few ms.

        Most of a build is training the classifier (unless the model cache has it); in a
        thread, its Python parts would hold the GIL against the loop for whole stretches,
        and answers would wait for them.
        """
        return cls(knowledge, await finish_between(Matcher.steps(knowledge)))


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload did, for whoever asked for it: the versions before and after, what
    changed, or every problem that kept the old knowledge in service."""

    ok: bool
    before: str
    after: str
    diff: KnowledgeDiff = field(default_factory=KnowledgeDiff)
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()  # the folder's and the taught examples' alike
    seconds: float = 0.0
    taught_notes: tuple[Problem, ...] = ()  # of those, the ones about taught examples


class KnowledgeStore:
    """Holds the current :class:`Snapshot`; :meth:`reload` replaces it or leaves it be."""

    def __init__(self, folder: Path, snapshot: Snapshot) -> None:
        self.folder = folder
        self.snapshot = snapshot
        self.taught_source: TaughtSource | None = None
        self.model_share: ModelShare | None = None
        self.local_source: LocalSource | None = None
        self.local = LocalBank()  # what servers taught for themselves
        self._taught: Sequence[Taught] = ()  # as last read from the source
        self._local: Sequence[LocalTaught] = ()
        self._lock = asyncio.Lock()

    def overlay(self, guild_id: int | None) -> GuildOverlay | None:
        """What ``guild_id`` taught for itself (None: nothing, or a DM)."""
        return self.local.for_guild(guild_id) if self.local.overlays else None

    def answer(self, text: str, guild_id: int | None = None) -> Answer:
        """What ``text`` gets in that server now, on its own: its overlay, then the matcher."""
        snapshot, overlay = self.snapshot, self.overlay(guild_id)
        matcher = snapshot.matcher
        taught = overlay.match(text, snapshot.knowledge, matcher.embeddings) if overlay else None
        return taught or matcher.match(text)

    async def refresh_local(self, guild_id: int | None = None) -> None:
        """Read the servers' own examples again (after a server taught or undid one: then
        only that server's overlay is built again)."""
        await self._read_local()
        knowledge = self.snapshot.knowledge
        if guild_id is None or not self.local.overlays:
            self.local = self._local_bank(knowledge)
        else:
            self.local = self.local.rebuilt(knowledge, self._local, guild_id, shared_embeddings())

    async def _read_local(self) -> None:
        if self.local_source is None:
            return
        try:
            self._local = tuple(await self.local_source())
        except Exception as exc:  # whatever the database did: keep the last ones
            log.warning("servers' own examples could not be read (%s); using the last ones", exc)

    def _local_bank(self, knowledge: Knowledge) -> LocalBank:
        if not self._local:
            return LocalBank()
        return LocalBank.of(knowledge, self._local, shared_embeddings())

    @classmethod
    def open(cls, folder: Path) -> tuple[KnowledgeStore | None, tuple[Problem, ...]]:
        """The first load, at start-up: without valid knowledge there is nothing to serve."""
        result = load_knowledge(folder)
        if result.knowledge is None:
            return None, result.problems
        return cls(folder, Snapshot.of(result.knowledge)), result.warnings

    async def reload(self) -> ReloadOutcome:
        async with self._lock:  # two moderators at once get two consistent reloads
            before = self.snapshot
            start = time.perf_counter()
            loaded = await finish_between(load_steps(self.folder))
            if loaded.knowledge is None:
                took = time.perf_counter() - start
                return ReloadOutcome(
                    False, before.version, before.version, problems=loaded.problems, seconds=took
                )
            knowledge, notes = await self._with_taught(loaded.knowledge)
            await self._fetch_models(knowledge)
            fresh = await Snapshot.build(knowledge)
            await self.share_models()
            result = loaded.warnings + notes
            took = time.perf_counter() - start
            changes = diff(before.knowledge, fresh.knowledge)
            await self._read_local()
            local = self._local_bank(fresh.knowledge)
            self.snapshot, self.local = fresh, local
            return ReloadOutcome(
                True,
                before.version,
                fresh.version,
                changes,
                warnings=result,
                seconds=took,
                taught_notes=notes,
            )

    async def _fetch_models(self, knowledge: Knowledge) -> None:
        """Take from the share the trained models this process does not have."""
        if self.model_share is None:
            return
        for key, parse in cache_keys(knowledge):
            if model_cache.has(key):
                continue
            try:
                data = await self.model_share.get(key)
            except Exception as exc:  # whatever the database did: train here instead
                log.warning("shared model %s could not be read (%s); training here", key, exc)
                return
            if data is not None:
                model_cache.remember_bytes(key, data, parse)

    async def share_models(self) -> None:
        """Leave the models trained here for the other processes (a reload does it before
        they are told; the bot also calls it once the share is set, for the first load's)."""
        fresh = model_cache.take_fresh()
        if self.model_share is None:
            return
        for key, data in fresh:
            try:
                await self.model_share.put(key, data)
            except Exception as exc:  # the others will train for themselves
                log.warning("model %s could not be shared (%s)", key, exc)

    async def _with_taught(self, knowledge: Knowledge) -> tuple[Knowledge, tuple[Problem, ...]]:
        """The folder's knowledge merged with the taught examples, and what did not fit."""
        notes: tuple[Problem, ...] = ()
        if self.taught_source is not None:
            try:
                self._taught = tuple(await self.taught_source())
            except Exception as exc:  # whatever the database did: serve the last taught set
                log.warning("taught examples could not be read (%s); using the last ones", exc)
                notes = (
                    Problem(
                        "taught examples",
                        None,
                        "",
                        f"could not be read ({exc}); using the {len(self._taught)} read before",
                    ),
                )
        if not self._taught:
            return knowledge, notes
        merged, problems = merge(knowledge, self._taught)
        return merged, notes + problems
