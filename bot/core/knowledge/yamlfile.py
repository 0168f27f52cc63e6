"""Reading one YAML file safely, keeping the node tree so errors can name a line.

PyYAML's ``safe_load`` forgets where values came from; parsing to nodes first and
constructing from them costs nothing extra and lets the loader point at ``file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import yaml

from bot.core.knowledge.problems import Problem

MAX_FILE_BYTES: Final = 256 * 1024

try:  # libyaml is ~10x faster; it parses the same safe subset.
    _SafeLoader: type[Any] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _SafeLoader = yaml.SafeLoader


@dataclass(frozen=True)
class YamlDoc:
    """A parsed file whose top level is a mapping, with its node tree for line lookups."""

    path: str
    node: yaml.Node
    data: dict[str, Any]

    def line_of(self, loc: tuple[str | int, ...]) -> int | None:
        return line_of(self.node, loc)


def read_yaml(path: Path, shown: str) -> tuple[bytes, YamlDoc | Problem]:
    """The file's bytes (for fingerprinting) and either the document or the reason it failed."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = "it is a folder" if path.is_dir() else (exc.strerror or str(exc))
        return b"", Problem(shown, None, "", f"cannot read file: {reason}")
    return raw, parse_yaml(raw, shown)


def parse_yaml(raw: bytes, shown: str) -> YamlDoc | Problem:
    if len(raw) > MAX_FILE_BYTES:
        return Problem(
            shown, None, "", f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Problem(shown, line, "", f"not UTF-8 text (bad byte at offset {exc.start})")
    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Problem(shown, 1, "", "file is empty")
        structural = _structural_problem(node)
        if structural is not None:
            return Problem(shown, structural[0], "", structural[1])
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        return Problem(shown, mark.line + 1 if mark else None, "", f"YAML syntax error: {what}")
    except yaml.YAMLError as exc:
        return Problem(shown, None, "", f"YAML error: {exc}")
    finally:
        loader.dispose()
    if data is None:
        return Problem(shown, 1, "", "file is empty")
    if not isinstance(data, dict):
        return Problem(
            shown,
            node.start_mark.line + 1,
            "",
            f"expected a mapping of fields at the top level, found {describe_type(data)}",
        )
    return YamlDoc(shown, node, data)


def _structural_problem(root: yaml.Node) -> tuple[int, str] | None:
    """Duplicate keys and aliases, which PyYAML would otherwise accept silently.

    A duplicate key keeps only its last value, so an edit can vanish without a word;
    aliases let a tiny file expand enormously, so the knowledge format does not use them.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            return node.start_mark.line + 1, "YAML anchors and aliases (&, *) are not supported"
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in keys:
                        return (
                            key.start_mark.line + 1,
                            f"duplicate key '{key.value}' (first on line {keys[key.value]})",
                        )
                    keys[key.value] = key.start_mark.line + 1
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return None


def line_of(node: yaml.Node, loc: tuple[str | int, ...]) -> int | None:
    """The line of the deepest YAML node on a pydantic error location.

    A mapping entry is located by its key (where ``summary:`` is written), a list item by
    the item itself; the walk stops at the last part the file actually contains, so a
    missing field points at the mapping that lacks it.
    """
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            entry = next((kv for kv in node.value if getattr(kv[0], "value", None) == part), None)
            if entry is None:
                break
            line, node = entry[0].start_mark.line + 1, entry[1]
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def describe_type(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "plain text"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"
