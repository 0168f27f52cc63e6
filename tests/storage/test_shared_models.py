"""Processes sharing a database train each knowledge version once: the first to reload
leaves its models in the database, and a process that has neither the models in memory
nor on disk loads them from there instead of training."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest

from bot.core.matching import follow_ups, matcher, model_cache
from bot.core.serving.store import KnowledgeStore
from bot.storage import DatabaseURL, open_database
from bot.storage.models import KEPT


def _never_trains(*_: object) -> NoReturn:
    """Stands in for ``train``: fails the test the moment anything trains."""
    raise AssertionError("trained, though another process had shared the model")


def _forget_this_process(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    """Stand for a second process: nothing in memory, an empty disk cache of its own."""
    monkeypatch.setattr(model_cache, "_memory", type(model_cache._memory)())
    monkeypatch.setenv("TENSIONBOT_CACHE_DIR", str(cache))


async def test_a_model_trained_by_one_process_is_loaded_by_the_next(
    store: DatabaseURL, knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = knowledge_copy / "tensions" / "interpretability-vs-efficiency.yaml"
    path.write_text(path.read_text("utf-8").replace("2-5%", "2-7%"), "utf-8")  # a new version
    database = await open_database(store)
    try:
        first, _ = KnowledgeStore.open(knowledge_copy)
        assert first is not None
        first.model_share = database.models
        _forget_this_process(monkeypatch, tmp_path / "first")
        assert (await first.reload()).ok  # trains, and leaves both models in the database
        keys = [key for key, _ in matcher.cache_keys(first.snapshot.knowledge)]
        assert len(keys) == 2
        assert all([await database.models.get(key) for key in keys])

        _forget_this_process(monkeypatch, tmp_path / "second")
        monkeypatch.setattr(matcher, "train", _never_trains)
        monkeypatch.setattr(follow_ups, "train", _never_trains)
        second = KnowledgeStore(knowledge_copy, first.snapshot)
        second.model_share = database.models
        outcome = await second.reload()
        assert outcome.ok
        answer = second.snapshot.matcher.match("does running an SAE slow inference down?")
        assert str(answer.label) == "tension:interpretability-vs-efficiency"
    finally:
        await database.close()


async def test_an_unusable_shared_model_means_training_here(
    store: DatabaseURL, knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = await open_database(store)
    try:
        served, _ = KnowledgeStore.open(knowledge_copy)
        assert served is not None
        for key, _ in matcher.cache_keys(served.snapshot.knowledge):
            await database.models.put(key, b"not a model")
        _forget_this_process(monkeypatch, tmp_path / "fresh")
        served.model_share = database.models
        assert (await served.reload()).ok
        answer = served.snapshot.matcher.match("does running an SAE slow inference down?")
        assert str(answer.label) == "tension:interpretability-vs-efficiency"
    finally:
        await database.close()


async def test_only_the_newest_models_are_kept(store: DatabaseURL) -> None:
    database = await open_database(store)
    try:
        await database.models.put("key-00", bytes([0]))
        await database.models.put("key-00", b"a later writer of the same key")
        assert await database.models.get("key-00") == bytes([0])  # the first writer wins
        for n in range(1, KEPT + 3):
            await database.models.put(f"key-{n:02}", bytes([n]))
        rows = await database.engine.fetch("SELECT COUNT(*) FROM models")
        assert rows == [(KEPT,)]
        assert await database.models.get(f"key-{KEPT + 2:02}") == bytes([KEPT + 2])
        assert await database.models.get("key-00") is None
    finally:
        await database.close()
