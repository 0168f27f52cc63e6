"""The knowledge being served, and the one way to replace it: a validated, atomic reload.

Readers take ``store.snapshot`` once per question and use only that object, so a reload
that swaps the attribute mid-question cannot give them half of each version. A reload
reads the new knowledge and builds its matcher in slices of a few milliseconds, answering
questions between them (a thread would hold the GIL against the event loop instead), and
swaps only when both are complete; on any problem nothing changes.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.core.knowledge.loader import load_knowledge, load_steps
from bot.core.knowledge.model import Knowledge, KnowledgeDiff, diff
from bot.core.knowledge.problems import Problem
from bot.core.matching.matcher import Matcher
from bot.core.stepwise import finish_between


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

        Most of a build is the example index, pure Python; in a thread it would hold the
        GIL against the loop for the whole build, and answers would wait for it.
        """
        return cls(knowledge, await finish_between(Matcher.steps(knowledge)))


@dataclass(frozen=True)
class ReloadOutcome:
    ok: bool
    before: str
    after: str
    diff: KnowledgeDiff = field(default_factory=KnowledgeDiff)
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()
    seconds: float = 0.0


class KnowledgeStore:
    """Holds the current :class:`Snapshot`; :meth:`reload` replaces it or leaves it be."""

    def __init__(self, folder: Path, snapshot: Snapshot) -> None:
        self.folder = folder
        self.snapshot = snapshot
        self._lock = asyncio.Lock()

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
            fresh = await Snapshot.build(loaded.knowledge)
            result = loaded.warnings
            took = time.perf_counter() - start
            changes = diff(before.knowledge, fresh.knowledge)
            self.snapshot = fresh
            return ReloadOutcome(
                True, before.version, fresh.version, changes, warnings=result, seconds=took
            )
