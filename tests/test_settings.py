"""Settings for clusters and the shared store, and the commands that use them."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.cli import main
from bot.settings import Settings, describe_settings_error
from bot.storage import DatabaseURL
from bot.storage.questionlog import Entry, QuestionLog


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "ids"),
    [("0-3", (0, 1, 2, 3)), ("4,5,6,7", (4, 5, 6, 7)), ("0-1, 6", (0, 1, 6)), ("2", (2,))],
)
def test_shard_ids_read_as_ranges_or_lists(text: str, ids: tuple[int, ...]) -> None:
    assert settings(shard_count=8, shard_ids=text).shard_ids == ids


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"shard_ids": "0-3"}, "needs TENSIONBOT_SHARD_COUNT"),
        ({"shard_count": 4, "shard_ids": "2-5"}, "shard ids [4, 5] are outside 0-3"),
        ({"shard_count": 4, "shard_ids": "3-1"}, "runs backwards"),
        ({"shard_count": 0}, "greater than or equal to 1"),
        ({"database_url": "mysql://u:hunter2@h/db"}, "expected sqlite:///PATH"),
    ],
)
def test_bad_cluster_settings_are_one_clear_line(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        settings(**values)
    line = describe_settings_error(caught.value)
    assert message in line
    assert "hunter2" not in line


def test_the_database_url_wins_over_the_log_path(tmp_path: Path) -> None:
    assert settings().database() == DatabaseURL.sqlite(Path("data/questions.sqlite3"))
    assert settings(question_log_path="").database() is None
    both = settings(question_log_path=tmp_path / "q.sqlite3", database_url="postgresql://h/db")
    assert both.database() is not None
    assert both.database().engine == "postgresql"  # type: ignore[union-attr]
    assert "postgresql://h/db" not in repr(both)
    assert not settings().sharded
    assert settings().sync_commands


def test_stats_reads_postgresql_too(
    postgres_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def log_one() -> None:
        qlog = await QuestionLog.open(DatabaseURL.parse(postgres_url), retention_days=30)
        qlog.record(
            Entry(qlog.new_id(), time.time(), 1, 2, "slash", "what about robustness?", "none",
                  None, None, 0.0, False, "v1")
        )  # fmt: skip
        await qlog.close()

    asyncio.run(log_one())
    monkeypatch.setenv("TENSIONBOT_DATABASE_URL", postgres_url)
    assert main(["stats", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["unanswered"]["7"] == 1
    assert report["top_unanswered"][0]["example"] == "what about robustness?"


def test_stats_on_an_empty_postgresql_database_says_so(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Nothing logged yet is a state, not an error (issue 11): exit 0, and --json gets zeros.
    assert main(["stats", "--db", postgres_url]) == 0
    out = capsys.readouterr().out
    assert "No questions were logged yet (nothing in postgresql://tensionbot:***@" in out
    assert DatabaseURL.parse(postgres_url).password not in out  # type: ignore[operator]
    assert main(["stats", "--json", "--db", postgres_url]) == 0
    assert json.loads(capsys.readouterr().out)["answered"]["7"] == 0


def test_reload_needs_a_shared_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reload", "--db", str(tmp_path / "q.sqlite3")]) == 2
    assert "send it SIGHUP" in capsys.readouterr().err


def test_reload_with_no_cluster_running(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reload", "--db", postgres_url, "--wait", "0.2"]) == 1
    assert "no cluster is running against postgresql://tensionbot:***@" in capsys.readouterr().out
