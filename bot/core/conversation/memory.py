"""Where conversations live between messages: in memory, bounded in number and in time.

A context is worth keeping only for a few minutes (a follow-up comes quickly or not at
all), so entries expire after a window and the least recently answered are dropped beyond
a fixed number. Nothing is written anywhere: a restart forgets every conversation, which
costs a person one repeated question at most.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Final

from bot.core.conversation.context import Context

Clock = Callable[[], float]
DEFAULT_CAPACITY: Final = 10_000


class ConversationMemory:
    """The last answer of each conversation, by an opaque key the adapter chooses.

    Keys are whatever identifies a conversation to the adapter (a DM channel, a person in
    a channel, an answer message); they must hold no message text. Entries are ordered by
    when they were last answered, so the oldest are at the front, both for expiry and LRU.
    """

    def __init__(
        self, window: float, capacity: int = DEFAULT_CAPACITY, clock: Clock = time.monotonic
    ) -> None:
        self.window = window
        self.capacity = capacity
        self._clock = clock
        self._entries: OrderedDict[Hashable, tuple[float, Context]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def enabled(self) -> bool:
        return self.window > 0 and self.capacity > 0

    def recall(self, key: Hashable, window: float | None = None) -> Context | None:
        """The context of a conversation still within its window, or None.

        ``window`` is the conversation's own (a server's setting), at most the memory's:
        an entry past it is not forgotten, since a server with a longer window may share
        the memory, only not returned.
        """
        found = self._entries.get(key)
        if found is None:
            return None
        at, context = found
        age = self._clock() - at
        if age > self.window:
            del self._entries[key]
            return None
        if window is not None and (window <= 0 or age > window):
            return None
        return context

    def remember(self, key: Hashable, context: Context | None) -> None:
        """Record a conversation's new last answer (None ends the conversation)."""
        if context is None or not self.enabled:
            self._entries.pop(key, None)
            return
        now = self._clock()
        self._entries[key] = (now, context)
        self._entries.move_to_end(key)
        self._expire(now)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def _expire(self, now: float) -> None:
        while self._entries:
            at, _ = next(iter(self._entries.values()))
            if now - at <= self.window:
                return
            self._entries.popitem(last=False)
