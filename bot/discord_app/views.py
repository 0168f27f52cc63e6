"""Buttons under an answer: related tensions and "did you mean" suggestions.

The buttons are stateless: each one's ``custom_id`` names its target (``tb:link:tension:<id>``)
and a single registered :class:`LinkButton` class answers any of them against the knowledge
of the moment, so no object is kept per message (an answer costs no memory once sent) and
buttons survive a restart. :class:`ButtonExpiry` then disables each answer's buttons after
``ANSWER_VIEW_SECONDS``, so an old answer does not invite clicks forever. A button shows
its card only to the person who pressed it (ephemeral), so exploring does not flood a channel.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections import deque
from typing import Any

import discord

from bot.core import limits
from bot.core.knowledge.label import Label
from bot.core.rendering.cards import Link
from bot.core.rendering.render import target_card

from .embeds import notice, to_embed

log = logging.getLogger(__name__)

ANSWER_VIEW_SECONDS = 600.0
# Answers whose buttons are waiting to be disabled, at most. Past it the oldest is dropped
# from the schedule: its buttons stay enabled, which is harmless (they are stateless and
# answer whenever pressed), and a burst of thousands of answers cannot grow memory without
# bound for ten minutes.
MAX_SCHEDULED = 5_000
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
        view = links_view(card.links)
        await interaction.response.send_message(
            embed=to_embed(card), view=view or discord.utils.MISSING, ephemeral=True
        )
        release(view)
        if view is not None:
            bot.expiry.track(interaction, card.links)


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
        questions = interaction.client.questions
        if questions is None or not questions.available:
            text = "Feedback is not being recorded right now, but thank you."
        else:
            questions.vote(self.question_id, interaction.user.id, self.helpful)
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


Where = discord.Message | discord.PartialMessage | discord.Interaction[Any]


class ButtonExpiry:
    """Disables answers' buttons once they are old, with one task for all of them.

    Every answer gets the same lifetime, so deadlines arrive in order and a deque is the
    whole schedule. Only what is needed to edit the message later is kept.
    """

    def __init__(self, seconds: float | None = None) -> None:
        self.seconds = ANSWER_VIEW_SECONDS if seconds is None else seconds
        self._due: deque[tuple[float, Where, tuple[Link, ...], int | None]] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def scheduled(self) -> int:
        """How many answers' buttons are waiting to be disabled."""
        return len(self._due)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def track(self, where: Where, links: tuple[Link, ...], question_id: int | None = None) -> None:
        if isinstance(where, discord.Message):  # keep ids, not the whole message
            where = where.channel.get_partial_message(where.id)  # type: ignore[union-attr]
        self._due.append((time.monotonic() + self.seconds, where, links, question_id))
        if len(self._due) > MAX_SCHEDULED:
            self._due.popleft()
        self._wake.set()

    async def _run(self) -> None:
        while True:
            if not self._due:
                self._wake.clear()
                await self._wake.wait()
                continue
            deadline, where, links, question_id = self._due[0]
            delay = deadline - time.monotonic()
            if delay > 0:
                await asyncio.sleep(min(delay, 1.0))
                continue
            self._due.popleft()
            await self._disable(where, links, question_id)

    @staticmethod
    async def _disable(where: Where, links: tuple[Link, ...], question_id: int | None) -> None:
        view = links_view(links, question_id=question_id, disabled=True)
        with contextlib.suppress(discord.HTTPException):  # deleted, or the token expired
            if isinstance(where, discord.Interaction):
                await where.edit_original_response(view=view)
            else:
                await where.edit(view=view)
        release(view)
