"""The packages import each other one way only: a layer uses the layers below it, never above.

Read from the source (every import, including those inside functions, except the ones
under ``if TYPE_CHECKING:``, which never run), so a lazy import cannot hide a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

BOT = ROOT / "bot"

# Lowest first. A module may import from its own package and from any package below.
CORE_LAYERS: tuple[tuple[str, ...], ...] = (
    ("bot.core.text", "bot.core.limits", "bot.core.formatting", "bot.core.stepwise"),
    ("bot.core.throttle",),
    ("bot.core.knowledge",),
    ("bot.core.matching",),
    ("bot.core.rendering",),
    ("bot.core.conversation",),
    ("bot.core.serving",),
)
BOT_LAYERS: tuple[tuple[str, ...], ...] = (
    ("bot.core",),
    ("bot.storage",),
    ("bot.settings", "bot.curation"),
    ("bot.discord_app",),
    ("bot.cli",),
)
# Inside the Discord app: small helpers, then the Answerer every answer goes through, the
# bot that owns it, the features (extensions), and what runs the bot.
DISCORD_LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "bot.discord_app.checks",
        "bot.discord_app.closes",
        "bot.discord_app.embeds",
        "bot.discord_app.gc_tuning",
        "bot.discord_app.liveness",
        "bot.discord_app.logs",
        "bot.discord_app.privacy",
        "bot.discord_app.quiet",
        "bot.discord_app.reading",
        "bot.discord_app.server_settings",
        "bot.discord_app.sync",
    ),
    ("bot.discord_app.answering",),
    ("bot.discord_app.client",),
    ("bot.discord_app.exts",),
    ("bot.discord_app.runner",),
)
# A feature may use another only where it says so: /stats opens teaching's prompt.
FEATURE_USES: dict[str, set[str]] = {
    "bot.discord_app.exts.stats": {"bot.discord_app.exts.teaching"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(path: Path) -> Iterator[str]:
    """Every bot module ``path`` imports at run time, relative imports resolved."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"))
    skipped = {
        id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and _is_type_checking(node)
        for n in ast.walk(node)
    }  # fmt: skip
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("bot"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if base.startswith("bot"):
                yield base
                # "from bot.core import limits" imports the module bot.core.limits
                yield from (f"{base}.{a.name}" for a in node.names)


def layer(module: str, layers: tuple[tuple[str, ...], ...]) -> tuple[int, str] | None:
    for index, names in enumerate(layers):
        for name in names:
            if module == name or module.startswith(name + "."):
                return index, name
    return None


def graph() -> dict[str, set[str]]:
    known = {module_name(p) for p in BOT.rglob("*.py")}
    return {module_name(p): {m for m in imports_of(p) if m in known} for p in BOT.rglob("*.py")}


def violations(layers: tuple[tuple[str, ...], ...], within: str) -> list[str]:
    found = []
    for source, targets in graph().items():
        if not source.startswith(within):
            continue
        here = layer(source, layers)
        for target in targets:
            there = layer(target, layers)
            if here is None or there is None or there[1] == here[1]:
                continue
            if there[0] >= here[0]:
                found.append(f"{source} imports {target}")
    return sorted(found)


def test_core_layers_hold() -> None:
    """text < knowledge < matching < rendering < conversation < serving."""
    unplaced = [m for m in graph() if m.startswith("bot.core.") and not layer(m, CORE_LAYERS)]
    assert unplaced == [], "place every core module in a layer"
    assert violations(CORE_LAYERS, "bot.core") == []


def test_bot_layers_hold() -> None:
    """core < storage < settings, curation < discord_app < cli."""
    assert violations(BOT_LAYERS, "bot") == []


def test_discord_app_layers_hold() -> None:
    """helpers < answering < client < exts < runner."""
    unplaced = [
        m for m in graph() if m.startswith("bot.discord_app.") and not layer(m, DISCORD_LAYERS)
    ]
    assert unplaced == [], "place every Discord module in a layer"
    assert violations(DISCORD_LAYERS, "bot.discord_app") == []


def feature(module: str) -> str | None:
    """``bot.discord_app.exts.stats._cog`` -> ``bot.discord_app.exts.stats``."""
    parts = module.split(".")
    return ".".join(parts[:4]) if parts[:3] == ["bot", "discord_app", "exts"] else None


def test_features_keep_to_themselves() -> None:
    crossings = sorted(
        f"{source} imports {target}"
        for source, targets in graph().items()
        for target in targets
        if (here := feature(source)) is not None
        and (there := feature(target)) is not None
        and there not in (here, "bot.discord_app.exts")
        and there not in FEATURE_USES.get(here, set())
    )
    assert crossings == []


def test_no_module_imports_itself_round_a_circle() -> None:
    edges = graph()
    state: dict[str, int] = {}  # 1: on the path, 2: done
    circles: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if nxt == node or nxt.startswith(node + "."):
                continue  # a package importing its own modules
            if state.get(nxt) == 1:
                circles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert circles == []
