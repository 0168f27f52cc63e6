"""``/reload`` (moderators): reload the knowledge from its folder, here and in every
cluster, and say what changed or every problem that stopped it."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ...core import limits
from ...core.formatting import clip
from ..checks import curator_only
from ..client import Reloaded, TensionBot
from ..privacy import moderator_tag

log = logging.getLogger(__name__)

MAX_LISTED_PROBLEMS = 40


def outcome_embed(reloaded: Reloaded) -> discord.Embed:
    outcome, clusters = reloaded.outcome, reloaded.clusters
    if outcome.ok:
        lines = [f"• {line}" for line in outcome.diff.lines()]
        if clusters is not None:
            lines.insert(0, clusters[:1].upper() + clusters[1:] + ".")
        lines += [f"• {note}" for note in reloaded.notes]
        for warning in outcome.warnings:
            lines.append(f"• warning: {warning}")
        embed = discord.Embed(
            title="Knowledge reloaded",
            description=clip("\n".join(lines), limits.EMBED_DESCRIPTION),
            colour=discord.Colour.green(),
        )
        embed.set_footer(
            text=f"version {outcome.before} → {outcome.after} · {outcome.seconds * 1000:.0f} ms"
        )
        return embed
    shown = [f"`{clip(str(p), 300)}`" for p in outcome.problems[:MAX_LISTED_PROBLEMS]]
    more = len(outcome.problems) - len(shown)
    if more > 0:
        shown.append(f"…and {more} more; run `tensionbot check` to see all.")
    count = len(outcome.problems)
    embed = discord.Embed(
        title=f"Reload refused: {count} problem{'s' if count != 1 else ''}",
        description=clip(
            "Nothing changed; still serving the previous knowledge.\n\n" + "\n".join(shown),
            limits.EMBED_DESCRIPTION,
        ),
        colour=discord.Colour.red(),
    )
    embed.set_footer(text=f"still serving version {outcome.before}")
    return embed


class Reload(commands.Cog):
    def __init__(self, bot: TensionBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="reload", description="Reload the knowledge files (operator, curator servers)"
    )
    @curator_only()
    async def reload(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        reloaded = await self.bot.reload_everywhere("reload")
        outcome = reloaded.outcome
        log.info(
            "reload %s",
            "ok" if outcome.ok else "refused",
            extra={
                "by": moderator_tag(self.bot.settings, interaction.user.id),
                "guild": interaction.guild_id,
                "before": outcome.before,
                "after": outcome.after,
                "changes": "; ".join(outcome.diff.lines()) if outcome.ok else None,
                "problems": len(outcome.problems),
                "clusters": reloaded.clusters,
            },
        )
        # After a defer, the answer replaces the "thinking…" message (ephemeral from the defer).
        await interaction.edit_original_response(embed=outcome_embed(reloaded))


async def setup(bot: TensionBot) -> None:
    await bot.add_cog(Reload(bot))
