"""The labelled conversations in tests/data/conversations/, and how one is judged.

A file holds ``conversations:``, a list of conversations, each a list of turns::

    - say: "how big is the hit"
      expect: tension:unlearning-vs-capability   # tension:<id>, goal:<id>, list or none
      section: tradeoff                          # optional: tradeoff, research, reading, summary
      follow_up: true                            # optional: the context decides this turn

or a mapping with the language it is written in and its turns
(``{lang: it, turns: [...]}``), as the sets of issue 16 are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.conversation.context import Context
from bot.core.conversation.resolve import Conversation, respond
from bot.core.conversation.turn import Turn
from bot.core.knowledge.label import Kind, Section
from bot.core.knowledge.model import Knowledge
from bot.core.matching.matcher import Matcher

CONVERSATIONS = Path(__file__).resolve().parent.parent / "data" / "conversations"


class BadConversationsError(ValueError):
    """A labelled file that cannot be scored; the message names the file and the turn."""


@dataclass(frozen=True)
class Labelled:
    say: str
    kind: Kind
    target: str | None
    section: Section | None
    follow_up: bool
    position: int  # 0 for the first line of a conversation
    lang: str = "en"

    @property
    def role(self) -> str:
        """Which figure the turn counts towards."""
        if self.follow_up:
            return "follow-up"
        if self.kind is Kind.NONE:
            return "first-line none" if self.position == 0 else "none inside"
        return "first/standalone"

    def judge(self, turn: Turn) -> bool:
        answer = turn.answer
        if answer.kind is not self.kind or turn.section is not self.section:
            return False
        if self.kind is Kind.TENSION:
            return answer.tension == self.target
        if self.kind is Kind.GOAL:
            return answer.goal == self.target
        return True


def _turn(
    raw: object, where: str, position: int, knowledge: Knowledge | None, lang: str = "en"
) -> Labelled:
    if not isinstance(raw, dict) or not isinstance(raw.get("say"), str):
        raise BadConversationsError(f"{where}: a turn needs 'say' (text)")
    unknown = set(raw) - {"say", "expect", "section", "follow_up"}
    if unknown:
        raise BadConversationsError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    expect = str(raw.get("expect", ""))
    kind_text, _, target = expect.partition(":")
    try:
        kind = Kind(kind_text)
    except ValueError:
        raise BadConversationsError(
            f"{where}: expect {expect!r} is not tension:<id>, goal:<id>, list or none"
        ) from None
    if (kind in (Kind.TENSION, Kind.GOAL)) != bool(target):
        raise BadConversationsError(f"{where}: expect {expect!r} needs exactly one id for {kind}")
    if knowledge is not None and target:
        known = knowledge.tensions if kind is Kind.TENSION else knowledge.goals
        if target not in known:
            raise BadConversationsError(f"{where}: {kind} {target!r} is not in the knowledge")
    section = raw.get("section")
    if section is not None and section not in set(Section):
        raise BadConversationsError(f"{where}: section {section!r} is not one of {list(Section)}")
    return Labelled(
        raw["say"],
        kind,
        target or None,
        Section(section) if section else None,
        bool(raw.get("follow_up", False)),
        position,
        lang,
    )


def load(path: Path, knowledge: Knowledge | None = None) -> list[list[Labelled]]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise BadConversationsError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("conversations"), list):
        raise BadConversationsError(f"{path.name}: expected a top-level 'conversations:' list")
    out: list[list[Labelled]] = []
    for number, raw in enumerate(data["conversations"], start=1):
        lang = "en"
        if isinstance(raw, dict):
            lang = str(raw.get("lang", "en"))
            raw = raw.get("turns")
        if not isinstance(raw, list) or not raw:
            raise BadConversationsError(
                f"{path.name}: conversation {number} is not a list of turns"
            )
        out.append(
            [
                _turn(turn, f"{path.name}: conversation {number}, turn {i + 1}", i, knowledge, lang)
                for i, turn in enumerate(raw)
            ]
        )
    return out


def labelled_context(before: Labelled | None, context: Context | None) -> Context | None:
    """The context the labels say the conversation had after ``before``."""
    if before is None:
        return None
    if before.kind in (Kind.TENSION, Kind.GOAL) and before.target:
        return Context(before.kind, before.target, before.section)
    return None if before.kind is Kind.LIST else context


def play_given_labels(matcher: Matcher, conversation: list[Labelled]) -> list[Turn]:
    """Each line with the context the labels give it, so a first line the matcher misses
    does not also cost the follow-ups after it: what the conversation itself adds."""
    turns: list[Turn] = []
    context: Context | None = None
    for i, labelled in enumerate(conversation):
        context = labelled_context(conversation[i - 1] if i else None, context)
        turns.append(respond(matcher, context, labelled.say))
    return turns


def play(matcher: Matcher, conversation: list[Labelled]) -> list[Turn]:
    """Each line in order, as one conversation, the way ``ask --conversation`` answers it."""
    chat = Conversation(matcher)
    return [chat.ask(labelled.say) for labelled in conversation]
