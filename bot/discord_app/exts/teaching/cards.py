"""What teaching looks like: the prompt, which carries the text to teach, and its outcome.

The prompt's card is the only state a teach needs between the moderator's two clicks:
the text travels in its ``Message`` field (a message only the bot can write), so a prompt
still works after a restart and in whichever cluster the click reaches.
"""

from __future__ import annotations

from typing import Final

import discord

from bot.core import limits
from bot.core.formatting import clip

TEXT_FIELD: Final = "Message"
TEACH_COLOUR: Final = 0x5865F2


def prompt_card(text: str, current: str, *, local: bool = False) -> discord.Embed:
    """The prompt: the text that will be kept, what the bot answers it now, and, for a
    server that teaches for itself, that it changes this server's answers alone."""
    where = "\nWhat you teach here answers in this server only." if local else ""
    embed = discord.Embed(
        title="Teach tensionbot",
        description=(
            "Choose what the bot should answer to this message; it will be kept as an "
            f"example of that answer.\nNow it answers: **{current}**.{where}"
        ),
        colour=TEACH_COLOUR,
    )
    embed.add_field(name=TEXT_FIELD, value=text, inline=False)
    embed.set_footer(text="Only you can see this. Mentions are kept as @user, @role, #channel.")
    return embed


def prompt_text(message: discord.Message | None) -> str | None:
    """The text a prompt carries, read back from the message it is in."""
    if message is None or not message.embeds:
        return None
    for field in message.embeds[0].fields:
        if field.name == TEXT_FIELD and field.value:
            return field.value
    return None


def outcome_card(
    title: str, description: str, text: str | None, *, error: bool = False
) -> discord.Embed:
    """What the prompt turns into: taught, undone, or why not."""
    embed = discord.Embed(
        title=title,
        description=clip(description, limits.EMBED_DESCRIPTION),
        colour=discord.Colour.red() if error else discord.Colour.green(),
    )
    if text:
        embed.add_field(name=TEXT_FIELD, value=text, inline=False)
    return embed
