"""Two real bot processes, one shard each, logging to one PostgreSQL database.

This is the deployment in compose.yaml, in miniature: ``tensionbot sync`` registers the
commands once, then two clusters start with TENSIONBOT_SYNC_COMMANDS=false. Questions
through both are logged, one moderator's ``/reload`` reaches both, ``SIGHUP`` reloads one.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from bot.storage import DatabaseURL, open_database
from bot.storage.ids import node_of
from tests.conftest import ROOT
from tests.discord_app.harness import TOKEN, launch
from tests.discord_app.scenes import MISSED, NEW_QUESTION, TAUGHT_AS, TITLE, add_tension
from tests.fakediscord import FakeDiscord
from tests.fakediscord import payloads as p

PER_CLUSTER = 30


async def run_cli(fake: FakeDiscord, knowledge: Path, *args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakediscord.launch",
        fake.api_base,
        fake.gateway_url,
        *args,
        cwd=ROOT,
        env={"DISCORD_TOKEN": TOKEN, "TENSIONBOT_KNOWLEDGE_DIR": str(knowledge), "PATH": ""},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode() + err.decode()


async def test_two_processes_two_shards_one_database(
    fake: FakeDiscord, knowledge_copy: Path, postgres_url: str, tmp_path: Path
) -> None:
    code, said = await run_cli(fake, knowledge_copy, "sync")
    assert code == 0, said
    assert "slash commands registered globally" in said
    code, said = await run_cli(fake, knowledge_copy, "sync")
    assert "unchanged" in said
    assert len(fake.calls("PUT", r"/applications/\d+/commands")) == 1

    ignored = tmp_path / "ignored.sqlite3"
    env = {
        "TENSIONBOT_DATABASE_URL": postgres_url,
        "TENSIONBOT_QUESTION_LOG_PATH": str(ignored),  # the URL wins
        "TENSIONBOT_SHARD_COUNT": "2",
        "TENSIONBOT_SYNC_COMMANDS": "false",
        "TENSIONBOT_COOLDOWN_RATE": "1000",
        "TENSIONBOT_REPEAT_WINDOW_SECONDS": "0",
        "TENSIONBOT_LOG_FORMAT": "json",
    }
    dms = await launch(fake, knowledge_copy, {**env, "TENSIONBOT_SHARD_IDS": "0"})
    guild = await launch(fake, knowledge_copy, {**env, "TENSIONBOT_SHARD_IDS": "1"})
    processes = (dms, guild)
    try:
        await fake.wait_until(lambda: fake.identifies == 2, timeout=30)
        asker = fake.person("gus")
        asked: list[str] = []
        before = len(fake.sent)
        for i in range(PER_CLUSTER):
            for dm in (True, False):
                text = f"does unlearning hurt capability? ({'dm' if dm else 'guild'} {i})"
                asked.append(text)
                await fake.say(asker, text, dm=dm, mention_bot=not dm)
        await fake.wait_until(lambda: len(fake.sent) >= before + len(asked), timeout=30)
        replied = fake.sent[before:]
        assert {m["channel_id"] for m in replied} == {str(p.DM_CHANNEL_ID), str(p.GENERAL_ID)}

        add_tension(knowledge_copy)
        moderator = fake.person("admin", manage_guild=True)
        done = await fake.slash(moderator, "reload")
        description = done.response["embeds"][0]["description"]
        assert description.startswith("Reloaded in 2 of 2 clusters."), description
        for dm in (True, False):
            answer = await fake.slash(asker, "ask", {"question": NEW_QUESTION}, dm=dm)
            asked.append(NEW_QUESTION)
            assert answer.response["embeds"][0]["title"] == "Calibration vs Efficiency"

        # A moderator teaches the guild's cluster a missed question; the DM cluster, another
        # process, answers with it after the broadcast.
        before = len(fake.sent)
        await fake.say(asker, MISSED, mention_bot=True)
        asked.append(MISSED)
        await fake.wait_until(lambda: len(fake.sent) > before, timeout=30)
        [missed] = [i for i, m in fake.messages.items() if m["content"].endswith(MISSED)]
        prompt = await fake.context_menu(moderator, "Teach tensionbot", fake.messages[missed])
        assert prompt.original is not None
        taught = await fake.choose(moderator, prompt.original, "tb:teach:pick", [TAUGHT_AS])
        description = taught.response["embeds"][0]["description"]
        assert "Reloaded in 2 of 2 clusters." in description, description
        answer = await fake.slash(asker, "ask", {"question": MISSED}, dm=True)
        asked.append(MISSED)
        assert answer.response["embeds"][0]["title"] == TITLE

        # SIGHUP: the DM cluster alone re-reads its folder.
        path = knowledge_copy / "tensions" / "unlearning-vs-capability.yaml"
        path.write_text(path.read_text("utf-8").replace("0.5-2%", "0.5-2.5%"), "utf-8")
        dms.send_signal(signal.SIGHUP)
        for _ in range(100):
            shown = await fake.slash(
                asker, "tension", {"name": "unlearning-vs-capability"}, dm=True
            )
            if "0.5-2.5%" in str(shown.response["embeds"][0]):
                break
            await asyncio.sleep(0.1)
        assert "0.5-2.5%" in str(shown.response["embeds"][0])
        other = await fake.slash(asker, "tension", {"name": "unlearning-vs-capability"})
        assert "0.5-2.5%" not in str(other.response["embeds"][0])

        for process in processes:
            process.send_signal(signal.SIGTERM)
        results = [await asyncio.wait_for(p.communicate(), 30) for p in processes]
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
    password = DatabaseURL.parse(postgres_url).password
    assert password is not None
    for process, (out, err) in zip(processes, results, strict=True):
        logs = out.decode() + err.decode()
        assert process.returncode == 0, logs[-3000:]
        assert password not in logs
        assert TOKEN not in logs
    assert '"msg": "reload ok (SIGHUP)"' in results[0][1].decode()
    assert len(fake.calls("PUT", r"/applications/\d+/commands")) == 1  # the clusters never did
    assert len(fake.calls("GET", r"/applications/\d+/commands")) == 2  # the two sync runs
    assert not ignored.exists()

    database = await open_database(DatabaseURL.parse(postgres_url), read_only=True)
    try:
        rows = await database.engine.fetch("SELECT id, text FROM questions")
    finally:
        await database.close()
    assert sorted(t for _, t in rows) == sorted(asked)  # every question, once
    assert len({node_of(i) for i, _ in rows}) == 2  # written by two processes
