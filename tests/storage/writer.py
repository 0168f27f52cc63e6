"""One process writing questions to a shared log, for the multi-process tests and benchmarks.

    python -m tests.storage.writer URL COUNT TAG [START_AT]

Waits until the wall clock reaches START_AT (so several processes open the database at
the same moment), records COUNT questions "TAG i", closes, and prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from bot.storage import DatabaseURL
from bot.storage.questionlog import Entry, QuestionLog


async def main(url: str, count: int, tag: str, start_at: float) -> None:
    await asyncio.sleep(max(0.0, start_at - time.time()))
    qlog = await QuestionLog.open(DatabaseURL.parse(url), retention_days=30)
    available = qlog.available
    for i in range(count):
        qlog.record(
            Entry(qlog.new_id(), time.time(), 1, 2, "mention", f"{tag} {i}", "none", None, None,
                  0.0, False, "v1")
        )  # fmt: skip
        if i % 20 == 0:
            await asyncio.sleep(0)
    await qlog.close()
    print(json.dumps({"available": available, "dropped": qlog.dropped}))


if __name__ == "__main__":
    start = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], start))
