"""Past one process: rows lost with two writers, kill -9 loss, reload broadcast, logging cost.

    .venv/bin/python -m benchmarks.bench_scaleout [loss|kill|reload|cost ...] [--runs N]

Everything goes through the fake gateway into real ``tensionbot run`` processes
(tests/fakediscord/launch.py), with a throwaway PostgreSQL server from the system's
packages (tests/support/pgserver.py, fsync on). Targets (issue 10):

* loss: two processes (shards 0 and 1 of 2) on one SQLite file and on one PostgreSQL
  database, 10 runs of 600 questions each: 0 rows lost or overwritten;
* kill: ``kill -9`` mid-stream: loss bounded by the writer's flush window
  (``FLUSH_SECONDS``); reported as rows and as the age of the oldest lost answer;
* reload: from a moderator's ``/reload`` (in the guild's cluster) to the other cluster
  (DMs) answering with the new data, p50 and max;
* cost: the answer path (bot latency, handler to reply acknowledged) with the log on
  PostgreSQL vs on SQLite vs off, p99.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.settings import bundled_knowledge_dir
from bot.storage import DatabaseURL, open_database
from bot.storage.questionlog import FLUSH_SECONDS
from tests.discord_app.harness import TOKEN
from tests.fakediscord import FakeDiscord
from tests.fakediscord import payloads as p
from tests.support.pgserver import PostgresServer, find_bindir

from .bench_discord import percentile
from .bench_discord import run as gateway_run

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "does unlearning hurt capability?"


async def launch(
    fake: FakeDiscord, url: str, knowledge: Path, extra: dict[str, str]
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "TENSIONBOT_KNOWLEDGE_DIR": str(knowledge),
        "TENSIONBOT_DATABASE_URL": url,
        "TENSIONBOT_COOLDOWN_RATE": "1000000",
        "TENSIONBOT_REPEAT_WINDOW_SECONDS": "0",
        "TENSIONBOT_MODERATOR_ROLE_IDS": str(p.MOD_ROLE_ID),
        "TENSIONBOT_LOG_LEVEL": "WARNING",
        **extra,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakediscord.launch", fake.api_base, fake.gateway_url,
        "run", cwd=ROOT, env=env, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip


async def stop(*processes: asyncio.subprocess.Process) -> None:
    for process in processes:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        await asyncio.wait_for(process.wait(), 30)


async def stored_texts(url: str) -> list[str]:
    database = await open_database(DatabaseURL.parse(url), read_only=True)
    try:
        return [str(r[0]) for r in await database.engine.fetch("SELECT text FROM questions")]
    finally:
        await database.close()


def cluster(shard: int) -> dict[str, str]:
    return {"TENSIONBOT_SHARD_COUNT": "2", "TENSIONBOT_SHARD_IDS": str(shard)}


# --- two processes, 600 questions ---------------------------------------------------


async def loss_run(url: str, tag: str, count: int = 600) -> tuple[int, int, int]:
    """(asked, stored, distinct ids)."""
    fake = FakeDiscord()
    await fake.start()
    knowledge = bundled_knowledge_dir()
    first = await launch(fake, url, knowledge, cluster(0))
    second = await launch(fake, url, knowledge, {**cluster(1), "TENSIONBOT_SYNC_COMMANDS": "false"})
    try:
        await fake.wait_until(lambda: fake.identifies == 2, timeout=60)
        await asyncio.sleep(0.3)
        asker = fake.person("bench")
        asked = []
        before = len(fake.sent)
        for i in range(count):
            dm = i % 2 == 0
            text = f"{QUESTION} {tag} #{i}"
            asked.append(text)
            await fake.say(asker, text, dm=dm, mention_bot=not dm)
            if i % 10 == 9:
                await asyncio.sleep(0.001)
        await fake.wait_until(lambda: len(fake.sent) >= before + count, timeout=120)
    finally:
        await stop(first, second)
        await fake.stop()
    texts = await stored_texts(url)
    return len(asked), len(set(texts) & set(asked)), len(texts)


async def bench_loss(new_url: Callable[[str], str], engine: str, runs: int) -> None:
    lost: list[int] = []
    for run in range(runs):
        url = new_url(f"loss{run}")
        asked, stored, rows = await loss_run(url, f"{engine}-{run}")
        lost.append(asked - stored)
        print(f"  {engine} run {run + 1}: {asked} asked, {stored} stored, {rows} rows")
    print(f"{engine}: two processes, {runs} runs x 600: lost {lost} (total {sum(lost)})")


# --- kill -9 ------------------------------------------------------------------------


async def kill_run(url: str, tag: str, rate: float) -> tuple[int, int, float, float]:
    """Kill the bot mid-stream: answered, lost, the oldest lost answer's age (ms), answers/s."""
    fake = FakeDiscord()
    await fake.start()
    bot = await launch(fake, url, bundled_knowledge_dir(), {})
    try:
        await fake.wait_until(lambda: fake.identifies == 1, timeout=60)
        await asyncio.sleep(0.3)
        asker = fake.person("bench")
        texts: dict[int, str] = {}
        started = time.perf_counter()
        kill_at = started + 1.5 + random.random()
        i = 0
        while time.perf_counter() < kill_at:
            text = f"{QUESTION} {tag} #{i}"
            texts[await fake.say(asker, text, mention_bot=True)] = text
            i += 1
            await asyncio.sleep(1 / rate)
        bot.kill()
        killed = time.perf_counter()
        await bot.wait()
    finally:
        await fake.stop()
    answered = {texts[m["replied_to"]]: m["sent_at"] for m in fake.sent if m.get("replied_to")}
    stored = set(await stored_texts(url))
    lost = {t: at for t, at in answered.items() if t not in stored}
    oldest = max(((killed - at) * 1000 for at in lost.values()), default=0.0)
    return len(answered), len(lost), oldest, len(answered) / (killed - started)


