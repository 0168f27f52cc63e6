"""What a conversation remembers of its last answer: what it was about and what was shown."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.matching.answer import Kind
from bot.core.rendering.focused import Section


@dataclass(frozen=True, slots=True)
class Context:
    """The last answer of a conversation: a tension or a goal, whole or one part of it.

    Only ids are kept, never the question: a context is all a follow-up needs, and
    nothing a person wrote lingers in memory because of it.
    """

    kind: Kind  # Kind.TENSION or Kind.GOAL
    target: str  # the tension id or the goal id
    section: Section | None = None  # the part shown, or None for the whole answer

    @property
    def link(self) -> str:
        """The target as the renderer's links name it: "tension:<id>" or "goal:<id>"."""
        return f"{self.kind.value}:{self.target}"
