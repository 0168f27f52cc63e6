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
from bot.core.matching.policy import answer_unprompted, nearly_answered
from bot.core.rendering.render import list_card

from ...answering import Asked
from ...checks import PUBLIC_DESCRIPTION, anywhere
from ...client import TensionBot
from ...reading import message_text
from ...server_settings import ServerSettings
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
        self.conversations = ConversationMemory(bot.servers.longest_conversation_seconds)

    def _route(self, message: discord.Message, server: ServerSettings) -> str | None:
        """How a message reached the bot, or None when it was not meant for it.

        Without Message Content (not requested, or refused), Discord sends the text of DMs
        and of messages that mention the bot only: a reply that does not ping it and an
        opted-in channel's chatter arrive empty, so they are not read at all.
        """
        if message.author.bot or message.webhook_id is not None:
            return None
        if message.type not in ANSWERED_TYPES:
            return None
        if message.guild is None:
            return "dm"
        channel = message.channel
        parent = getattr(channel, "parent_id", None)
        mode = server.channel_mode(channel.id, parent)
        if mode == "off":  # the server's moderators silenced the bot here
            return None
        me = self.bot.user
        if me is not None and any(user.id == me.id for user in message.mentions):
            return "mention"
        if not self.bot.reads_content:
            return None
        if replied_context(self.conversations, message, server.conversation_seconds):
            return "reply"  # to one of the bot's answers, without pinging it
        if mode == "open":
            return "channel"
        return None

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        server = self.bot.servers.of(message.guild.id if message.guild else None)
        route = self._route(message, server)
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
        window = server.conversation_seconds
        before = context_for(self.conversations, message, window)
        question = snapshot.matcher.reads_as_question(text)
        if route == "channel" and before is None and not question:
            return  # chatter: not a question, and no conversation it could follow up
        local = self.bot.store.overlay(message.guild.id if message.guild else None)
        turn = respond(snapshot.matcher, before, text, local, acknowledge=route != "channel")
        answer = turn.answer
        if route == "reply" and answer.kind is Kind.NONE and turn.unclear is None:
            return  # "lol nice" under an answer is not meant for the bot
        # "thanks!" is no question: not a gap in the knowledge for /stats to list
        logged = None if turn.acknowledgement else text
        asked = Asked(answer, route, started, question=logged, repeat_key=repeat_key(turn))
        if route == "channel" and not (
            turn.follow_up or answer_unprompted(text, answer, asked=question)
        ):
            if question and nearly_answered(answer):  # a gap worth seeing, not chatter
                answerer.unanswered(message, asked)
            log.debug("channel message not answered", extra={"kind": answer.kind.value})
            return
        first, *more = turn.cards(snapshot.knowledge)
        answered = await answerer.reply(message, first, asked, more=more)
        if answered is not None and answer.kind is not Kind.NONE:
            self.conversations.window = self.bot.servers.longest_conversation_seconds
            remember(self.conversations, message_key(message), turn, before, answered)

    @app_commands.command(
        name="ask", description="Ask about the tradeoffs between AI-research goals"
    )
    @app_commands.describe(
        question="e.g. does running an SAE slow inference down?", public=PUBLIC_DESCRIPTION
    )
    @anywhere()
    async def ask(
        self,
        interaction: discord.Interaction[Any],
        question: app_commands.Range[str, 1, 500],
        public: bool = False,
    ) -> None:
        started = time.perf_counter()
        snapshot = self.bot.store.snapshot
        key = interaction_key(interaction)
        window = self.bot.servers.of(interaction.guild_id).conversation_seconds
        before = self.conversations.recall(key, window)
        local = self.bot.store.overlay(interaction.guild_id)
        turn = respond(snapshot.matcher, before, question, local)
        logged = None if turn.acknowledgement else question
        asked = Asked(turn.answer, "slash", started, question=logged, repeat_key=repeat_key(turn))
        answerer = self.bot.answerer
        only_asker = answerer.only_asker(interaction, public)
        first, *more = turn.cards(snapshot.knowledge)
        sent_id = await answerer.respond(interaction, first, asked, ephemeral=only_asker, more=more)
        if sent_id is not None or (only_asker and turn.answer.kind is not Kind.NONE):
            self.conversations.window = self.bot.servers.longest_conversation_seconds
            remember(self.conversations, key, turn, before, sent_id)
