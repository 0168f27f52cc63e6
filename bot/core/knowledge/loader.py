"""Read a knowledge folder into a :class:`Knowledge`, or explain every reason it cannot.

The folder layout is fixed so that nothing is read by accident::

    knowledge/
      goals.yaml            the goals (a list under ``goals:``)
      tensions/<id>.yaml    one tension per file
      overview.yaml         optional: example questions asking for the whole list
      not-answered.yaml     optional: example messages the bot must not answer
      README.md             optional notes for moderators, not read

All problems are collected in one pass, each with file, line and field, because a
moderator fixing a reload should see the whole list at once, not one error per attempt.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from bot.core import limits
from bot.core.knowledge.explain import did_you_mean, explain
from bot.core.knowledge.model import Knowledge, example_key
from bot.core.knowledge.problems import Problem, format_path
from bot.core.knowledge.schema import (
    MAX_ANSWERS,
    ExamplesFile,
    FollowUpsFile,
    Goal,
    GoalsFile,
    Tension,
)
from bot.core.knowledge.yamlfile import YamlDoc, read_yaml
from bot.core.stepwise import Steps, finish

GOALS_FILE: Final = "goals.yaml"
TENSIONS_DIR: Final = "tensions"
OVERVIEW_FILE: Final = "overview.yaml"
NOT_ANSWERED_FILE: Final = "not-answered.yaml"
FOLLOW_UPS_FILE: Final = "follow-ups.yaml"
YAML_SUFFIXES: Final = (".yaml", ".yml")
MAX_FILES: Final = 20_000


@dataclass(frozen=True)
class LoadResult:
    """A knowledge value when the folder is valid, and everything worth telling either way."""

    knowledge: Knowledge | None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return self.knowledge is not None and not self.problems


class KnowledgeError(Exception):
    """Raised by :func:`load_or_raise`; carries every problem found."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class _Collector:
    root: Path
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    digest: Any = field(default_factory=hashlib.sha256)
    # Tension files the schema refused: still read for the rules that span files, so that
    # one schema error does not hide the file's other problems (an unknown goal, say).
    refused: list[YamlDoc] = field(default_factory=list)

    def display(self, path: Path) -> str:
        """A path as the moderator knows it: relative to the folder's parent when possible."""
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def add(self, file: str, line: int | None, field_: str, message: str) -> None:
        self.problems.append(Problem(file, line, field_, message))

    def warn(self, file: str, line: int | None, field_: str, message: str) -> None:
        self.warnings.append(Problem(file, line, field_, message))


def load_knowledge(root: str | Path) -> LoadResult:
    """Load and validate a knowledge folder. Never raises for bad content."""
    return finish(load_steps(root))


def load_steps(root: str | Path) -> Steps[LoadResult]:
    """:func:`load_knowledge`, pausing after each file (see :mod:`bot.core.stepwise`)."""
    root = Path(root)
    c = _Collector(root)
    shown = c.display(root)
    if not root.is_dir():
        c.add(
            shown, None, "", "knowledge folder not found" if not root.exists() else "not a folder"
        )
        return LoadResult(None, tuple(c.problems))

    goals = _load_goals(c, root / GOALS_FILE)
    yield
    tensions = yield from _load_tensions(c, root / TENSIONS_DIR)
    overview = _load_examples(c, root / OVERVIEW_FILE)
    yield
    not_answered = _load_examples(c, root / NOT_ANSWERED_FILE)
    yield
    follow_ups = _load_follow_ups(c, root / FOLLOW_UPS_FILE)
    yield
    _check_root_entries(c, root)

    goal_ids = {goal.id for goal, _ in goals}
    _check_references(c, tensions, goal_ids)
    _check_refused_goals(c, goal_ids)
    _check_examples(c, goals, tensions, overview, not_answered)

    answers = len(goals) + len(tensions) + 2
    if answers > MAX_ANSWERS:
        c.add(
            shown,
            None,
            "",
            f"{len(tensions)} tensions and {len(goals)} goals make {answers} answers; the "
            f"matcher learns at most {MAX_ANSWERS} (tensions + goals + the list + no answer)",
        )
    if c.problems:
        return LoadResult(None, tuple(c.problems), tuple(c.warnings))

    knowledge = Knowledge.build(
        [g for g, _ in goals],
        [t for t, _ in tensions],
        overview_examples=overview[0].examples if overview else (),
        not_answered=not_answered[0].examples if not_answered else (),
        follow_ups=(
            {part: tuple(getattr(follow_ups, part)) for part in FollowUpsFile.model_fields}
            if follow_ups
            else {}
        ),
        fingerprint=c.digest.hexdigest()[:12],
        source=shown,
    )
    _warn_about_shape(c, knowledge)
    return LoadResult(knowledge, (), tuple(c.warnings))


def load_or_raise(root: str | Path) -> Knowledge:
    result = load_knowledge(root)
    if result.knowledge is None:
        raise KnowledgeError(result.problems)
    return result.knowledge


