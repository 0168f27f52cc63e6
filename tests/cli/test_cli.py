"""The tensionbot command as a person runs it: exit codes, standard output, messages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.cli import main
from bot.core.knowledge.label import Label
from tests.conftest import BUNDLED

Write = Callable[[str, str], Path]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_bundled(capsys: pytest.CaptureFixture[str], bundled_dir: Path) -> None:
    code, out, _ = run(capsys, "check", str(bundled_dir))
    assert code == 0
    assert "OK, 5 goals and 5 tensions" in out


def test_check_lists_every_broken_file(
    capsys: pytest.CaptureFixture[str], knowledge_copy: Path, write: Write
) -> None:
    write("tensions/a.yaml", "id: a\nsumary: x\n")
    write("tensions/b.yaml", "id: [\n")
    write("tensions/c.txt", "notes")
    code, out, _ = run(capsys, "check", str(knowledge_copy))
    assert code == 1
    for name in ("a.yaml", "b.yaml", "c.txt"):
        assert f"knowledge/tensions/{name}" in out
    assert "nothing was loaded" in out.splitlines()[-1]
    assert "Traceback" not in out


def test_list(capsys: pytest.CaptureFixture[str], bundled_dir: Path) -> None:
    code, out, _ = run(capsys, "--knowledge", str(bundled_dir), "list")
    assert code == 0
    assert (
        "interpretability-vs-capability  Interpretability vs Capability  (not yet quantified)"
        in out
    )
    assert "calibration" in out


def test_show_prints_the_tension_with_its_figures(
    capsys: pytest.CaptureFixture[str], bundled_dir: Path
) -> None:
    code, out, _ = run(
        capsys, "--knowledge", str(bundled_dir), "show", "interpretability-vs-efficiency"
    )
    assert code == 0
    assert out.startswith("Goal tension\nInterpretability vs Efficiency\n")
    assert "~10-100x compute overhead" in out
    assert "Active research" in out
    assert "https://arxiv.org/abs/2309.08600" in out
    assert "**" not in out  # markdown is for Discord, not the terminal


def test_show_unknown_id_suggests(capsys: pytest.CaptureFixture[str], bundled_dir: Path) -> None:
    code, out, err = run(capsys, "--knowledge", str(bundled_dir), "show", "calibraton")
    assert code == 1
    assert out == ""
    assert "Did you mean: calibration" in err


def test_broken_knowledge_is_reported_not_raised(
    capsys: pytest.CaptureFixture[str], knowledge_copy: Path, write: Write
) -> None:
    write("tensions/a.yaml", "")
    code, out, err = run(capsys, "--knowledge", str(knowledge_copy), "list")
    assert code == 1
    assert out == ""
    assert "knowledge/tensions/a.yaml:1: file is empty" in err


def test_module_entry_point_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "OK" in done.stdout


def test_ask_prints_the_answer(capsys: pytest.CaptureFixture[str], bundled_dir: Path) -> None:
    code, out, err = run(
        capsys, "--knowledge", str(bundled_dir), "ask", "does running an SAE slow inference down?"
    )
    assert code == 0
    assert "Interpretability vs Efficiency" in out
    assert "~10-100x compute overhead" in out
    assert err == ""


def test_ask_joins_unquoted_words(capsys: pytest.CaptureFixture[str], bundled_dir: Path) -> None:
    code, out, _ = run(
        capsys, "--knowledge", str(bundled_dir), "ask", "calibration", "vs", "capability"
    )
    assert code == 0
    assert out.count("Goal tension") == 1
    assert "1-3% lower" in out


def test_ask_off_topic_does_not_echo_the_question(
    capsys: pytest.CaptureFixture[str], bundled_dir: Path
) -> None:
    code, out, _ = run(capsys, "--knowledge", str(bundled_dir), "ask", "who wants pizza")
    assert code == 0
    assert "No matching tension" in out
    assert "pizza" not in out
    assert "Try 'tensionbot list' for the full list" in out  # the terminal's own command
    assert "/tensions" not in out  # not the Discord one


def test_ask_json_one_line_per_argument(
    capsys: pytest.CaptureFixture[str], bundled_dir: Path
) -> None:
    code, out, err = run(
        capsys,
        "--knowledge",
        str(bundled_dir),
        "ask",
        "--json",
        "can we push the frontier cheaply",
        "lol",
    )
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["kind"] for line in lines] == ["tension", "none"]
    assert lines[0]["tension"] == "capability-vs-efficiency"
    assert lines[0]["goals"] == ["capability", "efficiency"]
    assert set(lines[1]) == {
        "question",
        "kind",
        "tension",
        "goal",
        "goals",
        "score",
        "alternatives",
        "more",
    }
    assert err == ""


def test_ask_json_from_stdin_keeps_one_line_per_question(bundled_dir: Path) -> None:
    questions = [
        "what does unlearning trade off against?",
        "",
        "@everyone",
        "😀" * 3000,
        "list tensions",
    ]
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--knowledge", str(bundled_dir), "ask", "--json", "-"],
        input="\n".join(questions) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["question"] for line in lines] == questions
    assert [line["kind"] for line in lines] == ["goal", "none", "none", "none", "list"]


CONVERSATION = ("ask", "--json", "--conversation", "-")


def ask_conversation(bundled_dir: Path, lines: list[str]) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--knowledge", str(bundled_dir), *CONVERSATION],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_ask_json_conversation_answers_follow_ups_and_restarts_on_an_empty_line(
    bundled_dir: Path,
) -> None:
    lines = [
        "does running an SAE slow inference down?",
        "how much exactly?",
        "what about capability?",
        "",  # a new conversation: nothing printed, and nothing to lean on
        "how much exactly?",
        "   ",
        "why?",
    ]
    out = ask_conversation(bundled_dir, lines)
    assert [o["question"] for o in out] == [line for line in lines if line.strip()]
    got = [(o["kind"], o["tension"] or o["goal"], o["section"], o["follow_up"]) for o in out]
    assert got == [
        ("tension", "interpretability-vs-efficiency", None, False),
        ("tension", "interpretability-vs-efficiency", "tradeoff", True),
        ("tension", "interpretability-vs-capability", None, True),
        ("none", None, None, False),
        ("none", None, None, False),
    ]
    # Today's fields, unchanged, plus the two new ones.
    assert set(out[0]) == {
        "question",
        "kind",
        "tension",
        "goal",
        "goals",
        "score",
        "alternatives",
        "more",
        "follow_up",
        "section",
    }


def test_ask_json_without_conversation_answers_each_line_alone(bundled_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--knowledge", str(bundled_dir), "ask", "--json", "-"],
        input="does running an SAE slow inference down?\nhow much exactly?\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    out = [json.loads(line) for line in done.stdout.splitlines()]
    assert [o["kind"] for o in out] == ["tension", "none"]
    assert "follow_up" not in out[1]


def test_ask_without_a_question_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], bundled_dir: Path
) -> None:
    code, out, err = run(capsys, "--knowledge", str(bundled_dir), "ask")
    assert code == 2
    assert out == ""
    assert "needs a question" in err


def test_chat_answers_until_quit(bundled_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--knowledge", str(bundled_dir), "chat"],
        input="is interpretability expensive?\n\nquit\nlist tensions\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("Goal tension") == 1
    assert "Goal tensions" not in done.stdout  # nothing after quit


def test_chat_keeps_the_context_between_lines(bundled_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--knowledge", str(bundled_dir), "chat"],
        input="do calibrated models score lower on benchmarks?\nany papers?\nwhy?\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Calibration vs Benchmark Capability · Further reading" in out
    assert "Calibration vs Benchmark Capability · Why" in out
    assert "No matching tension" not in out


def test_stats_text_names_tensions_from_the_configured_knowledge(
    capsys: pytest.CaptureFixture[str],
    knowledge_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    import time

    from bot.storage.questionlog import Entry, QuestionLog

    async def log_one() -> None:
        qlog = await QuestionLog.open(tmp_path / "q.sqlite3", retention_days=30)
        qlog.record(
            Entry(
                qlog.new_id(),
                time.time(),
                1,
                2,
                "slash",
                "is it expensive?",
                "tension",
                "interpretability-vs-efficiency",
                None,
                0.9,
                True,
                "v1",
            )
        )
        await qlog.close()

    asyncio.run(log_one())
    path = knowledge_copy / "tensions" / "interpretability-vs-efficiency.yaml"
    path.write_text(
        path.read_text("utf-8").replace("title: Interpretability vs Efficiency", "title: Renamed"),
        "utf-8",
    )
    monkeypatch.setenv("TENSIONBOT_KNOWLEDGE_DIR", str(knowledge_copy))
    code, out, _ = run(capsys, "stats", "--db", str(tmp_path / "q.sqlite3"))
    assert code == 0
    assert "1 · Renamed" in out


@pytest.mark.parametrize(
    ("name", "image_format"), [("map.png", "PNG"), ("map.JPG", "JPEG"), ("m.webp", "WEBP")]
)
def test_map_writes_what_the_extension_says(
    capsys: pytest.CaptureFixture[str],
    bundled_dir: Path,
    tmp_path: Path,
    name: str,
    image_format: str,
) -> None:
    from PIL import Image

    code, out, err = run(capsys, "--knowledge", str(bundled_dir), "map", str(tmp_path / name))
    assert code == 0, err
    assert f"({image_format}, " in out
    with Image.open(tmp_path / name) as image:
        assert image.format == image_format
        assert image.size == (1200, 900)


def test_map_refuses_an_extension_it_cannot_write(
    capsys: pytest.CaptureFixture[str], bundled_dir: Path, tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--knowledge", str(bundled_dir), "map", str(tmp_path / "m.gif"))
    assert code == 2
    assert out == ""
    assert (
        err.strip()
        == "tensionbot: map writes .png, .jpg, .jpeg, .webp files; 'm.gif' names none of them"
    )
    assert not (tmp_path / "m.gif").exists()


def test_map_into_a_missing_folder_is_one_line(
    capsys: pytest.CaptureFixture[str], bundled_dir: Path
) -> None:
    code, out, err = run(capsys, "--knowledge", str(bundled_dir), "map", "/nonexistent/dir/x.png")
    assert code == 1
    assert out == ""
    assert (
        err.strip() == "tensionbot: cannot write /nonexistent/dir/x.png: No such file or directory"
    )


def test_stats_before_anything_was_logged(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, bundled_dir: Path
) -> None:
    missing = str(tmp_path / "data" / "questions.sqlite3")
    code, out, err = run(capsys, "stats", "--json", "--days", "14", "--db", missing)
    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["answered"] == {"7": 0, "14": 0, "30": 0}
    assert report["unanswered"] == {"7": 0, "14": 0, "30": 0}
    assert report["top_unanswered"] == []
    assert report["answers"] == {}
    assert report["helpful"] == {}
    code, out, err = run(capsys, "--knowledge", str(bundled_dir), "stats", "--db", missing)
    assert (code, err) == (0, "")
    assert out.startswith("No questions were logged yet")


def test_learned_lists_removes_and_exports(
    capsys: pytest.CaptureFixture[str],
    knowledge_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    from bot.core.knowledge.loader import load_or_raise
    from bot.curation.teaching import teach
    from bot.storage import DatabaseURL, open_database

    db = tmp_path / "q.sqlite3"
    missed = "can you be both the best and the cheapest?"

    async def teach_two() -> None:
        database = await open_database(DatabaseURL.sqlite(db))
        knowledge = load_or_raise(knowledge_copy)
        try:
            for label, text in (
                (Label.tension("capability-vs-efficiency"), missed),
                (Label.LIST, "menu?"),
            ):
                await teach(
                    database, knowledge, label=label, text=text, guild_id=7, moderator="a1b2c3"
                )
        finally:
            await database.close()

    monkeypatch.setenv("TENSIONBOT_KNOWLEDGE_DIR", str(knowledge_copy))
    code, out, _ = run(capsys, "learned", "list", "--db", str(db))
    assert (code, out.splitlines()[0]) == (0, "Taught examples (0): none yet")
    asyncio.run(teach_two())

    code, out, _ = run(capsys, "learned", "list", "--db", str(db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Taught examples (2):"
    assert lines[1].startswith("  #1 ")
    assert lines[1].endswith("Frontier Capability vs Cost Efficiency")
    assert lines[2] == f'         "{missed}"  (guild 7, by a1b2c3)'
    assert "Audit trail (latest 2, newest first):" in out
    assert "taught  #2     the list of all tensions" in out

    code, _, err = run(capsys, "learned", "remove", "9", "--db", str(db))
    assert (code, err.strip()) == (1, "no taught example #9")
    code, out, _ = run(capsys, "learned", "remove", "2", "--db", str(db))
    assert code == 0
    assert out.startswith('removed #2 (list): "menu?"')

    into = tmp_path / "exported"
    shutil.copytree(knowledge_copy, into)
    code, out, err = run(capsys, "learned", "export", "--into", str(into), "--db", str(db))
    assert code == 0, err
    assert f"wrote 1 example into 1 file of {into}:" in out
    assert "  tensions/capability-vs-efficiency.yaml: #1" in out
    assert missed in (into / "tensions" / "capability-vs-efficiency.yaml").read_text("utf-8")
    assert (knowledge_copy / "tensions" / "capability-vs-efficiency.yaml").read_text("utf-8") == (
        BUNDLED / "tensions" / "capability-vs-efficiency.yaml"
    ).read_text("utf-8")

    code, out, _ = run(capsys, "--knowledge", str(into), "learned", "list", "--db", str(db))
    assert "[in the knowledge files too]" in out
    code, out, _ = run(capsys, "learned", "export", "--into", str(into), "--db", str(db))
    assert (code, out.splitlines()[0]) == (0, "already in the files: #1")


def test_check_reports_a_schema_error_and_an_unknown_goal_in_one_file(
    capsys: pytest.CaptureFixture[str], knowledge_copy: Path
) -> None:
    path = knowledge_copy / "tensions" / "interpretability-vs-efficiency.yaml"
    text = path.read_text("utf-8")
    text = text.replace("quantified: true", "quantified: maybe")
    text = text.replace(
        "goals: [interpretability, efficiency]", "goals: [interpretability, efficency]"
    )
    path.write_text(text, "utf-8")
    code, out, err = run(capsys, "check", str(knowledge_copy))
    assert code == 1
    shown = out + err
    assert "quantified: expected true or false, found 'maybe'" in shown
    assert "goals[1]: unknown goal 'efficency' (did you mean 'efficiency'?)" in shown
    assert "2 problems" in shown


@pytest.mark.parametrize("days", ["0", "-5"])
def test_stats_refuses_a_window_of_no_days(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, days: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["stats", "--days", days, "--db", str(tmp_path / "q.sqlite3")])
    assert exited.value.code == 2
    assert "--days: must be 1 or more" in capsys.readouterr().err
