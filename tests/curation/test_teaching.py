"""The rules of teaching and the taught examples' storage, on both engines."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.core.knowledge.label import Label
from bot.core.knowledge.model import Knowledge
from bot.curation import teaching
from bot.curation.stats import build_report, report_card
from bot.curation.teaching import TeachRefused, activity, forget, taught_examples, teach
from bot.storage import Database, DatabaseURL, RowsRejectedError, open_database
from bot.storage.engine import Transaction
from bot.storage.migrations import statements

MISSED = "gold-plated or thrifty, which wins?"
EFFICIENT = Label.tension("capability-vs-efficiency")


@pytest.fixture(params=["sqlite", "postgresql"])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        url = DatabaseURL.sqlite(tmp_path / "taught.sqlite3")
    else:
        url = DatabaseURL.parse(request.getfixturevalue("postgres_url"))
    opened = await open_database(url)
    try:
        yield opened
    finally:
        await opened.close()


async def test_teach_keeps_the_example_and_audits_it(
    database: Database, knowledge: Knowledge
) -> None:
    entry = await teach(
        database, knowledge, label=EFFICIENT, text=MISSED, guild_id=42, moderator="m1"
    )
    assert (entry.id, entry.label, entry.text, entry.guild_id) == (1, str(EFFICIENT), MISSED, 42)
    assert [(t.id, t.label, t.text) for t in await taught_examples(database)] == [
        (1, EFFICIENT, MISSED)
    ]
    removed = await forget(database, 1, guild_id=42, moderator="m2", action="undone")
    assert removed == entry
    assert await forget(database, 1, guild_id=42, moderator="m2", action="undone") is None
    trail = await database.teaching.audit(10)
    assert [(a.action, a.taught_id, a.label, a.text, a.moderator) for a in trail] == [
        ("undone", 1, str(EFFICIENT), MISSED, "m2"),
        ("taught", 1, str(EFFICIENT), MISSED, "m1"),
    ]
    assert await activity(database) == teaching.Activity(taught=1, undone=1)


async def test_what_is_refused_and_why(database: Database, knowledge: Knowledge) -> None:
    async def attempt(label: str | Label, text: str, moderator: str = "m1") -> str:
        with pytest.raises(TeachRefused) as refused:
            await teach(
                database,
                knowledge,
                label=Label.parse(str(label)),
                text=text,
                guild_id=1,
                moderator=moderator,
            )
        return str(refused.value)

    folder = knowledge.tensions["interpretability-vs-efficiency"].examples[0]
    assert "already an example of Interpretability vs Efficiency in the knowledge files" in (
        await attempt("tension:interpretability-vs-efficiency", folder)
    )
    assert "the knowledge files already give that text to Interpretability vs Efficiency" in (
        await attempt("list", folder)
    )
    assert "is no longer in the knowledge" in await attempt("tension:gone", MISSED)
    await teach(database, knowledge, label=EFFICIENT, text=MISSED, guild_id=1, moderator="m1")
    assert "already taught as Frontier Capability vs Cost Efficiency (#1)" in (
        await attempt(EFFICIENT, MISSED.upper(), moderator="m2")
    )
    assert "undo that first (tensionbot learned remove 1)" in (
        await attempt("goal:efficiency", f"@user {MISSED}")
    )
    assert [t.id for t in await database.teaching.taught()] == [1]


async def test_each_moderator_has_an_hourly_limit(
    database: Database, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(teaching, "TEACH_PER_HOUR", 3)
    start = time.time()
    for i in range(3):
        await teach(
            database, knowledge, label=Label.LIST, text=f"overview {i}", guild_id=1,
            moderator="busy", now=start + i,
        )  # fmt: skip
    with pytest.raises(TeachRefused, match=r"3 examples in the last hour.*again in 60 min"):
        await teach(
            database, knowledge, label=Label.LIST, text="one more", guild_id=1, moderator="busy",
            now=start + 10,
        )  # fmt: skip
    await teach(database, knowledge, label=Label.LIST, text="another", guild_id=1, moderator="calm")
    await teach(
        database, knowledge, label=Label.LIST, text="an hour later", guild_id=1, moderator="busy",
        now=start + 3601,
    )  # fmt: skip


async def test_each_answer_has_a_bounded_number(
    database: Database, knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(teaching, "MAX_TAUGHT_PER_ANSWER", 2)
    for i in range(2):
        await teach(database, knowledge, label=Label.parse("none"), text=f"chatter {i}", guild_id=1,
                    moderator=f"m{i}")  # fmt: skip
    with pytest.raises(TeachRefused, match="already has 2 taught examples"):
        await teach(
            database,
            knowledge,
            label=Label.parse("none"),
            text="chatter 3",
            guild_id=1,
            moderator="x",
        )
    await teach(database, knowledge, label=Label.LIST, text="other answers have room", guild_id=1,
                moderator="x")  # fmt: skip


async def test_two_teaching_the_same_text_at_once_keep_it_once(
    database: Database, knowledge: Knowledge, tmp_path: Path
) -> None:
    other = await open_database(database.url)
    try:
        results = await asyncio.gather(
            *(
                teach(db, knowledge, label=label, text=MISSED, guild_id=1, moderator=who)
                for db, label, who in (
                    (database, EFFICIENT, "a"),
                    (other, Label.goal("efficiency"), "b"),
                )
            ),
            return_exceptions=True,
        )
    finally:
        await other.close()
    kept = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, TeachRefused)]
    assert len(kept) == 1
    assert len(refused) == 1
    assert len(await database.teaching.taught()) == 1
    assert len(await database.teaching.audit(10)) == 1  # the refused one left no trace


async def test_a_transaction_that_fails_leaves_nothing(database: Database) -> None:
    async def half(tx: Transaction) -> None:
        await tx.execute(
            "INSERT INTO taught (ts, guild_id, label, text, key, moderator)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            1.0, None, "list", "half", "half", "m",
        )  # fmt: skip
        await tx.execute(
            "INSERT INTO taught (ts, guild_id, label, text, key, moderator)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            1.0,
            None,
            "list",
            "again",
            "half",
            "m",
        )  # fmt: skip  (the same key: refused)

    with pytest.raises(RowsRejectedError):
        await database.engine.transaction(half)
    assert await database.teaching.taught() == []


async def test_stats_say_how_much_was_taught_this_week(
    database: Database, knowledge: Knowledge
) -> None:
    now = time.time()
    for i in range(3):
        await teach(database, knowledge, label=Label.LIST, text=f"q{i}", guild_id=1, moderator="m")
    await forget(database, 2, guild_id=1, moderator="m", action="undone")
    await forget(database, 3, guild_id=None, moderator="shell", action="removed")
    long_ago = now - 8 * 86400
    await teach(database, knowledge, label=Label.LIST, text="old", guild_id=1, moderator="m",
                now=long_ago)  # fmt: skip
    report = await build_report(database, now=now)
    assert report.teaching == teaching.Activity(taught=3, undone=1, removed=1)
    assert report.to_json()["taught_last_7_days"] == {"taught": 3, "undone": 1, "removed": 1}
    card = report_card(report, None)
    assert "**Teaching**: 3 taught this week (2 undone or removed)" in card.description


async def test_a_database_from_before_teaching_reports_none(tmp_path: Path) -> None:
    """``tensionbot stats`` reads without migrating: an older schema has no audit trail."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as db:
        for statement in statements("sqlite", 0, 2):
            db.execute(statement)
        db.execute("PRAGMA user_version = 2")
    old = await open_database(DatabaseURL.sqlite(path), read_only=True)
    try:
        assert await activity(old) == teaching.Activity()
        assert await teaching.audit_trail(old, 10) == ()
        assert (await build_report(old)).teaching == teaching.Activity()
    finally:
        await old.close()
