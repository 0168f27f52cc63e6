"""The question log: every question the bot considered, written off the answer path.

Answering never waits for the database. :meth:`QuestionLog.record` puts a row on an
in-memory queue and returns at once; one background task writes rows in batches through
the questions store (:mod:`.questions`, on SQLite or PostgreSQL). The log is useful,
never essential: if the database cannot be opened the bot answers without it, and if a
write fails the writer retries for a while, then drops that batch and says so.

What is at stake when the process is killed is what sits in the queue: the writer starts
a batch at most ``FLUSH_SECONDS`` after its first row arrives (sooner once ``BATCH`` rows
wait), so a ``kill -9`` loses at most that window's questions plus one write in flight
(figures in benchmarks/RESULTS.md). A row the database refuses costs only itself: rows are
checked one by one before writing, and a batch the engine still refuses is split until the
bad row stands alone. Every dropped row is counted and reported, none silently.

No user ids are stored. Votes are deduplicated per person with a keyed hash of the user id
(the key is random per database), which cannot be turned back into the id.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Final, TypeVar

from .clusters import process_label
from .database import Database, open_database
from .errors import RowsRejectedError, StoreError
from .ids import IdMaker
from .rows import (
    MAX_TEXT,
    Entry,
    QuestionRow,
    RowRejectedError,
    Vote,
    VoteRow,
    question_row,
    vote_row,
)
from .url import DatabaseURL

log = logging.getLogger(__name__)

__all__ = ["MAX_TEXT", "Entry", "QuestionLog", "Vote"]

QUEUE_SIZE: Final = 10_000
BATCH: Final = 100
FLUSH_SECONDS: Final = 0.1
RETRY_SECONDS: Final = 10.0
PURGE_EVERY_SECONDS: Final = 6 * 3600
WARN_EVERY_SECONDS: Final = 60.0

T = TypeVar("T")


class QuestionLog:
    """Open with :meth:`open` or :meth:`attach`; usable (and harmless) when the store is not."""

    def __init__(
        self,
        database: Database | None,
        retention_days: int,
        *,
        owns_database: bool = False,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        self.database = database
        self.retention_days = retention_days
        self.retry_seconds = retry_seconds
        self.available = False
        self.dropped = 0  # rows not written, for any reason
        self.duplicates = 0  # rows whose id was already taken: kept out, never overwritten
        self._owns = owns_database
        self._queue: asyncio.Queue[Entry | Vote] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._writer: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._ids = IdMaker(0)
        self._key = b""
        self._unreported: Counter[str] = Counter()
        self._last_warning = -WARN_EVERY_SECONDS

    # --- lifecycle ---------------------------------------------------------------------

    @classmethod
    async def open(
        cls, where: DatabaseURL | Path, retention_days: int, *, retry_seconds: float = RETRY_SECONDS
    ) -> QuestionLog:
        """Open a database of its own (closed with the log); a path means SQLite."""
        url = where if isinstance(where, DatabaseURL) else DatabaseURL.sqlite(where)
        try:
            database = await open_database(url)
        except StoreError as exc:
            log.warning("question log unavailable at %s (%s); answering without it", url, exc)
            return cls(None, retention_days)
        return await cls.attach(
            database, retention_days, owns_database=True, retry_seconds=retry_seconds
        )

    @classmethod
    async def attach(
        cls,
        database: Database,
        retention_days: int,
        *,
        owns_database: bool = False,
        retry_seconds: float = RETRY_SECONDS,
        label: str | None = None,
    ) -> QuestionLog:
        """Log into an open (migrated) database, shared with whoever else uses it."""
        qlog = cls(
            database, retention_days, owns_database=owns_database, retry_seconds=retry_seconds
        )
        try:
            qlog._ids = IdMaker(await database.clusters.lease_node(label or process_label()))
            key = await database.questions.voter_key(lambda: secrets.token_bytes(32).hex())
            qlog._key = bytes.fromhex(key)
            await qlog.purge()
        except (StoreError, RowsRejectedError, ValueError) as exc:
            log.warning(
                "question log unavailable at %s (%s); answering without it", database.url, exc
            )
            await qlog._release()
            return qlog
        qlog.available = True
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
        if self._queue.qsize():
            self._drop(self._queue.qsize(), "still queued when the bot stopped")
        self._report(force=True)
        await self._release()

    async def _release(self) -> None:
        self.available = False
        if self._owns and self.database is not None:
            await self.database.close()
            self.database = None

    # --- the answer path: never blocks --------------------------------------------------

    def new_id(self) -> int:
        """A unique question id, known before the row is written (buttons carry it)."""
        return self._ids()

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
            self._drop(1, "the queue was full (the database is too slow or down)")
            return
        if self._queue.qsize() >= BATCH:
            self._wake.set()

    # --- the writer --------------------------------------------------------------------

    async def _write_forever(self) -> None:
        last_purge = time.monotonic()
        while True:
            batch = [await self._queue.get()]
            # Gather a batch (answers are not waiting), bounded in time and size.
            if self._queue.qsize() < BATCH:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), FLUSH_SECONDS)
            self._wake.clear()
            while not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._write(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()
            self._report()
            if time.monotonic() - last_purge > PURGE_EVERY_SECONDS:
                last_purge = time.monotonic()
                with contextlib.suppress(StoreError, RowsRejectedError):
                    await self.purge()

    async def flush(self) -> None:
        """Write everything queued or in flight now (for /stats, the CLI's view, tests)."""
        if self._writer is None:
            return
        self._wake.set()
        await self._queue.join()

    async def _write(self, batch: Sequence[Entry | Vote]) -> None:
        questions: list[QuestionRow] = []
        votes: list[VoteRow] = []
        for item in batch:
            try:
                if isinstance(item, Entry):
                    questions.append(question_row(item))
                else:
                    votes.append(vote_row(item, self.voter(item.voter)))
            except RowRejectedError as exc:
                self._drop(1, f"a row was refused ({exc})")
        if questions:
            await self._isolating(questions, self._insert_questions)
        if votes:
            await self._isolating(votes, self._upsert_votes)

    async def _insert_questions(self, rows: Sequence[QuestionRow]) -> None:
        assert self.database is not None
        database = self.database
        written = await self._retrying(lambda: database.questions.insert(rows))
        if written < len(rows):
            self.duplicates += len(rows) - written
            self._drop(len(rows) - written, "the id was already taken (nothing was overwritten)")

    async def _upsert_votes(self, rows: Sequence[VoteRow]) -> None:
        assert self.database is not None
        database = self.database
        await self._retrying(lambda: database.questions.upsert_votes(rows))

    async def _isolating(
        self, rows: Sequence[T], write: Callable[[Sequence[T]], Awaitable[None]]
    ) -> None:
        """Write ``rows``; if the engine refuses the data, split until the bad row is alone."""
        try:
            await write(rows)
        except RowsRejectedError as exc:
            if len(rows) == 1:
                self._drop(1, f"a row was refused ({exc})")
                return
            middle = len(rows) // 2
            await self._isolating(rows[:middle], write)
            await self._isolating(rows[middle:], write)
        except StoreError as exc:
            self._drop(len(rows), f"could not write ({exc})")

    async def _retrying(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Run ``attempt``, retrying passing failures of the database for a while."""
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.05
        while True:
            try:
                return await attempt()
            except StoreError as exc:
                if not exc.transient or time.monotonic() + delay > deadline:
                    raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    # --- reporting losses --------------------------------------------------------------

    def _drop(self, count: int, reason: str) -> None:
        self.dropped += count
        self._unreported[reason] += count
        self._report()

    def _report(self, *, force: bool = False) -> None:
        """Warn about dropped rows at most once a minute, but count every one of them."""
        if not self._unreported:
            return
        now = time.monotonic()
        if not force and now - self._last_warning < WARN_EVERY_SECONDS:
            return
        self._last_warning = now
        total = sum(self._unreported.values())
        reasons = "; ".join(f"{n} because {why}" for why, n in self._unreported.most_common())
        self._unreported.clear()
        log.warning(
            "could not write the question log: %d %s dropped (%s); %d in all since start",
            total,
            "row" if total == 1 else "rows",
            reasons,
            self.dropped,
        )

    # --- maintenance -------------------------------------------------------------------

    def voter(self, user_id: int) -> str:
        return hmac.new(self._key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    async def purge(self) -> int:
        """Delete questions (and their votes) older than the retention period, and the
        processes not seen for a week."""
        assert self.database is not None
        removed = await self.database.questions.purge(time.time() - self.retention_days * 86400)
        await self.database.clusters.forget_stale()
        if removed:
            log.info(
                "question log: purged %d entries older than %d days", removed, self.retention_days
            )
        return removed
