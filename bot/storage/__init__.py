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


async def open_written(url: DatabaseURL, schema: int = 1) -> Database | None:
    """Open read-only a database the bot has written, at ``schema`` or later; None when
    there is nothing to read yet (a fresh checkout, or a bot too old to have written it),
    so that shell commands report "nothing yet" rather than an error."""
    if url.engine == "sqlite" and url.path is not None and not url.path.is_file():
        return None
    database = await open_database(url, read_only=True)
    try:
        version = await database.schema_version()
    except BaseException:
        await database.close()
        raise
    if version < schema:
        await database.close()
        return None
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
    "open_written",
]
