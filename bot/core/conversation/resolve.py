"""Answering a message in the context of the last answer.

The order matters and is the whole policy:

1. the message is matched on its own, as if there were no conversation;
2. if nothing came before, or it does not read as a follow-up (learned from the
   knowledge's ``follow-ups.yaml``: :mod:`bot.core.matching.follow_ups`), that answer
   stands;
3. otherwise the context resolves it: another goal switched in for one side ("what about
   calibration?" after Interpretability vs Capability is Calibration vs Capability; no such
   tension means the goal's overview), or a part of the same answer ("numbers?");
4. a confident standalone answer still wins when the message names a tension of its own,
   and a follow-up that fits nothing says so and offers the last answer's buttons.
"""

from __future__ import annotations

import re
from typing import Final

from bot.core.conversation.context import Context
from bot.core.conversation.turn import Turn
from bot.core.knowledge.label import Kind, Section
from bot.core.knowledge.model import Knowledge
from bot.core.matching import calibration as c
from bot.core.matching.answer import Answer
from bot.core.matching.calibration import STANDALONE_MIN
from bot.core.matching.follow_ups import NOTHING, OTHER, SWITCH
from bot.core.matching.local import GuildOverlay
from bot.core.matching.matcher import Matcher
from bot.core.text.words import fold, words

FOLLOW_UP_SCORE: Final = 1.0  # what a follow-up reports: the context is not a guess
COGNATE_PREFIX: Final = 6  # letters a foreign goal name must share ("Kalibrierung")
SECTIONS: Final = {section.value: section for section in Section}
_CLAUSES: Final = re.compile(r"[,，、;?？!！.。]+")


def stands_alone(answer: Answer) -> bool:
    """Whether the matcher is sure enough of a message to answer it without the context."""
    return answer.kind is not Kind.NONE and answer.score >= STANDALONE_MIN


def respond(
    matcher: Matcher,
    context: Context | None,
    text: str,
    local: GuildOverlay | None = None,
    *,
    acknowledge: bool = True,
) -> Turn:
    """The answer to ``text`` given the conversation's last answer (None: a fresh start).

    ``local``: what the server asked in taught for itself, which answers before the shared
    matcher (:mod:`bot.core.matching.local`). ``acknowledge``: tell a message that asks
    nothing ("thanks!", learned as the follow-ups' ``nothing``) from a miss, even without
    a context (a caller that stays silent on misses anyway need not pay for the reading).
    """
    taught = local.match(text, matcher.knowledge, matcher.embeddings) if local else None
    if taught is not None:
        return Turn(taught)  # the server said what this message asks: no context needed
    answer = matcher.match(text)
    knowledge = matcher.knowledge
    fresh = context is None or not _still_known(knowledge, context)
    nod = acknowledge and answer.kind is Kind.NONE and _short_as_a_nod(knowledge, text)
    if fresh and not nod:
        return Turn(answer)
    asked = matcher.follow_up(text)
    kind, share = _kind_of(asked.probabilities)
    if kind == NOTHING and nod:
        return Turn(answer, acknowledgement=True)  # thanks: the context, if any, stays
    if context is None or fresh:
        return Turn(answer)
    sides = _goals_of(knowledge, context)
    named = matcher.goals_named(text) or _cognates(knowledge, text)
    new = [g for g in named if g not in sides]
    if kind is None and (alone := matcher.goal_alone(text)) is not None:
        # A goal with only common words around it ("and calibration then?") puts it in,
        # when the follow-up reading is not sure what the message asks.
        kind, named = SWITCH, (alone,)
        new = [alone] if alone not in sides else []
    if len(new) > 1 or _names_its_own_tension(answer, named, sides):
        return Turn(answer)  # the message names its own pair: not a follow-up
    if kind in (OTHER, NOTHING) and not (new and not stands_alone(answer)):
        return Turn(answer)  # a question of its own, or thanks: the context stays
    switched = None
    if kind == SWITCH or (kind == OTHER and new):
        switched = new[0] if new else (named[0] if named else _top_switch(asked.probabilities))
        if switched is None or switched not in knowledge.goals:
            return Turn(answer) if stands_alone(answer) else _unclear(text, context)
    section = (SECTIONS.get(kind) if kind else None) or _section_in_clauses(matcher, text)
    if switched is not None and switched not in sides:
        for keep in sides:  # keep the first side when both would do: it is the subject
            tension = knowledge.between(keep, switched)
            if tension is not None:
                return _tension_turn(text, tension.id, tension.goals, section)
        return _goal_turn(text, switched, section)
    if switched is not None:  # "what about efficiency?" after a tension with that side
        return _goal_turn(text, switched, section)
    if kind in SECTIONS:
        if context.kind is Kind.TENSION:
            return _tension_turn(text, context.target, sides, SECTIONS[kind])
        return _goal_turn(text, context.target, SECTIONS[kind])
    if stands_alone(answer) or share < c.ANSWER_MIN:
        return Turn(answer)
    return _unclear(text, context)


