"""The health verdict from the heartbeat file, including a bot that hung or died."""

from __future__ import annotations

from pathlib import Path

from bot.discord_app.liveness import Beat, verdict, write_beat


def test_a_recent_acknowledgement_is_healthy_and_a_stale_one_is_not(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    write_beat(path, Beat(acked_at=1000.0, interval=41.25, every=5.0, latency_ms=40.0))
    healthy, line = verdict(path, now=1040.0)  # the next acknowledgement is not due yet
    assert healthy, line
    healthy, line = verdict(path, now=1060.0)  # due 41 s after the last, 10 s slack, 5 s lag
    assert not healthy
    assert "60 s ago" in line


def test_an_unreadable_file_is_unhealthy(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    path.write_text("", "utf-8")  # an older bot's touched file, or a half-written one
    healthy, line = verdict(path)
    assert not healthy
    assert line.startswith("unhealthy: no heartbeat")
