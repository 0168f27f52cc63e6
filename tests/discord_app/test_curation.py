"""The curators' loop through Discord: logged questions, votes, /stats, the map."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bot.storage.sqlite import SqliteEngine
from tests.conftest import ROOT
from tests.discord_app.harness import Harness
from tests.fakediscord import payloads as p


@pytest.fixture
def settings_overrides(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, object]:
    return getattr(request, "param", None) or {
        "question_log_path": tmp_path / "data" / "questions.sqlite3"
    }


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {c["label"]: c["custom_id"] for row in message["components"] for c in row["components"]}


async def test_questions_are_logged_and_votes_counted(harness: Harness) -> None:
    fake = harness.fake
    ann, ben = fake.person("ann"), fake.person("ben")
    before = len(fake.sent)
    await fake.say(ann, "is interpretability expensive?", mention_bot=True)
    reply = await fake.next_message(before)
    votes = buttons(reply)
    assert {"Helpful", "Not helpful"} <= set(votes)
    first = await fake.press(ann, reply, votes["Helpful"])
    assert first.ephemeral
    assert "Noted as helpful" in first.response["embeds"][0]["description"]
    await fake.press(ann, reply, votes["Not helpful"])  # changed their mind
    await fake.press(ben, reply, votes["Helpful"])
    # Chatter in an opted-in channel: not answered, and not a gap in the knowledge either.
    await fake.say(ann, "who is bringing snacks to the meetup?", channel_id=p.ASK_ID)
    await fake.slash(ann, "ask", {"question": "what is the airspeed of a swallow?"})
    await harness.bot.answerer.log.flush()  # type: ignore[union-attr]
    path = harness.settings.question_log_path
    assert path is not None
    with sqlite3.connect(path) as db:
        stored = db.execute("SELECT route, kind, answered FROM questions ORDER BY id").fetchall()
        feedback = db.execute("SELECT helpful FROM feedback ORDER BY helpful").fetchall()
        every_value = " ".join(str(v) for row in db.execute("SELECT * FROM questions") for v in row)
    assert stored == [("mention", "tension", 1), ("slash", "none", 0)]
    assert feedback == [(0,), (1,)]
    assert ann["id"] not in every_value
    assert ben["id"] not in every_value


async def test_stats_for_moderators_groups_unanswered_questions(harness: Harness) -> None:
    fake = harness.fake
    asker = fake.person("cy")
    for text in (
        "who is the best football player?",
        "Who is the best football player",
        "favourite pizza?",
    ):
        await fake.slash(asker, "ask", {"question": text})
    await fake.slash(asker, "ask", {"question": "does unlearning hurt capability?"})
    refused = await fake.slash(fake.person("dee"), "stats")
    assert "Manage Server or a moderator role" in refused.response["embeds"][0]["description"]
    done = await fake.slash(fake.person("mod", roles=(p.MOD_ROLE_ID,)), "stats")
    assert done.callbacks[0]["type"] == 5  # deferred, then the thinking message is edited
    edits, followups = fake.completions(done)
    assert (len(edits), followups) == (1, [])
    assert done.ephemeral
    embed = done.response["embeds"][0]
    assert "**7 days**: 4 questions, 1 answered, 3 unanswered" in embed["description"]
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    gaps = fields["Most asked, not answered (last 30 days)"].splitlines()
    assert gaps[0].startswith("1. 2× ")
    assert "football" in gaps[0]
    assert "(+1 similar)" in gaps[0]
    assert "1 · Unlearning vs Capability" in fields["Answers given (last 30 days)"]
    [command] = [c for c in fake.commands[None] if c["name"] == "stats"]
    assert command["default_member_permissions"] == str(1 << 5)


async def test_tensions_attaches_the_map(harness: Harness) -> None:
    fake = harness.fake
    done = await fake.slash(fake.person("eli"), "tensions")
    embed = done.response["embeds"][0]
    assert embed["image"]["url"] == "attachment://tension-map.png"
    [call] = fake.calls("POST", r"/interactions/\d+/[^/]+/callback")[-1:]
    [(_, filename, data)] = call.files
    assert filename == "tension-map.png"
    assert Image.open(io.BytesIO(data)).size == (1200, 900)


@pytest.mark.parametrize(
    "settings_overrides",
    [{"question_log_path": Path("/proc/no-such-folder/questions.sqlite3")}],
    indirect=True,
)
async def test_the_bot_answers_when_the_database_cannot_be_opened(harness: Harness) -> None:
    fake = harness.fake
    assert harness.bot.answerer.log is not None  # type: ignore[union-attr]
    assert not harness.bot.answerer.log.available  # type: ignore[union-attr]
    before = len(fake.sent)
    await fake.say(fake.person("flo"), "does unlearning hurt capability?", mention_bot=True)
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == "Unlearning vs Capability"
    assert "Helpful" not in buttons(reply)  # no log, so no votes to collect
    stats = await fake.slash(fake.person("mod", roles=(p.MOD_ROLE_ID,)), "stats")
    assert "question log is off or unavailable" in stats.response["embeds"][0]["description"]


async def test_the_bot_answers_when_the_database_goes_read_only(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    questions = harness.bot.answerer.log  # type: ignore[union-attr]
    assert questions is not None
    assert questions.database is not None
    engine = questions.database.engine
    assert isinstance(engine, SqliteEngine)
    await engine.connection.execute("PRAGMA query_only = ON")
    fake = harness.fake
    before = len(fake.sent)
    await fake.say(fake.person("hana"), "does unlearning hurt capability?", mention_bot=True)
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == "Unlearning vs Capability"
    await questions.flush()
    assert any("could not write the question log" in r.getMessage() for r in caplog.records)
    await fake.say(fake.person("hana"), "is interpretability expensive?", mention_bot=True)
    nxt = await fake.next_message(before + 1)
    assert nxt["embeds"][0]["title"] == "Interpretability vs Efficiency"


async def test_a_missing_folder_is_created(harness: Harness) -> None:
    path = harness.settings.question_log_path
    assert path is not None
    assert path.parent.name == "data"  # did not exist before the bot started
    assert path.exists()


async def test_cli_stats_reads_the_same_log(harness: Harness) -> None:
    fake = harness.fake
    await fake.slash(fake.person("gil"), "ask", {"question": "what is for lunch today?"})
    await fake.slash(fake.person("gil"), "ask", {"question": "is interpretability expensive?"})
    await harness.bot.answerer.log.flush()  # type: ignore[union-attr]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "stats",
            "--json",
            "--db",
            str(harness.settings.question_log_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["answered"]["7"] == 1
    assert report["unanswered"]["7"] == 1
    assert report["top_unanswered"][0]["example"] == "what is for lunch today?"
