"""``tensionbot stats``: the same report as ``/stats``, from either engine's question log."""

from __future__ import annotations

import asyncio
import json
import sys

from bot.core.knowledge.model import Knowledge

from ..curation.stats import Report, build_report, report_card, scope_name
from ..storage import DatabaseURL, StoreError, open_written
from ..storage.questions import EVERYTHING, Scope
from .terminal import card_text


class NothingLogged(Exception):  # noqa: N818 - a state, reported as such, not a failure
    """No question was logged yet: a fresh checkout, or a database the bot never wrote."""


async def _read(url: DatabaseURL, days: int, scope: Scope) -> Report:
    database = await open_written(url)
    if database is None:
        raise NothingLogged
    try:
        return await build_report(database, days=days, scope=scope)
    finally:
        await database.close()


def print_stats(
    url: DatabaseURL,
    days: int,
    *,
    as_json: bool,
    knowledge: Knowledge | None,
    scope: Scope = EVERYTHING,
) -> int:
    """The operator's report: every server and the DMs unless ``scope`` narrows it."""
    try:
        report = asyncio.run(_read(url, days, scope))
    except NothingLogged:  # a script asking for --json gets the report, every count zero
        if as_json:
            print(json.dumps(Report.empty(days).to_json(), ensure_ascii=False, indent=2))
        else:
            print(f"No questions were logged yet (nothing in {url} yet).")
        return 0
    except StoreError as exc:
        print(f"tensionbot: cannot read the question log at {url}: {exc}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(card_text(report_card(report, knowledge, scope_name(scope))))
    return 0
