"""``tensionbot reload``: ask every cluster sharing the database to reload its knowledge.

The same signal as a moderator's ``/reload`` (a new generation, announced by
``LISTEN/NOTIFY``), sent from a shell or a deploy script; it waits for the clusters to
confirm and says how many did. Exit 0 when every live cluster serves the change.
"""

from __future__ import annotations

import asyncio
import sys

from ..storage import Database, DatabaseURL, StoreError, open_database
from ..storage.changes import Confirmations, wait_for_confirmations


async def announce_and_wait(
    database: Database, reason: str, *, check_seconds: float, wait_seconds: float
) -> Confirmations:
    """Ask every cluster to reload, and wait for them to say they did (shell commands)."""
    generation = await database.clusters.announce(reason)
    return await wait_for_confirmations(
        database.clusters, generation, check_seconds=check_seconds, confirm_seconds=wait_seconds
    )


async def _announce(url: DatabaseURL, check_seconds: float, wait_seconds: float) -> Confirmations:
    database = await open_database(url)
    try:
        return await announce_and_wait(
            database,
            "reload (tensionbot reload)",
            check_seconds=check_seconds,
            wait_seconds=wait_seconds,
        )
    finally:
        await database.close()


def reload_clusters(url: DatabaseURL, *, check_seconds: float, wait_seconds: float) -> int:
    if url.engine != "postgresql":
        print(
            "tensionbot: reload reaches clusters through a shared PostgreSQL database "
            "(TENSIONBOT_DATABASE_URL=postgresql://...). For one process, send it SIGHUP: "
            "kill -HUP <pid>.",
            file=sys.stderr,
        )
        return 2
    try:
        result = asyncio.run(_announce(url, check_seconds, wait_seconds))
    except StoreError as exc:
        print(f"tensionbot: cannot reach {url}: {exc}", file=sys.stderr)
        return 1
    if result.total == 0:
        print(f"no cluster is running against {url}; nothing to reload")
        return 1
    print(result.summary())
    for cluster in result.confirmed:
        print(f"  {cluster.label}: serving version {cluster.version}")
    for cluster in result.refused:
        print(f"  {cluster.label}: refused the files, still serving {cluster.version}")
    for cluster in result.silent:
        print(f"  {cluster.label}: no answer")
    return 0 if len(result.confirmed) == result.total else 1
