"""``tensionbot stats``: the same report as ``/stats``, from either engine's question log."""

from __future__ import annotations

import asyncio
import json
import sys

from bot.core.knowledge.model import Knowledge

from ..curation.stats import Report, answer_titles, build_report, report_card
from ..storage import DatabaseURL, StoreError, open_database
from .terminal import card_text


async def _read(url: DatabaseURL, days: int) -> Report:
    database = await open_database(url, read_only=True)
    try:
        if await database.schema_version() == 0:
            raise StoreError(f"no question log in {url} yet")
        return await build_report(database, days=days)
    finally:
        await database.close()


def print_stats(url: DatabaseURL, days: int, *, as_json: bool, knowledge: Knowledge | None) -> int:
    try:
        report = asyncio.run(_read(url, days))
    except StoreError as exc:
        print(f"tensionbot: cannot read the question log at {url}: {exc}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    titles = answer_titles(knowledge) if knowledge is not None else {}
    print(card_text(report_card(report, titles)))
    return 0
