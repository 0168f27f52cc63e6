"""Free-text questions: mentions, DMs, opted-in channels, and ``/ask``."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ...core.matching.policy import answer_unprompted
from ...core.matching.text import reads_as_question
from ...core.rendering.render import answer_card, list_card
from ..answering import record_question, reply_to_message, respond_to_interaction
from ..client import TensionBot
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
        channel = message.channel
        parent = getattr(channel, "parent_id", None)
        opted_in = self.bot.settings.answer_channel_ids
        if channel.id in opted_in or (parent is not None and parent in opted_in):
            return "channel"
        return None

    def _question_text(self, message: discord.Message) -> str:
        me = self.bot.user
        text = message.content
        if me is not None:
            text = re.sub(rf"<@!?{me.id}>", " ", text)
        return text.strip()

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        route = self._route(message)
        if route is None:
            return
        started = time.perf_counter()
        text = self._question_text(message)
        snapshot = self.bot.store.snapshot
        if not text:
            if route != "channel":  # a bare mention: say what the bot does
                card = list_card(snapshot.knowledge)
                view = links_view(card.links)
                sent = await message.reply(
                    content=HOW_TO_ASK,
                    embed=to_embed(card),
                    view=view or discord.utils.MISSING,
                    mention_author=False,
                )
                if view is not None:
                    self.bot.expiry.track(sent, card.links)
            return
        answer = snapshot.matcher.match(text)
        if route == "channel" and not answer_unprompted(text, answer):
            if reads_as_question(text):  # asked, but not confidently answerable: a gap to see
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
        await reply_to_message(self.bot, message, text, answer, route, started)

    @app_commands.command(
        name="ask", description="Ask about the tradeoffs between AI-research goals"
    )
    @app_commands.describe(question="e.g. does running an SAE slow inference down?")
    async def ask(
        self, interaction: discord.Interaction[Any], question: app_commands.Range[str, 1, 500]
    ) -> None:
        started = time.perf_counter()
        snapshot = self.bot.store.snapshot
        answer = snapshot.matcher.match(question)
        card = answer_card(snapshot.knowledge, answer)
        await respond_to_interaction(
            self.bot, interaction, answer, card, "slash", started, question=question
        )


async def setup(bot: TensionBot) -> None:
    await bot.add_cog(Questions(bot))
