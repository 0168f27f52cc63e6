"""The teach prompt: a menu of every answer, the bot's best guesses first, silence last.

A moderator opens it on a message (Apps → Teach tensionbot) or on an unanswered question
in ``/stats``; only they see it. More answers than a menu holds (Discord's 25) leave out
the least likely, and the menu says how many.
"""

from __future__ import annotations

import re
from typing import Any, Final

import discord

from bot.core import limits
from bot.core.formatting import clip
from bot.core.knowledge.label import BadLabelError, Kind, Label
from bot.core.knowledge.model import Knowledge
from bot.core.knowledge.teaching import Unteachable, teachable_text
from bot.core.matching.guesses import ranked_answers
from bot.core.serving.store import Snapshot

from ...client import TensionBot
from ...privacy import without_mentions
from .access import NO_DATABASE, local_guild, refuse
from .cards import prompt_card, prompt_text
from .choice import choose

PICK_ID: Final = "tb:teach:pick"
SELECT_OPTIONS: Final = 25  # Discord's most per select menu
SELECT_PLACEHOLDER: Final = 150
OPTION_DESCRIPTION: Final = 100
GUESS_SHOWN: Final = 0.1  # a guess this likely is marked as one


def _option_label(knowledge: Knowledge, label: Label) -> str:
    if label == Label.NONE:
        return "Not something to answer"
    title = label.title(knowledge)
    return clip(title[:1].upper() + title[1:], limits.CHOICE_NAME)


def _option_description(knowledge: Knowledge, label: Label, score: float, best: bool) -> str:
    parts = []
    if best and score >= GUESS_SHOWN:
        parts.append(f"my best guess ({score:.0%})")
    elif score >= GUESS_SHOWN:
        parts.append(f"a guess ({score:.0%})")
    if label.kind is Kind.TENSION and label.known_in(knowledge):
        a, b = knowledge.goal_names(knowledge.tensions[label.target])
        parts.append(f"the tradeoff between {a} and {b}")
    elif label == Label.NONE:
        parts.append("the bot stays silent on messages like this")
    return clip(" · ".join(parts), OPTION_DESCRIPTION)


def choice_options(snapshot: Snapshot, text: str) -> list[discord.SelectOption]:
    """Every answer that fits in one select menu, best guesses first, silence last."""
    knowledge = snapshot.knowledge
    guesses = [g for g in ranked_answers(snapshot.matcher, text) if g.label != Label.NONE]
    shown = guesses[: SELECT_OPTIONS - 1]
    options = [
        discord.SelectOption(
            label=_option_label(knowledge, g.label),
            value=str(g.label),
            description=_option_description(knowledge, g.label, g.score, i == 0) or None,
        )
        for i, g in enumerate(shown)
    ]
    options.append(
        discord.SelectOption(
            label=_option_label(knowledge, Label.NONE),
            value=str(Label.NONE),
            description=_option_description(knowledge, Label.NONE, 0.0, False),
        )
    )
    return options


def pick_view(snapshot: Snapshot, text: str) -> discord.ui.View:
    """The prompt's select menu (saying how many answers did not fit, if any did not)."""
    options = choice_options(snapshot, text)
    answers = len(snapshot.knowledge.tensions) + len(snapshot.knowledge.goals) + 2
    view = discord.ui.View(timeout=None)
    view.add_item(PickAnswer(options, hidden=max(0, answers - len(options))))
    return view


class PickAnswer(discord.ui.DynamicItem[discord.ui.Select[Any]], template=PICK_ID):
    """The select menu of a teach prompt; the text to teach is in the prompt's card."""

    def __init__(self, options: list[discord.SelectOption], *, hidden: int = 0) -> None:
        more = f" ({hidden} more answers not listed)" if hidden else ""
        super().__init__(
            discord.ui.Select(
                custom_id=PICK_ID,
                placeholder=clip(f"What should the bot answer?{more}", SELECT_PLACEHOLDER),
                options=options,
                min_values=1,
                max_values=1,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PickAnswer:
        options = item.options if isinstance(item, discord.ui.Select) else []
        return cls(list(options))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        text = prompt_text(interaction.message)
        values = self.item.values
        try:
            label = Label.parse(values[0]) if values else None
        except BadLabelError:
            label = None
        if text is None or label is None:
            await refuse(interaction, "That prompt is damaged; open a new one.")
            return
        await choose(interaction, label, text)


async def open_prompt(interaction: discord.Interaction[Any], raw: str) -> None:
    """Answer with the teach prompt for ``raw`` (or the reason it cannot be taught)."""
    bot: TensionBot = interaction.client
    if bot.database is None:
        await refuse(interaction, NO_DATABASE)
        return
    try:
        text = teachable_text(without_mentions(raw))
    except Unteachable as exc:
        await refuse(interaction, f"I can't learn from that: {exc}.")
        return
    snapshot = bot.store.snapshot
    current = bot.store.answer(text, interaction.guild_id).label.title(snapshot.knowledge)
    embed = prompt_card(text, current, local=local_guild(interaction) is not None)
    view = pick_view(snapshot, text)
    await interaction.response.send_message(embed=embed, view=view, ephemeral=True)
