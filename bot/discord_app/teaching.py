"""Teaching the bot from Discord: the choice, the confirmation, Undo, and /stats' buttons.

A moderator opens a *teach prompt* on a message (Apps → Teach tensionbot) or on an
unanswered question in ``/stats``: an ephemeral card showing the text that will be kept
(mentions already placeholders) and a select menu of every answer, the bot's best guesses
first. Picking one keeps the text as an example of that answer, reloads the knowledge here
and in every other cluster, and turns the prompt into a confirmation saying what the bot
will now answer, with an Undo button.

Everything is stateless, so a prompt or an Undo survives a restart and works in whichever
cluster the interaction reaches: the text travels in the prompt card itself (a message only
the bot can write), the Undo button carries the taught example's id, and /stats' buttons a
question id from the log. Every press is checked server-side: only moderators teach.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Final

import discord

from bot.core import limits
from bot.core.formatting import clip
from bot.core.knowledge.label import BadLabelError, Kind, Label
from bot.core.knowledge.model import Knowledge
from bot.core.knowledge.teaching import Unteachable, teachable_text
from bot.core.matching.guesses import ranked_answers
from bot.core.serving.store import Snapshot

from ..curation.learned import TeachRefused, forget, teach
from ..curation.stats import Group
from ..storage import RowsRejectedError, StoreError
from ..storage.base import Database
from .checks import is_moderator
from .embeds import notice
from .privacy import moderator_tag, without_mentions

if TYPE_CHECKING:
    from .client import TensionBot

log = logging.getLogger(__name__)

MENU_NAME: Final = "Teach tensionbot"
PICK_ID: Final = "tb:teach:pick"
SELECT_OPTIONS: Final = 25  # Discord's most per select menu
SELECT_PLACEHOLDER: Final = 150
OPTION_DESCRIPTION: Final = 100
TEXT_FIELD: Final = "Message"
GUESS_SHOWN: Final = 0.1  # a guess this likely is marked as one
TEACH_COLOUR: Final = 0x5865F2
NOT_A_MODERATOR: Final = "You need Manage Server or a moderator role to teach the bot."
NO_DATABASE: Final = (
    "Teaching needs the database (TENSIONBOT_DATABASE_URL or TENSIONBOT_QUESTION_LOG_PATH), "
    "which is off or unavailable here."
)


# --- the prompt -------------------------------------------------------------------------


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
        text = _prompt_text(interaction.message)
        values = self.item.values
        try:
            label = Label.parse(values[0]) if values else None
        except BadLabelError:
            label = None
        if text is None or label is None:
            await _refuse(interaction, "That prompt is damaged; open a new one.")
            return
        await choose(interaction, label, text)


def _prompt_text(message: discord.Message | None) -> str | None:
    if message is None or not message.embeds:
        return None
    for field in message.embeds[0].fields:
        if field.name == TEXT_FIELD and field.value:
            return field.value
    return None


async def open_prompt(interaction: discord.Interaction[Any], raw: str) -> None:
    """Answer with the teach prompt for ``raw`` (or the reason it cannot be taught)."""
    bot: TensionBot = interaction.client
    if bot.database is None:
        await _refuse(interaction, NO_DATABASE)
        return
    try:
        text = teachable_text(without_mentions(raw))
    except Unteachable as exc:
        await _refuse(interaction, f"I can't learn from that: {exc}.")
        return
    snapshot = bot.store.snapshot
    now = snapshot.matcher.match(text)
    current = now.label.title(snapshot.knowledge)
    embed = discord.Embed(
        title="Teach tensionbot",
        description=(
            "Choose what the bot should answer to this message; it will be kept as an "
            f"example of that answer.\nNow it answers: **{current}**."
        ),
        colour=TEACH_COLOUR,
    )
    embed.add_field(name=TEXT_FIELD, value=text, inline=False)
    embed.set_footer(text="Only you can see this. Mentions are kept as @user, @role, #channel.")
    view = pick_view(snapshot, text)
    await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


# --- choosing, undoing ------------------------------------------------------------------


async def choose(interaction: discord.Interaction[Any], label: Label, text: str) -> None:
    """Keep the choice, reload everywhere, and turn the prompt into its confirmation."""
    bot: TensionBot = interaction.client
    database = await _teaching_database(interaction)
    if database is None:
        return
    await interaction.response.defer()  # the reload takes longer than Discord waits
    knowledge = bot.store.snapshot.knowledge
    tag = moderator_tag(bot.settings, interaction.user.id)
    try:
        entry = await teach(
            database,
            knowledge,
            label=label,
            text=text,
            guild_id=interaction.guild_id,
            moderator=tag,
        )
    except TeachRefused as refused:
        await _finish(interaction, _card("Not taught", f"{refused}.", text, error=True))
        return
    except (StoreError, RowsRejectedError) as exc:
        log.warning("could not keep a taught example: %s", exc)
        await _finish(
            interaction, _card("Not taught", "The database refused it; try again.", text, True)
        )
        return
    log.info(
        "taught",
        extra={"taught": entry.id, "label": label, "guild": interaction.guild_id, "by": tag},
    )
    lines, answer = await _reload_everywhere(bot, f"taught #{entry.id}", text)
    if answer == label:
        head = f"Next time: **{answer.title(bot.store.snapshot.knowledge)}**."
    else:
        head = (
            f"Kept as #{entry.id}, but not in effect: the bot still answers "
            f"**{answer.title(bot.store.snapshot.knowledge)}**."
        )
    card = _card(f"Taught #{entry.id}", "\n".join([head, *lines]), text)
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
        database = await _teaching_database(interaction)
        if database is None:
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
                interaction, _card("Not undone", "The database refused; try again.", None, True)
            )
            return
        if entry is None:  # undone before, or removed from the shell: make sure it is gone
            lines, _ = await _reload_everywhere(bot, f"undone #{self.taught_id}", "")
            said = "\n".join([f"#{self.taught_id} is no longer taught.", *lines])
            await _finish(interaction, _card("Already undone", said, None))
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
        lines, answer = await _reload_everywhere(bot, f"undone #{entry.id}", entry.text)
        title = answer.title(bot.store.snapshot.knowledge)
        await _finish(
            interaction,
            _card(
                f"Undone #{entry.id}", "\n".join([f"Next time: **{title}**.", *lines]), entry.text
            ),
        )


async def _reload_everywhere(bot: TensionBot, reason: str, text: str) -> tuple[list[str], Label]:
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
    return lines, bot.store.snapshot.matcher.match(text).label if text else Label.NONE


def _card(title: str, description: str, text: str | None, error: bool = False) -> discord.Embed:
    embed = discord.Embed(
        title=title,
        description=clip(description, limits.EMBED_DESCRIPTION),
        colour=discord.Colour.red() if error else discord.Colour.green(),
    )
    if text:
        embed.add_field(name=TEXT_FIELD, value=text, inline=False)
    return embed


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


async def _refuse(interaction: discord.Interaction[Any], text: str) -> None:
    await interaction.response.send_message(embed=notice(text), ephemeral=True)


async def _teaching_database(interaction: discord.Interaction[Any]) -> Database | None:
    """The database to teach into, once the clicker is known to be a moderator; None (and
    the clicker told why) otherwise. Buttons are seen by whoever sees the message, so every
    click is checked here, not only the command that showed them."""
    bot: TensionBot = interaction.client
    if not is_moderator(interaction, bot.settings.moderator_role_ids):
        await _refuse(interaction, NOT_A_MODERATOR)
        return None
    if bot.database is None:
        await _refuse(interaction, NO_DATABASE)
        return None
    return bot.database


# --- /stats -----------------------------------------------------------------------------


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
        database = await _teaching_database(interaction)
        if database is None:
            return
        try:
            text = await database.question_text(self.question_id)
        except StoreError as exc:
            log.warning("could not read question %d: %s", self.question_id, exc)
            text = None
        if text is None:
            await _refuse(interaction, "That question is no longer in the log.")
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


DYNAMIC_ITEMS: Final = (PickAnswer, UndoButton, TeachQuestionButton)
