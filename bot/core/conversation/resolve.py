"""Answering a message in the context of the last answer.

The order matters and is the whole policy:

1. the message is matched on its own, as if there were no conversation;
2. if it does not read as a follow-up, or nothing came before, that answer stands;
3. otherwise the context resolves it: another goal switched in for one side ("what about
   calibration?" after Interpretability vs Capability is Calibration vs Capability; no such
   tension means the goal's overview), or a part of the same answer ("numbers?");
4. a confident standalone answer still wins when the message does not lean on the context
   ("ok different question: can we push the frontier cheaply?"), and a follow-up that fits
   nothing says so and offers the last answer's buttons.
"""

from __future__ import annotations

from typing import Final

from bot.core.conversation.context import Context
from bot.core.conversation.cues import Cue, normalise, read_cue
from bot.core.conversation.turn import Turn
from bot.core.knowledge.label import Kind
from bot.core.knowledge.model import Knowledge
from bot.core.matching.answer import Answer
from bot.core.matching.matcher import Matcher

# The matcher's confidence at which a message is taken as a question of its own even in
# the middle of a conversation. The one place to retune if the score's meaning shifts.
STANDALONE_MIN: Final = {Kind.TENSION: 0.5, Kind.GOAL: 0.6, Kind.LIST: 0.6}
FOLLOW_UP_SCORE: Final = 1.0  # what a follow-up reports: the context is not a guess
COGNATE_PREFIX: Final = 6  # letters a foreign goal name must share ("Kalibrierung")


def stands_alone(answer: Answer) -> bool:
    """Whether the matcher is sure enough of a message to answer it without the context."""
    minimum = STANDALONE_MIN.get(answer.kind)
    return minimum is not None and answer.score >= minimum


def respond(matcher: Matcher, context: Context | None, text: str) -> Turn:
    """The answer to ``text`` given the conversation's last answer (None: a fresh start)."""
    answer = matcher.match(text)
    knowledge = matcher.knowledge
    if context is None or not _still_known(knowledge, context):
        return Turn(answer)
    cue = read_cue(text)
    if cue is None:
        return Turn(answer)
    resolved = _resolve(matcher, context, cue, text)
    if resolved is None:
        if stands_alone(answer) or not cue.leans_on_context:
            return Turn(answer)
        return Turn(Answer(text, Kind.NONE, 0.0), unclear=context.label)
    sides = _goals_of(knowledge, context)
    named = matcher.goals_named(text)
    if stands_alone(answer) and _prefer_standalone(answer, resolved, sides, cue, named):
        return Turn(answer)
    return resolved


def _prefer_standalone(
    answer: Answer,
    resolved: Turn,
    sides: tuple[str, ...],
    cue: Cue,
    named: tuple[str, ...],
) -> bool:
    """Both readings are possible: the message's own answer wins unless it needs the context.

    A tension the message names by itself (both its goals named, neither side of the
    conversation's) is its own question even when it says "that"; a goal alone after
    "and ..." is what the switch is for, whatever the matcher would guess from one word.
    """
    if not cue.leans_on_context:
        return True
    if answer.kind is not Kind.TENSION or answer.tension == resolved.answer.tension:
        return False
    both_named = set(answer.goals) <= set(named)
    return both_named and not any(goal in sides for goal in answer.goals)


def _still_known(knowledge: Knowledge, context: Context) -> bool:
    """A reload may have removed what the conversation was about."""
    if context.kind is Kind.TENSION:
        return context.target in knowledge.tensions
    return context.target in knowledge.goals


def _resolve(matcher: Matcher, context: Context, cue: Cue, text: str) -> Turn | None:
    knowledge = matcher.knowledge
    sides = _goals_of(knowledge, context)
    named = matcher.goals_named(cue.rest) if cue.rest else ()
    if not named and cue.switch:
        named = _cognates(knowledge, cue.rest)
    new = [g for g in named if g not in sides]
    if len(new) > 1:  # the message names its own pair: not a follow-up
        return None
    if new:
        for keep in sides:  # keep the first side when both would do: it is the subject
            tension = knowledge.between(keep, new[0])
            if tension is not None:
                return _tension_turn(text, tension.id, tension.goals, cue)
        return _goal_turn(text, new[0], cue)
    if cue.section is not None:
        if context.kind is Kind.TENSION:
            return _tension_turn(text, context.target, sides, cue)
        return _goal_turn(text, context.target, cue)
    if cue.switch and named:  # "what about efficiency?" after a tension with that side
        return _goal_turn(text, named[0], cue)
    return None


def _goals_of(knowledge: Knowledge, context: Context) -> tuple[str, ...]:
    if context.kind is Kind.TENSION:
        return knowledge.tensions[context.target].goals
    return (context.target,)


def _tension_turn(text: str, tension_id: str, goals: tuple[str, ...], cue: Cue) -> Turn:
    answer = Answer(text, Kind.TENSION, FOLLOW_UP_SCORE, tension=tension_id, goals=goals)
    return Turn(answer, follow_up=True, section=cue.section)


def _goal_turn(text: str, goal_id: str, cue: Cue) -> Turn:
    answer = Answer(text, Kind.GOAL, FOLLOW_UP_SCORE, goal=goal_id)
    return Turn(answer, follow_up=True, section=cue.section)


def _fold(word: str) -> str:
    """A word reduced to what cognates share: "Kalibrierung" and "calibration" both
    start "calibr", "Effizienz" and "efficiency" both "eficienc"."""
    word = normalise(word).replace("k", "c").replace("z", "c").replace("ph", "f")
    out: list[str] = []
    for ch in word:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


def _cognates(knowledge: Knowledge, rest: str) -> tuple[str, ...]:
    """Goals named in another language by a word that shares its beginning with the name.

    Only used after "and ..." / "what about ...", where one goal name is expected.
    """
    found: list[str] = []
    for word in rest.split():
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
