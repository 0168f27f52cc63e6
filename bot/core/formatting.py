"""Text snippets shared by the schema (to bound rendered size) and the renderer.

The schema checks that a tension renders within Discord's limits by rendering the parts
that are lists (research points, reading), so both must use exactly these functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

BULLET = "•"
ELLIPSIS = "…"


class ReadingLike(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def authors(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def url(self) -> str: ...


def bullets(points: Iterable[str]) -> str:
    return "\n".join(f"{BULLET} {point}" for point in points)


def reading_line(item: ReadingLike, *, markdown: bool = True) -> str:
    """One publication: a markdown link in Discord, plain text with the URL in a terminal."""
    if markdown:
        return f"{BULLET} [{item.title}]({item.url}), {item.authors} ({item.year})"
    return f"{BULLET} {item.title}, {item.authors} ({item.year})\n  {item.url}"


def reading_block(items: Iterable[ReadingLike], *, markdown: bool = True) -> str:
    return "\n".join(reading_line(item, markdown=markdown) for item in items)


def clip(text: str, limit: int) -> str:
    """Shorten to at most ``limit`` characters, ending on a word where possible."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + ELLIPSIS


def first_sentence(text: str, limit: int) -> str:
    """The opening sentence, for overviews that list many tensions at once."""
    for end in (". ", "? ", "! "):
        index = text.find(end)
        if 0 < index < limit:
            return text[: index + 1]
    return clip(text, limit)
