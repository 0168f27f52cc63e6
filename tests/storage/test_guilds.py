"""Per-server storage on both engines: a report's scope, a server's own taught examples,
promoting one, and forgetting a server (after the window, or at once) exactly once."""

from __future__ import annotations

import time

import pytest

from bot.core.knowledge.label import Label
from bot.core.knowledge.model import Knowledge
from bot.curation.stats import build_report
from bot.curation.teaching import TeachRefused, promote, teach
from bot.storage import DatabaseURL, open_database
from bot.storage.questionlog import QuestionLog
from bot.storage.questions import Scope
from tests.support.questionlog import entry

A, B = 101, 202


async def log_questions(store: DatabaseURL) -> None:
    qlog = await QuestionLog.open(store, retention_days=30)
    assert qlog.database is not None
    for text, guild in (("in a?", A), ("in b?", B), ("in b?", B), ("in a dm?", None)):
        qlog.record(entry(qlog, text, guild_id=guild))
    await qlog.close()


async def test_a_report_reads_its_scope_alone(store: DatabaseURL) -> None:
    await log_questions(store)
    database = await open_database(store)
    try:
        reports = {
            name: await build_report(database, scope=scope)
            for name, scope in (
                ("all", Scope.all()),
                ("a", Scope.guild(A)),
                ("b", Scope.guild(B)),
                ("dms", Scope.dms()),
            )
        }
    finally:
        await database.close()
    assert reports["all"].unanswered[30] == 4
    assert [(g.example, g.count) for g in reports["a"].top_unanswered] == [("in a?", 1)]
    assert [(g.example, g.count) for g in reports["b"].top_unanswered] == [("in b?", 2)]
    assert [g.example for g in reports["dms"].top_unanswered] == ["in a dm?"]
    assert reports["b"].unanswered[30] == 2


async def test_a_server_teaches_its_own_and_the_operator_promotes_it(
    store: DatabaseURL, knowledge: Knowledge
) -> None:
    label = Label.parse("tension:capability-vs-efficiency")
    database = await open_database(store)
    try:
        mine = await teach(
            database,
            knowledge,
            label=label,
            text="gilded or frugal?",
            guild_id=B,
            moderator="m",
            local_guild=B,
        )
        # Another server may teach the same words its own way.
        other = await teach(
            database,
            knowledge,
            label=Label.NONE,
            text="gilded or frugal?",
            guild_id=A,
            moderator="n",
            local_guild=A,
        )
        assert await database.teaching.shared() == []
        assert {e.id for e in await database.teaching.local(B)} == {mine.id}
        promoted = await promote(database, mine.id)
        assert promoted.local_guild is None
        assert [e.id for e in await database.teaching.shared()] == [mine.id]
        with pytest.raises(TeachRefused, match="shared bank already"):
            await promote(database, other.id)
        assert (await database.teaching.audit(1))[0].action == "promoted"
    finally:
        await database.close()


async def test_forgetting_a_server_is_done_once_and_keeps_the_others(
    store: DatabaseURL, knowledge: Knowledge
) -> None:
    await log_questions(store)
    database = await open_database(store)
    now = time.time()
    try:
        await teach(
            database,
            knowledge,
            label=Label.NONE,
            text="b's own words",
            guild_id=B,
            moderator="m",
            local_guild=B,
        )
        await database.guilds.departed(B, now=now, forget_at=now + 30 * 86400)
        await database.guilds.departed(B, now=now + 5, forget_at=now + 99 * 86400)  # kept first
        assert await database.guilds.due(now + 29 * 86400) == []
        assert await database.guilds.due(now + 31 * 86400) == [B]
        done = await database.guilds.forget(B, now=now, actor="scheduled", scheduled=True)
        assert done is not None
        assert (done.questions, done.taught) == (2, 1)
        again = await database.guilds.forget(B, now=now, actor="scheduled", scheduled=True)
        assert again is None  # another cluster swept first: nothing twice
        report = await build_report(database, scope=Scope.all())
        assert report.unanswered[30] == 2  # A's and the DM's
        assert len(await database.guilds.audit(10)) == 1
        # A rejoin within the window takes the note back.
        await database.guilds.departed(A, now=now, forget_at=now)
        assert await database.guilds.returned(A)
        assert await database.guilds.forget(A, now=now, actor="scheduled", scheduled=True) is None
    finally:
        await database.close()