async def bench_kill(new_url: Callable[[str], str], engine: str, runs: int, rate: float) -> None:
    losses: list[int] = []
    ages: list[float] = []
    rates: list[float] = []
    for run in range(runs):
        answered, lost, oldest, speed = await kill_run(
            new_url(f"kill{run}"), f"{engine}-{run}", rate
        )
        losses.append(lost)
        ages.append(oldest)
        rates.append(speed)
        print(
            f"  {engine} run {run + 1}: {answered} answered ({speed:.0f}/s), {lost} lost, "
            f"oldest {oldest:.0f} ms"
        )
    print(
        f"{engine}: kill -9 at {statistics.median(rates):.0f} answers/s, {runs} runs: "
        f"lost {losses} "
        f"(max {max(losses)}); oldest lost answer {max(ages):.0f} ms before the kill "
        f"(flush window {FLUSH_SECONDS * 1000:.0f} ms + the write in flight)"
    )


# --- reload broadcast ---------------------------------------------------------------


async def bench_reload(url: str, runs: int) -> None:
    folder = Path(tempfile.mkdtemp()) / "knowledge"
    shutil.copytree(bundled_knowledge_dir(), folder)
    fake = FakeDiscord()
    await fake.start()
    dms = await launch(fake, url, folder, cluster(0))
    guild = await launch(fake, url, folder, {**cluster(1), "TENSIONBOT_SYNC_COMMANDS": "false"})
    spread: list[float] = []
    confirmed: list[float] = []
    try:
        await fake.wait_until(lambda: fake.identifies == 2, timeout=60)
        await asyncio.sleep(0.5)
        moderator = fake.person("mod", roles=(p.MOD_ROLE_ID,))
        asker = fake.person("bench")
        path = folder / "tensions" / "unlearning-vs-capability.yaml"
        original = path.read_text("utf-8")
        for run in range(runs):
            figure = f"0.5-{3 + run}%"
            path.write_text(original.replace("0.5-2%", figure), "utf-8")
            start = time.perf_counter()
            reload = await fake.slash(moderator, "reload", wait=False)
            while True:
                shown = await fake.slash(
                    asker, "tension", {"name": "unlearning-vs-capability"}, dm=True
                )
                if figure in str(shown.response["embeds"][0]):
                    break
            spread.append((time.perf_counter() - start) * 1000)
            await asyncio.wait_for(reload.answered.wait(), 30)
            confirmed.append((time.perf_counter() - start) * 1000)
            assert "2 of 2 clusters" in reload.response["embeds"][0]["description"]
    finally:
        await stop(dms, guild)
        await fake.stop()
        shutil.rmtree(folder.parent)
    print(
        f"reload broadcast, {runs} reloads: /reload -> the other cluster answers with the new "
        f"data p50 {statistics.median(spread):.0f} ms, max {max(spread):.0f} ms; the moderator "
        f"reads 'reloaded in 2 of 2' after p50 {statistics.median(confirmed):.0f} ms, "
        f"max {max(confirmed):.0f} ms"
    )


# --- answer path cost ---------------------------------------------------------------


async def bench_cost(
    sqlite_url: Callable[[str], str], postgres_url: Callable[[str], str], count: int, rounds: int
) -> None:
    """Rounds alternate the engines, so that whatever else the machine does hits both."""
    p99: dict[str, list[float]] = {"off": [], "sqlite": [], "postgresql": []}
    for round_ in range(rounds):
        for name, env in (
            ("off", {}),
            ("sqlite", {"TENSIONBOT_DATABASE_URL": sqlite_url(f"cost{round_}")}),
            ("postgresql", {"TENSIONBOT_DATABASE_URL": postgres_url(f"cost{round_}")}),
        ):
            print(f"== round {round_ + 1}, question log {name}")
            p99[name].append(percentile(await gateway_run(count, env), 0.99))
    median = {k: statistics.median(v) for k, v in p99.items()}
    rounds_text = ", ".join(f"{k} {[round(x, 2) for x in v]}" for k, v in p99.items())
    print(
        f"answer path p99 per round (ms): {rounds_text}\n"
        f"median of the rounds: off {median['off']:.2f} ms, SQLite {median['sqlite']:.2f} ms, "
        f"PostgreSQL {median['postgresql']:.2f} ms; PostgreSQL - SQLite "
        f"{median['postgresql'] - median['sqlite']:+.2f} ms"
    )


async def main(parts: list[str], runs: int) -> None:
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer(bindir, durable=True)
    server.start()
    scratch = Path(tempfile.mkdtemp())
    try:

        def postgres(_: str) -> str:
            return server.new_database()

        def sqlite(name: str) -> str:
            return f"sqlite:///{scratch / name}.sqlite3"

        steps: dict[str, Callable[[], Awaitable[None]]] = {
            "loss": lambda: _both(bench_loss, sqlite, postgres, runs),
            "kill": lambda: _both(bench_kill, sqlite, postgres, runs, 300.0),
            "reload": lambda: bench_reload(server.new_database(), max(runs, 20)),
            "cost": lambda: bench_cost(sqlite, postgres, 1000, 5),
        }
        for part in parts:
            print(f"\n### {part}")
            await steps[part]()
    finally:
        server.stop()
        shutil.rmtree(scratch, ignore_errors=True)


async def _both(
    bench: Callable[..., Awaitable[None]], sqlite: object, postgres: object, *args: object
) -> None:
    await bench(sqlite, "SQLite", *args)
    await bench(postgres, "PostgreSQL", *args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("parts", nargs="*", default=["loss", "kill", "reload", "cost"])
    parser.add_argument("--runs", type=int, default=10)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.parts, arguments.runs))
