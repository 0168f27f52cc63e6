from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
from discord.gateway import DiscordWebSocket

from tests.discord.harness import Harness, bot_settings, point_discord_py_at
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
