"""One slash command per goal, generated from the knowledge and regenerated on reload.

``/interpretability``, ``/efficiency``, ... each show the goal's overview, or with
``question:`` the one tension of that goal the question is about (autocomplete lists them).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ...core import limits
from ...core.knowledge.model import Knowledge
from ...core.rendering.render import answer_card
from ...core.serving.autocomplete import narrow
from ..answering import Asked
from ..checks import PUBLIC_DESCRIPTION, anywhere
from ..client import Reloaded, TensionBot

log = logging.getLogger(__name__)


@app_commands.describe(
    question="Optional: narrow to one of this goal's tensions", public=PUBLIC_DESCRIPTION
)
async def _goal_command(
    interaction: discord.Interaction[Any], question: str | None = None, public: bool = False
) -> None:
    bot: TensionBot = interaction.client
    started = time.perf_counter()
    assert interaction.command is not None
    goal_id = interaction.command.name
    snapshot = bot.store.snapshot
    if goal_id not in snapshot.knowledge.goals:  # removed by a reload, not yet re-synced
        await interaction.response.send_message(
            "That goal is no longer in the knowledge.", ephemeral=True
        )
        return
    answer = narrow(snapshot, goal_id, question or "")
    card = answer_card(snapshot.knowledge, answer)
    asked = Asked(answer, "goal-command", started, question=question or None)
    answerer = bot.answerer
    await answerer.respond(
        interaction, card, asked, ephemeral=answerer.only_asker(interaction, public)
    )


async def _goal_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    bot: TensionBot = interaction.client
    assert interaction.command is not None
    knowledge = bot.store.snapshot.knowledge
    tensions = knowledge.tensions_of(interaction.command.name)
    typed = current.lower().strip()
    picked = [
        t for t in tensions if typed in t.title.lower() or any(typed in k for k in t.keywords)
    ]
    return [
        app_commands.Choice(name=t.title[: limits.CHOICE_NAME], value=t.id)
        for t in (picked or list(tensions))[: limits.AUTOCOMPLETE_CHOICES]
    ]


def goal_commands(knowledge: Knowledge) -> list[app_commands.Command[Any, Any, None]]:
    """A command for each goal, as many as Discord has room for beside the built-ins."""
    out = []
    for goal in list(knowledge.goals.values())[: limits.GOAL_COMMAND_SLOTS]:
        command: app_commands.Command[Any, Any, None] = app_commands.Command(
            name=goal.id,
            description=goal.description[: limits.COMMAND_DESCRIPTION],
            callback=anywhere()(_goal_command),
        )
        command.autocomplete("question")(_goal_autocomplete)
        out.append(command)
    return out


class Goals(commands.Cog):
    def __init__(self, bot: TensionBot) -> None:
        self.bot = bot
        self.registered: dict[str, tuple[str, str]] = {}

    def install(self) -> bool:
        """Make the tree's goal commands match the knowledge. True when anything changed."""
        knowledge = self.bot.store.snapshot.knowledge
        wanted = {c.name: c for c in goal_commands(knowledge)}
        signature = {name: (c.name, c.description) for name, c in wanted.items()}
        if signature == self.registered:
            return False
        for name in self.registered:
            self.bot.tree.remove_command(name)
        for command in wanted.values():
            self.bot.tree.add_command(command, override=True)
        log.info("goal commands: %s", ", ".join(f"/{n}" for n in wanted))
        self.registered = signature
        return True

    @commands.Cog.listener()
    async def on_knowledge_reloaded(self, reloaded: Reloaded) -> str | None:
        """Goals added, renamed or removed: their commands follow (see ``reload_here``)."""
        if not reloaded.outcome.diff.goal_set_changed or not self.install():
            return None
        if reloaded.register and self.bot.is_ready() and await self.bot.sync_commands():
            return "goal commands updated in Discord"
        return None

    async def cog_unload(self) -> None:
        for name in self.registered:
            self.bot.tree.remove_command(name)


async def setup(bot: TensionBot) -> None:
    cog = Goals(bot)
    await bot.add_cog(cog)
    cog.install()
