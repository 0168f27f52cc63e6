"""Disabling an answer's buttons once it is old, so an old answer does not invite clicks
forever.

Every answer gets the same lifetime (``ANSWER_VIEW_SECONDS``), so deadlines arrive in the
order answers were sent and a deque is the whole schedule, served by one task. Only what
is needed to edit the message later is kept (ids, not the message), and the schedule is
bounded (``MAX_SCHEDULED``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from typing import Any, Final

import discord

from bot.core.rendering.cards import Link

from .buttons import links_view, release

ANSWER_VIEW_SECONDS: Final = 600.0
# Answers whose buttons are waiting to be disabled, at most. Past it the oldest is dropped
# from the schedule: its buttons stay enabled, which is harmless (they are stateless and
# answer whenever pressed), and a burst of thousands of answers cannot grow memory without
# bound for ten minutes.
MAX_SCHEDULED: Final = 5_000

Where = discord.Message | discord.PartialMessage | discord.Interaction[Any]


class ButtonExpiry:
    """Disables answers' buttons once they are old, with one task for all of them."""

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = ANSWER_VIEW_SECONDS if seconds is None else seconds
        self._due: deque[tuple[float, Where, tuple[Link, ...], int | None]] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def scheduled(self) -> int:
        """How many answers' buttons are waiting to be disabled."""
        return len(self._due)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def track(self, where: Where, links: tuple[Link, ...], question_id: int | None = None) -> None:
        if isinstance(where, discord.Message):  # keep ids, not the whole message
            where = where.channel.get_partial_message(where.id)  # type: ignore[union-attr]
        self._due.append((time.monotonic() + self.seconds, where, links, question_id))
        if len(self._due) > MAX_SCHEDULED:
            self._due.popleft()
        self._wake.set()

    async def _run(self) -> None:
        while True:
            if not self._due:
                self._wake.clear()
                await self._wake.wait()
                continue
            deadline, where, links, question_id = self._due[0]
            delay = deadline - time.monotonic()
            if delay > 0:
                await asyncio.sleep(min(delay, 1.0))
                continue
            self._due.popleft()
            await self._disable(where, links, question_id)

    @staticmethod
    async def _disable(where: Where, links: tuple[Link, ...], question_id: int | None) -> None:
        view = links_view(links, question_id=question_id, disabled=True)
        with contextlib.suppress(discord.HTTPException):  # deleted, or the token expired
            if isinstance(where, discord.Interaction):
                await where.edit_original_response(view=view)
            else:
                await where.edit(view=view)
        release(view)
