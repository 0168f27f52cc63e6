"""``tensionbot ask`` and ``tensionbot chat``: the matcher from a terminal or a pipe.

With ``--json`` each question gives exactly one line on standard output, in order, so the
output can be zipped with the input; everything else goes to standard error. With
``--conversation`` the lines are one conversation, as in ``chat``: a follow-up is answered
in the context of the last answer, and an empty line starts a new conversation (and gets
no output line, so a script can separate conversations without counting them).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from bot.core.conversation.resolve import Conversation
from bot.core.conversation.turn import Turn
from bot.core.knowledge.model import Knowledge
from bot.core.matching.matcher import Matcher

from .terminal import card_text

QUIT_WORDS = frozenset({"quit", "exit", ":q", "bye"})
LIST_COMMAND = "'tensionbot list'"  # what a miss suggests: this command line's own listing


def questions_from(args: list[str], stdin: TextIO, *, each_argument: bool) -> Iterator[str]:
    """Arguments, or standard input line by line when the only argument is ``-``."""
    if args == ["-"]:
        for line in stdin:
            yield line.rstrip("\r\n")
    elif each_argument:
        yield from args
    else:  # `tensionbot ask does an SAE slow inference` works without quotes
        yield " ".join(args)


def answer_json(
    matcher: Matcher, questions: Iterable[str], out: TextIO, *, conversation: bool = False
) -> None:
    if conversation:
        _converse_json(matcher, questions, out)
        return
    for question in questions:
        answer = matcher.match(question)
        out.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")


def _converse_json(matcher: Matcher, lines: Iterable[str], out: TextIO) -> None:
    """One line out per message, flushed, so a program can talk to it turn by turn."""
    chat = Conversation(matcher)
    for line in lines:
        if not line.strip():
            chat.restart()
            continue
        out.write(json.dumps(chat.ask(line).to_json(), ensure_ascii=False) + "\n")
        out.flush()


def answer_text(
    matcher: Matcher, questions: Iterable[str], out: TextIO, *, conversation: bool = False
) -> None:
    chat = Conversation(matcher)
    first = True
    for question in questions:
        if conversation and not question.strip():
            chat.restart()
            continue
        if not first:
            out.write("\n" + "-" * 40 + "\n")
        first = False
        turn = chat.ask(question) if conversation else Turn(matcher.match(question))
        cards = turn.cards(matcher.knowledge, markdown=False, list_command=LIST_COMMAND)
        out.write("\n\n".join(card_text(card) for card in cards) + "\n")


def chat(knowledge: Knowledge, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    """Ask, read, repeat; Ctrl-D or "quit" ends. Follow-ups lean on the last answer."""
    conversation = Conversation(Matcher(knowledge))
    interactive = stdin.isatty()
    if interactive:
        goals = ", ".join(g.name for g in knowledge.goals.values())
        print(
            f"Ask about the tradeoffs between {goals}. Ctrl-D or 'quit' to leave.",
            file=sys.stderr,
        )
    while True:
        if interactive:
            print("\nask> ", end="", file=sys.stderr, flush=True)
        line = stdin.readline()
        if not line or line.strip().lower() in QUIT_WORDS:
            return
        if not line.strip():
            continue
        turn = conversation.ask(line.strip())
        cards = turn.cards(knowledge, markdown=False, list_command=LIST_COMMAND)
        out.write("\n\n".join(card_text(card) for card in cards) + "\n")
        out.flush()
