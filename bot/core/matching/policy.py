"""When the bot speaks unasked: the stricter bar for channels that opted in.

Asked directly (a mention, a DM, a slash command), any answer beats silence. Reading a busy
channel, a wrong answer to a message that was not meant for the bot is worse than saying
nothing, so the bar is higher: the message must read as a question, and the match must be
confident.
"""

from __future__ import annotations

from typing import Final

from bot.core.knowledge.label import Kind
from bot.core.matching.answer import Answer
from bot.core.text.words import reads_as_question

CHANNEL_MIN_SCORE: Final = {Kind.TENSION: 0.6, Kind.GOAL: 0.75, Kind.LIST: 0.9}


def answer_unprompted(message: str, answer: Answer) -> bool:
    minimum = CHANNEL_MIN_SCORE.get(answer.kind)
    return minimum is not None and answer.score >= minimum and reads_as_question(message)


def answer_key(answer: Answer) -> str:
    """What makes two answers "the same" for repeat suppression."""
    return str(answer.label)
