"""The question log on both engines: rows, votes, retention, bad rows, failures, ids.

Every test taking ``store`` (tests/conftest.py) runs twice: on a SQLite file and on a
fresh database of the throwaway PostgreSQL server (tests/support/pgserver.py).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from bot.storage import DatabaseURL, open_database
from bot.storage.migrations import VERSION
from bot.storage.questionlog import Entry, QuestionLog
from tests.support.questionlog import entry
from tests.support.schema import tables


async def rows(url: DatabaseURL, sql: str) -> list[tuple[Any, ...]]:
    database = await open_database(url, read_only=True)
    try:
        return await database.engine.fetch(sql)
    finally:
        await database.close()


async def test_records_are_written_with_the_schema_version(store: DatabaseURL) -> None:
    qlog = await QuestionLog.open(store, retention_days=30)
    assert qlog.available
    qlog.record(
        entry(
            qlog,
            "does running an SAE slow inference down?",
            "tension",
            tension="interpretability-vs-efficiency",
        )
    )
    qlog.record(entry(qlog, "x" * 5000))
    assert qlog.database is not None
    assert await qlog.database.schema_version() == VERSION
    names = (await tables(qlog.database))["questions"]
    await qlog.close()
    stored = await rows(
        store,
        "SELECT route, text, kind, tension, answered, guild_id, channel_id"
        " FROM questions ORDER BY id",
    )
    assert stored[0] == (
        "mention",
        "does running an SAE slow inference down?",
        "tension",
        "interpretability-vs-efficiency",
        1,
        1,
        2,
    )
    assert len(str(stored[1][1])) == 500  # text is bounded
    assert "text" in names
    assert not any("user" in c or "author" in c for c in names)


async def test_votes_one_per_person_changeable_and_not_stored_as_user_ids(
    store: DatabaseURL,
) -> None:
    qlog = await QuestionLog.open(store, retention_days=30)
    first = entry(
        qlog, "is interpretability expensive?", "tension", tension="interpretability-vs-efficiency"
    )
    qlog.record(first)
    qlog.vote(first.id, 111111111111, helpful=True)
    qlog.vote(first.id, 111111111111, helpful=True)
    qlog.vote(first.id, 222222222222, helpful=True)
    qlog.vote(first.id, 111111111111, helpful=False)  # changed their mind
    await qlog.close()
    votes = await rows(store, "SELECT voter, helpful FROM feedback ORDER BY helpful")
    assert [v[1] for v in votes] == [0, 1]
    assert all("111111111111" not in str(v[0]) and "222222222222" not in str(v[0]) for v in votes)


async def test_retention_purges_old_questions_and_their_votes(store: DatabaseURL) -> None:
    qlog = await QuestionLog.open(store, retention_days=30)
    old = entry(qlog, "old question", ts=time.time() - 40 * 86400)
    new = entry(qlog, "new question")
    qlog.record(old)
    qlog.record(new)
    qlog.vote(old.id, 1, helpful=True)
    await qlog.flush()
    assert await qlog.purge() == 1
    await qlog.close()
    assert await rows(store, "SELECT text FROM questions") == [("new question",)]
    assert await rows(store, "SELECT COUNT(*) FROM feedback") == [(0,)]


async def test_migrations_are_idempotent_and_a_newer_schema_is_left_alone(
    store: DatabaseURL,
) -> None:
    database = await open_database(store)
    assert await database.migrate() == VERSION  # nothing left to do
    if database.url.engine == "sqlite":
        await database.engine.execute(f"PRAGMA user_version = {VERSION + 1}")
    else:
        await database.engine.execute("UPDATE tensionbot_schema SET version = ?", VERSION + 1)
    await database.close()
    qlog = await QuestionLog.open(store, retention_days=30)
    assert not qlog.available  # a newer bot's database is left alone
    await qlog.close()


async def test_a_bad_row_is_dropped_alone_and_reported(
    store: DatabaseURL, caplog: pytest.LogCaptureFixture
) -> None:
    """The rest of its batch is written; text that is merely odd is repaired, not dropped."""
    qlog = await QuestionLog.open(store, retention_days=30)
    qlog.record(entry(qlog, "before"))
    qlog.record(entry(qlog, "an unpaired surrogate \ud800 and a NUL \x00 here"))
    qlog.record(entry(qlog, "a guild id no database can hold", guild_id=2**64))
    qlog.record(entry(qlog, "after"))
    await qlog.close()
    stored = [r[0] for r in await rows(store, "SELECT text FROM questions ORDER BY id")]
    assert stored == [
        "before",
        "an unpaired surrogate \N{REPLACEMENT CHARACTER} and a NUL \N{REPLACEMENT CHARACTER} here",
        "after",
    ]
    assert qlog.dropped == 1
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("1 row dropped" in w and "guild_id" in w for w in warnings), warnings


async def test_a_row_the_engine_refuses_is_isolated_from_its_batch(
    store: DatabaseURL, caplog: pytest.LogCaptureFixture
) -> None:
    """Rows that pass our checks but break a rule in the database itself."""
    qlog = await QuestionLog.open(store, retention_days=30)
    assert qlog.database is not None
    if qlog.database.url.engine == "sqlite":
        await qlog.database.engine.execute(
            "CREATE TRIGGER no_boom BEFORE INSERT ON questions WHEN NEW.kind = 'boom' "
            "BEGIN SELECT RAISE(ABORT, 'boom is refused'); END"
        )
    else:
        await qlog.database.engine.execute(
            "ALTER TABLE questions ADD CONSTRAINT no_boom CHECK (kind <> 'boom')"
        )
    for i in range(40):
        qlog.record(entry(qlog, f"question {i}", "boom" if i in (7, 30) else "none"))
    await qlog.close()
    assert await rows(store, "SELECT COUNT(*) FROM questions") == [(38,)]
    assert qlog.dropped == 2


async def test_an_id_already_taken_is_never_overwritten(store: DatabaseURL) -> None:
    qlog = await QuestionLog.open(store, retention_days=30)
    first = entry(qlog, "the first question")
    qlog.record(first)
    await qlog.flush()
    clash = Entry(first.id, time.time(), 1, 2, "slash", "another", "none", None, None, 0, False, "")
    qlog.record(clash)
    await qlog.close()
    assert await rows(store, "SELECT text FROM questions") == [("the first question",)]
    assert (qlog.dropped, qlog.duplicates) == (1, 1)


async def test_two_logs_on_one_database_get_different_ids(store: DatabaseURL) -> None:
    one = await QuestionLog.open(store, retention_days=30)
    two = await QuestionLog.open(store, retention_days=30)
    ids = set()
    for i in range(500):
        for qlog in (one, two):
            item = entry(qlog, f"q{i}")
            ids.add(item.id)
            qlog.record(item)
    await one.close()
    await two.close()
    assert len(ids) == 1000
    assert await rows(store, "SELECT COUNT(DISTINCT id) FROM questions") == [(1000,)]
