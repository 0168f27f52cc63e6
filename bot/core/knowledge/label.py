"""What an answer is, as one value: a tension, a goal, the list, or no answer.

Examples are labelled with it, the classifier learns it, the question log and the taught
examples store it, and buttons carry it in their custom ids. A label is written
``tension:<id>``, ``goal:<id>``, ``list`` or ``none``; :meth:`Label.parse` and ``str()``
are the only places that spelling is known, so it is never assembled or split by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar, Final, Protocol

if TYPE_CHECKING:
    from bot.core.knowledge.model import Knowledge


class Kind(StrEnum):
    TENSION = "tension"  # one tension clearly fits
    GOAL = "goal"  # a question about one goal in general
    LIST = "list"  # "what tensions are there?"
    NONE = "none"  # off-topic, small talk, or too weak a match


class Section(StrEnum):
    """The parts of an answer a follow-up can ask for."""

    TRADEOFF = "tradeoff"  # the known tradeoff and its figures
    RESEARCH = "research"  # who is working on it
    READING = "reading"  # further reading
    SUMMARY = "summary"  # why: the explanation


_TARGETED: Final = frozenset({Kind.TENSION, Kind.GOAL})
SEPARATOR: Final = ":"


class Decided(Protocol):
    """What an answer says it is (``Answer`` in the matching package)."""

    @property
    def kind(self) -> Kind: ...
    @property
    def tension(self) -> str | None: ...
    @property
    def goal(self) -> str | None: ...


class BadLabelError(ValueError):
    """Text that does not spell a label (a damaged custom id, a hand-edited row)."""


@dataclass(frozen=True, slots=True, order=True)
class Label:
    """One answer the bot can give; ``target`` is the tension or goal id, else empty."""

    kind: Kind
    target: str = ""

    LIST: ClassVar[Label]
    NONE: ClassVar[Label]

    def __post_init__(self) -> None:
        if (self.kind in _TARGETED) != bool(self.target):
            need = "needs an" if not self.target else "takes no"
            raise BadLabelError(f"a {self.kind.value} label {need} id")

    @classmethod
    def tension(cls, tension_id: str) -> Label:
        return cls(Kind.TENSION, tension_id)

    @classmethod
    def goal(cls, goal_id: str) -> Label:
        return cls(Kind.GOAL, goal_id)

    @classmethod
    def parse(cls, text: str) -> Label:
        """The label ``text`` spells; :class:`BadLabelError` when it spells none."""
        kind, sep, target = text.partition(SEPARATOR)
        try:
            parsed = Kind(kind)
        except ValueError:
            raise BadLabelError(f"not an answer label: {text[:60]!r}") from None
        if bool(sep) != (parsed in _TARGETED):
            raise BadLabelError(f"not an answer label: {text[:60]!r}")
        return cls(parsed, target)

    @classmethod
    def of(cls, answer: Decided) -> Label:
        """The label of what the matcher decided."""
        if answer.kind is Kind.TENSION and answer.tension:
            return cls.tension(answer.tension)
        if answer.kind is Kind.GOAL and answer.goal:
            return cls.goal(answer.goal)
        return cls.NONE if answer.kind in _TARGETED else cls(answer.kind)

    def __str__(self) -> str:
        return f"{self.kind.value}{SEPARATOR}{self.target}" if self.target else self.kind.value

    def known_in(self, knowledge: Knowledge) -> bool:
        """Whether this knowledge can give this answer."""
        if self.kind is Kind.TENSION:
            return self.target in knowledge.tensions
        if self.kind is Kind.GOAL:
            return self.target in knowledge.goals
        return True

    def title(self, knowledge: Knowledge) -> str:
        """How a person reads this answer: "Interpretability vs Efficiency",
        "Calibration (overview)", "the list of all tensions", "no answer"."""
        if self.kind is Kind.TENSION and self.target in knowledge.tensions:
            return knowledge.tensions[self.target].title
        if self.kind is Kind.GOAL and self.target in knowledge.goals:
            return f"{knowledge.goals[self.target].name} (overview)"
        if self.kind is Kind.LIST:
            return "the list of all tensions"
        if self.kind is Kind.NONE:
            return "no answer (not something to answer)"
        return str(self)


Label.LIST = Label(Kind.LIST)
Label.NONE = Label(Kind.NONE)


def title_of(knowledge: Knowledge | None, stored: str) -> str:
    """How a person reads a label as a database keeps it (written by an older knowledge, or
    damaged by hand): its title in this knowledge, else the label as written."""
    try:
        label = Label.parse(stored)
    except BadLabelError:
        return stored
    return label.title(knowledge) if knowledge is not None else str(label)
