"""``tensionbot forget --guild ID``: forget one server now, without waiting for the window.

The bot forgets a server by itself ``TENSIONBOT_FORGET_SERVER_DAYS`` after it is removed
from it; this is for a server that asks to be forgotten at once (or an operator tidying up).
It deletes the same rows, in one transaction, and audits it as done from the shell. On
a shared PostgreSQL database the clusters are then told to reload, so none keeps answering
from the server's own taught examples it held in memory; a single bot on SQLite drops them
at its next reload.
"""

from __future__ import annotations

import asyncio
import sys
import time

from ..storage import DatabaseURL, StoreError, open_database
from ..storage.guilds import Forgotten
from .reload import announce_and_wait


async def _forget(
    url: DatabaseURL, guild_id: int, check_seconds: float, wait_seconds: float
) -> tuple[Forgotten | None, str | None]:
    database = await open_database(url)
    try:
        done = await database.guilds.forget(
            guild_id, now=time.time(), actor="shell", scheduled=False
        )
        if not database.shared or done is None or not done.taught:
            return done, None
        told = await announce_and_wait(
            database,
            f"forgot server {guild_id} (tensionbot forget)",
            check_seconds=check_seconds,
            wait_seconds=wait_seconds,
        )
        return done, told.summary() if told.total else None
    finally:
        await database.close()


def forget_guild(
    url: DatabaseURL, guild_id: int, *, check_seconds: float = 5.0, wait_seconds: float = 5.0
) -> int:
    try:
        done, told = asyncio.run(_forget(url, guild_id, check_seconds, wait_seconds))
    except StoreError as exc:
        print(f"tensionbot: cannot change {url}: {exc}", file=sys.stderr)
        return 1
    assert done is not None, "from the shell it is done at once"
    print(
        f"forgot server {guild_id}: {done.questions} questions, {done.votes} votes, "
        f"{done.taught} examples taught for it (audited)"
    )
    if told is not None:
        print(told)
    return 0
