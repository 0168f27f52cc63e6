"""Run a bot, unchanged, with the instruments the burst benchmark reads.

    python -m benchmarks.probe API_BASE GATEWAY_URL REPORT.json tensionbot|echo

The bot is aimed at a fake Discord the way tests/fakediscord/launch.py does it. On SIGUSR1
the process writes what happened since the last report to REPORT.json: every garbage
collection's pause (from ``gc.callbacks``), how many objects the collector tracks, the
resident memory, and, with BENCH_PROFILE=1, the CPU time per package (cProfile). Measuring
from inside is the only way to see the collector's pauses; the rest could be read from
outside but is read here so that one report holds one moment.
"""

from __future__ import annotations

import cProfile
import gc
import json
import os
import pstats
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket

# Where CPU time goes, by where the code lives (the first match wins).
GROUPS = (
    ("matching (bot/core/matching)", "bot/core/matching/"),
    ("matching (bot/core/matching)", "/snowballstemmer/"),
    ("rendering (bot/core/rendering)", "bot/core/rendering/"),
    ("rest of bot/core (throttle, store)", "bot/core/"),
    ("bot's Discord layer (bot/discord_app)", "bot/discord_app/"),
    ("question log (bot/curation)", "bot/curation/"),
    ("discord.py: HTTP", "discord/http.py"),
    ("discord.py: gateway, parsing, models", "/discord/"),
    ("aiohttp", "/aiohttp/"),
    ("JSON", "/json/"),
    ("logging", "/logging/"),
    ("asyncio", "/asyncio/"),
)


WAITING = "waiting for the network (epoll)"


class Probe:
    def __init__(self, report: Path) -> None:
        self.report = report
        self.pauses: list[float] = []
        self.collections = [0, 0, 0]
        self.full_sizes: list[int] = []
        self._started = 0.0
        self.profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
        gc.callbacks.append(self._gc)
        signal.signal(signal.SIGUSR1, self._write)
        if self.profile is not None:
            self.profile.enable()

    def _gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            if info["generation"] == 2:  # how much a full collection has to walk
                self.full_sizes.append(len(gc.get_objects()))
            self._started = time.perf_counter()
        else:
            self.pauses.append((time.perf_counter() - self._started) * 1000)
            self.collections[info["generation"]] += 1

    def _write(self, signum: int, frame: FrameType | None) -> None:
        data: dict[str, Any] = {
            "gc_pauses_ms": self.pauses,
            "collections": self.collections,
            "full_collection_sizes": self.full_sizes,
            "tracked_objects": len(gc.get_objects()),
            "frozen_objects": gc.get_freeze_count(),
            "rss_kb": rss_kb(),
        }
        if os.environ.get("BENCH_TYPES"):  # what the tracked objects are, most common first
            counts = Counter(type(o).__qualname__ for o in gc.get_objects())
            data["types"] = counts.most_common(25)
        if self.profile is not None:
            self.profile.disable()
            data["cpu_s_by_group"] = cpu_by_group(self.profile)
            self.profile = cProfile.Profile()
            self.profile.enable()
        self.report.write_text(json.dumps(data), "utf-8")
        self.pauses, self.collections, self.full_sizes = [], [0, 0, 0], []


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text("utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_by_group(profile: cProfile.Profile) -> dict[str, float]:
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    out: dict[str, float] = {}
    for (filename, _, function), (_, _, tottime, _, _) in stats.items():
        if "epoll" in function or "selectors.py" in filename:
            group = WAITING  # the event loop waiting for the network: not work
        elif filename == "~" and ("'send" in function or "'recv" in function):
            group = "sockets (system calls)"
        elif filename == "~":
            group = "built-ins called from anywhere (C)"
        else:
            group = next((name for name, part in GROUPS if part in filename), "other Python")
        out[group] = out.get(group, 0.0) + tottime
    return out


def echo_bot(token: str) -> None:
    """The baseline: a bare discord.py bot that replies to a mention with the same text."""
    intents = discord.Intents.default()
    intents.message_content = True
    client = discord.Client(
        intents=intents, max_messages=None, allowed_mentions=discord.AllowedMentions.none()
    )

    @client.event
    async def on_message(message: discord.Message) -> None:
        if client.user is not None and client.user in message.mentions:
            await message.reply(message.content[:1900] or ".", mention_author=False)

    client.run(token, log_handler=None)


def main() -> int:
    api, gateway, report, which = sys.argv[1:5]
    discord.http.Route.BASE = api
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    Probe(Path(report))
    if which == "echo":
        echo_bot(os.environ["DISCORD_TOKEN"])
        return 0
    from bot.cli import main as tensionbot

    return tensionbot(["run"])


if __name__ == "__main__":
    raise SystemExit(main())
