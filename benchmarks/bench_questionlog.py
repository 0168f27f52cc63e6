"""What logging a question costs the answer path: the ``record()`` call, while the writer runs.

    .venv/bin/python -m benchmarks.bench_questionlog

Target (issue 5): p99 < 1 ms added per answer. The end-to-end comparison (log on vs off,
through the fake gateway) is in benchmarks/bench_discord.py.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.knowledge.label import Kind
from bot.core.matching.answer import Answer
from bot.storage.questionlog import Entry, QuestionLog


async def run(count: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        qlog = await QuestionLog.open(Path(folder) / "q.sqlite3", retention_days=90)
        answer = Answer("q", Kind.TENSION, 0.9, tension="interpretability-vs-efficiency")
        timings: list[float] = []
        for i in range(count):
            start = time.perf_counter_ns()
            qlog.record(
                Entry(
                    qlog.new_id(),
                    time.time(),
                    1,
                    2,
                    "mention",
                    f"question number {i}",
                    answer.kind.value,
                    answer.tension,
                    answer.goal,
                    answer.score,
                    True,
                    "v1",
                )
            )
            timings.append((time.perf_counter_ns() - start) / 1e6)
            if i % 50 == 0:
                await asyncio.sleep(0)  # let the writer run, as between real questions
        flush_started = time.perf_counter()
        await qlog.flush()
        flushed = time.perf_counter() - flush_started
        await qlog.close()
    timings.sort()
    print(
        f"record(): n={count:,}, p50 {statistics.median(timings) * 1000:.1f} µs, "
        f"p99 {timings[int(count * 0.99)] * 1000:.1f} µs, max {timings[-1] * 1000:.1f} µs "
        f"(target p99 < 1,000 µs); writer caught up {flushed * 1000:.0f} ms after the last"
    )


if __name__ == "__main__":
    asyncio.run(run(8_000))
