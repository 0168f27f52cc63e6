"""``tensionbot ask`` and ``tensionbot chat``: the matcher from a terminal or a pipe.

With ``--json`` each question gives exactly one line on standard output, in order, so the
output can be zipped with the input; everything else goes to standard error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from bot.core.knowledge.model import Knowledge
from bot.core.matching.matcher import Matcher
from bot.core.rendering.render import answer_card

from .terminal import card_text

QUIT_WORDS = frozenset({"quit", "exit", ":q", "bye"})


def questions_from(args: list[str], stdin: TextIO, *, each_argument: bool) -> Iterator[str]:
    """Arguments, or standard input line by line when the only argument is ``-``."""
    if args == ["-"]:
        for line in stdin:
            yield line.rstrip("\r\n")
    elif each_argument:
        yield from args
    else:  # `tensionbot ask does an SAE slow inference` works without quotes
        yield " ".join(args)


def answer_json(matcher: Matcher, questions: Iterable[str], out: TextIO) -> None:
    for question in questions:
        answer = matcher.match(question)
        out.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")


def answer_text(matcher: Matcher, questions: Iterable[str], out: TextIO) -> None:
    first = True
    for question in questions:
        if not first:
            out.write("\n" + "-" * 40 + "\n")
        first = False
        answer = matcher.match(question)
        out.write(card_text(answer_card(matcher.knowledge, answer, markdown=False)) + "\n")


def chat(knowledge: Knowledge, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> None:
    """Ask, read, repeat; Ctrl-D or "quit" ends."""
    matcher = Matcher(knowledge)
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
        answer = matcher.match(line.strip())
        out.write(card_text(answer_card(knowledge, answer, markdown=False)) + "\n")
        out.flush()
