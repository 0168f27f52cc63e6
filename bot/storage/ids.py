"""Question ids that two processes can never both hand out.

An id is known before its row is written (the feedback buttons carry it), so the database
cannot assign it. Instead each process leases a *node* number from the database when it
opens the log (a row in ``clusters``, numbered by the database itself, so two processes
starting at once still get different numbers) and makes ids like Discord's snowflakes:

    milliseconds since 2024-01-01 (41 bits) | node (10 bits) | sequence (12 bits)

Within one millisecond a process has 4,096 ids; past that it borrows from the next
millisecond, so ids stay unique and increasing. Two live processes share a node only if
1,024 others leased one in between; even then the insert never overwrites (it is
``ON CONFLICT DO NOTHING``) and the clash is counted.
"""

from __future__ import annotations

import threading
import time
from typing import Final

EPOCH_MS: Final = 1_704_067_200_000  # 2024-01-01T00:00:00Z
NODE_BITS: Final = 10
SEQUENCE_BITS: Final = 12
NODES: Final = 1 << NODE_BITS
SEQUENCES: Final = 1 << SEQUENCE_BITS


class IdMaker:
    def __init__(self, node: int) -> None:
        self.node = node % NODES
        self._last = 0
        self._sequence = 0
        self._lock = threading.Lock()  # new_id is cheap; the lock makes it thread-safe too

    def __call__(self) -> int:
        with self._lock:
            now = time.time_ns() // 1_000_000 - EPOCH_MS
            if now > self._last:
                self._last, self._sequence = now, 0
            else:
                self._sequence += 1
                if self._sequence == SEQUENCES:
                    self._last, self._sequence = self._last + 1, 0
            return (
                (self._last << (NODE_BITS + SEQUENCE_BITS))
                | (self.node << SEQUENCE_BITS)
                | self._sequence
            )


def node_of(question_id: int) -> int:
    return (question_id >> SEQUENCE_BITS) & (NODES - 1)
