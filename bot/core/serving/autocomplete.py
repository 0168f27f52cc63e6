"""Autocomplete for ``/tension name:``: the tensions a partly typed name most likely means."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.core import limits
from bot.core.formatting import clip
from bot.core.knowledge.label import Kind
from bot.core.knowledge.model import Knowledge
from bot.core.matching.answer import Answer
from bot.core.serving.store import Snapshot


def complete(
    snapshot: Snapshot, typed: str, limit: int = limits.AUTOCOMPLETE_CHOICES
) -> list[tuple[str, str]]:
    """Up to ``limit`` (label, tension id) pairs, best first; every label fits a choice.

    Empty input lists tensions in order. Otherwise the matcher's answer comes first (so
    "sae" finds Interpretability vs Efficiency through its keyword), then fuzzy matches on
    titles, ids and keywords.
    """
    knowledge = snapshot.knowledge
    limit = max(0, min(limit, limits.AUTOCOMPLETE_CHOICES))
    typed = typed.strip()[:100].lower()
    if not typed:
        ids = list(knowledge.tensions)[:limit]
    else:
        names, haystack = _searchable(knowledge)
        # What people type first: the start of a title, an id, a goal or a keyword.
        ids = [
            tension_id
            for tension_id, words in names.items()
            if any(w.startswith(typed) or f" {typed}" in w for w in words)
        ]
        answer = snapshot.matcher.match(typed)
        if answer.kind is Kind.TENSION and answer.tension:
            ids += [answer.tension, *answer.alternatives]
        elif answer.kind is Kind.GOAL and answer.goal:
            ids += [t.id for t in knowledge.tensions_of(answer.goal)]
        for _, _, tension_id in process.extract(
            typed, haystack, scorer=fuzz.WRatio, limit=limit, score_cutoff=50
        ):
            ids.append(tension_id)
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for tension_id in ids:
        if tension_id in seen or tension_id not in knowledge.tensions:
            continue
        seen.add(tension_id)
        label = clip(knowledge.tensions[tension_id].title, limits.CHOICE_NAME)
        out.append((label, tension_id[: limits.CHOICE_VALUE]))
        if len(out) == limit:
            break
    return out


@lru_cache(maxsize=4)
def _searchable(knowledge: Knowledge) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Per tension: the names people start typing, and one string to fuzzy-match.

    Built once per knowledge version (a Knowledge never changes), not on every keystroke.
    """
    names = {
        t.id: [t.title.lower(), t.id, *t.goals, *t.keywords] for t in knowledge.tensions.values()
    }
    haystack = {
        t.id: " ".join([t.title, t.id, *t.keywords]).lower() for t in knowledge.tensions.values()
    }
    return names, haystack


def narrow(snapshot: Snapshot, goal_id: str, question: str) -> Answer:
    """``/<goal> question:``: the one tension of that goal the question is about.

    The question is matched with the goal named, so "is it expensive?" under /interpretability
    means Interpretability vs Efficiency. When no tension of the goal fits, the answer is the
    goal's overview.
    """
    knowledge = snapshot.knowledge
    goal = knowledge.goals[goal_id]
    own = {t.id for t in knowledge.tensions_of(goal_id)}
    question = question.strip()
    if not question:
        return Answer(question, Kind.GOAL, 1.0, goal=goal_id)
    if question in own:  # picked from autocomplete
        return _tension_answer(snapshot, question)
    for text in (question, f"{goal.name} {question}"):
        answer = snapshot.matcher.match(text)
        for candidate in (answer.tension, *answer.alternatives):
            if candidate in own and (answer.kind is Kind.TENSION or candidate != answer.tension):
                return _tension_answer(snapshot, candidate, question, answer.score)
    return Answer(question, Kind.GOAL, 1.0, goal=goal_id)


def _tension_answer(
    snapshot: Snapshot, tension_id: str, question: str = "", score: float = 1.0
) -> Answer:
    tension = snapshot.knowledge.tensions[tension_id]
    return Answer(
        question or tension_id, Kind.TENSION, score, tension=tension_id, goals=tension.goals
    )


def resolve_tension(snapshot: Snapshot, name: str) -> Answer:
    """``/tension name:``: an id picked from autocomplete, or whatever was typed instead."""
    name = name.strip()
    if name in snapshot.knowledge.tensions:
        return _tension_answer(snapshot, name)
    answer = snapshot.matcher.match(name)
    if answer.kind is Kind.TENSION and answer.tension:
        return answer
    choices = complete(snapshot, name, limit=3)
    return Answer(name, Kind.NONE, 0.0, alternatives=tuple(tension_id for _, tension_id in choices))