def _short_as_a_nod(knowledge: Knowledge, text: str) -> bool:
    """No longer than the longest of the knowledge's ``nothing`` examples: thanks and nods
    are short, and a long run of one character (which the follow-up reading may take for
    one) is not one."""
    nods = knowledge.follow_ups.get(NOTHING, ())
    return bool(nods) and len(text.strip()) <= max(len(t) for t in nods)


def _unclear(text: str, context: Context) -> Turn:
    return Turn(Answer(text, Kind.NONE, 0.0), unclear=context.label)


def _kind_of(probabilities: dict[str, float]) -> tuple[str | None, float]:
    """What a follow-up asks, by kind (each part, a switch to any goal, nothing, a message of
    its own), when one kind is more likely than not; and how much leans on the last answer."""
    kinds: dict[str, float] = {}
    for label, p in probabilities.items():
        kind = SWITCH if label.startswith(SWITCH + ":") else label
        kinds[kind] = kinds.get(kind, 0.0) + p
    leaning = 1.0 - kinds.get(OTHER, 0.0) - kinds.get(NOTHING, 0.0)
    best = max(kinds, key=kinds.__getitem__, default=None)
    if best is None or kinds[best] < c.ANSWER_MIN:
        return (None, leaning)
    return (best, leaning)


def _top_switch(probabilities: dict[str, float]) -> str | None:
    switches = {k: p for k, p in probabilities.items() if k.startswith(SWITCH + ":")}
    if not switches:
        return None
    return _switched_to(max(switches, key=switches.__getitem__))


def _section_in_clauses(matcher: Matcher, text: str) -> Section | None:
    """A part asked for in one clause of the message ("what about capability, any papers?")."""
    clauses = [c.strip() for c in _CLAUSES.split(text) if c.strip()]
    for clause in clauses if len(clauses) > 1 else ():
        asked = matcher.follow_up(clause)
        if asked.answers and asked.label in SECTIONS:
            return SECTIONS[asked.label]
    return None


def _switched_to(part: str | None) -> str | None:
    """The goal a ``switch:<goal>`` part puts in."""
    if part is None or not part.startswith(SWITCH + ":"):
        return None
    return part.partition(":")[2]


def _names_its_own_tension(answer: Answer, named: tuple[str, ...], sides: tuple[str, ...]) -> bool:
    """A tension the message names by itself (both its goals named, neither side of the
    conversation's) is its own question even when it says "that"."""
    if not stands_alone(answer) or answer.kind is not Kind.TENSION:
        return False
    return set(answer.goals) <= set(named) and not any(g in sides for g in answer.goals)


def _still_known(knowledge: Knowledge, context: Context) -> bool:
    """A reload may have removed what the conversation was about."""
    if context.kind is Kind.TENSION:
        return context.target in knowledge.tensions
    return context.target in knowledge.goals


def _goals_of(knowledge: Knowledge, context: Context) -> tuple[str, ...]:
    if context.kind is Kind.TENSION:
        return knowledge.tensions[context.target].goals
    return (context.target,)


def _tension_turn(
    text: str, tension_id: str, goals: tuple[str, ...], section: Section | None
) -> Turn:
    answer = Answer(text, Kind.TENSION, FOLLOW_UP_SCORE, tension=tension_id, goals=goals)
    return Turn(answer, follow_up=True, section=section)


def _goal_turn(text: str, goal_id: str, section: Section | None) -> Turn:
    answer = Answer(text, Kind.GOAL, FOLLOW_UP_SCORE, goal=goal_id)
    return Turn(answer, follow_up=True, section=section)


def _fold(word: str) -> str:
    """A word reduced to what cognates share: "Kalibrierung" and "calibration" both
    start "calibr", "Effizienz" and "efficiency" both "eficienc"."""
    word = fold(word).replace("k", "c").replace("z", "c").replace("ph", "f")
    out: list[str] = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _cognates(knowledge: Knowledge, text: str) -> tuple[str, ...]:
    """Goals named in another language by a word that shares its beginning with the name.

    Only used once a message reads as a follow-up, where one goal name is expected.
    """
    found: list[str] = []
    for word in words(text):
        if len(word) < COGNATE_PREFIX:
            continue
        folded = _fold(word)
        for goal in knowledge.goals.values():
            names = {_fold(goal.id), *(_fold(w) for w in goal.name.split())}
            if any(
                len(name) >= COGNATE_PREFIX and folded[:COGNATE_PREFIX] == name[:COGNATE_PREFIX]
                for name in names
            ):
                found.append(goal.id)
    return tuple(dict.fromkeys(found))


class Conversation:
    """A single conversation held by its caller: ``tensionbot chat`` and ``ask --conversation``.

    The Discord app keeps many at once in :class:`~bot.core.conversation.memory.ConversationMemory`
    instead; both answer through :func:`respond`.
    """

    def __init__(self, matcher: Matcher) -> None:
        self.matcher = matcher
        self.context: Context | None = None

    def ask(self, text: str) -> Turn:
        turn = respond(self.matcher, self.context, text)
        self.context = turn.next_context(self.context)
        return turn

    def restart(self) -> None:
        self.context = None
