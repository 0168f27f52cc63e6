"""``tensionbot stats``: the same report as ``/stats``, from the question log on disk."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import aiosqlite

from bot.core.knowledge.model import Knowledge

from ..curation.stats import Report, answer_titles, build_report, report_card
from .terminal import card_text


async def _read(path: Path, days: int) -> Report:
    async with aiosqlite.connect(f"file:{path}?mode=ro", uri=True) as db:
        return await build_report(db, days=days)


def print_stats(path: Path, days: int, *, as_json: bool, knowledge: Knowledge | None) -> int:
    if not path.is_file():
        print(f"tensionbot: no question log at {path} yet", file=sys.stderr)
        return 1
    try:
        report = asyncio.run(_read(path, days))
    except aiosqlite.Error as exc:
        print(f"tensionbot: cannot read the question log at {path}: {exc}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    titles = answer_titles(knowledge) if knowledge is not None else {}
    print(card_text(report_card(report, titles)))
    return 0
