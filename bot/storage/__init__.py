"""The shared store: the question log, votes, and the processes serving from one database.

One interface (:class:`Database`), two engines: SQLite, the embedded default, and
PostgreSQL, for several processes (clusters) sharing one store. Nothing here imports
discord. :func:`open_database` picks the engine from the URL, connects and migrates.
"""

from __future__ import annotations

from .base import ClusterStatus, Database, RowsRejectedError, SchemaTooNewError, StoreError
from .url import DatabaseURL, DatabaseURLError


async def open_database(url: DatabaseURL, *, read_only: bool = False) -> Database:
    """Connect (and, unless read-only, migrate); raises :class:`StoreError`."""
    database: Database
    if url.engine == "sqlite":
        from .sqlite import SqliteDatabase

        database = await SqliteDatabase.connect(url, read_only=read_only)
    else:
        from .postgres import PostgresDatabase

        database = await PostgresDatabase.connect(url, read_only=read_only)
    if not read_only:
        try:
            await database.migrate()
        except BaseException:
            await database.close()
            raise
    return database


__all__ = [
    "ClusterStatus",
    "Database",
    "DatabaseURL",
    "DatabaseURLError",
    "RowsRejectedError",
    "SchemaTooNewError",
    "StoreError",
    "open_database",
]
