"""Loader speed: the bundled knowledge, and a generated folder of 1,000 tension files.

    .venv/bin/python -m benchmarks.bench_load

Targets (issue 2): bundled < 50 ms, 1,000 files < 1 s. Prints the median and worst of
several runs; a benchmark, not a test, so a slow machine reports rather than fails.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bot.core.knowledge.loader import load_knowledge
from bot.settings import bundled_knowledge_dir
from tests.support.synthetic import write_folder


def _time(folder: Path, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        result = load_knowledge(folder)
        timings.append((time.perf_counter() - start) * 1000)
        assert result.ok, result.problems[:3]
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()

    bundled = _time(bundled_knowledge_dir(), args.runs)
    print(
        f"bundled knowledge: median {statistics.median(bundled):.1f} ms, "
        f"max {max(bundled):.1f} ms (target < 50 ms)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_folder(Path(tmp) / "knowledge", args.files)
        big = _time(folder, max(3, args.runs // 4))
    print(
        f"{args.files:,} tension files: median {statistics.median(big):.0f} ms, "
        f"max {max(big):.0f} ms (target < 1000 ms)"
    )


if __name__ == "__main__":
    main()
