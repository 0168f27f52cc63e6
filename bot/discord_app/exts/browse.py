"""Browsing the knowledge: ``/tension`` with autocomplete, and ``/tensions``."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ...core.knowledge.label import Kind
from ...core.knowledge.model import Knowledge
from ...core.matching.answer import Answer
from ...core.rendering.render import answer_card, list_card
from ...core.serving.autocomplete import complete, resolve_tension
from ..answering import Asked
from ..checks import PUBLIC_DESCRIPTION, anywhere
from ..client import TensionBot

log = logging.getLogger(__name__)

MAP_FILENAME = "tension-map.png"
MAP_SECONDS = 2.0


class Browse(commands.Cog):
    def __init__(self, bot: TensionBot) -> None:
        self.bot = bot

    @app_commands.command(name="tension", description="Show one goal tension")
    @app_commands.describe(
        name="Start typing: a goal, a title, or a term like SAE or ROME",
        public=PUBLIC_DESCRIPTION,
    )
    @anywhere()
    async def tension(
        self,
        interaction: discord.Interaction[Any],
        name: app_commands.Range[str, 1, 100],
        public: bool = False,
    ) -> None:
        started = time.perf_counter()
        snapshot = self.bot.store.snapshot
        answer = resolve_tension(snapshot, name)
        card = answer_card(snapshot.knowledge, answer)
        answerer = self.bot.answerer
        await answerer.respond(
            interaction,
            card,
            Asked(answer, "slash", started),
            ephemeral=answerer.only_asker(interaction, public),
        )

    @tension.autocomplete("name")
    async def tension_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=label, value=value)
            for label, value in complete(self.bot.store.snapshot, current)
        ]

    @app_commands.command(name="tensions", description="List every documented goal tension")
    async def tensions(self, interaction: discord.Interaction[Any]) -> None:
        started = time.perf_counter()
        snapshot = self.bot.store.snapshot
        answer = Answer("/tensions", Kind.LIST, 1.0)
        card = list_card(snapshot.knowledge)
        await self.bot.answerer.respond(
            interaction,
            card,
            Asked(answer, "slash", started),
            file=await map_file(snapshot.knowledge),
        )


async def map_file(knowledge: Knowledge) -> discord.File | None:
    """The tension map, rendered off the event loop (cached per knowledge version).

    The answer must reach Discord within three seconds; a map that takes longer is left out
    of this answer rather than making it late, and is ready from the cache for the next.
    """
    from ...core.rendering.tension_map import render  # Pillow is loaded only once a map is wanted

    try:
        rendered = await asyncio.wait_for(asyncio.to_thread(render, knowledge), MAP_SECONDS)
    except TimeoutError:
        log.warning("tension map took over %.1f s; sent the list without it", MAP_SECONDS)
        return None
    return discord.File(io.BytesIO(rendered.png), filename=MAP_FILENAME)


async def setup(bot: TensionBot) -> None:
    await bot.add_cog(Browse(bot))
