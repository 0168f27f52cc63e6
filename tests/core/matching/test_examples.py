"""Example questions: validated like the rest of the knowledge, and learned from."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.core.knowledge.label import Kind, Label
from bot.core.knowledge.loader import load_knowledge, load_or_raise
from bot.core.knowledge.model import Knowledge
from bot.core.matching import model_cache, training
from bot.core.matching.features import featurise
from bot.core.matching.matcher import Matcher
from bot.core.matching.model import Model
from bot.core.matching.vocabulary import Found
from bot.core.serving.store import KnowledgeStore
from bot.core.text.message import read_message
from bot.core.text.words import words

Write = Callable[[str, str], Path]


@contextlib.contextmanager
def monkeypatched_cache_off() -> Iterator[None]:
    """Train for real: no model from memory or disk."""
    saved = os.environ.get("TENSIONBOT_CACHE_DIR")
    os.environ["TENSIONBOT_CACHE_DIR"] = ""
    model_cache._memory.clear()
    try:
        yield
    finally:
        os.environ["TENSIONBOT_CACHE_DIR"] = saved or ""


@pytest.fixture
def bare(knowledge_copy: Path) -> Path:
    """The bundled knowledge without any example, so a test controls every one."""
    for path in (knowledge_copy / "tensions").glob("*.yaml"):
        text = path.read_text()
        path.write_text(text[: text.index("\nexamples:") + 1])
    goals = knowledge_copy / "goals.yaml"
    goals.write_text(re.sub(r"    examples:\n(?:      - .*\n)+", "", goals.read_text()))
    (knowledge_copy / "overview.yaml").unlink()
    (knowledge_copy / "not-answered.yaml").unlink()
    assert not list(load_or_raise(knowledge_copy).examples())
    return knowledge_copy


def trained(knowledge_dir: Path) -> Matcher:
    return Matcher(load_or_raise(knowledge_dir))


def test_the_classifier_learns_answers_from_examples(bare: Path, write: Write) -> None:
    path = bare / "tensions" / "interpretability-vs-efficiency.yaml"
    path.write_text(path.read_text() + EXAMPLES_TENSION)
    write("not-answered.yaml", "examples:\n  - the reading group is moved to thursday\n")
    matcher = trained(bare)
    [judged] = matcher.judge(["does peeking under the hood cost us at serving time?"])
    assert judged.label == Label.tension("interpretability-vs-efficiency")
    assert abs(sum(judged.probabilities.values()) - 1.0) < 1e-4
    assert 0.0 <= judged.score <= 1.0


def test_training_in_steps_pauses_and_is_deterministic(knowledge: Knowledge) -> None:
    steps = Matcher.steps(knowledge)
    model_cache._memory.clear()
    pauses = 0
    with monkeypatched_cache_off():
        while True:
            try:
                next(steps)
                pauses += 1
            except StopIteration as done:
                sliced: Matcher = done.value
                break
        again = Matcher(knowledge)
    assert pauses >= 20
    assert sliced.model.labels == again.model.labels
    assert (sliced.model.linear.sparse == again.model.linear.sparse).all()
    assert sliced.model.calibrator == again.model.calibrator


def test_a_trained_model_survives_the_trip_through_bytes(knowledge: Knowledge) -> None:
    model = Matcher(knowledge).model
    back = Model.from_bytes(model.to_bytes(), Label.parse)
    assert back.labels == model.labels
    assert back.calibrator == model.calibrator
    assert (back.linear.dense == model.linear.dense).all()
    with pytest.raises((ValueError, KeyError, OSError)):
        Model.from_bytes(b"not a model", Label.parse)


def test_too_few_answers_to_learn_from(bare: Path) -> None:
    for path in (bare / "tensions").glob("*.yaml"):
        path.unlink()
    goals = bare / "goals.yaml"
    text = goals.read_text()
    goals.write_text(text[: text.index("  - id:", text.index("  - id:") + 1)])
    matcher = trained(bare)
    assert matcher.model.labels == ()
    assert matcher.match("anything").kind is Kind.NONE


def test_features_cover_chinese_and_bound_long_text() -> None:
    empty = Found()
    assert any(key.startswith("z") for key in featurise(words("可解释性会增加推理成本吗"), empty))
    assert len(featurise(words("word " * 5000 + "x" * 10_000), empty)) <= 700
    assert featurise([], empty) == {}


def test_code_blocks_are_set_aside_unless_they_hold_the_only_text() -> None:
    msg = read_message("hi all\n```python\nsae.encode(cache)\n```\nis this overhead normal?")
    assert "sae.encode" not in msg.prose
    assert "overhead normal" in msg.prose
    assert read_message("```\ndoes interpretability cost compute?\n```").prose.startswith("does")
    long = read_message("morning! we run a big cluster. ops is angry. how much do probes cost?")
    assert long.parts[-1] == "how much do probes cost?"
    assert read_message("one short question").parts == ()


EXAMPLES_TENSION = """\
examples:
  - does peeking under the hood make serving pricier?
  - Is looking inside the model expensive to run
