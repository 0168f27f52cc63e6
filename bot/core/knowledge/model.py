"""The loaded knowledge: one immutable value that a reload replaces whole.

Nothing here can be mutated after construction (frozen models, tuples, read-only
mappings), so a reader holding a reference keeps a consistent view while a reload
builds and swaps in a new one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Final

from bot.core.knowledge.label import Label
from bot.core.knowledge.schema import Goal, Tension

# Whom a message mentions, as Discord writes it (<@123>, <@&456>, <#789>) or as stored
# text keeps it (@user, @role, #channel): not part of what is being asked.
_MENTIONED: Final = re.compile(r"<(?:@[!&]?|#)\d+>|(?<!\w)(?:@user|@role|#channel)\b")


def example_key(text: str) -> str:
    """Two examples are the same when they differ only in case, spacing, end punctuation,
    or whom they mention (a taught message keeps its mentions as placeholders)."""
    return " ".join(_MENTIONED.sub(" ", text).casefold().split()).rstrip(" ?!.")


@dataclass(frozen=True, slots=True)
class Taught:
    """An example a moderator taught from Discord: operational data kept in the database,
    merged with the folder's examples at every load (see :mod:`bot.core.knowledge.teaching`)."""

    id: int
    label: Label
    text: str


def _pair_key(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


@dataclass(frozen=True, eq=False)
class Knowledge:
    """Goals and tensions, indexed for the lookups the matcher and renderer need."""

    goals: Mapping[str, Goal]
    tensions: Mapping[str, Tension]
    overview_examples: tuple[str, ...] = ()
    not_answered: tuple[str, ...] = ()
    taught: tuple[Taught, ...] = ()  # merged from the database; the folder does not hold them
    # follow-ups.yaml: examples of each part a follow-up asks for, by part name
    follow_ups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fingerprint: str = ""
    folder_fingerprint: str = ""  # the folder's alone, when taught examples changed the above
    source: str = ""
    loaded_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    _by_goal: Mapping[str, tuple[Tension, ...]] = field(init=False, repr=False)
    _by_pair: Mapping[frozenset[str], Tension] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_goal: dict[str, list[Tension]] = {goal_id: [] for goal_id in self.goals}
        by_pair: dict[frozenset[str], Tension] = {}
        for tension in self.tensions.values():
            for goal_id in tension.goals:
                by_goal.setdefault(goal_id, []).append(tension)
            by_pair[_pair_key(*tension.goals)] = tension
        # object.__setattr__ because the dataclass is frozen: these are derived once here.
        object.__setattr__(self, "goals", MappingProxyType(dict(self.goals)))
        object.__setattr__(self, "tensions", MappingProxyType(dict(self.tensions)))
        object.__setattr__(
            self, "_by_goal", MappingProxyType({k: tuple(v) for k, v in by_goal.items()})
        )
        object.__setattr__(self, "_by_pair", MappingProxyType(by_pair))

    @classmethod
    def build(
        cls,
        goals: tuple[Goal, ...] | list[Goal],
        tensions: tuple[Tension, ...] | list[Tension],
        **kwargs: object,
    ) -> Knowledge:
        """Index goals in file order and tensions by the order of their goals.

        Tension files have no order of their own; sorting by the position of their goals
        in goals.yaml keeps lists stable and lets moderators steer them from one place.
        """
        rank = {g.id: i for i, g in enumerate(goals)}
        missing = len(rank)

        def position(t: Tension) -> tuple[int, int, str]:
            a, b = sorted(rank.get(g, missing) for g in t.goals)
            return (a, b, t.id)

        return cls(
            goals={g.id: g for g in goals},
            tensions={t.id: t for t in sorted(tensions, key=position)},
            **kwargs,  # type: ignore[arg-type]
        )

    def tensions_of(self, goal_id: str) -> tuple[Tension, ...]:
        return self._by_goal.get(goal_id, ())

    def between(self, a: str, b: str) -> Tension | None:
        return self._by_pair.get(_pair_key(a, b))

    def related(self, tension: Tension) -> tuple[Tension, ...]:
        """Other tensions that share a goal with this one, in knowledge order."""
        seen = {tension.id}
        out: list[Tension] = []
        for goal_id in tension.goals:
            for other in self.tensions_of(goal_id):
                if other.id not in seen:
                    seen.add(other.id)
                    out.append(other)
        return tuple(out)

    def examples(self) -> Iterator[tuple[Label, str]]:
        """Every example question with the answer it should get, the labels the learned
        part of the matcher is trained on.

        Taught examples follow their answer's own, oldest first: exactly where ``tensionbot
        learned export`` appends them in the files, so the exported knowledge trains the
        same model and gives the same answers as the knowledge served before the export.
        """
        taught: dict[Label, list[str]] = {}
        for example in self.taught:
            taught.setdefault(example.label, []).append(example.text)
        for tension in self.tensions.values():
            label = Label.tension(tension.id)
            for text in (*tension.examples, *taught.get(label, ())):
                yield label, text
        for goal in self.goals.values():
            label = Label.goal(goal.id)
            for text in (*goal.examples, *taught.get(label, ())):
                yield label, text
        for text in (*self.overview_examples, *taught.get(Label.LIST, ())):
            yield Label.LIST, text
        for text in (*self.not_answered, *taught.get(Label.NONE, ())):
            yield Label.NONE, text

    def goal_names(self, tension: Tension) -> tuple[str, str]:
        a, b = tension.goals
        return (self.goals[a].name, self.goals[b].name)


@dataclass(frozen=True)
class KnowledgeDiff:
    """What a reload changed, for the moderator's confirmation message."""

    goals_added: tuple[str, ...] = ()
    goals_changed: tuple[str, ...] = ()
    goals_removed: tuple[str, ...] = ()
    tensions_added: tuple[str, ...] = ()
    tensions_changed: tuple[str, ...] = ()
    tensions_removed: tuple[str, ...] = ()
    examples_changed: tuple[str, ...] = ()  # "overview", "not-answered", "taught", "follow-ups"

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    @property
    def goal_set_changed(self) -> bool:
        """Whether per-goal slash commands must be re-registered."""
        return bool(self.goals_added or self.goals_removed or self.goals_changed)

    def lines(self) -> list[str]:
        out: list[str] = []
        for kind in ("goals", "tensions"):
            for verb in ("added", "changed", "removed"):
                ids: tuple[str, ...] = getattr(self, f"{kind}_{verb}")
                if ids:
                    label = kind[:-1] if len(ids) == 1 else kind
                    out.append(f"{len(ids)} {label} {verb}: {', '.join(ids)}")
        if self.examples_changed:
            out.append(f"examples changed: {', '.join(self.examples_changed)}")
        return out or ["no changes"]


def diff(old: Knowledge, new: Knowledge) -> KnowledgeDiff:
    def compare(
        before: Mapping[str, Goal] | Mapping[str, Tension],
        after: Mapping[str, Goal] | Mapping[str, Tension],
    ) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        added = tuple(k for k in after if k not in before)
        removed = tuple(k for k in before if k not in after)
        changed = tuple(k for k in after if k in before and after[k] != before[k])
        return added, changed, removed

    ga, gc, gr = compare(old.goals, new.goals)
    ta, tc, tr = compare(old.tensions, new.tensions)
    others = tuple(
        name
        for name, before, after in (
            ("overview", old.overview_examples, new.overview_examples),
            ("not-answered", old.not_answered, new.not_answered),
            ("taught", old.taught, new.taught),
            ("follow-ups", dict(old.follow_ups), dict(new.follow_ups)),
        )
        if before != after
    )
    return KnowledgeDiff(ga, gc, gr, ta, tc, tr, others)
