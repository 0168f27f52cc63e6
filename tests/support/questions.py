"""The labelled question sets in tests/data/questions/, as flat records."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.knowledge.label import Kind, Label
from bot.core.matching.answer import Answer

DATA = Path(__file__).resolve().parent.parent / "data"
QUESTIONS = DATA / "questions"  # short, keyword-rich questions (issue 3)
REALISTIC = DATA / "realistic"  # messages as people post them, written blind (issue 8)


@dataclass(frozen=True)
class Labelled:
    question: str
    kind: Kind
    target: str | None  # tension id for tension, goal id for goal
    source: str  # which set (for the realistic ones, dev or test)
    near_miss: bool = False  # a ``none`` that looks close: chatter naming a goal, another sense

    @property
    def label(self) -> Label:
        return Label(self.kind, self.target or "")

    def judge(self, answer: Answer) -> bool:
        if answer.kind != self.kind:
            return False
        if self.kind is Kind.TENSION:
            return answer.tension == self.target
        if self.kind is Kind.GOAL:
            return answer.goal == self.target
        return True


def load_set(path: Path) -> list[Labelled]:
    data = yaml.safe_load(path.read_text("utf-8"))
    out: list[Labelled] = []
    for tension_id, questions in (data.get("tension") or {}).items():
        out += [Labelled(q, Kind.TENSION, tension_id, path.stem) for q in questions]
    for goal_id, questions in (data.get("goal") or {}).items():
        out += [Labelled(q, Kind.GOAL, goal_id, path.stem) for q in questions]
    out += [Labelled(q, Kind.LIST, None, path.stem) for q in data.get("list") or []]
    out += [Labelled(q, Kind.NONE, None, path.stem) for q in data.get("none") or []]
    out += [Labelled(q, Kind.NONE, None, path.stem, True) for q in data.get("near_miss") or []]
    return out


def load_all() -> list[Labelled]:
    return [item for path in sorted(QUESTIONS.glob("*.yaml")) for item in load_set(path)]


def load_sets(which: str) -> list[Labelled]:
    """``short`` (the issue-3 sets), ``realistic`` (dev and test), ``dev`` (dev.yaml and
    dev2.yaml, the parts tuned on), ``test`` (never tuned on), ``all``."""
    realistic = {
        "dev": [REALISTIC / "dev.yaml", REALISTIC / "dev2.yaml"],
        "test": [REALISTIC / "test.yaml"],
    }
    realistic["realistic"] = realistic["dev"] + realistic["test"]
    if which == "short":
        return load_all()
    if which == "all":
        return load_all() + [i for p in realistic["realistic"] for i in load_set(p)]
    return [item for path in realistic[which] for item in load_set(path)]
