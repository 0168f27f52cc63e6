"""The moderators' report: what was asked, what went unanswered, what helped.

Unanswered questions are grouped by similarity so that "calibraton tradeof" and
"calibration tradeoff?" count as one gap in the knowledge, not two.

A report reads one :class:`~bot.storage.questions.Scope`: a server's ``/stats`` its own
server's questions, votes and teaching, nothing else; the operator's shell everything
(or one server, or the DMs). Every query of the report takes the same scope, so no count
from outside it can slip in.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Final

from rapidfuzz import fuzz, process

from bot.core import limits
from bot.core.formatting import clip
from bot.core.knowledge.label import title_of
from bot.core.knowledge.model import Knowledge
from bot.core.rendering.cards import Card, CardField, fit
from bot.core.text.words import clean
from bot.storage import Database
from bot.storage.questions import EVERYTHING, Scope

from .teaching import Activity, activity

GROUP_SIMILARITY: Final = 85.0
MAX_UNANSWERED_SCANNED: Final = 5000
TOP: Final = 10


@dataclass(frozen=True)
class Group:
    example: str  # the most frequent wording
    count: int
    variants: tuple[str, ...]
    question_id: int | None = None  # a logged question worded as ``example``


@dataclass(frozen=True)
class Report:
    days: int
    answered: dict[int, int]  # window in days -> count
    unanswered: dict[int, int]
    top_unanswered: tuple[Group, ...]
    per_answer: dict[str, int]  # answers per label, as the log stores it
    helpful: dict[str, tuple[int, int]] = field(default_factory=dict)  # key -> (helpful, votes)
    teaching: Activity = field(default_factory=Activity)  # the last 7 days

    @classmethod
    def empty(cls, days: int) -> Report:
        """The report before anything was logged: every count zero, every list empty."""
        windows = sorted({7, 30, days})
        return cls(days, dict.fromkeys(windows, 0), dict.fromkeys(windows, 0), (), {})

    def to_json(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "answered": {str(k): v for k, v in self.answered.items()},
            "unanswered": {str(k): v for k, v in self.unanswered.items()},
            "top_unanswered": [
                {"example": g.example, "count": g.count, "variants": list(g.variants)}
                for g in self.top_unanswered
            ],
            "answers": self.per_answer,
            "helpful": {
                k: {"helpful": h, "votes": n, "ratio": round(h / n, 3)}
                for k, (h, n) in self.helpful.items()
            },
            "taught_last_7_days": {
                "taught": self.teaching.taught,
                "undone": self.teaching.undone,
                "removed": self.teaching.removed,
            },
        }


def group_similar(
    texts: list[str], threshold: float = GROUP_SIMILARITY, ids: dict[str, int] | None = None
) -> list[Group]:
    """Greedy clustering on cleaned text; groups ordered by size, then by first seen.

    ``ids`` maps a wording to a question logged with it, for the group's Teach button.
    """
    ids = ids or {}
    counts = Counter(t.strip() for t in texts if t.strip())
    keys: list[str] = []  # cleaned representative of each group
    members: list[Counter[str]] = []
    for text, count in counts.most_common():
        cleaned = " ".join(clean(text).replace("?", " ").split())
        best = (
            process.extractOne(cleaned, keys, scorer=fuzz.ratio, score_cutoff=threshold)
            if keys
            else None
        )
        if best is None:
            keys.append(cleaned)
            members.append(Counter({text: count}))
        else:
            members[best[2]][text] += count
    groups = [
        Group(
            m.most_common(1)[0][0],
            sum(m.values()),
            tuple(t for t, _ in m.most_common()),
            ids.get(m.most_common(1)[0][0]),
        )
        for m in members
    ]
    return sorted(groups, key=lambda g: -g.count)


async def build_report(
    database: Database,
    days: int = 30,
    now: float | None = None,
    scope: Scope = EVERYTHING,
) -> Report:
    """The report from either engine (the queries are in :mod:`bot.storage.questions`),
    of ``scope`` alone."""
    now = time.time() if now is None else now
    answered: dict[int, int] = {}
    unanswered: dict[int, int] = {}
    questions = database.questions
    for window in sorted({7, 30, days}):
        answered[window], unanswered[window] = await questions.answered_counts(
            now - window * 86400, scope
        )
    since = now - days * 86400
    rows = await questions.unanswered(since, MAX_UNANSWERED_SCANNED, scope)
    ids = {text.strip(): question_id for question_id, text in reversed(rows)}
    groups = group_similar([text for _, text in rows], ids=ids)
    per_answer = await questions.answers_per_label(since, scope)
    helpful = await questions.helpful_per_label(since, scope)
    teaching = await activity(database, now, scope)
    return Report(days, answered, unanswered, tuple(groups[:TOP]), per_answer, helpful, teaching)


def scope_name(scope: Scope, *, here: bool = False) -> str:
    """Whose questions a report counts, said on the card: a moderator must not take their
    server's figures for the bot's, nor the operator the reverse."""
    if scope.everything:
        return "Every server and DM"
    if scope.guild_id is None:
        return "DMs only"
    return "This server only" if here else f"Server {scope.guild_id} only"


def report_card(report: Report, knowledge: Knowledge | None, scope: str = "") -> Card:
    """The report as a card, answers named by their titles in ``knowledge`` (if given);
    ``scope`` says whose questions it counts (see :func:`scope_name`)."""

    def name(key: str) -> str:
        return title_of(knowledge, key)

    def window(days: int) -> str:
        a, u = report.answered.get(days, 0), report.unanswered.get(days, 0)
        total = a + u
        share = f" ({a / total:.0%} answered)" if total else ""
        return f"**{days} days**: {total} questions, {a} answered, {u} unanswered{share}"

    lines = [window(d) for d in sorted(report.answered)]
    lines.append(f"**Teaching**: {report.teaching.line()}")
    gaps = [
        f"{n}. {g.count}× {clip(g.example, 120)}"
        + (f" (+{len(g.variants) - 1} similar)" if len(g.variants) > 1 else "")
        for n, g in enumerate(report.top_unanswered, 1)
    ]
    answers = [f"{n} · {name(k)}" for k, n in list(report.per_answer.items())[:15]]
    votes = [
        f"{h / n:.0%} of {n} · {name(k)}"
        for k, (h, n) in sorted(report.helpful.items(), key=lambda kv: -kv[1][1])[:15]
    ]
    fields = [
        CardField(
            f"Most asked, not answered (last {report.days} days)",
            "\n".join(gaps) or "nothing unanswered",
        ),
        CardField(f"Answers given (last {report.days} days)", "\n".join(answers) or "none yet"),
        CardField("Helpful votes", "\n".join(votes) or "no votes yet"),
    ]
    return fit(
        Card(
            title="Question log",
            author=scope,
            description="\n".join(lines),
            fields=tuple(
                CardField(f.name, clip(f.value, limits.EMBED_FIELD_VALUE)) for f in fields
            ),
            footer=(
                "To fix a miss, press its Teach button (or Apps → Teach tensionbot on the "
                "message); or add it to the examples: in the knowledge files, then /reload"
            ),
        )
    )
