"""The SQLite engine (aiosqlite): the embedded default, one file, no server.

Several processes may open one file. What makes that safe:

- ``busy_timeout``: a process that finds the file locked waits for it instead of failing;
- the switch to WAL is retried while another process holds the lock for its own switch
  (SQLite answers ``database is locked`` there without waiting);
- migrations read the schema version only after ``BEGIN IMMEDIATE`` has taken the write
  lock, so a second process starting at the same moment waits, then finds nothing to do;
- ids come from :mod:`.ids` with a node the database numbered, and inserts never replace.

No other process hears what one commits, so notifications go nowhere (:meth:`listen` is
the interface's None): processes that must hear each other share PostgreSQL instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Final, TypeVar

import aiosqlite

from .engine import Column, Engine, Transaction
from .errors import RowsRejectedError, SchemaTooNewError, StoreError
from .migrations import VERSION, statements
from .url import DatabaseURL

BUSY_TIMEOUT_SECONDS: Final = 30.0
WAL_SWITCH_SECONDS: Final = 30.0

# What SQLite (or the sqlite3 module, binding a value) raises for data it cannot store.
DATA_ERRORS: Final = (
    sqlite3.IntegrityError,
    sqlite3.InterfaceError,
    sqlite3.ProgrammingError,
    OverflowError,
    UnicodeError,
    ValueError,
)


T = TypeVar("T")


def _failed(exc: sqlite3.Error) -> StoreError:
    # A lock still held after BUSY_TIMEOUT_SECONDS may yet be released; nothing else here
    # (read-only, disk full, not a database) gets better by trying again.
    return StoreError(str(exc), transient="locked" in str(exc) or "busy" in str(exc))


class SqliteEngine(Engine):
    name = "sqlite"
    shared = False

    def __init__(self, url: DatabaseURL, db: aiosqlite.Connection) -> None:
        super().__init__(url)
        self._db = db
        # One connection serves every task: a second BEGIN on it while one is open would
        # fail (or worse, run inside the first), so write transactions take turns.
        self._turn = asyncio.Lock()

    @classmethod
    async def connect(cls, url: DatabaseURL, *, read_only: bool = False) -> SqliteEngine:
        assert url.path is not None
        path = url.path
        try:
            if read_only:
                if not path.is_file():
                    raise StoreError(f"no question log at {path}")
                db = await aiosqlite.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
            else:
                await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
                db = await aiosqlite.connect(
                    path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
                )
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open {path}: {exc}") from None
        self = cls(url, db)
        try:
            if not read_only:
                await self._use_wal()
                # Writes are appends and reads are rare reports: a small cache is enough.
                await db.execute("PRAGMA cache_size=-512")
                # In WAL mode a commit survives the process being killed without an fsync;
                # only a power loss can take the last commits, never the file.
                await db.execute("PRAGMA synchronous=NORMAL")
        except (sqlite3.Error, StoreError) as exc:
            await self.close()
            raise StoreError(f"cannot use {path}: {exc}") from None
        return self

    async def _use_wal(self) -> None:
        deadline = time.monotonic() + WAL_SWITCH_SECONDS
        delay = 0.01
        while True:
            try:
                async with self._db.execute("PRAGMA journal_mode=WAL") as cursor:
                    row = await cursor.fetchone()
                if row is not None and str(row[0]).lower() == "wal":
                    return
                raise StoreError(f"the file refused WAL mode ({row[0] if row else '?'})")
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.25)

    async def close(self) -> None:
        with contextlib.suppress(sqlite3.Error, ValueError):
            await self._db.close()

    @contextlib.asynccontextmanager
    async def _locked(self) -> AsyncIterator[aiosqlite.Connection]:
        """One write transaction, taken with the write lock from its first statement."""
        async with self._turn:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")

    async def transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        try:
            async with self._locked() as db:
                return await work(_SqliteTransaction(db))
        except DATA_ERRORS as exc:
            raise RowsRejectedError(str(exc)) from None
        except sqlite3.Error as exc:
            raise _failed(exc) from None

    async def schema_version(self) -> int:
        async with self._db.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> int:
        try:
            async with self._locked() as db:
                version = await self.schema_version()
                if version > VERSION:
                    raise SchemaTooNewError(
                        f"the question log is at schema version {version}, "
                        f"newer than this bot ({VERSION})"
                    )
                for statement in statements("sqlite", version):
                    await db.execute(statement)
                if version != VERSION:
                    await db.execute(f"PRAGMA user_version = {VERSION}")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot migrate {self.url.path}: {exc}") from None
        return version

    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        try:
            async with self._db.execute(sql, args) as cursor:
                return [tuple(r) for r in await cursor.fetchall()]
        except sqlite3.Error as exc:
            raise _failed(exc) from None

    async def execute(self, sql: str, *args: Any) -> int:
        try:
            async with self._db.execute(sql, args) as cursor:
                return int(cursor.rowcount)
        except DATA_ERRORS as exc:
            raise RowsRejectedError(str(exc)) from None
        except sqlite3.Error as exc:
            raise _failed(exc) from None

    async def insert_many(
        self,
        table: str,
        columns: Sequence[Column],
        rows: Sequence[tuple[Any, ...]],
        *,
        on_conflict: str,
    ) -> int:
        names = ", ".join(name for name, _ in columns)
        marks = ",".join("?" * len(columns))
        try:
            async with self._locked() as db:
                before = db.total_changes
                await db.executemany(
                    f"INSERT INTO {table} ({names}) VALUES ({marks}) {on_conflict}", rows
                )
                return db.total_changes - before
        except DATA_ERRORS as exc:
            raise RowsRejectedError(str(exc)) from None
        except sqlite3.Error as exc:
            raise _failed(exc) from None

    @property
    def connection(self) -> aiosqlite.Connection:
        """For tests that need to break the database on purpose."""
        return self._db


class _SqliteTransaction(Transaction):
    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        async with self._db.execute(sql, args) as cursor:
            return [tuple(r) for r in await cursor.fetchall()]

    async def execute(self, sql: str, *args: Any) -> int:
        async with self._db.execute(sql, args) as cursor:
            return int(cursor.rowcount)

    async def notify(self, channel: str, payload: str) -> None:
        """Nobody else hears a SQLite file: a second process on it checks on its timer."""