"""


def test_examples_load_and_teach_the_matcher(bare: Path, write: Write) -> None:
    path = bare / "tensions" / "interpretability-vs-efficiency.yaml"
    path.write_text(path.read_text() + EXAMPLES_TENSION)
    write(
        "not-answered.yaml", "examples:\n  - what does ROME stand for\n  - who founded DeepSeek\n"
    )
    write("overview.yaml", "examples:\n  - what's on the menu\n")
    knowledge = load_or_raise(bare)
    assert (Label.LIST, "what's on the menu") in set(knowledge.examples())
    matcher = Matcher(knowledge)
    # None of the knowledge's own words: only the examples can answer this.
    answer = matcher.match("would peeking under the hood make our serving bill pricier")
    assert (answer.kind, answer.tension) == (Kind.TENSION, "interpretability-vs-efficiency")
    # The lexical reading finds ROME, the unlearning keyword; the examples know better.
    assert matcher.match("what does ROME stand for?").kind is Kind.NONE


def test_one_text_under_two_answers_is_an_error_with_both_places(bare: Path, write: Write) -> None:
    path = bare / "tensions" / "interpretability-vs-efficiency.yaml"
    path.write_text(path.read_text() + EXAMPLES_TENSION)
    lines = path.read_text().splitlines()
    line = lines.index("  - does peeking under the hood make serving pricier?") + 1
    write(
        "not-answered.yaml",
        "examples:\n  - ok\n  - Does peeking under the hood make serving pricier\n",
    )
    result = load_knowledge(bare)
    assert result.knowledge is None
    [problem] = [str(p) for p in result.problems]
    assert problem.startswith("knowledge/not-answered.yaml:3 examples[1]: the same example")
    assert "tension interpretability-vs-efficiency (knowledge/tensions/" in problem
    assert f"interpretability-vs-efficiency.yaml:{line})" in problem


def test_a_repeat_within_one_answer_is_only_a_warning(bare: Path, write: Write) -> None:
    write("overview.yaml", "examples:\n  - what do you cover\n  - What do you cover?\n")
    result = load_knowledge(bare)
    assert result.ok
    assert any("overview.yaml:3" in str(w) and "repeats" in str(w) for w in result.warnings)


def test_bad_examples_name_file_line_and_limit(bare: Path, write: Write) -> None:
    write("not-answered.yaml", "examples:\n  - fine\n  - " + "x" * 301 + "\nexample: typo\n")
    found = [str(p) for p in load_knowledge(bare).problems]
    assert any(
        m.startswith("knowledge/not-answered.yaml:3 examples[1]") and "300" in m for m in found
    )
    assert any(m.startswith("knowledge/not-answered.yaml:4 example: unknown field") for m in found)


async def test_a_reload_builds_the_examples_between_answers(bare: Path, write: Write) -> None:
    store, _ = KnowledgeStore.open(bare)
    assert store is not None
    write(
        "not-answered.yaml",
        "examples:\n" + "".join(f"  - chatter number {i}\n" for i in range(400)),
    )
    turns = 0
    done = asyncio.Event()

    async def other_work() -> None:
        nonlocal turns
        while not done.is_set():
            turns += 1
            await asyncio.sleep(0)

    worker = asyncio.create_task(other_work())
    outcome = await store.reload()
    done.set()
    await worker
    assert outcome.ok, outcome.problems
    assert outcome.diff.examples_changed == ("not-answered",)
    # The build paused for the loop again and again, not once at the end.
    assert turns >= 5
    assert store.snapshot.matcher.match("chatter number 399").kind is Kind.NONE
    assert Label.NONE in store.snapshot.matcher.model.labels


def test_a_classifier_that_cannot_train_still_answers_its_examples(
    knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> Iterator[None]:
        yield
        raise MemoryError("no room")

    monkeypatch.setattr(training, "train", broken)
    monkeypatch.setattr("bot.core.matching.matcher.train", broken)
    (knowledge_copy / "overview.yaml").write_text("examples:\n  - a fresh overview example\n")
    matcher = Matcher(load_or_raise(knowledge_copy))
    assert matcher.model.labels == ()
    assert "answering examples only" in caplog.text
    assert matcher.match("a fresh overview example").kind is Kind.LIST
    assert matcher.match("does running an SAE slow inference down?").kind is Kind.NONE
