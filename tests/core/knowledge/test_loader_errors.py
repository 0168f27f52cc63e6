"""Every kind of broken knowledge gives a clear message with file and line, never a traceback."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.knowledge.loader import KnowledgeError, load_knowledge, load_or_raise

Write = Callable[[str, str], Path]

VALID = """\
id: interpretability-vs-unlearning
goals: [interpretability, unlearning]
title: Interpretability vs Unlearning
summary: A test tension.
tradeoff: None known.
quantified: false
research:
  - Nobody yet.
"""


def messages(folder: Path) -> list[str]:
    result = load_knowledge(folder)
    assert result.knowledge is None, "expected the folder to be rejected"
    return [str(problem) for problem in result.problems]


def test_a_valid_new_tension_loads(knowledge_copy: Path, write: Write) -> None:
    write("tensions/new.yaml", VALID)
    result = load_knowledge(knowledge_copy)
    assert result.ok
    assert result.knowledge is not None
    assert "interpretability-vs-unlearning" in result.knowledge.tensions


def test_yaml_syntax_error_names_file_and_line(knowledge_copy: Path, write: Write) -> None:
    write("tensions/new.yaml", VALID.replace("quantified: false", "quantified: [false"))
    [message] = messages(knowledge_copy)
    assert message.startswith("knowledge/tensions/new.yaml:")
    assert "YAML syntax error" in message
    line = int(message.split(":")[1].split()[0])
    assert 6 <= line <= 9


def test_unknown_key_is_refused_with_a_suggestion(knowledge_copy: Path, write: Write) -> None:
    write("tensions/new.yaml", VALID.replace("summary:", "sumary:"))
    found = messages(knowledge_copy)
    assert any(
        m.startswith(
            "knowledge/tensions/new.yaml:4 sumary: unknown field (did you mean 'summary'?)"
        )
        for m in found
    )
    # The real field is then missing too; both are reported in the same pass.
    assert any("summary: required field is missing" in m for m in found)


def test_missing_field_names_it(knowledge_copy: Path, write: Write) -> None:
    write("tensions/new.yaml", VALID.replace("tradeoff: None known.\n", ""))
    assert messages(knowledge_copy) == [
        "knowledge/tensions/new.yaml:1 tradeoff: required field is missing"
    ]


def test_unknown_goal_suggests_the_closest(knowledge_copy: Path, write: Write) -> None:
    write(
        "tensions/new.yaml",
        VALID.replace(
            "goals: [interpretability, unlearning]", "goals: [interpretability, unlearnig]"
        ),
    )
    assert messages(knowledge_copy) == [
        "knowledge/tensions/new.yaml:2 goals[1]: "
        "unknown goal 'unlearnig' (did you mean 'unlearning'?)"
    ]


def test_unknown_goal_in_block_list_points_at_its_line(knowledge_copy: Path, write: Write) -> None:
    text = VALID.replace(
        "goals: [interpretability, unlearning]", "goals:\n  - interpretability\n  - efficency"
    )
    write("tensions/new.yaml", text)
    assert messages(knowledge_copy) == [
        "knowledge/tensions/new.yaml:4 goals[1]: "
        "unknown goal 'efficency' (did you mean 'efficiency'?)"
    ]


def test_same_goal_twice_is_refused(knowledge_copy: Path, write: Write) -> None:
    write(
        "tensions/new.yaml",
        VALID.replace("[interpretability, unlearning]", "[unlearning, unlearning]"),
    )
    [message] = messages(knowledge_copy)
    assert "goals: a tension needs two different goals" in message


def test_three_goals_is_refused(knowledge_copy: Path, write: Write) -> None:
    write(
        "tensions/new.yaml",
        VALID.replace(
            "[interpretability, unlearning]", "[interpretability, unlearning, capability]"
        ),
    )
    [message] = messages(knowledge_copy)
    assert "names exactly two goals" in message


def test_duplicate_tension_id_names_both_files(knowledge_copy: Path, write: Write) -> None:
    write(
        "tensions/new.yaml",
        VALID.replace("id: interpretability-vs-unlearning", "id: unlearning-vs-capability"),
    )
    [message] = messages(knowledge_copy)
    assert "duplicate tension id 'unlearning-vs-capability'" in message
    assert "knowledge/tensions/unlearning-vs-capability.yaml" in message


def test_duplicate_goal_pair_is_refused(knowledge_copy: Path, write: Write) -> None:
    write(
        "tensions/new.yaml",
        VALID.replace("[interpretability, unlearning]", "[efficiency, interpretability]"),
    )
    [message] = messages(knowledge_copy)
    assert "already have a tension (interpretability-vs-efficiency" in message


def test_duplicate_goal_id_is_refused(knowledge_copy: Path) -> None:
    goals = knowledge_copy / "goals.yaml"
    text = goals.read_text("utf-8") + (
        "  - id: efficiency\n    name: Again\n    description: Twice.\n    colour: '#000000'\n"
    )
    goals.write_text(text, "utf-8")
    [message] = messages(knowledge_copy)
    assert "duplicate goal id 'efficiency' (first defined on line" in message
    assert message.startswith("knowledge/goals.yaml:")


def test_duplicate_yaml_key_is_refused(knowledge_copy: Path, write: Write) -> None:
    write("tensions/new.yaml", VALID + "summary: a second summary\n")
    assert messages(knowledge_copy) == [
        "knowledge/tensions/new.yaml:9: duplicate key 'summary' (first on line 4)"
    ]


def test_over_long_text_names_the_limit(knowledge_copy: Path, write: Write) -> None:
    write("tensions/new.yaml", VALID.replace("A test tension.", "x" * 1500))
    [message] = messages(knowledge_copy)
    assert (
        message
        == "knowledge/tensions/new.yaml:4 summary: text is 1500 characters; the limit is 1000"
    )


def test_research_that_would_overflow_an_embed_field_is_refused(
    knowledge_copy: Path, write: Write
) -> None:
    points = "".join(f"  - {'word ' * 50}{i}\n" for i in range(6))
    write("tensions/new.yaml", VALID.replace("  - Nobody yet.\n", points))
    [message] = messages(knowledge_copy)
    assert "research: renders as" in message
    assert "at most 1024" in message


def test_bad_id_explains_the_rule(knowledge_copy: Path, write: Write) -> None:
    write(
        "tensions/new.yaml",
        VALID.replace("id: interpretability-vs-unlearning", "id: Interp VS Unlearning"),
    )
    [message] = messages(knowledge_copy)
    assert message == (
        "knowledge/tensions/new.yaml:1 id: 'Interp VS Unlearning' is not a valid tension id: "
        "use lowercase letters, digits and single hyphens, at most 32 characters"
    )  # a tension id never becomes a command, so nothing here may say it does


def test_bad_goal_id_says_it_is_also_a_command_name(knowledge_copy: Path) -> None:
    goals = knowledge_copy / "goals.yaml"
    goals.write_text(goals.read_text("utf-8").replace("id: unlearning", "id: Unlearning!"), "utf-8")
    found = messages(knowledge_copy)
    assert any(
        m.endswith(
            "goals[4].id: 'Unlearning!' is not a valid goal id: use lowercase letters, digits "
            "and single hyphens, at most 32 characters (a goal id is also its slash command's "
            "name)"
        )
        for m in found
    ), found


def test_bad_goal_reference_in_a_tension_is_called_a_goal_id(
    knowledge_copy: Path, write: Write
) -> None:
    write(
        "tensions/new.yaml", VALID.replace("[interpretability, unlearning]", "[Interp, unlearning]")
    )
    [message] = messages(knowledge_copy)
    assert "goals[0]: 'Interp' is not a valid goal id" in message


def test_goal_id_may_not_shadow_a_builtin_command(knowledge_copy: Path) -> None:
    goals = knowledge_copy / "goals.yaml"
    goals.write_text(goals.read_text("utf-8").replace("id: unlearning", "id: ask"), "utf-8")
    found = messages(knowledge_copy)
    assert any("goals[4].id: 'ask' is the name of a built-in command" in m for m in found)


def test_empty_file(knowledge_copy: Path, write: Write) -> None:
    write("tensions/new.yaml", "# nothing yet\n")
    assert messages(knowledge_copy) == ["knowledge/tensions/new.yaml:1: file is empty"]


def test_top_level_list_instead_of_mapping(knowledge_copy: Path, write: Write) -> None:
    write("tensions/new.yaml", "- id: x\n")
    assert messages(knowledge_copy) == [
        "knowledge/tensions/new.yaml:1: expected a mapping of fields at the top level, found a list"
    ]


def test_non_yaml_file_in_the_folder(knowledge_copy: Path, write: Write) -> None:
    write("tensions/notes.txt", "remember to add a tension\n")
    assert messages(knowledge_copy) == [
        "knowledge/tensions/notes.txt: not a YAML file: tension files end in .yaml"
    ]


def test_hidden_files_are_ignored(knowledge_copy: Path, write: Write) -> None:
    write("tensions/.new.yaml.swp", "\x00binary")
    assert load_knowledge(knowledge_copy).ok


def test_not_utf8(knowledge_copy: Path) -> None:
    (knowledge_copy / "tensions" / "new.yaml").write_bytes(b"id: x\ntitle: caf\xe9\n")
    [message] = messages(knowledge_copy)
    assert message.startswith("knowledge/tensions/new.yaml:2: not UTF-8 text")


@pytest.mark.skipif(
    os.geteuid() == 0 if hasattr(os, "geteuid") else True, reason="root reads anything"
)
def test_unreadable_file(knowledge_copy: Path, write: Write) -> None:
    path = write("tensions/new.yaml", VALID)
    path.chmod(0)
    [message] = messages(knowledge_copy)
    assert message.startswith("knowledge/tensions/new.yaml: cannot read file")


def test_unreadable_file_even_as_root(knowledge_copy: Path) -> None:
    """A directory named like a YAML file fails to read for everyone, root included."""
    (knowledge_copy / "tensions" / "new.yaml").mkdir()
    [message] = messages(knowledge_copy)
    assert message.startswith("knowledge/tensions/new.yaml:")
    assert "folder" in message


def test_yaml_aliases_are_refused(knowledge_copy: Path, write: Write) -> None:
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n'
    write("tensions/new.yaml", bomb)
    [message] = messages(knowledge_copy)
    assert "anchors and aliases" in message


def test_huge_file_is_refused_before_parsing(knowledge_copy: Path, write: Write) -> None:
    write("tensions/new.yaml", "# " + "😀" * 100_000)
    [message] = messages(knowledge_copy)
    assert "the limit is 262,144" in message


def test_three_broken_files_are_all_reported(knowledge_copy: Path, write: Write) -> None:
    write("tensions/a.yaml", VALID.replace("summary:", "sumary:"))
    write("tensions/b.yaml", "id: [unclosed\n")
    write("tensions/c.yaml", "")
    found = messages(knowledge_copy)
    files = {m.split(":")[0] for m in found}
    assert files == {
        "knowledge/tensions/a.yaml",
        "knowledge/tensions/b.yaml",
        "knowledge/tensions/c.yaml",
    }


def test_missing_folder_and_missing_goals(tmp_path: Path) -> None:
    assert messages(tmp_path / "nowhere") == ["nowhere: knowledge folder not found"]
    (tmp_path / "k" / "tensions").mkdir(parents=True)
    assert messages(tmp_path / "k") == ["k/goals.yaml: missing: the goals file is required"]


def test_unexpected_file_at_the_top(knowledge_copy: Path, write: Write) -> None:
    write("extra.yaml", "goals: []\n")
    [message] = messages(knowledge_copy)
    assert message.startswith("knowledge/extra.yaml: unexpected file")


def test_load_or_raise_carries_every_problem(knowledge_copy: Path, write: Write) -> None:
    write("tensions/a.yaml", "")
    write("tensions/b.yaml", "")
    with pytest.raises(KnowledgeError) as caught:
        load_or_raise(knowledge_copy)
    assert len(caught.value.problems) == 2


def test_hostile_text_in_a_file_is_reported_not_echoed_at_length(
    knowledge_copy: Path, write: Write
) -> None:
    write(
        "tensions/new.yaml",
        VALID.replace("id: interpretability-vs-unlearning", "id: '@everyone " + "💥" * 500 + "'"),
    )
    [message] = messages(knowledge_copy)
    assert len(message) < 300
    assert message == "knowledge/tensions/new.yaml:1 id: text is 510 characters; the limit is 32"


def test_a_goal_without_tension_is_a_warning_only(knowledge_copy: Path) -> None:
    goals = knowledge_copy / "goals.yaml"
    goals.write_text(
        goals.read_text("utf-8")
        + "  - id: robustness\n    name: Robustness\n    description: Holding up under attack.\n"
        "    colour: '#123456'\n",
        "utf-8",
    )
    result = load_knowledge(knowledge_copy)
    assert result.ok
    assert [str(w) for w in result.warnings] == [
        "knowledge/goals.yaml: goal 'robustness' has no tension yet"
    ]


def test_more_answers_than_the_matcher_learns_is_an_error_naming_the_limit(
    knowledge_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.core.knowledge.loader.MAX_ANSWERS", 10)
    [problem] = [str(p) for p in load_knowledge(knowledge_copy).problems]
    assert "5 tensions and 5 goals make 12 answers" in problem
    assert "learns at most 10" in problem
