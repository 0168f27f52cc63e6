"""The Teach buttons under ``/stats``: one per unanswered group, opening its teach prompt.

A button carries a question id from the log, not the text (a custom id is short), and
reads the text back when pressed; the prompt is teaching's own (``exts.teaching``), and
so is the check that only moderators press it.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.core import limits

from ....curation.stats import Group
from ....storage import StoreError
from ....storage.questions import Scope
from ..teaching.access import refuse, teaching_database
from ..teaching.prompt import open_prompt

log = logging.getLogger(__name__)


class TeachQuestionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"tb:teach:q:(?P<question>\d{1,20})",
):
    """Under /stats: open the teach prompt for one unanswered group's question."""

    def __init__(self, question_id: int, number: int = 0) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"Teach {number}" if number else "Teach",
                style=discord.ButtonStyle.primary,
                custom_id=f"tb:teach:q:{question_id}",
                row=max(0, number - 1) // limits.BUTTONS_PER_ROW,
            )
        )
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> TeachQuestionButton:
        return cls(int(match["question"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        database = await teaching_database(interaction)
        if database is None:
            return
        scope = Scope.guild(interaction.guild_id) if interaction.guild_id else Scope.dms()
        try:  # only a question of this server: an id from elsewhere reads as gone
            text = await database.questions.text(self.question_id, scope)
        except StoreError as exc:
            log.warning("could not read question %d: %s", self.question_id, exc)
            text = None
        if text is None:
            await refuse(interaction, "That question is no longer in the log.")
            return
        await open_prompt(interaction, text)


def stats_view(groups: tuple[Group, ...]) -> discord.ui.View | None:
    """A Teach button per unanswered group that still has a question in the log."""
    capacity = limits.BUTTONS_PER_ROW * limits.ACTION_ROWS
    view = discord.ui.View(timeout=None)
    for number, group in enumerate(groups[:capacity], 1):
        if group.question_id is not None:
            view.add_item(TeachQuestionButton(group.question_id, number))
    return view if view.children else None
