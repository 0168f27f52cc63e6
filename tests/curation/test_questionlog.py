"""The question log on a temporary database: rows, votes, retention, failures, the report."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from pathlib import Path

import aiosqlite
import pytest

from bot.curation.questionlog import Entry, QuestionLog, migrate
from bot.curation.schema import VERSION
from bot.curation.stats import build_report, group_similar


def entry(
    qlog: QuestionLog,
    text: str,
    kind: str = "none",
    *,
    tension: str | None = None,
    answered: bool | None = None,
    ts: float | None = None,
) -> Entry:
    return Entry(
        qlog.new_id(),
        time.time() if ts is None else ts,
        1,
        2,
        "mention",
        text,
        kind,
        tension,
        None,
        0.5,
        kind != "none" if answered is None else answered,
        "v1",
    )


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(sql).fetchall()


async def test_records_are_written_with_the_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "questions.sqlite3"
    qlog = await QuestionLog.open(path, retention_days=30)
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
    await qlog.close()
    assert rows(path, "PRAGMA user_version") == [(VERSION,)]
    stored = rows(
        path,
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
    columns = [r[1] for r in rows(path, "PRAGMA table_info(questions)")]
    assert not any("user" in c or "author" in c for c in columns)


async def test_votes_one_per_person_changeable_and_not_stored_as_user_ids(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    qlog = await QuestionLog.open(path, retention_days=30)
    first = entry(
        qlog, "is interpretability expensive?", "tension", tension="interpretability-vs-efficiency"
    )
    qlog.record(first)
    qlog.vote(first.id, 111111111111, helpful=True)
    qlog.vote(first.id, 111111111111, helpful=True)
    qlog.vote(first.id, 222222222222, helpful=True)
    qlog.vote(first.id, 111111111111, helpful=False)  # changed their mind
    await qlog.close()
    votes = rows(path, "SELECT voter, helpful FROM feedback ORDER BY helpful")
    assert [v[1] for v in votes] == [0, 1]
    assert all("111111111111" not in str(v[0]) and "222222222222" not in str(v[0]) for v in votes)


async def test_retention_purges_old_questions_and_their_votes(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    qlog = await QuestionLog.open(path, retention_days=30)
    old = entry(qlog, "old question", ts=time.time() - 40 * 86400)
    new = entry(qlog, "new question")
    qlog.record(old)
    qlog.record(new)
    qlog.vote(old.id, 1, helpful=True)
    await qlog.flush()
    assert await qlog.purge() == 1
    await qlog.close()
    assert rows(path, "SELECT text FROM questions") == [("new question",)]
    assert rows(path, "SELECT COUNT(*) FROM feedback") == [(0,)]


async def test_migration_from_empty_and_refusal_of_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    async with aiosqlite.connect(path) as db:
        assert await migrate(db) == 0
        assert await migrate(db) == VERSION  # idempotent
        await db.execute(f"PRAGMA user_version = {VERSION + 1}")
        await db.commit()
    qlog = await QuestionLog.open(path, retention_days=30)
    assert not qlog.available  # a newer bot's database is left alone


async def test_unavailable_database_never_raises(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", "utf-8")
    qlog = await QuestionLog.open(blocker / "q.sqlite3", retention_days=30)  # folder cannot exist
    assert not qlog.available
    qlog.record(entry(qlog, "still fine"))
    qlog.vote(1, 2, helpful=True)
    await qlog.close()
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database" * 100)
    qlog = await QuestionLog.open(garbage, retention_days=30)
    assert not qlog.available
    await qlog.close()
    assert sum("question log unavailable" in r.getMessage() for r in caplog.records) == 2


async def test_read_only_database_degrades_to_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "q.sqlite3"
    qlog = await QuestionLog.open(path, retention_days=30)
    await qlog.close()
    path.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        qlog = await QuestionLog.open(path, retention_days=30)
        qlog.record(entry(qlog, "asked while read-only"))
        await qlog.close()  # flushes: fails quietly when the file cannot be written
    finally:
        tmp_path.chmod(0o755)
        path.chmod(0o644)
    if os.geteuid() != 0:  # root writes read-only files anyway
        assert any(
            "question log" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING
        )


async def test_a_database_that_turns_read_only_is_survived(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """SQLite's own read-only refusal, which root cannot bypass (unlike chmod)."""
    qlog = await QuestionLog.open(tmp_path / "q.sqlite3", retention_days=30)
    assert qlog.db is not None
    await qlog.db.execute("PRAGMA query_only = ON")
    qlog.record(entry(qlog, "asked while read-only"))
    await qlog.flush()
    assert qlog.dropped == 1
    assert any("readonly" in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)
    await qlog.close()


async def test_write_failures_at_run_time_are_logged_and_survived(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    qlog = await QuestionLog.open(tmp_path / "q.sqlite3", retention_days=30)
    assert qlog.db is not None

    async def broken(*args: object, **kwargs: object) -> None:
        raise aiosqlite.OperationalError("disk I/O error")

    monkeypatch.setattr(qlog.db, "executemany", broken)
    qlog.record(entry(qlog, "lost"))
    await qlog.flush()
    assert qlog.dropped == 1
    assert any("could not write the question log" in r.getMessage() for r in caplog.records)
    monkeypatch.undo()
    qlog.record(entry(qlog, "kept"))
    await qlog.close()


def test_near_duplicate_unanswered_questions_group_together() -> None:
    groups = group_similar(
        [
            "calibraton tradeof",
            "calibration tradeoff?",
            "Calibration tradeoff",
            "what about robustness?",
            "what about robustness",
            "pizza",
        ]
    )
    assert [g.count for g in groups] == [3, 2, 1]
    assert set(groups[0].variants) == {
        "calibraton tradeof",
        "calibration tradeoff?",
        "Calibration tradeoff",
    }


async def test_report_counts_windows_answers_and_helpful_ratio(tmp_path: Path) -> None:
    path = tmp_path / "q.sqlite3"
    qlog = await QuestionLog.open(path, retention_days=90)
    now = time.time()
    answered = [
        entry(
            qlog,
            f"is interpretability expensive {i}?",
            "tension",
            tension="interpretability-vs-efficiency",
        )
        for i in range(3)
    ]
    for item in answered:
        qlog.record(item)
    qlog.record(entry(qlog, "calibraton tradeof"))
    qlog.record(entry(qlog, "calibration tradeoff?"))
    qlog.record(entry(qlog, "older gap", ts=now - 20 * 86400))
    qlog.vote(answered[0].id, 1, helpful=True)
    qlog.vote(answered[1].id, 1, helpful=False)
    qlog.vote(answered[1].id, 2, helpful=True)
    await qlog.flush()
    assert qlog.db is not None
    report = await build_report(qlog.db, days=30, now=now + 1)
    await qlog.close()
    assert report.answered == {7: 3, 30: 3}
    assert report.unanswered == {7: 2, 30: 3}
    assert report.top_unanswered[0].count == 2
    assert report.per_answer == {"tension:interpretability-vs-efficiency": 3}
    assert report.helpful == {"tension:interpretability-vs-efficiency": (2, 3)}
    data = report.to_json()
    assert data["helpful"]["tension:interpretability-vs-efficiency"]["ratio"] == pytest.approx(
        0.667
    )
