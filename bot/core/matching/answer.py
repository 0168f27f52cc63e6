"""What the matcher decides about a question; rendered by the CLI and the Discord app alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.knowledge.label import Kind, Label


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
    more: tuple[Answer, ...] = ()  # further questions of the same message, answered too

    @property
    def label(self) -> Label:
        return Label.of(self)

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
            "more": [
                {k: v for k, v in a.to_json().items() if k not in ("question", "more")}
                for a in self.more
            ],
        }
