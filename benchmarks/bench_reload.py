"""What a /reload costs: how long the rebuild takes, and what answers wait meanwhile.

    .venv/bin/python -m benchmarks.bench_reload

A reload re-reads the knowledge and retrains the classifier (the model cache is off
here, so every reload trains). Meanwhile questions arrive on the same event loop, each
answered in a task of its own as the gateway would deliver them, and each answer's
latency is taken from when it arrived to when it was answered: a reload that held the
loop would show here as answers hundreds of ms late. Targets (issue 8): reload <= 2 s
for the bundled knowledge, p99 of answers during a reload <= 50 ms.

The garbage collector is set as the bot sets it (``bot/discord_app/gc_tuning.py``: what is
alive after the first load frozen, no automatic full collection while questions flow), so
its pauses are the bot's, not the interpreter's defaults.
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.serving.store import KnowledgeStore
from bot.discord_app.gc_tuning import NO_AUTOMATIC_FULL
from bot.settings import bundled_knowledge_dir
from tests.support.questions import load_sets

# Questions per second: a busy server, and a busy cluster. One process answers about 200
# a second at most (about 5 ms each with the semantic model): a faster stream queues
# whether or not a reload runs, which bench_burst measures, so it is not asked here.
RATES = (50, 150)
RELOADS = 5


async def answer_while(
    store: KnowledgeStore, questions: list[str], busy: asyncio.Event, rate: int
) -> list[float]:
    """Questions arrive every interval, each answered in a task of its own as discord.py
    dispatches events; latency in ms from arrival to answer, until ``busy`` clears."""
    loop = asyncio.get_running_loop()
    late: list[float] = []
    tasks: list[asyncio.Task[None]] = []

    async def answer(question: str, due: float) -> None:
        store.snapshot.matcher.match(question)
        late.append((loop.time() - due) * 1000)

    due = loop.time()
    i = 0
    while busy.is_set():
        await asyncio.sleep(max(0.0, due - loop.time()))
        while due <= loop.time():  # everything that arrived meanwhile, as one read would
            tasks.append(asyncio.create_task(answer(questions[i % len(questions)], due)))
            due += 1 / rate
            i += 1
    await asyncio.gather(*tasks)
    return late


def summary(label: str, ms: list[float]) -> None:
    ms = sorted(ms)
    p99 = ms[max(0, int(len(ms) * 0.99) - 1)]
    p50 = statistics.median(ms)
    print(
        f"{label}: {len(ms)} answers, p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {ms[-1]:.1f} ms",
        flush=True,
    )


async def main() -> None:
    os.environ["TENSIONBOT_CACHE_DIR"] = ""  # every reload trains
    questions = [item.question for item in load_sets("all")]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "knowledge"
        shutil.copytree(bundled_knowledge_dir(), folder)
        store, problems = KnowledgeStore.open(folder)
        assert store is not None, problems
        gc.collect()
        gc.freeze()
        first, second, _ = gc.get_threshold()
        gc.set_threshold(first, second, NO_AUTOMATIC_FULL)
        for rate in RATES:
            await measure(store, folder, questions, rate)


async def measure(store: KnowledgeStore, folder: Path, questions: list[str], rate: int) -> None:
    busy = asyncio.Event()
    busy.set()
    idle = asyncio.create_task(answer_while(store, questions, busy, rate))
    await asyncio.sleep(1.0)
    busy.clear()
    print(f"--- {rate} questions/s", flush=True)
    summary("idle", await idle)
    durations: list[float] = []
    during: list[float] = []
    for n in range(RELOADS):
        extra = folder / "not-answered.yaml"
        extra.write_text(extra.read_text() + f"  - reload marker {rate} {n}\n")
        busy.set()
        answering = asyncio.create_task(answer_while(store, questions, busy, rate))
        start = time.perf_counter()
        outcome = await store.reload()
        durations.append(time.perf_counter() - start)
        busy.clear()
        during += await answering
        assert outcome.ok, outcome.problems
    median = statistics.median(durations)
    print(
        f"reload with training, bundled knowledge: median {median:.2f} s, "
        f"max {max(durations):.2f} s over {RELOADS}",
        flush=True,
    )
    summary("answers during reloads", during)


if __name__ == "__main__":
    asyncio.run(main())
