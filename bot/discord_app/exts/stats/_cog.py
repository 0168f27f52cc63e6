"""``/stats`` (moderators, ephemeral): the question log's report, with Teach buttons.

A server's report reads that server alone (its questions, votes and teaching), whoever
runs it, the operator included: what other servers' members asked, and what anyone asked
in a DM, stays out of every server's report. The operator sees everything from the shell
(``tensionbot stats``).
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ....curation.stats import build_report, report_card, scope_name
from ....storage.questions import Scope
from ...checks import moderator_only
from ...client import TensionBot
from ...embeds import notice, to_embed
from .buttons import stats_view


class Stats(commands.Cog):
    def __init__(self, bot: TensionBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="stats", description="What people ask, what goes unanswered (moderators)"
    )
    @app_commands.describe(days="How far back to look (default 30)")
    @moderator_only()
    async def stats(
        self, interaction: discord.Interaction[Any], days: app_commands.Range[int, 1, 365] = 30
    ) -> None:
        questions = self.bot.answerer.log
        if questions is None or not questions.available or questions.database is None:
            await interaction.response.send_message(
                embed=notice(
                    "The question log is off or unavailable (TENSIONBOT_QUESTION_LOG_PATH)."
                ),
                ephemeral=True,
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        await questions.flush()
        assert interaction.guild_id is not None, "guild_only"
        scope = Scope.guild(interaction.guild_id)
        report = await build_report(questions.database, days=days, scope=scope)
        card = report_card(report, self.bot.store.snapshot.knowledge, scope_name(scope, here=True))
        await interaction.edit_original_response(
            embed=to_embed(card), view=stats_view(report.top_unanswered)
        )
