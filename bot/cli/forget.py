"""``tensionbot forget --guild ID``: forget one server now, without waiting for the window.

The bot forgets a server by itself ``TENSIONBOT_FORGET_SERVER_DAYS`` after it is removed
from it; this is for a server that asks to be forgotten at once (or an operator tidying up).
It deletes the same rows, in one transaction, and audits it as done from the shell.
"""

from __future__ import annotations

import asyncio
import sys
import time

from ..storage import DatabaseURL, StoreError, open_database
from ..storage.guilds import Forgotten


async def _forget(url: DatabaseURL, guild_id: int) -> Forgotten | None:
    database = await open_database(url)
    try:
        return await database.guilds.forget(
            guild_id, now=time.time(), actor="shell", scheduled=False
        )
    finally:
        await database.close()


def forget_guild(url: DatabaseURL, guild_id: int) -> int:
    try:
        done = asyncio.run(_forget(url, guild_id))
    except StoreError as exc:
        print(f"tensionbot: cannot change {url}: {exc}", file=sys.stderr)
        return 1
    assert done is not None, "from the shell it is done at once"
    print(
        f"forgot server {guild_id}: {done.questions} questions, {done.votes} votes, "
        f"{done.taught} examples taught for it (audited)"
    )
    return 0
