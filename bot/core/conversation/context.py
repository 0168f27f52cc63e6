"""What a conversation remembers of its last answer: what it was about and what was shown."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.knowledge.label import Kind, Label, Section


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
    def label(self) -> Label:
        return Label(self.kind, self.target)
