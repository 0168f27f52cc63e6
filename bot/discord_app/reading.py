"""What the bot reads of a Discord message, for answering and teaching alike."""

from __future__ import annotations

import re

import discord


def message_text(me: discord.abc.Snowflake | None, message: discord.Message) -> str:
    """The message's text without the bot's own mention (``me``), which says who is asked,
    not what."""
    text = message.content
    if me is not None:
        text = re.sub(rf"<@!?{me.id}>", " ", text)
    return text.strip()
