"""``tensionbot learned export``: taught examples into the knowledge YAML, for review.

Curators review the knowledge as files in version control, so an export must be a diff
they can read: each taught example appended to the ``examples:`` list of the answer it
teaches (a tension's file, its goal in goals.yaml, overview.yaml, not-answered.yaml), and
nothing else in the files moved. ruamel.yaml's round-trip mode keeps comments, quoting,
folded text and key order; its indentation is one setting per dump, so each file is first
dumped unchanged with the usual layouts until one reproduces it byte for byte, and a file
none reproduces is left alone (and named). Comments that follow the last item of a list
belong to that item in ruamel's model; they are moved to the new last item, so a comment
about the next key stays above that key.

Writing is all or nothing as far as files allow: every new file is first written into a
copy of the folder, which must load without a problem and hold every exported example
under its answer; only then does each file replace its original, by rename from a
temporary file next to it (a reader sees the old file or the new one, never half).
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from bot.core.knowledge.label import Kind, Label
from bot.core.knowledge.loader import (
    GOALS_FILE,
    NOT_ANSWERED_FILE,
    OVERVIEW_FILE,
    TENSIONS_DIR,
    load_knowledge,
)
from bot.core.knowledge.model import Knowledge, Taught, example_key
from bot.core.knowledge.teaching import folder_places

# (mapping, sequence, offset): the layouts a knowledge file is tried with, the bundled
# files' first ("key:\n  - item"), then the other common ones.
LAYOUTS: Final = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0))
WIDTH: Final = 1 << 16  # never fold a long line the curator wrote on one

NEW_FILE_HEADER: Final = {
    OVERVIEW_FILE: "# Example questions that ask for the whole list of tensions.\n",
    NOT_ANSWERED_FILE: "# Messages the bot must NOT answer although they look close.\n",
}


class ExportError(Exception):
    """The export cannot be written; nothing was changed. The message says why."""


@dataclass
class Exported:
    """What an export did (or, with ``written`` empty, would have had nothing to do)."""

    written: dict[str, list[int]] = field(default_factory=dict)  # file -> taught ids
    present: list[int] = field(default_factory=list)  # already in the files, same answer
    skipped: list[str] = field(default_factory=list)  # why the others were left out

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.written.values())


@dataclass
class _File:
    """One YAML file being edited: its text before, its document, the layout it keeps."""

    path: Path
    before: str | None  # None: a new file
    doc: Any
    layout: tuple[int, int, int]


def export(folder: Path, taught: Iterable[Taught]) -> Exported:
    """Append ``taught`` to the examples in ``folder``; raises :class:`ExportError`."""
    loaded = load_knowledge(folder)
    if loaded.knowledge is None:
        first = loaded.problems[0] if loaded.problems else "it does not load"
        raise ExportError(
            f"the knowledge in {folder} does not load ({len(loaded.problems)} problems, "
            f"first: {first}); fix it first (tensionbot check)"
        )
    knowledge = loaded.knowledge
    result = Exported()
    places = folder_places(knowledge)
    files: dict[Path, _File] = {}
    tension_files = _tension_files(folder)
    wanted: list[tuple[Taught, Path]] = []
    for example in sorted(taught, key=lambda t: t.id):
        key = example_key(example.text)
        if not example.label.known_in(knowledge):
            result.skipped.append(f"#{example.id}: '{example.label}' is not in the knowledge")
            continue
        if key in places:
            if places[key] == example.label:
                result.present.append(example.id)
            else:
                result.skipped.append(
                    f"#{example.id}: the files give the same text to {places[key]}"
                )
            continue
        kind, target = example.label.kind, example.label.target
        if kind is Kind.TENSION:
            path = tension_files.get(target)
            if path is None:
                result.skipped.append(f"#{example.id}: no file in {TENSIONS_DIR}/ has id {target}")
                continue
        elif kind is Kind.GOAL:
            path = folder / GOALS_FILE
        else:
            path = folder / (OVERVIEW_FILE if kind is Kind.LIST else NOT_ANSWERED_FILE)
        places[key] = example.label
        wanted.append((example, path))

    appended: list[Taught] = []
    for example, path in wanted:
        try:
            edited = files.get(path) or _open(path)
        except ExportError as exc:
            result.skipped.append(f"#{example.id}: {exc}")
            continue
        files[path] = edited
        _append(*_examples_of(edited.doc, example.label), example.text)
        result.written.setdefault(_shown(folder, path), []).append(example.id)
        appended.append(example)

    if not files:
        return result
    texts = {path: _dump(edited) for path, edited in files.items()}
    _check(folder, knowledge, texts, appended)
    for path, text in texts.items():
        _replace(path, text)
    return result


# --- reading and editing ----------------------------------------------------------------


def _yaml(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML()  # round-trip
    yaml.preserve_quotes = True
    yaml.width = WIDTH
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump_with(doc: Any, layout: tuple[int, int, int]) -> str:
    out = io.StringIO()
    _yaml(layout).dump(doc, out)
    return out.getvalue()


def _open(path: Path) -> _File:
    """The file ready to edit, with a layout that writes it back exactly as it was."""
    if not path.exists():
        doc = CommentedMap()
        doc["examples"] = CommentedSeq()
        return _File(path, None, doc, LAYOUTS[0])
    try:
        before = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ExportError(f"cannot read {path.name}: {exc}") from None
    for layout in LAYOUTS:
        try:
            doc = _yaml(layout).load(before)
        except YAMLError as exc:
            raise ExportError(f"{path.name} is not valid YAML: {exc}") from None
        if _dump_with(doc, layout) == before:
            return _File(path, before, doc, layout)
    raise ExportError(
        f"{path.name} cannot be written back without changing its layout; "
        "add these examples by hand"
    )


def _tension_files(folder: Path) -> dict[str, Path]:
    """Tension id -> its file (the id inside the file decides, not the file name)."""
    found: dict[str, Path] = {}
    tensions = folder / TENSIONS_DIR
    for path in sorted(tensions.glob("*.y*ml")):
        try:
            doc = YAML(typ="safe").load(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, YAMLError):
            continue
        if isinstance(doc, dict) and isinstance(doc.get("id"), str):
            found.setdefault(doc["id"].strip(), path)
    return found


def _examples_of(doc: Any, label: Label) -> tuple[CommentedSeq, str | None]:
    """The ``examples:`` list the label's examples go into, created at the end if absent
    (then with the lines that followed the mapping's old last line, to go after it)."""
    owner: CommentedMap = doc
    if label.kind is Kind.GOAL:
        owner = next(g for g in doc["goals"] if str(g.get("id", "")).strip() == label.target)
    examples = owner.get("examples")
    if isinstance(examples, CommentedSeq):
        return examples, None
    tail = _detach_tail(owner)
    examples = CommentedSeq()
    owner["examples"] = examples
    return examples, tail


def _append(seq: CommentedSeq, tail: str | None, text: str) -> None:
    """Append, keeping what followed the old last item after the new last item."""
    if seq and not seq.fa.flow_style():
        tail = _split_tail(seq.ca.items.get(len(seq) - 1), 0) or tail
    seq.append(text)
    if tail:
        seq.ca.items[len(seq) - 1] = [CommentToken("\n" + tail, CommentMark(0)), None, None, None]


def _detach_tail(node: Any) -> str | None:
    """Take the lines that follow a node's last line (blank lines, comments) off it."""
    if isinstance(node, CommentedSeq) and node and not node.fa.flow_style():
        last = len(node) - 1
        inner = _detach_tail(node[last])
        return inner if inner is not None else _split_tail(node.ca.items.get(last), 0)
    if isinstance(node, CommentedMap) and node and not node.fa.flow_style():
        key = list(node)[-1]
        inner = _detach_tail(node[key])
        return inner if inner is not None else _split_tail(node.ca.items.get(key), 2)
    return None


def _split_tail(slot: list[Any] | None, index: int) -> str | None:
    """Keep a comment on the item's own line; return (and remove) the lines after it."""
    if not slot or len(slot) <= index or slot[index] is None:
        return None
    token: CommentToken = slot[index]
    head, newline, rest = token.value.partition("\n")
    if not rest:
        return None
    token.value = head + newline
    return rest


def _dump(edited: _File) -> str:
    text = _dump_with(edited.doc, edited.layout)
    if edited.before is None:
        text = NEW_FILE_HEADER.get(edited.path.name, "") + text
    return text


def _shown(folder: Path, path: Path) -> str:
    try:
        return str(path.relative_to(folder))
    except ValueError:
        return str(path)


# --- checking and writing ---------------------------------------------------------------


def _check(folder: Path, before: Knowledge, texts: dict[Path, str], exported: list[Taught]) -> None:
    """The folder as it would be must load cleanly and hold each export under its answer."""
    with tempfile.TemporaryDirectory(prefix="tensionbot-export-") as scratch:
        copy = Path(scratch) / folder.name
        shutil.copytree(folder, copy)
        for path, text in texts.items():
            (copy / path.relative_to(folder)).write_text(text, "utf-8")
        loaded = load_knowledge(copy)
    if loaded.knowledge is None:
        problems = "; ".join(str(p) for p in loaded.problems[:3])
        raise ExportError(f"the exported files would not load ({problems}); nothing written")
    after = loaded.knowledge
    places = folder_places(after)
    missing = [e.id for e in exported if places.get(example_key(e.text)) != e.label]
    if missing:
        raise ExportError(f"#{missing[0]} would not be read back as written; nothing written")
    if _without_examples(after) != _without_examples(before):
        raise ExportError("the export would change more than examples; nothing written")


def _without_examples(knowledge: Knowledge) -> tuple[object, ...]:
    """Everything but the examples, to compare before and after an export."""
    return (
        [g.model_copy(update={"examples": ()}) for g in knowledge.goals.values()],
        [t.model_copy(update={"examples": ()}) for t in knowledge.tensions.values()],
    )


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
