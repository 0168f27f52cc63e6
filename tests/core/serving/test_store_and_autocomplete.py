"""Reload atomicity, autocomplete and narrowing, without Discord."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.core import limits
from bot.core.knowledge.label import Kind
from bot.core.knowledge.model import Knowledge
from bot.core.serving.autocomplete import complete, narrow, resolve_tension
from bot.core.serving.store import KnowledgeStore, Snapshot


async def test_reload_swaps_whole_snapshots_while_questions_run(knowledge_copy: Path) -> None:
    store, _ = KnowledgeStore.open(knowledge_copy)
    assert store is not None
    first = store.snapshot
    seen: list[Snapshot] = []
    stop = asyncio.Event()

    async def ask() -> None:
        while not stop.is_set():
            snapshot = store.snapshot
            answer = snapshot.matcher.match("is interpretability expensive?")
            assert answer.tension in snapshot.knowledge.tensions
            assert snapshot.matcher.knowledge is snapshot.knowledge  # never a mix
            seen.append(snapshot)
            await asyncio.sleep(0.001)  # questions arrive, they do not spin

    askers = [asyncio.create_task(ask()) for _ in range(3)]
    path = knowledge_copy / "tensions" / "interpretability-vs-efficiency.yaml"
    path.write_text(path.read_text("utf-8").replace("2-5%", "2-6%"), "utf-8")
    outcome = await store.reload()
    await asyncio.sleep(0.01)
    stop.set()
    await asyncio.gather(*askers)
    assert outcome.ok
    assert outcome.diff.tensions_changed == ("interpretability-vs-efficiency",)
    assert {s.version for s in seen} <= {first.version, store.snapshot.version}
    assert store.snapshot is not first


async def test_failed_reload_changes_nothing(knowledge_copy: Path) -> None:
    store, _ = KnowledgeStore.open(knowledge_copy)
    assert store is not None
    before = store.snapshot
    (knowledge_copy / "tensions" / "broken.yaml").write_text("id: [\n", "utf-8")
    outcome = await store.reload()
    assert not outcome.ok
    assert outcome.before == outcome.after == before.version
    assert store.snapshot is before
    assert outcome.problems[0].file == "knowledge/tensions/broken.yaml"


async def test_unchanged_reload_reports_no_changes(knowledge_copy: Path) -> None:
    store, _ = KnowledgeStore.open(knowledge_copy)
    assert store is not None
    outcome = await store.reload()
    assert outcome.ok
    assert outcome.diff.empty
    assert outcome.diff.lines() == ["no changes"]


def test_complete_respects_discord_limits(knowledge: Knowledge) -> None:
    snapshot = Snapshot.of(knowledge)
    for typed in ("", "sae", "calib", "x" * 500, "😀😀", "vs"):
        choices = complete(snapshot, typed)
        assert len(choices) <= limits.AUTOCOMPLETE_CHOICES
        for label, value in choices:
            assert 1 <= len(label) <= limits.CHOICE_NAME
            assert value in knowledge.tensions
    assert complete(snapshot, "calib")[0][1] == "calibration-vs-capability"
    assert complete(snapshot, "rome")[0][1] == "unlearning-vs-capability"


def test_complete_caps_at_25_on_large_knowledge() -> None:
    from tests.support import synthetic

    snapshot = Snapshot.of(synthetic.build(200))
    assert len(complete(snapshot, "")) == 25
    assert len(complete(snapshot, "a")) <= 25


def test_narrow_within_a_goal(knowledge: Knowledge) -> None:
    snapshot = Snapshot.of(knowledge)
    assert (
        narrow(snapshot, "interpretability", "is it expensive?").tension
        == "interpretability-vs-efficiency"
    )
    assert narrow(snapshot, "capability", "hedging").tension == "calibration-vs-capability"
    assert (
        narrow(snapshot, "capability", "capability-vs-efficiency").tension
        == "capability-vs-efficiency"
    )
    assert narrow(snapshot, "efficiency", "").kind is Kind.GOAL
    assert narrow(snapshot, "efficiency", "pizza").kind is Kind.GOAL


def test_resolve_tension_by_id_text_or_not_at_all(knowledge: Knowledge) -> None:
    snapshot = Snapshot.of(knowledge)
    assert (
        resolve_tension(snapshot, "unlearning-vs-capability").tension == "unlearning-vs-capability"
    )
    assert resolve_tension(snapshot, "rome memit").tension == "unlearning-vs-capability"
    assert resolve_tension(snapshot, "pizza").kind is Kind.NONE
