"""Free-text questions: mentions, DMs, opted-in channels, replies to answers, and ``/ask``.

Each is answered as a turn of a conversation (see ``..conversations``), so a follow-up
such as "why?" or "and calibration?" leans on the last answer.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ...core.conversation.resolve import respond
from ...core.knowledge.label import Kind
from ...core.matching.policy import answer_unprompted
from ...core.rendering.render import list_card
from ..answering import (
    message_text,
    record_question,
    reply_quietly,
    reply_to_message,
    respond_to_interaction,
)
from ..client import TensionBot
from ..conversations import (
    context_for,
    interaction_key,
    message_key,
    remember,
    repeat_key,
    replied_context,
)
from ..embeds import to_embed
from ..views import links_view

log = logging.getLogger(__name__)

HOW_TO_ASK = "Ask me about a tradeoff, e.g. *does running an SAE slow inference down?*"
ANSWERED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


class Questions(commands.Cog):
    def __init__(self, bot: TensionBot) -> None:
        self.bot = bot

    def _route(self, message: discord.Message) -> str | None:
        """How a message reached the bot, or None when it was not meant for it."""
        if message.author.bot or message.webhook_id is not None:
            return None
        if message.type not in ANSWERED_TYPES:
            return None
        if message.guild is None:
            return "dm"
        me = self.bot.user
        if me is not None and any(user.id == me.id for user in message.mentions):
            return "mention"
        if replied_context(self.bot.conversations, message) is not None:
            return "reply"  # to one of the bot's answers, without pinging it
        channel = message.channel
        parent = getattr(channel, "parent_id", None)
        opted_in = self.bot.settings.answer_channel_ids
        if channel.id in opted_in or (parent is not None and parent in opted_in):
            return "channel"
        return None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        route = self._route(message)
        if route is None:
            return
        started = time.perf_counter()
        text = message_text(self.bot, message)
        snapshot = self.bot.store.snapshot
        if not text:
            if route != "channel":  # a bare mention: say what the bot does
                card = list_card(snapshot.knowledge)
                view = links_view(card.links)
                sent = await reply_quietly(
                    message, content=HOW_TO_ASK, embed=to_embed(card), view=view
                )
                if view is not None and sent is not None:
                    self.bot.expiry.track(sent, card.links)
            return
        before = context_for(self.bot.conversations, message)
        turn = respond(snapshot.matcher, before, text)
        answer = turn.answer
        if route == "reply" and answer.kind is Kind.NONE and turn.unclear is None:
            return  # "lol nice" under an answer is not meant for the bot
        asked = snapshot.matcher.reads_as_question(text)
        if route == "channel" and not (
            turn.follow_up or answer_unprompted(text, answer, asked=asked)
        ):
            if asked:  # asked, but not confidently answerable: a gap to see
                record_question(
                    self.bot,
                    route,
                    text,
                    answer,
                    answered=False,
                    guild_id=message.guild.id if message.guild else None,
                    channel_id=message.channel.id,
                )
            log.debug("channel message not answered", extra={"kind": answer.kind.value})
            return
        answered = await reply_to_message(
            self.bot,
            message,
            text,
            answer,
            route,
            started,
            card=turn.card(snapshot.knowledge),
            repeat_key=repeat_key(turn),
        )
        if answered is not None and answer.kind is not Kind.NONE:
            remember(self.bot.conversations, message_key(message), turn, before, answered.id)

    @app_commands.command(
        name="ask", description="Ask about the tradeoffs between AI-research goals"
    )
    @app_commands.describe(question="e.g. does running an SAE slow inference down?")
    async def ask(
        self, interaction: discord.Interaction[Any], question: app_commands.Range[str, 1, 500]
    ) -> None:
        started = time.perf_counter()
        snapshot = self.bot.store.snapshot
        key = interaction_key(interaction)
        before = self.bot.conversations.recall(key)
        turn = respond(snapshot.matcher, before, question)
        sent_id = await respond_to_interaction(
            self.bot,
            interaction,
            turn.answer,
            turn.card(snapshot.knowledge),
            "slash",
            started,
            question=question,
            repeat_key=repeat_key(turn),
        )
        if sent_id is not None:
            remember(self.bot.conversations, key, turn, before, sent_id)


async def setup(bot: TensionBot) -> None:
    await bot.add_cog(Questions(bot))
