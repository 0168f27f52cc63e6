"""The PostgreSQL engine (asyncpg): one database shared by every cluster of the bot.

A small pool serves writes and reports; it replaces a connection that broke, so a
restarted server costs the writer a retry, not the log. asyncpg does its work (encoding
rows, reading replies) on an event loop in a thread of its own, as aiosqlite does with
SQLite: the bot's loop, which answers people, only hands work over and picks up results.

Other processes hear of a change by ``LISTEN/NOTIFY``: a transaction's notifications
(``pg_notify``) are delivered when it commits, so a listener never hears of a row it
cannot read yet. The listener keeps a connection of its own and runs ``on_connect`` each
time it (re)connects, because a notification sent while it was away is lost for good
(which is also why the clusters check on a timer: see :mod:`bot.storage.changes`).

A batch insert is one statement whatever its size: the columns travel as arrays and
``unnest`` turns them back into rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import threading
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any, Final, ParamSpec, TypeVar

import asyncpg

from .engine import Column, Engine, Handler, Listening, Transaction
from .errors import RowsRejectedError, SchemaTooNewError, StoreError
from .migrations import VERSION, statements
from .url import DatabaseURL

log = logging.getLogger(__name__)

# pg_advisory_xact_lock key: "tbot" as an integer. Only our migrations take it.
MIGRATION_LOCK: Final = 0x74626F74
CONNECT_SECONDS: Final = 10.0
COMMAND_SECONDS: Final = 30.0
RECONNECT_MAX_SECONDS: Final = 5.0

DATA_ERRORS: Final = (
    asyncpg.DataError,
    asyncpg.IntegrityConstraintViolationError,
    UnicodeError,
    OverflowError,
    ValueError,
    TypeError,
)
OPERATIONAL_ERRORS: Final = (
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    OSError,
    TimeoutError,
)

# Failures of the connection or the server's availability, which a retry can outlive.
TRANSIENT: Final = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.TooManyConnectionsError,
    OSError,
    TimeoutError,
)

_PLACEHOLDER = re.compile(r"\?")
ARRAY_TYPES: Final[dict[str, str]] = {
    "int": "bigint",
    "real": "float8",
    "text": "text",
    "bool": "boolean",
}


def numbered(sql: str) -> str:
    """``?`` placeholders (shared SQL) as PostgreSQL's ``$1, $2, ...``."""
    count = 0

    def next_number(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"${count}"

    return _PLACEHOLDER.sub(next_number, sql)


P = ParamSpec("P")
T = TypeVar("T")


class _Worker:
    """An event loop in a thread of its own, where asyncpg runs."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="postgres", daemon=True)
        self._thread.start()

    async def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` there and wait for it here; cancelling here cancels it there."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, self.loop))

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self.loop.close()


def _on_worker(
    method: Callable[P, Coroutine[Any, Any, T]],
) -> Callable[P, Coroutine[Any, Any, T]]:
    @functools.wraps(method)
    async def handed_over(*args: P.args, **kwargs: P.kwargs) -> T:
        database = args[0]
        assert isinstance(database, PostgresEngine)
        return await database.worker.run(method(*args, **kwargs))

    return handed_over


class _Connection(asyncpg.Connection):
    """A pool connection handed back without asyncpg's reset round trip.

    The bot leaves no session state behind (locks are per transaction, LISTEN has its own
    connection), so the reset would only cost every write a second round trip.
    """

    def get_reset_query(self) -> str:
        return ""


def _changed_rows(status: str) -> int:
    """asyncpg returns the command tag ("INSERT 0 5", "DELETE 3"); the count is last."""
    tail = status.rsplit(" ", 1)[-1]
    return int(tail) if tail.isdigit() else 0


class PostgresEngine(Engine):
    name = "postgresql"
    shared = True

    def __init__(self, url: DatabaseURL, pool: asyncpg.Pool, worker: _Worker) -> None:
        super().__init__(url)
        self._pool = pool
        self.worker = worker

    @classmethod
    async def connect(cls, url: DatabaseURL, *, read_only: bool = False) -> PostgresEngine:
        async def make_pool() -> asyncpg.Pool:
            return await asyncpg.create_pool(
                url.dsn,
                min_size=1,
                max_size=2 if read_only else 4,
                timeout=CONNECT_SECONDS,
                command_timeout=COMMAND_SECONDS,
                connection_class=_Connection,
            )

        worker = _Worker()
        try:
            pool = await worker.run(make_pool())
        except (*OPERATIONAL_ERRORS, asyncpg.ClientConfigurationError) as exc:
            await asyncio.to_thread(worker.stop)
            raise StoreError(f"cannot connect to {url}: {url.scrub(str(exc))}") from None
        return cls(url, pool, worker)

    async def close(self) -> None:
        async def close_pool() -> None:
            with contextlib.suppress(*OPERATIONAL_ERRORS):
                await asyncio.wait_for(self._pool.close(), 5)

        await self.worker.run(close_pool())
        await asyncio.to_thread(self.worker.stop)

    def _error(self, exc: BaseException) -> StoreError:
        return StoreError(
            self.url.scrub(f"{type(exc).__name__}: {exc}"), transient=isinstance(exc, TRANSIENT)
        )

    async def schema_version(self) -> int:
        rows = await self.fetch(
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'tensionbot_schema'"
            " AND table_schema = current_schema()"
        )
        if not rows:
            return 0
        rows = await self.fetch("SELECT version FROM tensionbot_schema")
        return int(rows[0][0]) if rows else 0

    @_on_worker
    async def migrate(self) -> int:
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                # Held until the transaction ends: a second process waits here, then sees
                # the finished schema.
                await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS tensionbot_schema (version INTEGER NOT NULL)"
                )
                found = await conn.fetchval("SELECT version FROM tensionbot_schema")
                if found is None:
                    await conn.execute("INSERT INTO tensionbot_schema (version) VALUES (0)")
                version = int(found or 0)
                if version > VERSION:
                    raise SchemaTooNewError(
                        f"the database is at schema version {version}, "
                        f"newer than this bot ({VERSION})"
                    )
                for statement in statements("postgresql", version):
                    await conn.execute(statement)
                await conn.execute("UPDATE tensionbot_schema SET version = $1", VERSION)
        except SchemaTooNewError:
            raise
        except OPERATIONAL_ERRORS as exc:
            raise self._error(exc) from None
        return version

    @_on_worker
    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        try:
            return [tuple(r) for r in await self._pool.fetch(numbered(sql), *args)]
        except OPERATIONAL_ERRORS as exc:
            raise self._error(exc) from None

    @_on_worker
    async def execute(self, sql: str, *args: Any) -> int:
        try:
            return _changed_rows(await self._pool.execute(numbered(sql), *args))
        except DATA_ERRORS as exc:
            raise RowsRejectedError(str(exc)) from None
        except OPERATIONAL_ERRORS as exc:
            raise self._error(exc) from None

    @_on_worker
    async def insert_many(
        self,
        table: str,
        columns: Sequence[Column],
        rows: Sequence[tuple[Any, ...]],
        *,
        on_conflict: str,
    ) -> int:
        """One statement for the whole batch: each column goes as an array, and ``unnest``
        turns them back into rows (one round trip, however many rows)."""
        if not rows:
            return 0
        names = ", ".join(name for name, _ in columns)
        arrays = ", ".join(f"${n}::{ARRAY_TYPES[kind]}[]" for n, (_, kind) in enumerate(columns, 1))
        values = [list(column) for column in zip(*rows, strict=True)]
        try:
            status = await self._pool.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {on_conflict}",
                *values,
            )
        except DATA_ERRORS as exc:
            raise RowsRejectedError(str(exc)) from None
        except OPERATIONAL_ERRORS as exc:
            raise self._error(exc) from None
        return _changed_rows(status)

    @_on_worker
    async def transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                return await work(_PostgresTransaction(conn))
        except DATA_ERRORS as exc:
            raise RowsRejectedError(str(exc)) from None
        except OPERATIONAL_ERRORS as exc:
            raise self._error(exc) from None

    async def listen(
        self,
        handlers: Mapping[str, Handler],
        on_connect: Callable[[], Coroutine[Any, Any, None]],
    ) -> Listening:
        listener = _Listener(self, handlers, on_connect)
        await listener.start()
        return listener


class _PostgresTransaction(Transaction):
    def __init__(self, conn: asyncpg.pool.PoolConnectionProxy[Any]) -> None:
        self._conn = conn

    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in await self._conn.fetch(numbered(sql), *args)]

    async def execute(self, sql: str, *args: Any) -> int:
        return _changed_rows(await self._conn.execute(numbered(sql), *args))

    async def notify(self, channel: str, payload: str) -> None:
        # Delivered when the transaction commits, never before its rows are visible.
        await self._conn.execute("SELECT pg_notify($1, $2)", channel, payload)


def _set(event: asyncio.Event, _conn: object) -> None:
    event.set()


class _Listener(Listening):
    """Keeps one LISTEN connection up: reconnects with backoff, then calls ``on_connect``.

    The connection lives on the database's worker loop; what it hears is handed back to
    the loop that asked to listen.
    """

    def __init__(
        self,
        engine: PostgresEngine,
        handlers: Mapping[str, Handler],
        on_connect: Callable[[], Coroutine[Any, Any, None]],
    ) -> None:
        self.url = engine.url
        self.worker = engine.worker
        self.home = asyncio.get_running_loop()
        self.handlers = dict(handlers)
        self.on_connect = on_connect
        self._task: asyncio.Task[None] | None = None  # on the worker loop

    async def start(self) -> None:
        async def spawn() -> None:
            self._task = asyncio.create_task(self._run())

        await self.worker.run(spawn())

    async def stop(self) -> None:
        """Cancel the listener there and wait until its connection is closed."""

        async def cancel() -> None:
            if self._task is not None:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
                self._task = None

        await self.worker.run(cancel())

    def _notified(self, _conn: Any, _pid: int, channel: str, payload: object) -> None:
        handler = self.handlers.get(channel)
        if handler is not None:
            self.home.call_soon_threadsafe(handler, str(payload))

    async def _connected(self) -> None:
        """Run ``on_connect`` where it belongs, on the home loop."""
        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self.on_connect(), self.home))

    async def _run(self) -> None:
        delay = 0.1
        while True:
            lost = asyncio.Event()
            conn: asyncpg.Connection | None = None
            try:
                conn = await asyncpg.connect(self.url.dsn, timeout=CONNECT_SECONDS)
                conn.add_termination_listener(functools.partial(_set, lost))
                for channel in self.handlers:
                    await conn.add_listener(channel, self._notified)
                delay = 0.1
                await self._connected()  # whatever was announced while we were away
                await lost.wait()
                log.warning("lost the database listener connection; reconnecting")
            except (*OPERATIONAL_ERRORS, StoreError) as exc:
                log.warning(
                    "knowledge listener: cannot reach %s (%s); retrying in %.1f s",
                    self.url,
                    self.url.scrub(str(exc)),
                    delay,
                )
            finally:
                if conn is not None and not conn.is_closed():
                    with contextlib.suppress(*OPERATIONAL_ERRORS):
                        await asyncio.wait_for(conn.close(), 2)
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)
