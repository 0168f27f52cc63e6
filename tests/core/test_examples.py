"""Example questions: validated like the rest of the knowledge, and learned from."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.core.knowledge.loader import load_knowledge, load_or_raise
from bot.core.matching.answer import Kind
from bot.core.matching.examples import ExampleIndex, features
from bot.core.matching.matcher import Matcher
from bot.core.matching.message import read_message
from bot.core.store import KnowledgeStore

Write = Callable[[str, str], Path]

BANK = [
    ("tension:a", "does peeking inside the network make serving pricier"),
    ("tension:a", "looking at what the model is thinking costs a lot of compute?"),
    ("tension:b", "can you make a model forget one customer's records"),
    ("tension:b", "deleting a fact from the model breaks nearby facts?"),
    ("none", "the reading group is moved to thursday"),
    ("none", "what does ROME stand for"),
    ("list", "what can I ask you about"),
]


def test_the_nearest_examples_decide_the_label() -> None:
    index = ExampleIndex.build(BANK)
    best = max(
        index.label_scores("is peeking inside the network pricey?").items(), key=lambda x: x[1]
    )
    assert best[0] == "tension:a"
    best = max(index.label_scores("make the model forget my records").items(), key=lambda x: x[1])
    assert best[0] == "tension:b"


def test_a_cooperative_build_gives_the_same_index() -> None:
    whole = ExampleIndex.build(BANK)
    steps = ExampleIndex.steps(BANK, per_step=2)
    pauses = 0
    while True:
        try:
            next(steps)
            pauses += 1
        except StopIteration as done:
            sliced = done.value
            break
    assert pauses >= 3
    assert sliced.postings == whole.postings
    assert sliced.labels == whole.labels


def test_features_cover_chinese_and_bound_long_text() -> None:
    assert any(key.startswith("z") for key in features("可解释性会增加推理成本吗"))
    assert len(features("word " * 5000 + "x" * 10_000)) <= 700
    assert features("") == {}
    assert ExampleIndex.build([]).label_scores("anything") == {}


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


def test_examples_load_and_teach_the_matcher(knowledge_copy: Path, write: Write) -> None:
    path = knowledge_copy / "tensions" / "interpretability-vs-efficiency.yaml"
    path.write_text(path.read_text() + EXAMPLES_TENSION)
    write(
        "not-answered.yaml", "examples:\n  - what does ROME stand for\n  - who founded DeepSeek\n"
    )
    write("overview.yaml", "examples:\n  - what's on the menu\n")
    knowledge = load_or_raise(knowledge_copy)
    assert ("list", "what's on the menu") in set(knowledge.examples())
    matcher = Matcher(knowledge)
    # None of the knowledge's own words: only the examples can answer this.
    answer = matcher.match("would peeking under the hood make our serving bill pricier")
    assert (answer.kind, answer.tension) == (Kind.TENSION, "interpretability-vs-efficiency")
    # The lexical reading finds ROME, the unlearning keyword; the examples know better.
    assert matcher.match("what does ROME stand for?").kind is Kind.NONE


def test_one_text_under_two_answers_is_an_error_with_both_places(
    knowledge_copy: Path, write: Write
) -> None:
    path = knowledge_copy / "tensions" / "interpretability-vs-efficiency.yaml"
    path.write_text(path.read_text() + EXAMPLES_TENSION)
    lines = path.read_text().splitlines()
    line = lines.index("  - does peeking under the hood make serving pricier?") + 1
    write(
        "not-answered.yaml",
        "examples:\n  - ok\n  - Does peeking under the hood make serving pricier\n",
    )
    result = load_knowledge(knowledge_copy)
    assert result.knowledge is None
    [problem] = [str(p) for p in result.problems]
    assert problem.startswith("knowledge/not-answered.yaml:3 examples[1]: the same example")
    assert "tension interpretability-vs-efficiency (knowledge/tensions/" in problem
    assert f"interpretability-vs-efficiency.yaml:{line})" in problem


def test_a_repeat_within_one_answer_is_only_a_warning(knowledge_copy: Path, write: Write) -> None:
    write("overview.yaml", "examples:\n  - what do you cover\n  - What do you cover?\n")
    result = load_knowledge(knowledge_copy)
    assert result.ok
    assert any("overview.yaml:3" in str(w) and "repeats" in str(w) for w in result.warnings)


def test_bad_examples_name_file_line_and_limit(knowledge_copy: Path, write: Write) -> None:
    write("not-answered.yaml", "examples:\n  - fine\n  - " + "x" * 301 + "\nexample: typo\n")
    found = [str(p) for p in load_knowledge(knowledge_copy).problems]
    assert any(
        m.startswith("knowledge/not-answered.yaml:3 examples[1]") and "300" in m for m in found
    )
    assert any(m.startswith("knowledge/not-answered.yaml:4 example: unknown field") for m in found)


async def test_a_reload_builds_the_examples_between_answers(
    knowledge_copy: Path, write: Write
) -> None:
    store, _ = KnowledgeStore.open(knowledge_copy)
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
    assert len(store.snapshot.matcher.examples) == 400
