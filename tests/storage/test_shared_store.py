"""Several processes on one store, on both engines, and a store that misbehaves."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from pathlib import Path

import asyncpg
import pytest

from bot.storage import DatabaseURL, open_database
from bot.storage.migrations import VERSION
from bot.storage.questionlog import Entry, QuestionLog
from tests.conftest import ROOT


async def writers(url: DatabaseURL, processes: int, count: int) -> list[dict[str, object]]:
    start_at = time.time() + 1.5  # every process opens the fresh database at this moment
    launched = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.storage.writer", url.dsn, str(count), f"p{n}",
            str(start_at), cwd=ROOT, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for n in range(processes)
    ]  # fmt: skip
    results = []
    for process in launched:
        out, err = await asyncio.wait_for(process.communicate(), 120)
        assert process.returncode == 0, err.decode()[-2000:]
        results.append(json.loads(out.decode().strip().splitlines()[-1]))
    return results


async def test_processes_starting_together_on_a_new_database_all_log_everything(
    store: DatabaseURL,
) -> None:
    """The migration, the switch to WAL and the voter key all race here; nobody may lose."""
    results = await writers(store, processes=6, count=100)
    assert all(r["available"] for r in results), results
    assert all(r["dropped"] == 0 for r in results), results
    database = await open_database(store, read_only=True)
    try:
        assert await database.schema_version() == VERSION
        assert await database.engine.fetch(
            "SELECT COUNT(*), COUNT(DISTINCT id) FROM questions"
        ) == [(600, 600)]
        assert await database.engine.fetch("SELECT COUNT(*) FROM meta WHERE key = 'voter_key'") == [
            (1,)
        ]
    finally:
        await database.close()


async def test_a_dropped_connection_costs_a_retry_not_the_rows(postgres_url: str) -> None:
    qlog = await QuestionLog.open(DatabaseURL.parse(postgres_url), retention_days=30)
    conn = await asyncpg.connect(postgres_url)
    try:
        for i in range(50):
            qlog.record(
                Entry(qlog.new_id(), time.time(), 1, 2, "slash", f"q{i}", "none", None, None, 0,
                      False, "v1")
            )  # fmt: skip
            if i == 25:  # the server drops every connection of the bot's pool
                await conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE pid <> pg_backend_pid() AND datname = current_database()"
                )
            await asyncio.sleep(0.005)
        await qlog.close()
        assert qlog.dropped == 0
        assert await conn.fetchval("SELECT COUNT(*) FROM questions") == 50
    finally:
        await conn.close()


async def test_an_unreachable_server_is_a_warning_without_the_password(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = DatabaseURL.parse(postgres_url)
    assert url.password is not None
    wrong = DatabaseURL.parse(postgres_url.replace(url.password, "not-the-password-42"))
    qlog = await QuestionLog.open(wrong, retention_days=30)
    assert not qlog.available
    qlog.record(Entry(1, time.time(), 1, 2, "slash", "fine", "none", None, None, 0, False, ""))
    await qlog.close()
    nowhere = DatabaseURL.parse(f"postgresql://bot:{url.password}@127.0.0.1:9/db")
    qlog = await QuestionLog.open(nowhere, retention_days=30)
    assert not qlog.available
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(messages) == 2
    assert all("question log unavailable at postgresql://" in m for m in messages)
    assert "not-the-password-42" not in " ".join(messages)
    assert url.password not in " ".join(messages)


def test_urls_read_as_sqlalchemy_reads_them_and_print_without_the_password() -> None:
    assert DatabaseURL.parse("sqlite:///data/q.sqlite3").path == Path("data/q.sqlite3")
    assert DatabaseURL.parse("sqlite:////srv/q.sqlite3").path == Path("/srv/q.sqlite3")
    url = DatabaseURL.parse("postgresql://bot:s%40cret@db.internal:5432/tensionbot")
    assert url.engine == "postgresql"
    assert url.password == "s@cret"
    assert str(url) == "postgresql://bot:***@db.internal:5432/tensionbot"
    assert "s%40cret" not in repr(url)
    assert url.scrub("failed for s@cret") == "failed for ***"
    assert DatabaseURL.parse("postgres://h/db").engine == "postgresql"
    # libpq also takes the password as a query parameter.
    query = DatabaseURL.parse("postgresql:///tensionbot?host=/run/pg&password=top%20secret")
    assert query.password == "top secret"
    assert str(query) == "postgresql:///tensionbot?host=/run/pg&password=***"
    assert "secret" not in repr(query)
    assert query.scrub("auth failed: top secret") == "auth failed: ***"
    for bad in (
        "mysql://u:topsecret@h/db",
        "sqlite://",
        "q.sqlite3",
        "postgresql://u:topsecret@h:x/db",
    ):
        with pytest.raises(ValueError, match=r"expected|needs|port") as caught:
            DatabaseURL.parse(bad)
        assert "topsecret" not in str(caught.value)
