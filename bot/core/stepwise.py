"""Work written as generators that pause, so one build serves two callers.

A command-line run wants the result at once; the running bot wants the same build to
pause every few milliseconds so that answers go out in between (a thread would hold the
GIL against the event loop instead). Building code yields at its pauses and returns its
result; these two functions drive it one way or the other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from typing import TypeVar

T = TypeVar("T")

Steps = Generator[None, None, T]


def finish(steps: Steps[T]) -> T:
    """Run to the end without pausing."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: T = done.value
            return result


async def finish_between(steps: Steps[T]) -> T:
    """Run to the end, letting the event loop run other tasks at every pause."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            result: T = done.value
            return result
        await asyncio.sleep(0)
