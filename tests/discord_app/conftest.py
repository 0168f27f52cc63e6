from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.gateway import DiscordWebSocket

from tests.discord_app.harness import Harness, bot_settings, point_discord_py_at
from tests.fakediscord import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    base, gateway = point_discord_py_at(server)
    try:
        yield server
    finally:
        discord.http.Route.BASE = base
        DiscordWebSocket.DEFAULT_GATEWAY = gateway
        await server.stop()


@pytest.fixture
def settings_overrides() -> dict[str, object]:
    """Tests override settings by redefining this fixture or parametrising it."""
    return {}


@pytest.fixture
async def harness(
    fake: FakeDiscord, knowledge_copy: Path, settings_overrides: dict[str, object]
) -> AsyncIterator[Harness]:
    running = Harness(fake, bot_settings(knowledge_copy, **settings_overrides))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()
        assert fake.rejected == [], f"Discord would have refused: {fake.rejected}"


class Pair:
    def __init__(self, dm: Harness, guild: Harness, url: str) -> None:
        self.dm = dm  # shard 0: DMs
        self.guild = guild  # shard 1: the guild
        self.url = url

    @property
    def fake(self) -> FakeDiscord:
        return self.dm.fake


def cluster(fake: FakeDiscord, knowledge: Path, url: str, shard: int, **extra: Any) -> Harness:
    settings = bot_settings(
        knowledge, database_url=url, shard_count=2, shard_ids=str(shard), **extra
    )
    return Harness(fake, settings)


@pytest.fixture
async def pair(fake: FakeDiscord, knowledge_copy: Path, postgres_url: str) -> AsyncIterator[Pair]:
    dm = cluster(fake, knowledge_copy, postgres_url, 0, reload_check_seconds=60.0)
    guild = cluster(fake, knowledge_copy, postgres_url, 1, sync_commands=False)
    await dm.start()
    await guild.start()
    try:
        yield Pair(dm, guild, postgres_url)
    finally:
        await guild.stop()
        await dm.stop()
        assert fake.rejected == [], f"Discord would have refused: {fake.rejected}"
