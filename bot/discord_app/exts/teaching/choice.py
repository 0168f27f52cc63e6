"""Keeping the moderator's choice: teach, reload everywhere, confirm; and Undo.

Picking an answer keeps the text as an example of it (:mod:`bot.curation.teaching` holds
the rules), reloads the knowledge here and in every other cluster, and turns the prompt
into a confirmation saying what the bot will now answer, with an Undo button. The Undo
button carries the taught example's id, so it works after a restart and in any cluster.

A server that is not a curator teaches for itself (see ``access.py``): nothing is
reloaded, its own overlay is read again, and the confirmation says it is for this server.
Its events and clicks always reach the cluster serving it, so that cluster is the one
whose overlay must change; the others read it at their next reload.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.core.knowledge.label import Label

from ....curation.teaching import TeachRefused, forget, teach
from ....storage import RowsRejectedError, StoreError
from ...checks import NEEDS_CURATOR
from ...client import TensionBot
from ...privacy import moderator_tag
from .access import local_guild, may_change, refuse, teaching_database
from .cards import outcome_card

log = logging.getLogger(__name__)


async def choose(interaction: discord.Interaction[Any], label: Label, text: str) -> None:
    """Keep the choice, reload everywhere, and turn the prompt into its confirmation."""
    bot: TensionBot = interaction.client
    database = await teaching_database(interaction)
    if database is None:
        return
    await interaction.response.defer()  # the reload takes longer than Discord waits
    knowledge = bot.store.snapshot.knowledge
    tag = moderator_tag(bot.settings, interaction.user.id)
    local = local_guild(interaction)
    try:
        entry = await teach(
            database,
            knowledge,
            label=label,
            text=text,
            guild_id=interaction.guild_id,
            moderator=tag,
            local_guild=local,
        )
    except TeachRefused as refused:
        await _finish(interaction, outcome_card("Not taught", f"{refused}.", text, error=True))
        return
    except (StoreError, RowsRejectedError) as exc:
        log.warning("could not keep a taught example: %s", exc)
        await _finish(
            interaction,
            outcome_card("Not taught", "The database refused it; try again.", text, error=True),
        )
        return
    log.info(
        "taught",
        extra={
            "taught": entry.id,
            "label": label,
            "guild": interaction.guild_id,
            "by": tag,
            "scope": "server" if local else "shared",
        },
    )
    if local is None:
        lines, answer = await _reload_everywhere(
            bot, f"taught #{entry.id}", text, interaction.guild_id
        )
    else:
        lines, answer = await _refresh_local(bot, text, local)
    where = " in this server" if local else ""
    if answer == label:
        head = f"Next time{where}: **{answer.title(bot.store.snapshot.knowledge)}**."
    else:
        head = (
            f"Kept as #{entry.id}, but not in effect: the bot still answers "
            f"**{answer.title(bot.store.snapshot.knowledge)}**."
        )
    card = outcome_card(f"Taught #{entry.id}", "\n".join([head, *lines]), text)
    card.set_footer(text=f"From the shell: tensionbot learned remove {entry.id}")
    view = discord.ui.View(timeout=None)
    view.add_item(UndoButton(entry.id))
    await _finish(interaction, card, view)


class UndoButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"tb:teach:undo:(?P<id>\d{1,19})"
):
    """Under a confirmation: forget that taught example (audited as undone)."""

    def __init__(self, taught_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Undo",
                style=discord.ButtonStyle.secondary,
                custom_id=f"tb:teach:undo:{taught_id}",
            )
        )
        self.taught_id = taught_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> UndoButton:
        return cls(int(match["id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot: TensionBot = interaction.client
        database = await teaching_database(interaction)
        if database is None:
            return
        try:
            existing = await database.teaching.get(self.taught_id)
        except StoreError as exc:
            log.warning("could not read taught example #%d: %s", self.taught_id, exc)
            existing = None
        if existing is not None and not may_change(interaction, existing.local_guild):
            await refuse(
                interaction,
                NEEDS_CURATOR
                if existing.local_guild is None
                else ("That example was taught for another server."),
            )
            return
        await interaction.response.defer()
        tag = moderator_tag(bot.settings, interaction.user.id)
        try:
            entry = await forget(
                database,
                self.taught_id,
                guild_id=interaction.guild_id,
                moderator=tag,
                action="undone",
            )
        except (StoreError, RowsRejectedError) as exc:
            log.warning("could not undo taught example #%d: %s", self.taught_id, exc)
            await _finish(
                interaction,
                outcome_card("Not undone", "The database refused; try again.", None, error=True),
            )
            return
        if entry is None:  # undone before, or removed from the shell: make sure it is gone
            if existing is not None and existing.local_guild is not None:
                lines, _ = await _refresh_local(bot, "", existing.local_guild)
            else:
                lines, _ = await _reload_everywhere(bot, f"undone #{self.taught_id}", "", None)
            said = "\n".join([f"#{self.taught_id} is no longer taught.", *lines])
            await _finish(interaction, outcome_card("Already undone", said, None))
            return
        log.info(
            "untaught",
            extra={
                "taught": entry.id,
                "label": entry.label,
                "guild": interaction.guild_id,
                "by": tag,
            },
        )
        if entry.local_guild is not None:
            lines, answer = await _refresh_local(bot, entry.text, entry.local_guild)
        else:
            lines, answer = await _reload_everywhere(
                bot, f"undone #{entry.id}", entry.text, interaction.guild_id
            )
        title = answer.title(bot.store.snapshot.knowledge)
        await _finish(
            interaction,
            outcome_card(
                f"Undone #{entry.id}", "\n".join([f"Next time: **{title}**.", *lines]), entry.text
            ),
        )


async def _refresh_local(bot: TensionBot, text: str, guild_id: int) -> tuple[list[str], Label]:
    """A server's own teach or undo: its overlay read again here, nothing reloaded."""
    await bot.store.refresh_local(guild_id)
    lines = [
        "For this server only: other servers are answered as before. "
        "The bot's operator can share it with every server."
    ]
    return lines, bot.store.answer(text, guild_id).label if text else Label.NONE


async def _reload_everywhere(
    bot: TensionBot, reason: str, text: str, guild_id: int | None
) -> tuple[list[str], Label]:
    """Reload here, tell the other clusters; what to say, and what ``text`` now gets."""
    lines: list[str] = []
    reloaded = await bot.reload_everywhere(reason)
    outcome = reloaded.outcome
    if not outcome.ok:
        count = len(outcome.problems)
        lines.append(
            f"The knowledge folder does not load ({count} problem{'s' if count != 1 else ''}; "
            "see /reload), so this takes effect at the next good reload."
        )
    else:
        lines += [f"Note: {w}" for w in outcome.taught_notes][:3]
        if reloaded.clusters is not None:
            lines.append(reloaded.clusters[:1].upper() + reloaded.clusters[1:] + ".")
    return lines, bot.store.answer(text, guild_id).label if text else Label.NONE


async def _finish(
    interaction: discord.Interaction[Any],
    embed: discord.Embed,
    view: discord.ui.View | None = None,
) -> None:
    """After the defer, the prompt itself becomes the outcome (the select is gone)."""
    try:
        await interaction.edit_original_response(embed=embed, view=view)
    except discord.HTTPException as exc:
        log.warning("could not show the teaching outcome: %s %s", exc.status, exc.text[:200])
