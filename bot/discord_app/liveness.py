"""Is the bot alive? Only if Discord acknowledged one of its heartbeats recently.

An open socket proves nothing: a "zombie" gateway keeps the socket open and stops
answering, and the bot then misses every question until discord.py gives up on it about a
minute later. The gateway acknowledges each heartbeat the bot sends (every ``interval``
seconds, about 41 s), so the time of the last acknowledgement is the real sign of life.

The running bot writes it to the heartbeat file every few seconds; ``tensionbot health``
(the container's health check, another process) reads it. The file also carries the
interval and how often it is written, so the check needs no configuration of its own, and
a bot that hangs or dies stops rewriting it and turns unhealthy the same way.

No discord import here: ``tensionbot health`` runs every 30 s and should start fast.
"""

from __future__ import annotations

import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# How late an acknowledgement may be, as a share of the heartbeat interval, before the
# connection counts as dead: Discord answers a heartbeat within milliseconds, and the bot
# sends the next one an interval after the last, so a quarter of an interval is slack.
SLACK: float = 0.25


@dataclass(frozen=True)
class Beat:
    """The last heartbeat Discord acknowledged, as the running bot saw it."""

    acked_at: float  # wall-clock time of the acknowledgement
    interval: float  # the gateway's heartbeat interval, in seconds
    every: float  # how often the bot rewrites the file, in seconds
    latency_ms: float

    def overdue(self, now: float) -> float:
        """Seconds beyond the last moment an acknowledgement was due (<= 0: on time)."""
        return now - self.acked_at - (1 + SLACK) * self.interval - self.every


def _keep_alives(client: Any) -> list[Any]:
    """The keep-alive handler of each gateway connection: one, or one per shard."""
    shards = getattr(client, "shards", None)
    if isinstance(shards, dict):  # a cluster: ShardInfo objects over discord.py's shards
        sockets = [getattr(getattr(s, "_parent", None), "ws", None) for s in shards.values()]
    else:
        sockets = [getattr(client, "ws", None)]
    return [getattr(ws, "_keep_alive", None) for ws in sockets]


def last_beat(client: Any, every: float) -> Beat | None:
    """The latest acknowledged heartbeat of ``client``'s gateway, None before the first.

    discord.py keeps the time of the last acknowledgement on the connection's keep-alive
    handler (``_last_ack``, on the ``perf_counter`` clock) and its round trip as
    ``latency``, which stays infinite until the first acknowledgement. A cluster of
    shards is only as alive as its least alive shard, so that one's is taken.
    """
    oldest: Beat | None = None
    handlers = _keep_alives(client)
    for keep_alive in handlers:
        if keep_alive is None:
            return None
        latency = float(getattr(keep_alive, "latency", math.inf))
        acked = getattr(keep_alive, "_last_ack", None)
        interval = getattr(keep_alive, "interval", None)
        if not math.isfinite(latency) or acked is None or interval is None:
            return None  # a connection not (yet) acknowledged: nothing healthy to write
        acked_at = time.time() - (time.perf_counter() - float(acked))
        beat = Beat(acked_at, float(interval), every, round(latency * 1000, 1))
        if oldest is None or beat.acked_at < oldest.acked_at:
            oldest = beat
    return oldest


def write_beat(path: Path, beat: Beat) -> None:
    """Replace the file in one step, so the health check never reads half of it."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(beat.__dict__), "utf-8")
    os.replace(partial, path)


def read_beat(path: Path) -> Beat | None:
    try:
        data = json.loads(path.read_text("utf-8"))
        return Beat(
            float(data["acked_at"]),
            float(data["interval"]),
            float(data["every"]),
            float(data["latency_ms"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def verdict(path: Path, now: float | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why) for the health check."""
    beat = read_beat(path)
    if beat is None:
        return False, f"unhealthy: no heartbeat at {path} (not connected yet?)"
    now = time.time() if now is None else now
    age = now - beat.acked_at
    if beat.overdue(now) > 0:
        return False, (
            f"unhealthy: Discord last acknowledged a heartbeat {age:.0f} s ago "
            f"(one is due every {beat.interval:.0f} s); the gateway connection is dead"
        )
    return True, (
        f"healthy: Discord acknowledged a heartbeat {age:.0f} s ago "
        f"(latency {beat.latency_ms:.0f} ms)"
    )
