"""A plain, sendable description of an answer: what an embed shows, without discord.

Every card that leaves this module already satisfies Discord's embed limits (see
:func:`fit`), so the adapters never have to cut text themselves, and the CLI prints the
same content a Discord user would see.
"""

from __future__ import annotations

from collections.abc import Sequence
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


def brief(card: Card) -> Card:
    """A card cut to its title, summary and first field: a further answer that does not
    fit whole beside the first one still says what it is about."""
    return replace(card, fields=card.fields[:1], footer="", author="", links=())


def together(first: Card, further: Sequence[tuple[Card, Link]]) -> tuple[Card, ...]:
    """The cards of one message that answers several questions, within Discord's limits
    for one message: at most ``EMBEDS_PER_MESSAGE`` embeds and ``EMBED_TOTAL`` characters
    across all of them. A further card that does not fit whole goes in brief; one that does
    not fit at all is offered as a button on the first card (its ``Link``), never dropped
    silently. Only the first card keeps buttons: a message has one set of them.
    """
    cards = [first]
    total = first.total_chars()
    offered: list[Link] = []
    shown: set[Label] = set()
    for card, link in further:
        for candidate in (replace(card, links=()), brief(card)):
            size = candidate.total_chars()
            if len(cards) < limits.EMBEDS_PER_MESSAGE and total + size <= limits.EMBED_TOTAL:
                cards.append(candidate)
                total += size
                shown.add(link.target)
                break
        else:
            offered.append(link)
    if offered or shown:
        room = limits.BUTTONS_PER_ROW * (limits.ACTION_ROWS - 1)
        kept = (k for k in first.links if k.target not in shown and k not in offered)
        cards[0] = replace(first, links=(*offered, *kept)[:room])
    return tuple(cards)
