"""The semantic model: its weights are the pinned ones and behave as USE multilingual v3
should, and the bot reads on without it when it cannot load."""

from __future__ import annotations

import logging

import numpy as np
import pytest
import yaml

from bot.core.knowledge.model import Knowledge
from bot.core.matching import semantic
from bot.core.matching.matcher import Matcher
from bot.core.matching.semantic import Embeddings, NoEmbedder, UseEmbedder
from tests.conftest import DATA

# Languages the model was trained on (Hindi in Devanagari is not one of them).
LANGUAGES = ("it", "ja", "ru", "ko", "pl", "tr", "ar", "nl")


def test_the_weights_are_the_pinned_files() -> None:
    semantic.verify()


@pytest.fixture(scope="module")
def model() -> UseEmbedder:
    return UseEmbedder()


def test_each_translation_lands_nearest_its_own_english(model: UseEmbedder) -> None:
    rows = yaml.safe_load((DATA / "paraphrases.yaml").read_text("utf-8"))
    english = model.encode([row["en"] for row in rows])
    for language in LANGUAGES:
        other = model.encode([row[language] for row in rows])
        nearest = (other @ english.T).argmax(axis=1)
        right = float(np.mean(nearest == np.arange(len(rows))))
        assert right >= 0.9, f"{language}: {right:.0%} nearest their own English"


def test_vectors_are_unit_length_and_an_empty_text_is_fine(model: UseEmbedder) -> None:
    vectors = model.encode(["", "does an SAE slow inference?", "😀" * 3000])
    assert vectors.shape == (3, semantic.DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_a_changed_weight_file_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(semantic.WEIGHTS, "resources/sp.model", "0" * 64)
    with pytest.raises(semantic.WeightsMismatchError, match=r"sp\.model has sha256"):
        semantic.verify()


def test_without_the_model_the_bot_logs_once_and_reads_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, knowledge: Knowledge
) -> None:
    monkeypatch.setitem(semantic.WEIGHTS, "resources/weights.npz", "0" * 64)
    monkeypatch.delenv("TENSIONBOT_SEMANTIC", raising=False)
    semantic.embedder.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            loaded = semantic.embedder()
        assert isinstance(loaded, NoEmbedder)
        assert caplog.text.count("the semantic model is unavailable") == 1
    finally:
        semantic.embedder.cache_clear()
    plain = Matcher(knowledge, embeddings=Embeddings(NoEmbedder()))
    answer = plain.match("does running an SAE slow inference down?")
    assert answer.tension == "interpretability-vs-efficiency"
