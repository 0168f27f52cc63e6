"""Rows for the question log, as the bot records them, for the tests that need a log."""

from __future__ import annotations

import time

from bot.storage.questionlog import Entry, QuestionLog


def entry(
    qlog: QuestionLog,
    text: str,
    kind: str = "none",
    *,
    tension: str | None = None,
    answered: bool | None = None,
    ts: float | None = None,
    guild_id: int | None = 1,
) -> Entry:
    return Entry(
        qlog.new_id(),
        time.time() if ts is None else ts,
        guild_id,
        2,
        "mention",
        text,
        kind,
        tension,
        None,
        0.5,
        kind != "none" if answered is None else answered,
        "v1",
    )
