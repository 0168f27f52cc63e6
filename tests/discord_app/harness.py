"""Run the real bot against the fake Discord, in the test's event loop."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket

from bot.core.serving.store import KnowledgeStore
from bot.discord_app.client import TensionBot, make_bot
from bot.settings import Settings
from tests.conftest import ROOT
from tests.fakediscord import FakeDiscord
from tests.fakediscord import payloads as p

TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GfakeT.abcdefghijklmnopqrstuvwxyz0123456789"


def bot_settings(knowledge_dir: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "DISCORD_TOKEN": TOKEN,
        "knowledge_dir": knowledge_dir,
        "answer_channel_ids": frozenset({p.ASK_ID}),
        "moderator_role_ids": frozenset({p.MOD_ROLE_ID}),
        "cooldown_rate": 100,
        "cooldown_seconds": 60.0,
        "repeat_window_seconds": 0.0,
        "question_log_path": None,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


def point_discord_py_at(fake: FakeDiscord) -> tuple[str, yarl.URL]:
    """Aim discord.py's own URL building at the fake; returns what was there before."""
    before = (discord.http.Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    discord.http.Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    return before


class Harness:
    """One bot process's worth of state: start, restart, stop."""

    def __init__(self, fake: FakeDiscord, settings: Settings) -> None:
        self.fake = fake
        self.settings = settings
        self.bot: TensionBot | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> TensionBot:
        store, problems = KnowledgeStore.open(self.settings.knowledge_dir)
        assert store is not None, problems
        bot = make_bot(self.settings, store, guild_ready_timeout=0.05)
        self.bot = bot
        self._task = asyncio.create_task(bot.start(TOKEN))
        ready = asyncio.create_task(bot.wait_until_ready())
        done, _ = await asyncio.wait(
            {ready, self._task}, timeout=15, return_when=asyncio.FIRST_COMPLETED
        )
        if self._task in done:
            self._task.result()  # raises what went wrong
        assert ready in done, "the bot did not become ready"
        return bot

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            await asyncio.wait_for(self._task, 10)
        self.bot = None
        self._task = None

    async def restart(self) -> TensionBot:
        await self.stop()
        return await self.start()


async def launch(
    fake: FakeDiscord, knowledge: Path, env_extra: dict[str, str]
) -> asyncio.subprocess.Process:
    """``tensionbot run`` in a process of its own, aimed at the fake (see launch.py)."""
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "TENSIONBOT_KNOWLEDGE_DIR": str(knowledge),
        "TENSIONBOT_QUESTION_LOG_PATH": "",
        "TENSIONBOT_LOG_LEVEL": "DEBUG",
        **env_extra,
    }
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.fakediscord.launch",
        fake.api_base,
        fake.gateway_url,
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


SENTINEL = "does unlearning hurt capability?"
SENTINEL_TITLE = "Unlearning vs Capability"


async def assert_silent(fake: FakeDiscord, before: int, *, channel_id: int = p.GENERAL_ID) -> None:
    """Nothing was sent since ``before``, for the messages said since then.

    A sentinel question that the bot must answer is asked after them, in the same channel,
    by someone new, and its answer must be the first message since ``before``, and the only
    one. The bot reads events in the order the gateway sends them and decides about each
    before it awaits anything, so a wrong answer to an earlier message would be on its way
    first. Unlike sleeping, this cannot pass because the bot is merely slow, and it does
    not wait when the bot is fast.
    """
    asked = await fake.say(
        fake.person("sentinel"), SENTINEL, mention_bot=True, channel_id=channel_id
    )
    reply = await fake.next_message(before)
    assert reply.get("replied_to") == asked, fake.sent[before:]
    assert reply["embeds"][0]["title"] == SENTINEL_TITLE
    assert len(fake.sent) == before + 1, fake.sent[before:]
