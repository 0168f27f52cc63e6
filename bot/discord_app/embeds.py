"""Cards (from the core) as Discord embeds. The core already fits them to the limits."""

from __future__ import annotations

import discord

from bot.core import limits
from bot.core.rendering.cards import Card


def to_embed(card: Card) -> discord.Embed:
    embed = discord.Embed(
        title=card.title or None,
        description=card.description or None,
        colour=discord.Colour(card.colour),
    )
    if card.author:
        embed.set_author(name=card.author)
    for field in card.fields:
        embed.add_field(name=field.name, value=field.value, inline=field.inline)
    if card.footer:
        embed.set_footer(text=card.footer)
    assert len(embed) <= limits.EMBED_TOTAL, "cards are fitted in the core"
    return embed


def notice(text: str) -> discord.Embed:
    """A short, plain message (errors, cooldowns) in the same visual language."""
    return discord.Embed(
        description=text[: limits.EMBED_DESCRIPTION], colour=discord.Colour(0x99AAB5)
    )
