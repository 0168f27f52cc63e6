"""One turn of a conversation: the answer, and what the context had to do with it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from bot.core import limits
from bot.core.conversation.context import Context
from bot.core.formatting import clip
from bot.core.knowledge.label import Kind, Label, Section
from bot.core.knowledge.model import Knowledge
from bot.core.matching.answer import Answer
from bot.core.rendering.cards import Card, Link, together
from bot.core.rendering.focused import (
    goal_section_card,
    tension_section_card,
    unclear_follow_up_card,
)
from bot.core.rendering.render import MUTED_COLOUR, answer_card

ACKNOWLEDGED: Final = Card(
    title="Glad to help",
    description="Ask me about another tradeoff whenever you like.",
    colour=MUTED_COLOUR,
)


@dataclass(frozen=True, slots=True)
class Turn:
    """The answer to one message of a conversation.

    ``follow_up`` is true when the last answer decided this one; ``section`` names the part
    shown when it is not the whole answer. ``unclear`` holds the last answer's label when
    the message leaned on it but asked for nothing recognisable. ``acknowledgement``: the
    message asks nothing at all ("thanks!", a nod), so a miss card would answer a question
    nobody asked; it gets a short friendly line instead.
    """

    answer: Answer
    follow_up: bool = False
    section: Section | None = None
    unclear: Label | None = None
    acknowledgement: bool = False

    def to_json(self) -> dict[str, Any]:
        """``ask --json --conversation``: the fields of ``ask --json`` plus two."""
        return {
            **self.answer.to_json(),
            "follow_up": self.follow_up,
            "section": self.section.value if self.section else None,
        }

    def card(
        self, knowledge: Knowledge, *, markdown: bool = True, list_command: str = "/tensions"
    ) -> Card:
        """``list_command``: what a miss suggests for the full list (see ``none_card``)."""
        answer = self.answer
        if self.acknowledgement:
            return ACKNOWLEDGED
        if self.unclear is not None:
            return unclear_follow_up_card(knowledge, self.unclear)
        if self.section is not None:
            tension = knowledge.tensions.get(answer.tension or "")
            if answer.kind is Kind.TENSION and tension is not None:
                return tension_section_card(knowledge, tension, self.section, markdown=markdown)
            goal = answer.goal or ""
            if answer.kind is Kind.GOAL and goal in knowledge.goals:
                return goal_section_card(knowledge, goal, self.section, markdown=markdown)
        return answer_card(knowledge, answer, markdown=markdown, list_command=list_command)

    def cards(
        self, knowledge: Knowledge, *, markdown: bool = True, list_command: str = "/tensions"
    ) -> tuple[Card, ...]:
        """The card, then one for each further question the message asked (``Answer.more``),
        fitted together into one message (:func:`~bot.core.rendering.cards.together`)."""
        first = self.card(knowledge, markdown=markdown, list_command=list_command)
        further: list[tuple[Card, Link]] = []
        for more in self.answer.more:
            label = Label.of(more)
            if more.kind is Kind.NONE or not label.known_in(knowledge):
                continue
            card = answer_card(knowledge, more, markdown=markdown, list_command=list_command)
            further.append((card, Link(clip(label.title(knowledge), limits.BUTTON_LABEL), label)))
        return together(first, further)

    def next_context(self, before: Context | None) -> Context | None:
        """What the conversation remembers after this turn.

        A tension or goal becomes the context; the list starts afresh (a follow-up to
        "everything" has nothing to lean on); a miss changes nothing, so "thanks!" or a
        typo between two questions does not end the conversation.
        """
        answer = self.answer
        if answer.kind is Kind.TENSION and answer.tension:
            return Context(Kind.TENSION, answer.tension, self.section)
        if answer.kind is Kind.GOAL and answer.goal:
            return Context(Kind.GOAL, answer.goal, self.section)
        if answer.kind is Kind.LIST:
            return None
        return before
