"""Bursts of mentions into the real bot and into a bare discord.py echo bot, in one run.

    .venv/bin/python -m benchmarks.bench_burst [--burst 5000] [--rounds 6] [--round-size 1000]

Both bots run in their own process against the same fake Discord (tests/fakediscord), one
after the other, each under benchmarks/probe.py. For each:

* ``--rounds`` bursts of ``--round-size``, each followed by a quiet moment: resident
  memory and the objects the collector tracks after each, and what memory grew per answer
  from the first round to the last (what accumulates);
* then one burst of ``--burst`` mentions sent back to back (none waits for a reply):
  answers per second, from the first MESSAGE_CREATE written to the last reply arriving,
  and the garbage collector's pauses during it (longest, total, per generation, how many
  objects each full collection walked);
* for tensionbot, one more burst under cProfile: CPU time per answer, by package.

The echo bot is the floor: what discord.py and the fake cost with no work done. Figures
go to standard output; benchmarks/RESULTS.md keeps the latest.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.settings import bundled_knowledge_dir
from tests.discord_app.harness import TOKEN
from tests.fakediscord import FakeDiscord
from tests.support.questions import load_all

from .probe import WAITING

ROOT = Path(__file__).resolve().parent.parent


class Bot:
    def __init__(self, fake: FakeDiscord, which: str, profile: bool = False) -> None:
        self.fake = fake
        self.which = which
        self.profile = profile
        self.report = Path(tempfile.mkstemp(suffix=".json")[1])
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {
            **os.environ,
            "DISCORD_TOKEN": TOKEN,
            "TENSIONBOT_KNOWLEDGE_DIR": str(bundled_knowledge_dir()),
            "TENSIONBOT_COOLDOWN_RATE": "1000000",
            "TENSIONBOT_REPEAT_WINDOW_SECONDS": "0",
            "TENSIONBOT_QUESTION_LOG_PATH": "",
            "TENSIONBOT_LOG_LEVEL": "WARNING",
        }
        if self.profile:
            env["BENCH_PROFILE"] = "1"
        identified = self.fake.identifies
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.probe",
            self.fake.api_base,
            self.fake.gateway_url,
            str(self.report),
            self.which,
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await self.fake.wait_until(lambda: self.fake.identifies > identified, timeout=60)
        await asyncio.sleep(1.0)  # start-up done (commands compared, caches warm)

    async def read(self) -> dict[str, Any]:
        assert self.process is not None
        self.report.write_text("", "utf-8")
        self.process.send_signal(signal.SIGUSR1)
        for _ in range(500):
            await asyncio.sleep(0.02)
            text = self.report.read_text("utf-8")
            if text:
                return dict(json.loads(text))
        raise TimeoutError("no report from the probe")

    async def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(self.process.wait(), 30)
        self.report.unlink(missing_ok=True)


async def burst(
    fake: FakeDiscord, people: list[dict[str, Any]], questions: list[str], n: int
) -> float:
    """Send ``n`` mentions back to back; answers per second once all are answered."""
    before = len(fake.sent)
    started = time.perf_counter()
    for i in range(n):
        await fake.say(people[i % len(people)], questions[i % len(questions)], mention_bot=True)
    await fake.wait_until(lambda: len(fake.sent) >= before + n, timeout=600)
    last = max(float(m["sent_at"]) for m in fake.sent[before : before + n])
    return n / (last - started)


def pauses(report: dict[str, Any]) -> str:
    values = report["gc_pauses_ms"] or [0.0]
    gens = "/".join(str(c) for c in report["collections"])
    return (
        f"longest GC pause {max(values):.1f} ms, total {sum(values):.0f} ms in {len(values)} "
        f"collections (gen 0/1/2: {gens}); full collections walked "
        f"{', '.join(f'{n:,}' for n in report['full_collection_sizes']) or 'no'} objects; "
        f"after it {report['tracked_objects']:,} tracked, {report['frozen_objects']:,} frozen"
    )


async def measure(which: str, args: argparse.Namespace, questions: list[str]) -> dict[str, Any]:
    fake = FakeDiscord()
    await fake.start()
    people = [fake.person(f"asker{i}") for i in range(50)]
    bot = Bot(fake, which)
    await bot.start()
    start = await bot.read()
    rss, tracked = [], []
    between: list[float] = []  # pauses in the rounds, the idle moments between them included
    for _ in range(args.rounds):
        await burst(fake, people, questions, args.round_size)
        await asyncio.sleep(3.0)  # a quiet moment, as between bursts in real life
        report = await bot.read()
        rss.append(report["rss_kb"])
        tracked.append(report["tracked_objects"])
        between += report["gc_pauses_ms"]
    rate = await burst(fake, people, questions, args.burst)
    after = await bot.read()
    await bot.stop()
    await fake.stop()
    grown = (rss[-1] - rss[0]) * 1024 / max(1, (args.rounds - 1) * args.round_size)
    print(f"\n== {which}")
    print(
        f"after start-up: {start['tracked_objects']:,} objects tracked, "
        f"RSS {start['rss_kb'] / 1024:.1f} MiB"
    )
    print(
        f"RSS after each of {args.rounds} bursts of {args.round_size:,}: "
        + ", ".join(f"{kb / 1024:.1f}" for kb in rss)
        + f" MiB; {grown:+,.0f} bytes per answer from the first to the last; objects tracked: "
        + ", ".join(f"{n:,}" for n in tracked)
    )
    print(f"then a burst of {args.burst:,}: {rate:,.0f} answers/s; {pauses(after)}")
    print(f"RSS after it: {after['rss_kb'] / 1024:.1f} MiB")
    print(
        f"longest GC pause in those rounds and the quiet moments after each: "
        f"{max(between or [0.0]):.1f} ms"
    )
    return {"rate": rate, "longest": max(after["gc_pauses_ms"] or [0.0]), "rss": rss}


async def profile(args: argparse.Namespace, questions: list[str]) -> None:
    fake = FakeDiscord()
    await fake.start()
    people = [fake.person(f"asker{i}") for i in range(50)]
    bot = Bot(fake, "tensionbot", profile=True)
    await bot.start()
    await bot.read()  # start-up is not part of it
    n = args.round_size * 2
    await burst(fake, people, questions, n)
    report = await bot.read()
    await bot.stop()
    await fake.stop()
    gc_ms = sum(report["gc_pauses_ms"])
    waited = report["cpu_s_by_group"].pop(WAITING, 0.0)
    groups = sorted(report["cpu_s_by_group"].items(), key=lambda kv: -kv[1])
    total = sum(v for _, v in groups) + gc_ms / 1000
    print(f"\n== where tensionbot's time per answer goes (cProfile, {n:,} answers)")
    print(
        f"{total / n * 1e6:,.0f} µs of work per answer (profiled, so slower than above), "
        f"besides {waited / n * 1e6:,.0f} µs waiting for the network:"
    )
    rows = [*groups, ("garbage collection", gc_ms / 1000)]
    for name, seconds in sorted(rows, key=lambda kv: -kv[1]):
        print(f"  {seconds / n * 1e6:7,.0f} µs  {seconds / total:5.1%}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--burst", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--round-size", type=int, default=1000)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    questions = [item.question for item in load_all() if item.kind.value != "none"]
    echo = asyncio.run(measure("echo", args, questions))
    bot = asyncio.run(measure("tensionbot", args, questions))
    print(
        f"\ntensionbot answers {bot['rate'] / echo['rate']:.2f}x as fast as the echo bot; "
        f"longest GC pause {bot['longest']:.1f} ms (echo {echo['longest']:.1f} ms)"
    )
    if not args.no_profile:
        asyncio.run(profile(args, questions))


if __name__ == "__main__":
    main()
