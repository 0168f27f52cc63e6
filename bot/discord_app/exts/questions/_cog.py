"""The questions cog: which messages are questions for the bot, and ``/ask``.

Each is answered as a turn of a conversation (see :mod:`.conversations`), so a follow-up
such as "why?" or "and calibration?" leans on the last answer; the conversations are this
feature's own memory. Sending goes through the bot's :class:`~...answering.Answerer`.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.conversation.memory import ConversationMemory
from bot.core.conversation.resolve import respond
from bot.core.knowledge.label import Kind
from bot.core.matching.policy import answer_unprompted
from bot.core.rendering.render import list_card

from ...answering import Asked
from ...client import TensionBot
from ...reading import message_text
from .conversations import (
    context_for,
    interaction_key,
    message_key,
    remember,
    repeat_key,
    replied_context,
)

log = logging.getLogger(__name__)

HOW_TO_ASK = "Ask me about a tradeoff, e.g. *does running an SAE slow inference down?*"
ANSWERED_TYPES = (discord.MessageType.default, discord.MessageType.reply)


class Questions(commands.Cog):
    def __init__(self, bot: TensionBot) -> None:
        self.bot = bot
        self.conversations = ConversationMemory(bot.settings.conversation_minutes * 60)

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
        if replied_context(self.conversations, message) is not None:
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
        text = message_text(self.bot.user, message)
        snapshot = self.bot.store.snapshot
        answerer = self.bot.answerer
        if not text:
            if route != "channel":  # a bare mention: say what the bot does
                await answerer.reply(message, list_card(snapshot.knowledge), content=HOW_TO_ASK)
            return
        before = context_for(self.conversations, message)
        guild_id = message.guild.id if message.guild else None
        local = self.bot.store.overlay(guild_id)
        turn = respond(snapshot.matcher, before, text, local, acknowledge=route != "channel")
        answer = turn.answer
        if route == "reply" and answer.kind is Kind.NONE and turn.unclear is None:
            return  # "lol nice" under an answer is not meant for the bot
        # "thanks!" is no question: not a gap in the knowledge for /stats to list
        logged = None if turn.acknowledgement else text
        asked = Asked(answer, route, started, question=logged, repeat_key=repeat_key(turn))
        question = snapshot.matcher.reads_as_question(text)
        if route == "channel" and not (
            turn.follow_up or answer_unprompted(text, answer, asked=question)
        ):
            if question:  # asked, but not confidently answerable: a gap to see
                answerer.unanswered(message, asked)
            log.debug("channel message not answered", extra={"kind": answer.kind.value})
            return
        answered = await answerer.reply(message, turn.card(snapshot.knowledge), asked)
        if answered is not None and answer.kind is not Kind.NONE:
            remember(self.conversations, message_key(message), turn, before, answered)

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
        before = self.conversations.recall(key)
        local = self.bot.store.overlay(interaction.guild_id)
        turn = respond(snapshot.matcher, before, question, local)
        logged = None if turn.acknowledgement else question
        asked = Asked(turn.answer, "slash", started, question=logged, repeat_key=repeat_key(turn))
        sent_id = await self.bot.answerer.respond(interaction, turn.card(snapshot.knowledge), asked)
        if sent_id is not None:
            remember(self.conversations, key, turn, before, sent_id)
