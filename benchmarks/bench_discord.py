"""1,000 questions through the fake gateway into the real ``tensionbot run`` process.

    .venv/bin/python -m benchmarks.bench_discord [--questions N]

The bot runs unchanged in its own process (tests/fakediscord/launch.py points discord.py's
two base URLs at the fake). Reported:

* bot latency: from the bot's handler receiving the event to its reply being sent and
  acknowledged, as the bot logs it (``latency_ms`` of each "answered" line);
* wire latency: from the fake writing MESSAGE_CREATE on the websocket to the reply's POST
  arriving at the fake (the bot's whole path: websocket, parsing, matching, rendering, HTTP);
* peak memory of the bot process: its VmHWM (high-water RSS), polled from /proc until it
  exits. Not getrusage(RUSAGE_CHILDREN): that also counts the child's moments between fork
  and exec, when it is still a copy of this (large) benchmark process.

Targets (issue 4): p99 < 5 ms on loopback, peak memory < 80 MB. The run is made twice,
without and with the question log (issue 5: logging adds < 1 ms at p99).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

from bot.settings import bundled_knowledge_dir
from tests.discord_app.harness import TOKEN
from tests.fakediscord import FakeDiscord
from tests.support.questions import load_all

ROOT = Path(__file__).resolve().parent.parent


async def high_water(pid: int) -> int:
    """The process's peak resident memory in KB, as last seen before it exited."""
    peak = 0
    while True:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:  # gone (or a zombie without a memory map)
            return peak
        if peak and not Path(f"/proc/{pid}/exe").exists():
            return peak
        await asyncio.sleep(0.01)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def describe(label: str, values: list[float]) -> None:
    print(
        f"{label}: n={len(values)}, p50 {statistics.median(values):.2f} ms, "
        f"p99 {percentile(values, 0.99):.2f} ms, max {max(values):.2f} ms"
    )


async def run(count: int, extra_env: dict[str, str]) -> list[float]:
    fake = FakeDiscord()
    await fake.start()
    asker = fake.person("bench")
    questions = [item.question for item in load_all() if item.kind.value != "none"]
    log_file = Path(tempfile.mkstemp(suffix=".log")[1])
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "TENSIONBOT_KNOWLEDGE_DIR": str(bundled_knowledge_dir()),
        "TENSIONBOT_LOG_FORMAT": "json",
        "TENSIONBOT_COOLDOWN_RATE": "1000000",
        "TENSIONBOT_REPEAT_WINDOW_SECONDS": "0",
        "TENSIONBOT_QUESTION_LOG_PATH": "",
        **extra_env,
    }
    with log_file.open("wb") as logs:
        launch = ["-m", "tests.fakediscord.launch", fake.api_base, fake.gateway_url, "run"]
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *launch,
            cwd=ROOT,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=logs,
        )
        watcher = asyncio.create_task(high_water(process.pid))
        await fake.wait_until(lambda: fake.identifies == 1, timeout=60)
        await asyncio.sleep(0.5)  # let start-up settle
        wire: list[float] = []
        for i in range(count):
            before = len(fake.sent)
            asked = await fake.say(asker, questions[i % len(questions)], mention_bot=True)
            reply = await fake.next_message(before, timeout=10)
            post = next(r for r in reversed(fake.requests) if r.method == "POST")
            assert reply["replied_to"] == asked
            wire.append((post.at - fake.dispatched_at[asked]) * 1000)
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    await fake.stop()
    peak_kb = await watcher
    bot: list[float] = []
    for line in log_file.read_text("utf-8").splitlines():
        if '"msg": "answered"' in line:
            bot.append(float(json.loads(line)["latency_ms"]))
    log_file.unlink()
    print(f"{count} questions through the fake gateway (exit code {process.returncode})")
    describe("bot latency (handler -> reply acknowledged)", bot)
    describe("wire latency (MESSAGE_CREATE written -> reply POST arrives)", wire)
    print(f"peak memory of the bot process: {peak_kb / 1024:.1f} MB (target < 80 MB)")
    return bot


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=1000)
    args = parser.parse_args()
    print("== question log off")
    off = asyncio.run(run(args.questions, {}))
    with tempfile.TemporaryDirectory() as folder:
        print("\n== question log on")
        on = asyncio.run(
            run(args.questions, {"TENSIONBOT_QUESTION_LOG_PATH": str(Path(folder) / "q.sqlite3")})
        )
        with sqlite3.connect(Path(folder) / "q.sqlite3") as db:
            (rows,) = db.execute("SELECT COUNT(*) FROM questions").fetchone()
    print(
        f"\nlogging cost: p50 {statistics.median(on) - statistics.median(off):+.3f} ms, "
        f"p99 {percentile(on, 0.99) - percentile(off, 0.99):+.3f} ms ({rows} rows written)"
    )


if __name__ == "__main__":
    main()
