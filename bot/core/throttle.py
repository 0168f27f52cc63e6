"""Per-user cooldowns and per-channel repeat suppression, kept in memory.

Both are about being pleasant in a busy channel: one person cannot make the bot flood a
channel, and the same answer is not posted twice in a minute when a pointer to the first
one does the job.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass

Clock = Callable[[], float]
MAX_TRACKED = 10_000  # users or channels remembered at once; the oldest are forgotten


class UserCooldown:
    """At most ``rate`` answers per ``per`` seconds for each user (a sliding window).

    A user is whatever key the caller counts by: the bot counts a person per server, with
    that server's own rate and window passed at each call (``/settings cooldown``).
    """

    def __init__(self, rate: int, per: float, clock: Clock = time.monotonic) -> None:
        self.rate = rate
        self.per = per
        self._clock = clock
        self._hits: OrderedDict[Hashable, deque[float]] = OrderedDict()
        self._warned: dict[Hashable, float] = {}

    def retry_after(
        self, user_id: Hashable, rate: int | None = None, per: float | None = None
    ) -> float:
        """0 if the user may be answered now (and counts it), else seconds to wait."""
        rate = self.rate if rate is None else rate
        per = self.per if per is None else per
        now = self._clock()
        hits = self._hits.setdefault(user_id, deque())
        self._hits.move_to_end(user_id)
        while hits and now - hits[0] >= per:
            hits.popleft()
        if len(hits) >= rate:
            return per - (now - hits[0])
        hits.append(now)
        if len(self._hits) > MAX_TRACKED:
            self._hits.popitem(last=False)
        return 0.0

    def should_warn(self, user_id: Hashable) -> bool:
        """Tell a user about their cooldown once per window, not on every message."""
        now = self._clock()
        last = self._warned.get(user_id)
        if last is not None and now - last < self.per:
            return False
        self._warned[user_id] = now
        if len(self._warned) > MAX_TRACKED:
            self._warned.pop(next(iter(self._warned)))
        return True


@dataclass(frozen=True)
class Earlier:
    """Where an answer was already given: a message link, when known."""

    at: float
    link: str | None


class RepeatGuard:
    """Remembers which answer each channel got recently."""

    def __init__(self, window: float, clock: Clock = time.monotonic) -> None:
        self.window = window
        self._clock = clock
        self._recent: OrderedDict[tuple[int, str], Earlier] = OrderedDict()

    def earlier(self, channel_id: int, answer_key: str) -> Earlier | None:
        """The same answer in the same channel within the window, if there was one."""
        if self.window <= 0:
            return None
        found = self._recent.get((channel_id, answer_key))
        if found is None or self._clock() - found.at > self.window:
            return None
        return found

    def claim(self, channel_id: int, answer_key: str) -> Earlier | None:
        """The earlier answer if there is one; else the caller is answering, from now on.

        Claimed before the answer is sent, not after: sending takes a round trip to
        Discord, and in a burst every repeat arriving meanwhile would be answered in full.
        Until :meth:`remember` adds the link, the earlier answer has none ("just above").
        """
        found = self.earlier(channel_id, answer_key)
        if found is None:
            self.remember(channel_id, answer_key, None)
        return found

    def forget(self, channel_id: int, answer_key: str) -> None:
        """Drop a claim whose answer could not be sent, so the next asker gets it in full."""
        self._recent.pop((channel_id, answer_key), None)

    def remember(self, channel_id: int, answer_key: str, link: str | None) -> None:
        if self.window <= 0:
            return
        key = (channel_id, answer_key)
        self._recent[key] = Earlier(self._clock(), link)
        self._recent.move_to_end(key)
        while len(self._recent) > MAX_TRACKED:
            self._recent.popitem(last=False)
