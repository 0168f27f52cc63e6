"""Buttons under an answer: related tensions, "did you mean" suggestions.

A view lives for ``ANSWER_VIEW_SECONDS``; then its buttons are disabled in place, so an old
answer never shows buttons that silently do nothing. A button shows its card only to the
person who pressed it (ephemeral), so exploring does not flood the channel.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from ..core import limits
from ..core.cards import Link
from ..core.render import target_card
from .embeds import notice, to_embed

if TYPE_CHECKING:
    from .client import TensionBot

log = logging.getLogger(__name__)

ANSWER_VIEW_SECONDS = 600.0
LINK_PREFIX = "tb:link:"


class LinkButton(discord.ui.Button["AnswerView"]):
    def __init__(self, link: Link, row: int) -> None:
        super().__init__(
            label=link.label[: limits.BUTTON_LABEL],
            style=discord.ButtonStyle.secondary,
            custom_id=(LINK_PREFIX + link.target)[: limits.CUSTOM_ID],
            row=row,
        )
        self.target = link.target

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        assert self.view is not None
        snapshot = self.view.bot.store.snapshot
        card = target_card(snapshot.knowledge, self.target)
        if card is None:
            await interaction.response.send_message(
                embed=notice("That answer is no longer in the knowledge (it was reloaded)."),
                ephemeral=True,
            )
            return
        view = AnswerView(self.view.bot, card.links)
        await interaction.response.send_message(
            embed=to_embed(card),
            view=view if view.children else discord.utils.MISSING,
            ephemeral=True,
        )
        view.attach(interaction)


class AnswerView(discord.ui.View):
    """Buttons for a card's links, at most four rows of five (the fifth row stays free)."""

    def __init__(
        self, bot: TensionBot, links: tuple[Link, ...], *, timeout: float | None = None
    ) -> None:
        super().__init__(timeout=ANSWER_VIEW_SECONDS if timeout is None else timeout)
        self.bot = bot
        self._message: discord.Message | None = None
        self._interaction: discord.Interaction[Any] | None = None
        capacity = limits.BUTTONS_PER_ROW * (limits.ACTION_ROWS - 1)
        for index, link in enumerate(links[:capacity]):
            self.add_item(LinkButton(link, row=index // limits.BUTTONS_PER_ROW))

    def attach(self, where: discord.Message | discord.Interaction[Any]) -> None:
        """Remember where the view was sent, to disable it there when it times out."""
        if isinstance(where, discord.Message):
            self._message = where
        else:
            self._interaction = where

    async def on_timeout(self) -> None:
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        try:
            if self._message is not None:
                await self._message.edit(view=self)
            elif self._interaction is not None:
                await self._interaction.edit_original_response(view=self)
        except discord.HTTPException as exc:  # deleted, or the token expired: nothing to tidy
            log.debug("could not disable expired buttons: %s", exc)

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        log.exception("button %s failed", getattr(item, "custom_id", item), exc_info=error)
        if not interaction.response.is_done():
            await interaction.response.send_message(
                embed=notice("Something went wrong with that button."), ephemeral=True
            )
