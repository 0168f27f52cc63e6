"""Cards drawn as terminal text: the same content as the embed, laid out for a console."""

from __future__ import annotations

import re
import textwrap

from bot.core.rendering.cards import Card

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)]+)\)")


def plain(text: str) -> str:
    """Strip the little markdown the cards use; links keep their address."""
    return _LINK.sub(r"\1 <\2>", _BOLD.sub(r"\1", text))


def _wrap(text: str, width: int, indent: str = "") -> str:
    out: list[str] = []
    for line in plain(text).splitlines() or [""]:
        bullet = line[:2] if line[:2] in ("• ", "- ") else ""
        body = line[len(bullet) :]
        hang = indent + " " * len(bullet)
        wrapped = (
            textwrap.fill(body, width=width, initial_indent=indent + bullet, subsequent_indent=hang)
            if body.strip()
            else indent + line.strip()
        )
        out.append(wrapped)
    return "\n".join(out)


def card_text(card: Card, *, width: int = 88) -> str:
    parts: list[str] = []
    if card.author:
        parts.append(plain(card.author))
    parts.append(plain(card.title))
    parts.append("=" * min(len(card.title), width))
    if card.description:
        parts.append(_wrap(card.description, width))
    for field in card.fields:
        parts.append("")
        parts.append(plain(field.name))
        parts.append(_wrap(field.value, width, indent="  "))
    if card.footer:
        parts.append("")
        parts.append(plain(card.footer))
    return "\n".join(parts)
