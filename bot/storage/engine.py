"""The small interface every storage engine implements, and nothing above it needs more.

The stores of each domain (:mod:`.questions`, :mod:`.teaching`, :mod:`.clusters`) hold
their SQL once, written with ``?`` placeholders that both engines read, and reach the
database only through these primitives: run a statement, fetch rows, insert many rows at
once, a write transaction (which may also notify listeners when it commits), and a
subscription to such notifications. Each engine (``sqlite.py``, ``postgres.py``) supplies
them, plus what truly differs between the engines: connecting, migrating under a lock,
the fastest batch insert each has, and hearing other processes (PostgreSQL only).

So adding a query touches one domain store and no engine, and adding an engine touches
no domain: Red-DiscordBot keeps its ``Config`` over drivers for the same reason.
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from typing import Any, ClassVar, Literal, TypeVar

from .url import DatabaseURL, EngineName

T = TypeVar("T")

# What a column holds, for a batch insert; each engine maps it to its own type.
ColumnType = Literal["int", "real", "text", "bool"]
Column = tuple[str, ColumnType]

# Called on the loop that subscribed, with the notification's payload.
Handler = Callable[[str], None]


class Transaction(abc.ABC):
    """Statements that commit together or not at all (see :meth:`Engine.transaction`)."""

    @abc.abstractmethod
    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]: ...

    @abc.abstractmethod
    async def execute(self, sql: str, *args: Any) -> int: ...

    @abc.abstractmethod
    async def notify(self, channel: str, payload: str) -> None:
        """Tell whoever listens on ``channel``, once the transaction commits (and only
        then). Engines that no other process hears (SQLite) do nothing."""


class Listening(abc.ABC):
    """A running subscription to notifications; stop it when done."""

    @abc.abstractmethod
    async def stop(self) -> None: ...


class Engine(abc.ABC):
    """One connection (or pool) to one database, and the primitives over it."""

    name: ClassVar[EngineName]
    #: True when other processes hear a notification the moment it is committed.
    shared: ClassVar[bool]

    def __init__(self, url: DatabaseURL) -> None:
        self.url = url

    @abc.abstractmethod
    async def close(self) -> None: ...

    @abc.abstractmethod
    async def migrate(self) -> int:
        """Bring the schema to the current version under a lock; returns the old version."""

    @abc.abstractmethod
    async def schema_version(self) -> int: ...

    @abc.abstractmethod
    async def fetch(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Rows of one query; ``sql`` uses ``?`` placeholders."""

    @abc.abstractmethod
    async def execute(self, sql: str, *args: Any) -> int:
        """Run one statement in its own transaction; returns the rows it changed."""

    @abc.abstractmethod
    async def insert_many(
        self,
        table: str,
        columns: Sequence[Column],
        rows: Sequence[tuple[Any, ...]],
        *,
        on_conflict: str,
    ) -> int:
        """Insert ``rows`` into ``table`` in one transaction, each row at most once (the
        caller dedupes), resolving clashes with ``on_conflict``; returns the rows changed."""

    @abc.abstractmethod
    async def transaction(self, work: Callable[[Transaction], Awaitable[T]]) -> T:
        """Run ``work``'s statements in one write transaction; an exception rolls it back.

        ``work`` must await nothing but the transaction's own statements (on PostgreSQL it
        runs on the engine's loop).
        """

    async def listen(
        self,
        handlers: Mapping[str, Handler],
        on_connect: Callable[[], Coroutine[Any, Any, None]],
    ) -> Listening | None:
        """Hear notifications on each channel of ``handlers`` as they are committed, and
        run ``on_connect`` each time the subscription (re)connects, since what was sent
        meanwhile is lost. None where the engine cannot hear others (SQLite)."""
        return None
