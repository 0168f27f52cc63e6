"""What went wrong in a knowledge folder, phrased for the moderator who must fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect, located as precisely as the source allows.

    ``str(problem)`` is the line a moderator reads, e.g.
    ``knowledge/tensions/x.yaml:7 goals[1]: unknown goal 'efficency' (did you mean 'efficiency'?)``.
    """

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        if self.field:
            where = f"{where} {self.field}"
        return f"{where}: {self.message}"


def format_path(loc: tuple[str | int, ...]) -> str:
    """Render a pydantic location like ``('goals', 1)`` as ``goals[1]``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
