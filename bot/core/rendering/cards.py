"""A plain, sendable description of an answer: what an embed shows, without discord.

Every card that leaves this module already satisfies Discord's embed limits (see
:func:`fit`), so the adapters never have to cut text themselves, and the CLI prints the
same content a Discord user would see.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core import limits
from bot.core.formatting import ELLIPSIS, clip
from bot.core.knowledge.label import Label


@dataclass(frozen=True, slots=True)
class CardField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """A button-like pointer to another answer (a related tension, a suggestion)."""

    label: str
    target: Label


@dataclass(frozen=True, slots=True)
class Card:
    title: str
    description: str = ""
    fields: tuple[CardField, ...] = ()
    footer: str = ""
    colour: int = 0x5865F2
    author: str = ""
    links: tuple[Link, ...] = ()

    def total_chars(self) -> int:
        """What Discord counts against the 6,000-character embed total."""
        return (
            len(self.title)
            + len(self.description)
            + len(self.footer)
            + len(self.author)
            + sum(len(f.name) + len(f.value) for f in self.fields)
        )


def fit(card: Card) -> Card:
    """Clip every part to its limit, then drop trailing fields until the total fits.

    Data that passed the schema never needs this; it is the last guard for content built
    from many entries (overviews, lists) and for any future field.
    """
    fields = tuple(
        CardField(
            clip(f.name, limits.EMBED_FIELD_NAME) or ELLIPSIS,
            clip(f.value, limits.EMBED_FIELD_VALUE) or ELLIPSIS,
            f.inline,
        )
        for f in card.fields[: limits.EMBED_FIELDS]
    )
    card = replace(
        card,
        title=clip(card.title, limits.EMBED_TITLE),
        description=clip(card.description, limits.EMBED_DESCRIPTION),
        footer=clip(card.footer, limits.EMBED_FOOTER),
        author=clip(card.author, limits.EMBED_AUTHOR),
        fields=fields,
        links=card.links[: limits.BUTTONS_PER_ROW * (limits.ACTION_ROWS - 1)],
    )
    while card.total_chars() > limits.EMBED_TOTAL and card.fields:
        card = replace(card, fields=card.fields[:-1])
    if card.total_chars() > limits.EMBED_TOTAL:
        spare = limits.EMBED_TOTAL - (card.total_chars() - len(card.description))
        card = replace(card, description=clip(card.description, max(spare, 0)))
    return card
