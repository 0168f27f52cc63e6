"""Connection life: reconnects, command registration across restarts, the real process."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.discord_app.logs import JsonFormatter, RedactSecrets
from tests.conftest import ROOT
from tests.discord_app.harness import TOKEN, Harness, bot_settings, launch
from tests.fakediscord import FakeDiscord


async def test_reconnects_after_the_gateway_drops_and_answers(harness: Harness) -> None:
    fake = harness.fake
    nia = fake.person("nia")
    await fake.drop_connection(4000)
    await fake.wait_until(lambda: fake.resumes + fake.identifies >= 2, timeout=15)
    assert fake.resumes == 1  # resumed the session, not a new IDENTIFY
    before = len(fake.sent)
    await fake.say(nia, "does unlearning hurt capability?", mention_bot=True)
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == "Unlearning vs Capability"


async def test_commands_are_synced_once_not_again_on_restart(harness: Harness) -> None:
    fake = harness.fake
    assert len(fake.calls("PUT", r"/applications/\d+/commands")) == 1
    await harness.restart()
    assert len(fake.calls("GET", r"/applications/\d+/commands")) == 2  # compared both times
    assert len(fake.calls("PUT", r"/applications/\d+/commands")) == 1  # registered once
    # A new application (nothing registered) is synced again.
    fake.commands.clear()
    await harness.restart()
    assert len(fake.calls("PUT", r"/applications/\d+/commands")) == 2


async def test_a_changed_definition_is_synced_on_restart(harness: Harness) -> None:
    fake = harness.fake
    goals = harness.settings.knowledge_dir / "goals.yaml"
    goals.write_text(
        goals.read_text("utf-8").replace("in terms a person can inspect", "in plain terms"), "utf-8"
    )
    await harness.restart()
    assert len(fake.calls("PUT", r"/applications/\d+/commands")) == 2
    [command] = [c for c in fake.commands[None] if c["name"] == "interpretability"]
    assert command["description"].endswith("in plain terms.")


async def test_dev_guild_gets_the_commands_instead(fake: FakeDiscord, knowledge_copy: Path) -> None:
    from tests.fakediscord import payloads as p

    running = Harness(fake, bot_settings(knowledge_copy, dev_guild_id=p.GUILD_ID))
    await running.start()
    try:
        assert None not in fake.commands
        assert "ask" in {c["name"] for c in fake.commands[p.GUILD_ID]}
        done = await fake.slash(
            fake.person("oz"), "ask", {"question": "is interpretability expensive?"}
        )
        assert done.response["embeds"][0]["title"] == "Interpretability vs Efficiency"
    finally:
        await running.stop()


async def health(monkeypatch: pytest.MonkeyPatch, path: Path) -> tuple[int, str]:
    """``tensionbot health`` as the container runs it, beside the bot."""
    import contextlib
    import io

    from bot.cli import main

    monkeypatch.setenv("TENSIONBOT_HEARTBEAT_FILE", str(path))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = await asyncio.to_thread(main, ["health"])
    return code, out.getvalue().strip()


async def test_health_fails_when_the_gateway_stops_acknowledging_heartbeats(
    fake: FakeDiscord, knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.heartbeat_interval = 0.2
    heartbeat = tmp_path / "heartbeat"
    settings = bot_settings(knowledge_copy, heartbeat_file=heartbeat, heartbeat_seconds=0.05)
    running = Harness(fake, settings)
    await running.start()
    try:
        await fake.wait_until(lambda: fake.heartbeats >= 2)
        for _ in range(100):
            code, line = await health(monkeypatch, heartbeat)
            if code == 0:
                break
            await asyncio.sleep(0.05)
        assert code == 0, line
        assert line.startswith("healthy: Discord acknowledged a heartbeat")
        fake.zombie = True  # the socket stays open; nothing comes back
        seen = fake.heartbeats
        await fake.wait_until(lambda: fake.heartbeats >= seen + 3)
        code, line = await health(monkeypatch, heartbeat)
        assert code == 1, line
        assert line.startswith("unhealthy: Discord last acknowledged a heartbeat")
        fake.zombie = False  # acknowledgements again: healthy again
        seen = fake.heartbeats
        await fake.wait_until(lambda: fake.heartbeats >= seen + 2)
        await asyncio.sleep(0.2)
        code, line = await health(monkeypatch, heartbeat)
        assert code == 0, line
    finally:
        await running.stop()
    code, line = await health(monkeypatch, heartbeat)
    assert code == 1
    assert "no heartbeat" in line  # removed when the bot stops


async def test_a_cluster_of_shards_is_unhealthy_when_its_gateway_is_a_zombie(
    fake: FakeDiscord, knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake.heartbeat_interval = 0.2
    heartbeat = tmp_path / "heartbeat"
    settings = bot_settings(
        knowledge_copy,
        heartbeat_file=heartbeat,
        heartbeat_seconds=0.05,
        shard_count=2,
        shard_ids="0-1",
    )
    running = Harness(fake, settings)
    await running.start()
    try:
        await fake.wait_until(lambda: fake.heartbeats >= 4)
        for _ in range(100):
            code, line = await health(monkeypatch, heartbeat)
            if code == 0:
                break
            await asyncio.sleep(0.05)
        assert code == 0, line
        fake.zombie = True
        seen = fake.heartbeats
        await fake.wait_until(lambda: fake.heartbeats >= seen + 6)
        code, line = await health(monkeypatch, heartbeat)
        assert code == 1, line
    finally:
        await running.stop()


def test_redaction_covers_messages_arguments_extras_and_tracebacks() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token=%s", (TOKEN,), None)
    record.detail = f"header Bot {TOKEN}"
    try:
        raise RuntimeError(f"failed with {TOKEN}")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    RedactSecrets([TOKEN]).filter(record)
    line = JsonFormatter().format(record)
    assert TOKEN not in line
    assert line.count("[redacted]") >= 3


async def test_the_real_process_answers_and_stops_cleanly_on_sigterm(
    fake: FakeDiscord, knowledge_copy: Path, tmp_path: Path
) -> None:
    heartbeat = tmp_path / "heartbeat"
    process = await launch(
        fake,
        knowledge_copy,
        {
            "TENSIONBOT_HEARTBEAT_FILE": str(heartbeat),
            "TENSIONBOT_HEARTBEAT_SECONDS": "0.1",
            "TENSIONBOT_LOG_FORMAT": "json",
        },
    )
    try:
        await fake.wait_until(lambda: fake.identifies == 1, timeout=30)
        before = len(fake.sent)
        await fake.say(fake.person("pia"), "can we push the frontier cheaply?", mention_bot=True)
        reply = await fake.next_message(before, timeout=15)
        assert reply["embeds"][0]["title"] == "Frontier Capability vs Cost Efficiency"
        for _ in range(100):
            if heartbeat.exists():
                break
            await asyncio.sleep(0.05)
        assert heartbeat.exists()
        process.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    logs = err.decode()
    assert process.returncode == 0, logs[-2000:]
    assert TOKEN not in logs
    assert TOKEN not in out.decode()
    assert '"level": "WARNING"' not in logs, logs  # nothing to warn about (voice is not used)
    assert '"msg": "answered"' in logs
    assert '"msg": "stopped"' in logs
    assert not heartbeat.exists()


@pytest.mark.parametrize(
    ("token", "message"),
    [("", "DISCORD_TOKEN is not set"), ("not-a-token", "does not look like a bot token")],
)
async def test_missing_or_malformed_token_is_one_line_and_exit_2(
    fake: FakeDiscord, knowledge_copy: Path, token: str, message: str
) -> None:
    process = await launch(fake, knowledge_copy, {"DISCORD_TOKEN": token})
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    lines = err.decode().strip().splitlines()
    assert len(lines) == 1, lines
    assert message in lines[0]
    assert lines[0].count("DISCORD_TOKEN") == 1, lines[0]
    assert "Traceback" not in err.decode()
    assert fake.requests == []


async def test_rejected_token_is_exit_2(fake: FakeDiscord, knowledge_copy: Path) -> None:
    fake.fail("GET", "/users/@me", 401, times=1)
    process = await launch(fake, knowledge_copy, {})
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert "Discord rejected the token" in err.decode()
    assert TOKEN not in err.decode()


def explanation(stderr: bytes) -> list[str]:
    """The lines the bot itself wrote to explain why it stopped (logs are timestamped)."""
    return [line for line in stderr.decode().splitlines() if line.startswith("tensionbot:")]


@pytest.mark.parametrize(
    ("close", "exit_code", "words"),
    [
        (4004, 2, "Discord rejected the token (DISCORD_TOKEN, gateway close 4004)"),
        (4010, 2, "check TENSIONBOT_SHARD_COUNT and TENSIONBOT_SHARD_IDS"),
        (4011, 2, "set TENSIONBOT_SHARD_COUNT"),
        (4012, 4, "upgrade tensionbot"),
        (4013, 4, "intents as invalid"),
        (4014, 2, "enable the Message Content intent"),
    ],
)
async def test_a_fatal_gateway_close_is_one_line_and_a_documented_exit_code(
    fake: FakeDiscord, knowledge_copy: Path, close: int, exit_code: int, words: str
) -> None:
    fake.refuse_sessions = close
    process = await launch(fake, knowledge_copy, {})
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == exit_code, err.decode()[-2000:]
    [line] = explanation(err)
    assert words in line
    assert "Traceback" not in err.decode()
    assert TOKEN not in err.decode()


async def test_a_token_reset_while_running_is_exit_2(
    fake: FakeDiscord, knowledge_copy: Path
) -> None:
    process = await launch(fake, knowledge_copy, {})
    try:
        await fake.wait_until(lambda: fake.identifies == 1, timeout=30)
        fake.refuse_sessions = 4004  # the token was reset in the developer portal
        await fake.drop_connection(4000)  # the bot tries to resume with the old one
        _, err = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 2, err.decode()[-2000:]
    [line] = explanation(err)
    assert "Discord rejected the token" in line
    assert "Traceback" not in err.decode()


async def test_broken_knowledge_at_start_is_exit_1_with_every_problem(
    fake: FakeDiscord, knowledge_copy: Path
) -> None:
    (knowledge_copy / "tensions" / "a.yaml").write_text("", "utf-8")
    (knowledge_copy / "tensions" / "b.yaml").write_text("id: [\n", "utf-8")
    process = await launch(fake, knowledge_copy, {})
    _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1
    assert "tensions/a.yaml:1: file is empty" in err.decode()
    assert "tensions/b.yaml:" in err.decode()


async def test_a_failed_command_sync_does_not_stop_the_bot(
    fake: FakeDiscord, knowledge_copy: Path
) -> None:
    fake.fail("GET", r"/applications/\d+/commands", 404, times=1)  # cannot compare: syncs
    fake.fail("PUT", r"/applications/\d+/commands", 403, times=1)  # and cannot register
    running = Harness(fake, bot_settings(knowledge_copy))
    await running.start()
    try:
        before = len(fake.sent)
        await fake.say(fake.person("quin"), "does unlearning hurt capability?", mention_bot=True)
        reply = await fake.next_message(before)
        assert reply["embeds"][0]["title"] == "Unlearning vs Capability"
    finally:
        await running.stop()


async def test_a_command_that_no_longer_exists_gets_a_clear_reply(harness: Harness) -> None:
    fake = harness.fake
    done = await fake.slash(fake.person("rae"), "robustness")  # never registered by this bot
    assert done.ephemeral
    assert "no longer available" in done.response["embeds"][0]["description"]


async def test_unreachable_discord_is_one_line_and_exit_3(knowledge_copy: Path) -> None:
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "TENSIONBOT_KNOWLEDGE_DIR": str(knowledge_copy),
        "TENSIONBOT_QUESTION_LOG_PATH": "",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakediscord.launch",
        "http://127.0.0.1:9/api/v10",
        "ws://127.0.0.1:9/gateway",
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 3
    assert "cannot reach Discord" in err.decode()
    assert "Traceback" not in err.decode()
    assert TOKEN not in err.decode()
