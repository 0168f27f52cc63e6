"""What the matcher decides about a question; rendered by the CLI and the Discord app alike."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    TENSION = "tension"  # one tension clearly fits
    GOAL = "goal"  # a question about one goal in general
    LIST = "list"  # "what tensions are there?"
    NONE = "none"  # off-topic, small talk, or too weak a match


@dataclass(frozen=True, slots=True)
class Answer:
    """The decision for one question.

    ``alternatives`` holds runner-up tension ids for a tension answer, and the
    "did you mean" suggestions (tension or goal ids) for ``none``.
    """

    question: str
    kind: Kind
    score: float
    tension: str | None = None
    goal: str | None = None
    goals: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The stable JSON interface of ``tensionbot ask --json`` (documented in the README)."""
        return {
            "question": self.question,
            "kind": self.kind.value,
            "tension": self.tension,
            "goal": self.goal,
            "goals": list(self.goals),
            "score": round(self.score, 4),
            "alternatives": list(self.alternatives),
        }
