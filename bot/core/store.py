"""The knowledge being served, and the one way to replace it: a validated, atomic reload.

Readers take ``store.snapshot`` once per question and use only that object, so a reload
that swaps the attribute mid-question cannot give them half of each version. A reload
builds the new knowledge *and* its matcher index off the event loop, and swaps only when
both are complete; on any problem nothing changes.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.core.knowledge.loader import load_knowledge
from bot.core.knowledge.model import Knowledge, KnowledgeDiff, diff
from bot.core.knowledge.problems import Problem
from bot.core.matching.matcher import Matcher


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
            result, fresh = await asyncio.to_thread(self._build)
            took = time.perf_counter() - start
            if fresh is None:
                return ReloadOutcome(
                    False, before.version, before.version, problems=result, seconds=took
                )
            changes = diff(before.knowledge, fresh.knowledge)
            self.snapshot = fresh
            return ReloadOutcome(
                True, before.version, fresh.version, changes, warnings=result, seconds=took
            )

    def _build(self) -> tuple[tuple[Problem, ...], Snapshot | None]:
        result = load_knowledge(self.folder)
        if result.knowledge is None:
            return result.problems, None
        return result.warnings, Snapshot.of(result.knowledge)
