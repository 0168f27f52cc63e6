"""The question log: every question the bot considered, in SQLite, written off the answer path.

Answering never waits for the database. :meth:`QuestionLog.record` puts a row on an
in-memory queue and returns at once; one background task writes rows in batches through
aiosqlite (its own thread). If the database cannot be opened or written, the bot logs a
warning and carries on answering: the log is useful, never essential.

No user ids are stored. Votes are deduplicated per person with a keyed hash of the user id
(the key is random per database), which cannot be turned back into the id.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import aiosqlite

from .schema import MIGRATIONS, VERSION

log = logging.getLogger(__name__)

MAX_TEXT: Final = 500
QUEUE_SIZE: Final = 10_000
BATCH: Final = 200
FLUSH_SECONDS: Final = 0.5
PURGE_EVERY_SECONDS: Final = 6 * 3600
WARN_EVERY_SECONDS: Final = 60.0


@dataclass(frozen=True, slots=True)
class Entry:
    id: int
    ts: float
    guild_id: int | None
    channel_id: int | None
    route: str
    text: str
    kind: str
    tension: str | None
    goal: str | None
    score: float
    answered: bool
    knowledge: str


@dataclass(frozen=True, slots=True)
class Vote:
    question_id: int
    voter: int
    helpful: bool
    ts: float


class QuestionLog:
    """Open with :meth:`open`; it is usable (and harmless) even when the database is not."""

    def __init__(self, path: Path, retention_days: int) -> None:
        self.path = path
        self.retention_days = retention_days
        self.available = False
        self.dropped = 0
        self._db: aiosqlite.Connection | None = None
        self._queue: asyncio.Queue[Entry | Vote] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._writer: asyncio.Task[None] | None = None
        self._flush_now = asyncio.Event()
        self._ids = itertools.count()
        self._key = b""
        self._last_warning = 0.0

    # --- lifecycle ---------------------------------------------------------------------

    @classmethod
    async def open(cls, path: Path, retention_days: int) -> QuestionLog:
        qlog = cls(path, retention_days)
        try:
            await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
            qlog._db = await aiosqlite.connect(path)
            await qlog._db.execute("PRAGMA journal_mode=WAL")
            # Writes are appends and reads are rare reports: a small page cache is enough.
            await qlog._db.execute("PRAGMA cache_size=-512")
            await migrate(qlog._db)
            qlog._key = await qlog._voter_key()
            await qlog.purge()
            qlog.available = True
        except (OSError, aiosqlite.Error) as exc:
            log.warning("question log unavailable at %s (%s); answering without it", path, exc)
            await qlog._close_db()
            return qlog
        qlog._writer = asyncio.create_task(qlog._write_forever())
        return qlog

    async def close(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.flush(), 5)
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
            self._writer = None
        await self._close_db()

    async def _close_db(self) -> None:
        if self._db is not None:
            with contextlib.suppress(aiosqlite.Error, ValueError):
                await self._db.close()
            self._db = None
        self.available = False

    # --- the answer path: never blocks --------------------------------------------------

    def new_id(self) -> int:
        """A unique question id, known before the row is written (buttons carry it)."""
        return (time.time_ns() // 1_000_000) << 20 | (next(self._ids) & 0xFFFFF)

    def record(self, entry: Entry) -> None:
        self._put(entry)

    def vote(self, question_id: int, user_id: int, helpful: bool) -> None:
        self._put(Vote(question_id, user_id, helpful, time.time()))

    def _put(self, item: Entry | Vote) -> None:
        if not self.available:
            return
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            self.dropped += 1
            self._warn(f"question log queue full; {self.dropped} entries dropped")

    # --- the writer --------------------------------------------------------------------

    async def _write_forever(self) -> None:
        last_purge = time.monotonic()
        while True:
            batch = [await self._queue.get()]
            # Gather a batch (answers are not waiting), unless someone asked for a flush.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._flush_now.wait(), FLUSH_SECONDS)
            self._flush_now.clear()
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._write(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()
            if time.monotonic() - last_purge > PURGE_EVERY_SECONDS:
                last_purge = time.monotonic()
                with contextlib.suppress(aiosqlite.Error):
                    await self.purge()

    async def flush(self) -> None:
        """Write everything queued or in flight now (for /stats, the CLI's view, tests)."""
        if self._writer is None:
            return
        self._flush_now.set()
        await self._queue.join()

    async def _write(self, batch: Sequence[Entry | Vote]) -> None:
        if self._db is None:
            return
        entries = [e for e in batch if isinstance(e, Entry)]
        votes = [v for v in batch if isinstance(v, Vote)]
        try:
            if entries:
                await self._db.executemany(
                    "INSERT OR REPLACE INTO questions (id, ts, guild_id, channel_id, route, text,"
                    " kind, tension, goal, score, answered, knowledge)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    [
                        (
                            e.id,
                            e.ts,
                            e.guild_id,
                            e.channel_id,
                            e.route,
                            e.text[:MAX_TEXT],
                            e.kind,
                            e.tension,
                            e.goal,
                            e.score,
                            int(e.answered),
                            e.knowledge,
                        )
                        for e in entries
                    ],
                )
            if votes:
                await self._db.executemany(
                    "INSERT INTO feedback (question_id, voter, helpful, ts) VALUES (?,?,?,?)"
                    " ON CONFLICT (question_id, voter) DO UPDATE SET helpful = excluded.helpful,"
                    " ts = excluded.ts",
                    [(v.question_id, self.voter(v.voter), int(v.helpful), v.ts) for v in votes],
                )
            await self._db.commit()
        except (aiosqlite.Error, ValueError) as exc:
            self.dropped += len(batch)
            self._warn(f"could not write the question log ({exc}); {len(batch)} entries dropped")

    def _warn(self, message: str) -> None:
        now = time.monotonic()
        if now - self._last_warning >= WARN_EVERY_SECONDS:
            self._last_warning = now
            log.warning(message)

    # --- maintenance -------------------------------------------------------------------

    def voter(self, user_id: int) -> str:
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    async def _voter_key(self) -> bytes:
        assert self._db is not None
        async with self._db.execute("SELECT value FROM meta WHERE key = 'voter_key'") as cursor:
            row = await cursor.fetchone()
        if row is not None:
            return bytes.fromhex(row[0])
        key = secrets.token_bytes(32)
        await self._db.execute(
            "INSERT INTO meta (key, value) VALUES ('voter_key', ?)", (key.hex(),)
        )
        await self._db.commit()
        return key

    async def purge(self) -> int:
        """Delete questions (and their votes) older than the retention period."""
        assert self._db is not None
        cutoff = time.time() - self.retention_days * 86400
        cursor = await self._db.execute("DELETE FROM questions WHERE ts < ?", (cutoff,))
        await self._db.execute(
            "DELETE FROM feedback WHERE question_id NOT IN (SELECT id FROM questions)"
        )
        await self._db.commit()
        removed = cursor.rowcount
        if removed:
            log.info(
                "question log: purged %d entries older than %d days", removed, self.retention_days
            )
        return removed

    @property
    def db(self) -> aiosqlite.Connection | None:
        return self._db


async def migrate(db: aiosqlite.Connection) -> int:
    """Bring a database to the current schema version; returns the version it was at."""
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    if version > VERSION:
        raise aiosqlite.DatabaseError(
            f"the question log is at schema version {version}, newer than this bot ({VERSION})"
        )
    for index in range(version, VERSION):
        statements: Any = MIGRATIONS[index]
        await db.execute("BEGIN")
        try:
            for statement in statements:
                await db.execute(statement)
            await db.execute(f"PRAGMA user_version = {index + 1}")
            await db.commit()
        except aiosqlite.Error:
            await db.rollback()
            raise
    return version
