"""``learned export``: taught examples into the YAML, touching nothing but examples lists."""

from __future__ import annotations

import difflib
import os
import shutil
import stat
from pathlib import Path

import pytest

from bot.core.knowledge.label import Label
from bot.core.knowledge.loader import load_knowledge, load_or_raise
from bot.core.knowledge.model import Taught
from bot.core.knowledge.teaching import merge
from bot.core.matching.matcher import Matcher
from bot.curation.export import ExportError, export
from tests.support.questions import load_sets

TAUGHT = [
    Taught(
        1,
        Label.parse("tension:capability-vs-efficiency"),
        "can you be both the best and the cheapest?",
    ),
    Taught(
        2,
        Label.parse("tension:interpretability-vs-capability"),
        'is it true: "interp" costs points?',
    ),
    Taught(
        3, Label.parse("goal:efficiency"), "@user doing more with less hardware: what does it cost?"
    ),
    Taught(4, Label.parse("goal:unlearning"), "unlearning in general, 你好"),
    Taught(5, Label.parse("list"), "what can you tell me about"),
    Taught(6, Label.parse("none"), "the interp reading group is cancelled today #channel"),
    Taught(7, Label.parse("tension:capability-vs-efficiency"), "second one for the same tension"),
]


def snapshot(folder: Path) -> dict[Path, str]:
    return {p.relative_to(folder): p.read_text("utf-8") for p in sorted(folder.rglob("*.yaml"))}


