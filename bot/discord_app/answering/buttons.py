"""Buttons under an answer: related tensions, "did you mean" suggestions, and feedback.

The buttons are stateless: each one's ``custom_id`` names its target (``tb:link:tension:<id>``)
and a single registered :class:`LinkButton` class answers any of them against the knowledge
of the moment, so no object is kept per message (an answer costs no memory once sent) and
buttons survive a restart. A button shows its card only to the person who pressed it
(ephemeral), through the same :class:`~.answerer.Answerer` as every answer, so its own
buttons expire like theirs (:mod:`.expiry`). :class:`VoteButton` records *Helpful* votes.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.core import limits
from bot.core.knowledge.label import Label
from bot.core.rendering.cards import Link
from bot.core.rendering.render import target_card

from ..embeds import notice

log = logging.getLogger(__name__)

LINK_PREFIX = "tb:link:"
_TARGET = r"(?:tension|goal):[a-z0-9-]{1,40}|list"


class LinkButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"tb:link:(?P<target>{_TARGET})"
):
    def __init__(
        self, target: Label, label: str = "…", *, row: int | None = None, disabled: bool = False
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[: limits.BUTTON_LABEL],
                style=discord.ButtonStyle.secondary,
                custom_id=(LINK_PREFIX + str(target))[: limits.CUSTOM_ID],
                row=row,
                disabled=disabled,
            )
        )
        self.target = target

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> LinkButton:
        label = getattr(item, "label", None) or "…"
        return cls(Label.parse(match["target"]), label)

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = interaction.client
        card = target_card(bot.store.snapshot.knowledge, self.target)
        if card is None:
            await interaction.response.send_message(
                embed=notice("That answer is no longer in the knowledge (it was reloaded)."),
                ephemeral=True,
            )
            return
        await bot.answerer.respond(interaction, card)  # a card nobody asked for in words


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"tb:vote:(?P<question>\d{1,20}):(?P<helpful>[01])",
):
    """ "Helpful" / "Not helpful" on an answer; one vote per person, changeable."""

    def __init__(self, question_id: int, helpful: bool, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Helpful" if helpful else "Not helpful",
                emoji="👍" if helpful else "👎",
                style=discord.ButtonStyle.success if helpful else discord.ButtonStyle.secondary,
                custom_id=f"tb:vote:{question_id}:{int(helpful)}",
                row=limits.ACTION_ROWS - 1,
                disabled=disabled,
            )
        )
        self.question_id = question_id
        self.helpful = helpful

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> VoteButton:
        return cls(int(match["question"]), match["helpful"] == "1")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        if not interaction.client.answerer.vote(
            self.question_id, interaction.user.id, self.helpful
        ):
            text = "Feedback is not being recorded right now, but thank you."
        else:
            verdict = "helpful" if self.helpful else "not helpful"
            text = f"Thanks! Noted as {verdict}. Press the other button to change your vote."
        await interaction.response.send_message(embed=notice(text), ephemeral=True)


def links_view(
    links: tuple[Link, ...], *, question_id: int | None = None, disabled: bool = False
) -> discord.ui.View | None:
    """Link buttons in up to four rows of five; the fifth row holds the feedback buttons."""
    capacity = limits.BUTTONS_PER_ROW * (limits.ACTION_ROWS - 1)
    if not links and question_id is None:
        return None
    view = discord.ui.View(timeout=None)
    for index, link in enumerate(links[:capacity]):
        row = index // limits.BUTTONS_PER_ROW
        view.add_item(LinkButton(link.target, link.label, row=row, disabled=disabled))
    if question_id is not None:
        view.add_item(VoteButton(question_id, True, disabled=disabled))
        view.add_item(VoteButton(question_id, False, disabled=disabled))
    return view


def release(view: discord.ui.View | None) -> None:
    """Let a sent view go at once, instead of leaving it to the garbage collector.

    A view and its buttons point at each other, so a sent view is garbage only the
    collector can find; with one per answer, a burst of answers leaves thousands of them,
    and the collector's pauses grow with what it must walk. Once sent, the view is not
    needed again (the buttons are answered by their class, from the custom id), so its
    items are dropped, which breaks the cycle and reference counting frees it all.
    """
    if view is not None:
        view.clear_items()
