"""Garbage-collector tuning: short pauses in a burst of questions, and bounded memory.

Two things made the collector pause for hundreds of milliseconds in a burst:

* After start-up the process holds tens of thousands of objects that live as long as it
  does (discord.py, pydantic's validators, the knowledge and its matcher index), and every
  full collection walked them all again. ``gc.freeze()`` takes what is alive once the bot
  is ready out of the collector's sight; frozen objects are still freed when their last
  reference goes, only cycles among them are not, so a reload (which replaces the
  knowledge) gives the frozen set back, collects once, and freezes anew.
* In a burst, discord.py parses every event waiting on the socket before handlers run,
  so thousands of questions are alive at once (about 80 objects each), and a full
  collection walks all of them: the longer the burst, the longer the pause. Full
  collections therefore run when the bot is idle (no question for ``IDLE_SECONDS`` and
  hardly any task pending), when
  there is little to walk and nobody waiting, and at least every ``AT_LEAST_EVERY_SECONDS``
  under constant load, so cyclic garbage cannot pile up; the young generations are
  collected as usual, and their pauses stay small.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from typing import Final

from bot.core.rendering.render import forget_cards

log = logging.getLogger(__name__)

IDLE_SECONDS: Final = 2.0
# More tasks than this and events are still being handled, whenever the last question came:
# discord.py parses every waiting event (a task each) before the first handler runs.
IDLE_TASKS: Final = 100
AT_LEAST_EVERY_SECONDS: Final = 300.0
CHECK_SECONDS: Final = 1.0
NO_AUTOMATIC_FULL: Final = 1_000_000  # gen-1 collections before a full one: never, in effect


# The interpreter's own thresholds, given back when the bot stops (read once, so that two
# bots in one process, as in tests, cannot hand each other's settings around).
DEFAULT_THRESHOLDS: Final = gc.get_threshold()


class Collector:
    """Owns the collector's settings while the bot runs (see the module's docstring)."""

    def __init__(self) -> None:
        self._thresholds = DEFAULT_THRESHOLDS
        self._task: asyncio.Task[None] | None = None
        self._last_question = 0.0
        self._last_full = time.monotonic()
        self._questions_since_full = 0

    def start(self) -> None:
        """Once the bot is loaded: freeze what is there, take over full collections."""
        gc.collect()
        gc.freeze()
        gen0, gen1, _ = self._thresholds
        gc.set_threshold(gen0, gen1, NO_AUTOMATIC_FULL)
        self._last_full = time.monotonic()
        self._task = asyncio.create_task(self._run())
        log.debug("froze %d long-lived objects", gc.get_freeze_count())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        gc.set_threshold(*self._thresholds)
        gc.unfreeze()

    def busy(self) -> None:
        """A question arrived: not a moment for a full collection."""
        self._last_question = time.monotonic()
        self._questions_since_full += 1

    def refreeze(self) -> None:
        """After a reload: let the replaced knowledge go, then freeze the new one."""
        forget_cards()
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._last_full = time.monotonic()
        self._questions_since_full = 0

    def due(self, now: float, tasks: int = 0) -> bool:
        if self._questions_since_full == 0:
            return False  # nothing happened since the last one
        idle = now - self._last_question >= IDLE_SECONDS and tasks <= IDLE_TASKS
        return idle or now - self._last_full >= AT_LEAST_EVERY_SECONDS

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(CHECK_SECONDS)
            now = time.monotonic()
            if self.due(now, len(asyncio.all_tasks())):
                with contextlib.suppress(Exception):
                    gc.collect()
                self._last_full = time.monotonic()
                self._questions_since_full = 0