def added_lines(before: str, after: str) -> list[str]:
    """The lines an edit added; fails if it removed or changed any."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "a line was removed or changed"
    return [line[2:] for line in diff if line.startswith("+ ")]


def test_export_round_trips_and_touches_only_the_examples_lists(knowledge_copy: Path) -> None:
    before = snapshot(knowledge_copy)
    folder = load_or_raise(knowledge_copy)
    served, problems = merge(folder, TAUGHT)
    assert problems == ()
    done = export(knowledge_copy, TAUGHT)
    assert done.count == len(TAUGHT)
    assert done.written == {
        "tensions/capability-vs-efficiency.yaml": [1, 7],
        "tensions/interpretability-vs-capability.yaml": [2],
        "goals.yaml": [3, 4],
        "overview.yaml": [5],
        "not-answered.yaml": [6],
    }
    after = snapshot(knowledge_copy)
    assert set(after) == set(before)
    added = [line for name in before for line in added_lines(before[name], after[name])]
    assert len(added) == len(TAUGHT)
    assert all(line.lstrip().startswith("- ") for line in added)
    assert "      - '@user doing more with less hardware: what does it cost?'" in added
    assert "  - unlearning in general, 你好" not in added  # goals' examples are nested deeper
    assert "      - unlearning in general, 你好" in added

    exported = load_or_raise(knowledge_copy)
    assert exported.taught == ()
    assert set(exported.examples()) == set(served.examples())
    # The same answers as the served knowledge (folder + taught) gave before the export.
    questions = [t.text for t in TAUGHT] + [q.question for q in load_sets("dev")[::5]]
    old, new = Matcher(served), Matcher(exported)
    assert [old.match(q) for q in questions] == [new.match(q) for q in questions]
    leftovers = [p for p in knowledge_copy.rglob("*") if p.name.startswith(".") and p.is_file()]
    assert leftovers == []  # no temporary file left behind

    again = export(knowledge_copy, TAUGHT)  # already there: nothing to write
    assert (again.count, again.present) == (0, [t.id for t in TAUGHT])
    assert snapshot(knowledge_copy) == after


def test_comments_after_a_list_stay_with_what_they_describe(knowledge_copy: Path) -> None:
    path = knowledge_copy / "tensions" / "unlearning-vs-capability.yaml"
    text = path.read_text("utf-8")
    head, _, examples = text.partition("\nexamples:\n")
    last = examples.rstrip("\n").rpartition("\n")[2]
    path.write_text(
        head + "  # about the reading\n\n# the examples follow\nexamples:\n"
        + examples.rstrip("\n") + "  # the last one\n\n# closing note for curators\n",
        "utf-8",
    )  # fmt: skip
    before = path.read_text("utf-8")
    export(
        knowledge_copy,
        [Taught(1, Label.parse("tension:unlearning-vs-capability"), "does forgetting cost?")],
    )
    after = path.read_text("utf-8")
    assert added_lines(before, after) == ["  - does forgetting cost?"]
    assert after.endswith(
        f"{last}  # the last one\n  - does forgetting cost?\n\n# closing note for curators\n"
    )
    assert "  # about the reading\n\n# the examples follow\nexamples:\n" in after


def test_a_missing_list_or_file_is_created_in_the_files_own_layout(knowledge_copy: Path) -> None:
    (knowledge_copy / "overview.yaml").unlink()
    path = knowledge_copy / "tensions" / "calibration-vs-capability.yaml"
    head = path.read_text("utf-8").partition("examples:")[0].rstrip("\n")
    # Another common layout: list items flush with their key.
    flush = "\n".join(line[2:] if line.startswith("  - ") else line for line in head.split("\n"))
    flush = flush.replace("\n    ", "\n  ")
    path.write_text(flush + "  # last line\n# a closing comment\n", "utf-8")
    assert load_knowledge(knowledge_copy).ok
    before = path.read_text("utf-8")
    export(
        knowledge_copy,
        [
            Taught(
                1, Label.parse("tension:calibration-vs-capability"), "does honesty cost points?"
            ),
            Taught(2, Label.parse("list"), "what do you know about"),
        ],
    )
    assert added_lines(before, path.read_text("utf-8")) == [
        "examples:",
        "- does honesty cost points?",
    ]
    assert path.read_text("utf-8").endswith("- does honesty cost points?\n# a closing comment\n")
    overview = (knowledge_copy / "overview.yaml").read_text("utf-8")
    assert overview.splitlines()[1:] == ["examples:", "  - what do you know about"]


def test_an_export_that_would_not_load_writes_nothing(knowledge_copy: Path) -> None:
    before = snapshot(knowledge_copy)
    too_long = Taught(
        1, Label.parse("list"), "x" * 301
    )  # over the examples' bound, so the loader refuses
    with pytest.raises(ExportError, match=r"would not load.*nothing written"):
        export(knowledge_copy, [Taught(2, Label.parse("none"), "fine on its own"), too_long])
    assert snapshot(knowledge_copy) == before


def test_conflicts_and_unknown_answers_are_left_out_and_named(knowledge_copy: Path) -> None:
    example = load_or_raise(knowledge_copy).goals["capability"].examples[0]
    done = export(
        knowledge_copy,
        [
            Taught(1, Label.parse("list"), example),
            Taught(2, Label.parse("tension:gone"), "where did it go"),
            *TAUGHT[:1],
        ],
    )
    assert done.written == {"tensions/capability-vs-efficiency.yaml": [1]}
    assert done.skipped == [
        "#1: the files give the same text to goal:capability",
        "#2: 'tension:gone' is not in the knowledge",
    ]


def test_a_file_whose_layout_cannot_be_kept_is_left_alone(knowledge_copy: Path) -> None:
    path = knowledge_copy / "overview.yaml"
    path.write_text("examples:\n   -    odd   spacing\n", "utf-8")
    before = snapshot(knowledge_copy)
    done = export(
        knowledge_copy, [Taught(1, Label.parse("list"), "what do you cover"), *TAUGHT[:1]]
    )
    assert "cannot be written back without changing its layout" in done.skipped[0]
    assert done.written == {"tensions/capability-vs-efficiency.yaml": [1]}
    assert snapshot(knowledge_copy)[Path("overview.yaml")] == before[Path("overview.yaml")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_a_read_only_folder_is_an_error_and_unchanged(knowledge_copy: Path) -> None:
    before = snapshot(knowledge_copy)
    folder = knowledge_copy / "tensions"
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(ExportError, match="cannot write"):
            export(knowledge_copy, TAUGHT[:1])
    finally:
        folder.chmod(stat.S_IRWXU)
    assert snapshot(knowledge_copy) == before


def test_the_file_keeps_its_permissions(knowledge_copy: Path) -> None:
    path = knowledge_copy / "goals.yaml"
    path.chmod(0o640)
    export(knowledge_copy, [TAUGHT[2]])
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_broken_folder_is_not_exported_into(knowledge_copy: Path) -> None:
    (knowledge_copy / "goals.yaml").write_text("goals: [\n", "utf-8")
    with pytest.raises(ExportError, match="does not load"):
        export(knowledge_copy, TAUGHT)
    shutil.rmtree(knowledge_copy / "tensions")