# --- files -----------------------------------------------------------------------------


def _check_root_entries(c: _Collector, root: Path) -> None:
    for entry in _safe_listdir(c, root):
        name = entry.name
        if (
            name.startswith(".")
            or name in (GOALS_FILE, TENSIONS_DIR, OVERVIEW_FILE, NOT_ANSWERED_FILE, FOLLOW_UPS_FILE)
            or name.lower().startswith("readme")
        ):
            continue
        c.add(
            c.display(entry),
            None,
            "",
            f"unexpected {'folder' if entry.is_dir() else 'file'}: the folder holds "
            f"{GOALS_FILE}, {TENSIONS_DIR}/<id>.yaml, and optionally {OVERVIEW_FILE}, "
            f"{NOT_ANSWERED_FILE}, {FOLLOW_UPS_FILE} and a README",
        )


def _safe_listdir(c: _Collector, folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError as exc:
        c.add(c.display(folder), None, "", f"cannot list folder: {exc.strerror or exc}")
        return []


# --- validation ------------------------------------------------------------------------


M = TypeVar("M", bound=BaseModel)


def _read(c: _Collector, path: Path) -> YamlDoc | None:
    shown = c.display(path)
    raw, result = read_yaml(path, shown)
    c.digest.update(shown.encode())
    c.digest.update(raw)
    if isinstance(result, Problem):
        c.problems.append(result)
        return None
    return result


def _validate(c: _Collector, doc: YamlDoc, model: type[M]) -> M | None:
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        found = [
            Problem(
                doc.path,
                doc.line_of(tuple(e["loc"])),
                format_path(tuple(e["loc"])),
                explain(e, model),
            )
            for e in exc.errors(include_url=False)
        ]
        c.problems.extend(sorted(found, key=lambda p: p.line or 0))
        return None


def _load_goals(c: _Collector, path: Path) -> list[tuple[Goal, YamlDoc]]:
    if not path.is_file():
        c.add(c.display(path), None, "", "missing: the goals file is required")
        return []
    parsed = _read(c, path)
    if parsed is None:
        return []
    model = _validate(c, parsed, GoalsFile)
    if model is None:
        return []
    out: list[tuple[Goal, YamlDoc]] = []
    first_line: dict[str, int | None] = {}
    for index, goal in enumerate(model.goals):
        line = parsed.line_of(("goals", index, "id"))
        if goal.id in first_line:
            c.add(
                parsed.path,
                line,
                f"goals[{index}].id",
                f"duplicate goal id '{goal.id}' (first defined on line {first_line[goal.id]})",
            )
            continue
        first_line[goal.id] = line
        out.append((goal, parsed))
    return out


def _load_examples(c: _Collector, path: Path) -> tuple[ExamplesFile, YamlDoc] | None:
    if not path.is_file():
        return None
    parsed = _read(c, path)
    if parsed is None:
        return None
    model = _validate(c, parsed, ExamplesFile)
    return None if model is None else (model, parsed)


def _load_follow_ups(c: _Collector, path: Path) -> FollowUpsFile | None:
    """``follow-ups.yaml``; one text under two parts is an error naming both lines."""
    if not path.is_file():
        return None
    parsed = _read(c, path)
    if parsed is None:
        return None
    model = _validate(c, parsed, FollowUpsFile)
    if model is None:
        return None
    seen: dict[str, str] = {}
    for part in FollowUpsFile.model_fields:
        for index, text in enumerate(getattr(model, part)):
            key = example_key(text)
            where = f"{part}[{index}]"
            if key in seen and seen[key] != part:
                c.add(
                    c.display(path),
                    parsed.line_of((part, index)),
                    where,
                    f"the same follow-up is also under {seen[key]}; a follow-up asks for one part",
                )
            seen.setdefault(key, part)
    return model


def _yaml_files(c: _Collector, folder: Path) -> Iterator[Path]:
    for entry in _safe_listdir(c, folder):
        if entry.name.startswith("."):
            continue  # editor swap files, .gitkeep
        if entry.is_dir():
            c.add(
                c.display(entry),
                None,
                "",
                "unexpected folder: put tension files directly in tensions/",
            )
        elif entry.suffix.lower() not in YAML_SUFFIXES:
            c.add(c.display(entry), None, "", "not a YAML file: tension files end in .yaml")
        else:
            yield entry


def _load_tensions(c: _Collector, folder: Path) -> Steps[list[tuple[Tension, YamlDoc]]]:
    if not folder.is_dir():
        c.add(c.display(folder), None, "", "missing: the tensions folder is required")
        return []
    files = list(_yaml_files(c, folder))
    if len(files) > MAX_FILES:
        c.add(c.display(folder), None, "", f"{len(files):,} files; the limit is {MAX_FILES:,}")
        return []
    out: list[tuple[Tension, YamlDoc]] = []
    for path in files:
        parsed = _read(c, path)
        if parsed is None:
            continue
        tension = _validate(c, parsed, Tension)
        if tension is not None:
            out.append((tension, parsed))
        else:
            c.refused.append(parsed)
        yield
    return out


def _check_references(
    c: _Collector, tensions: list[tuple[Tension, YamlDoc]], goal_ids: set[str]
) -> None:
    """Rules that span files: ids unique, goals exist, one tension per pair of goals."""
    by_id: dict[str, str] = {}
    by_pair: dict[frozenset[str], str] = {}
    for tension, parsed in tensions:
        id_line = parsed.line_of(("id",))
        if tension.id in by_id:
            c.add(
                parsed.path,
                id_line,
                "id",
                f"duplicate tension id '{tension.id}' (also in {by_id[tension.id]})",
            )
        else:
            by_id[tension.id] = parsed.path
        if tension.id in goal_ids:
            c.add(
                parsed.path, id_line, "id", f"'{tension.id}' is already a goal id; ids must differ"
            )
        known = True
        for index, goal_id in enumerate(tension.goals):
            if goal_id not in goal_ids and goal_ids:
                known = False
                c.add(
                    parsed.path,
                    parsed.line_of(("goals", index)),
                    f"goals[{index}]",
                    f"unknown goal '{goal_id}'{did_you_mean(goal_id, goal_ids)}",
                )
        pair = frozenset(tension.goals)
        if known and pair in by_pair:
            c.add(
                parsed.path,
                parsed.line_of(("goals",)),
                "goals",
                f"{tension.goals[0]} and {tension.goals[1]} already have a tension "
                f"({by_pair[pair]}); merge the two",
            )
        elif known:
            by_pair[pair] = f"{tension.id} in {parsed.path}"


def _check_refused_goals(c: _Collector, goal_ids: set[str]) -> None:
    """The goals a tension the schema refused names must exist too: ``check`` promises
    every problem at once, and fixing a schema error should not reveal another one."""
    for doc in c.refused:
        data = doc.data
        goals = data.get("goals") if isinstance(data, dict) else None
        if not isinstance(goals, list) or not goal_ids:
            continue
        reported = {(p.file, p.field) for p in c.problems}
        for index, goal_id in enumerate(goals):
            where = f"goals[{index}]"
            if not isinstance(goal_id, str) or goal_id in goal_ids:
                continue
            if (doc.path, where) in reported or (doc.path, "goals") in reported:
                continue  # the schema said what is wrong with it already
            c.add(
                doc.path,
                doc.line_of(("goals", index)),
                where,
                f"unknown goal '{goal_id}'{did_you_mean(goal_id, goal_ids)}",
            )


def _check_examples(
    c: _Collector,
    goals: list[tuple[Goal, YamlDoc]],
    tensions: list[tuple[Tension, YamlDoc]],
    overview: tuple[ExamplesFile, YamlDoc] | None,
    not_answered: tuple[ExamplesFile, YamlDoc] | None,
) -> None:
    """An example teaches exactly one answer: the same text under two answers is an error.

    Within one answer a repeat is harmless but useless, so it is only a warning.
    """
    places: list[tuple[str, tuple[str, ...], YamlDoc, tuple[str | int, ...]]] = []
    for index, (goal, doc) in enumerate(goals):
        places.append((f"goal {goal.id}", goal.examples, doc, ("goals", index, "examples")))
    for tension, doc in tensions:
        places.append((f"tension {tension.id}", tension.examples, doc, ("examples",)))
    for name, loaded in (("the overview", overview), ("not answered", not_answered)):
        if loaded is not None:
            places.append((name, loaded[0].examples, loaded[1], ("examples",)))
    seen: dict[str, tuple[str, str, int | None]] = {}
    for answer, examples, doc, where in places:
        for i, text in enumerate(examples):
            line = doc.line_of((*where, i))
            key = example_key(text)
            if key not in seen:
                seen[key] = (answer, doc.path, line)
                continue
            first, path, first_line = seen[key]
            field_ = format_path((*where, i))
            if first == answer:
                c.warn(doc.path, line, field_, f"repeats an example on line {first_line}")
            else:
                c.add(
                    doc.path,
                    line,
                    field_,
                    f"the same example is also given for {first} ({path}:{first_line}); "
                    "an example teaches one answer, keep it in one place",
                )


def _warn_about_shape(c: _Collector, knowledge: Knowledge) -> None:
    for goal_id in knowledge.goals:
        if not knowledge.tensions_of(goal_id):
            c.warn(c.display(c.root / GOALS_FILE), None, "", f"goal '{goal_id}' has no tension yet")
    if len(knowledge.goals) > limits.GOAL_COMMAND_SLOTS:
        c.warn(
            c.display(c.root / GOALS_FILE),
            None,
            "",
            f"{len(knowledge.goals)} goals: only the first {limits.GOAL_COMMAND_SLOTS} get a slash "
            f"command of their own (Discord allows {limits.GLOBAL_COMMANDS} commands); "
            "/ask covers all",
        )
