"""Examples moderators teach from Discord, and how they join the folder's knowledge.

The knowledge folder is the reviewed source of truth and may be mounted read-only, so a
taught example is not written there: it is kept in the database and merged with the
folder's examples at every load, until a curator exports it into the YAML
(``tensionbot learned export``). Merging follows the loader's rule that an example
teaches exactly one answer: a taught text that the folder (or an earlier taught example)
already gives to another answer is reported and left out, never kept twice, and the
folder wins, because it is the reviewed copy.

Nothing here touches the database or Discord; both hand plain values in.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Final

from bot.core.knowledge.label import Label
from bot.core.knowledge.model import Knowledge, Taught, example_key
from bot.core.knowledge.problems import Problem
from bot.core.knowledge.schema import EXAMPLE_CHARS
from bot.core.text.message import read_message
from bot.core.text.words import WORD, clean

# A taught example must fit where an exported one goes: an ``examples:`` entry.
MAX_TAUGHT_CHARS: Final = EXAMPLE_CHARS
# Taught examples one answer may collect before a curator reviews them into the files:
# enough to teach a tension its everyday phrasings, too few to drown its curated ones.
MAX_TAUGHT_PER_ANSWER: Final = 50


class Unteachable(ValueError):  # noqa: N818 - an answer for the moderator, not a bug
    """Text that cannot become an example; the message is the reason, for the moderator."""


def teachable_text(text: str) -> str:
    """The text to keep as an example: what the matcher reads of it, on one line.

    Code blocks are set aside and quotes unwrapped exactly as when the message is
    answered, so asking the same thing again is recognised as this example. Mentions must
    already be placeholders (the Discord side replaces them before anything is kept).
    Raises :class:`Unteachable` with the reason when nothing, or too much, is left.
    """
    kept = " ".join(read_message(text).prose.split())
    if not WORD.search(clean(example_key(kept))):
        raise Unteachable(
            "there is no question to learn from in that message "
            "(nothing is left once mentions, links and code are set aside)"
        )
    if len(kept) > MAX_TAUGHT_CHARS:
        raise Unteachable(
            f"the message is {len(kept):,} characters long; a taught example holds at most "
            f"{MAX_TAUGHT_CHARS}. Teach a shorter message that asks the same thing"
        )
    return kept


def folder_places(knowledge: Knowledge) -> dict[str, Label]:
    """Each folder example's key and the answer it teaches (taught ones left out)."""
    taught = {(t.label, t.text) for t in knowledge.taught}
    return {
        example_key(text): label
        for label, text in knowledge.examples()
        if (label, text) not in taught
    }


def merge(knowledge: Knowledge, taught: Iterable[Taught]) -> tuple[Knowledge, tuple[Problem, ...]]:
    """The folder's knowledge with the taught examples that fit, and why others do not.

    Taught examples are taken oldest first (by id), so when two conflict the first taught
    stays. One that the folder already holds under the same answer (exported, then
    deployed) is simply not needed twice, and is not a problem.
    """
    places: dict[str, Label] = folder_places(knowledge)
    taught_at: dict[str, int] = {}
    per_answer: Counter[Label] = Counter()
    kept: list[Taught] = []
    problems: list[Problem] = []

    def report(example: Taught, message: str) -> None:
        problems.append(Problem(f"taught #{example.id}", None, "", message))

    for example in sorted(taught, key=lambda t: t.id):
        key = example_key(example.text)
        if not example.label.known_in(knowledge):
            report(example, f"'{example.label}' is not in the knowledge any more; not used")
            continue
        if not key:
            report(example, "the text is empty; not used")
            continue
        if key in places and key not in taught_at:
            if places[key] != example.label:
                report(
                    example,
                    f"the knowledge files give the same text to {places[key]}; the files win "
                    f"(remove it with: tensionbot learned remove {example.id})",
                )
            continue
        if key in taught_at:
            if places[key] != example.label:
                report(
                    example,
                    f"the same text was taught as {places[key]} (#{taught_at[key]}) first; "
                    "an example teaches one answer",
                )
            continue
        if per_answer[example.label] >= MAX_TAUGHT_PER_ANSWER:
            report(
                example,
                f"{example.label} already has {MAX_TAUGHT_PER_ANSWER} taught examples; "
                "export them into the files (tensionbot learned export) to make room",
            )
            continue
        places[key] = example.label
        taught_at[key] = example.id
        per_answer[example.label] += 1
        kept.append(example)
    return with_taught(knowledge, tuple(kept)), tuple(problems)


def with_taught(knowledge: Knowledge, taught: tuple[Taught, ...]) -> Knowledge:
    """``knowledge`` with exactly these taught examples (and a fingerprint that says so).

    The fingerprint names a version of what the matcher learns from, so it must change
    with the taught examples: the cached classifier is keyed by it and trained again.
    Without any, the folder's own fingerprint stands, as before teaching existed.
    """
    base = knowledge.folder_fingerprint or knowledge.fingerprint
    fingerprint = base
    if taught:
        digest = hashlib.sha256(base.encode())
        for example in taught:
            digest.update(f"\0{example.label}\0{example.text}".encode())
        fingerprint = digest.hexdigest()[:12]
    return replace(knowledge, taught=taught, fingerprint=fingerprint, folder_fingerprint=base)
