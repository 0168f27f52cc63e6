"""``/about`` and ``/help``: what the bot is, what it knows, and how to ask it."""

from __future__ import annotations

import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ... import __version__
from ..client import TensionBot


def _duration(seconds: float) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h {minutes}m" if days else f"{hours}h {minutes}m"


class Meta(commands.Cog):
    def __init__(self, bot: TensionBot) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="Version, what the bot knows, and since when")
    async def about(self, interaction: discord.Interaction[Any]) -> None:
        snapshot = self.bot.store.snapshot
        knowledge = snapshot.knowledge
        loaded = int(snapshot.loaded_at.timestamp())
        embed = discord.Embed(
            title="tensionbot",
            description="Answers questions about the known tradeoffs between AI-research goals.",
            colour=discord.Colour.blurple(),
        )
        embed.add_field(name="Version", value=__version__)
        embed.add_field(name="Goals", value=str(len(knowledge.goals)))
        embed.add_field(name="Tensions", value=str(len(knowledge.tensions)))
        embed.add_field(
            name="Knowledge", value=f"version `{snapshot.version}`, loaded <t:{loaded}:R>"
        )
        embed.add_field(name="Up", value=_duration(time.monotonic() - self.bot.started))
        embed.set_footer(text="Ask with /ask, a mention, or a DM · /help")
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="help", description="How to ask the bot")
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        goals = " ".join(f"`/{g}`" for g in self.bot.store.snapshot.knowledge.goals)
        embed = discord.Embed(
            title="How to ask",
            description=(
                "Ask in plain words, e.g. *does running an SAE slow inference down?* or *can we "
                "push the frontier cheaply?*\n\n"
                "• `/ask question:` anywhere, or mention me, or DM me\n"
                "• `/tension name:` to pick one tension (start typing)\n"
                "• `/tensions` for the full list\n"
                f"• one command per goal: {goals}"
            ),
            colour=discord.Colour.blurple(),
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)


async def setup(bot: TensionBot) -> None:
    await bot.add_cog(Meta(bot))
