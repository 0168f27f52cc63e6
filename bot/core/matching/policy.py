"""When the bot speaks unasked: the stricter bar for channels that opted in.

Asked directly (a mention, a DM, a slash command), an answer more likely right than
wrong beats silence. Reading a busy channel, a wrong answer to a message that was not
meant for the bot is worse than saying nothing, so the bar is higher: the message must be
written as a question, and the answer must be likely right (the calibrated score, the
same for every kind of answer).
"""

from __future__ import annotations

from bot.core.knowledge.label import Kind
from bot.core.matching.answer import Answer
from bot.core.matching.calibration import CHANNEL_MIN
from bot.core.text.words import asks


def answer_unprompted(message: str, answer: Answer, *, asked: bool | None = None) -> bool:
    """``asked``: whether the message reads as a question (the matcher knows its openers);
    without it, a question mark decides."""
    question = asks(message) if asked is None else asked
    return answer.kind is not Kind.NONE and answer.score >= CHANNEL_MIN and question


def nearly_answered(answer: Answer) -> bool:
    """An opted-in channel's question worth keeping in the question log though it was not
    answered: the bot found an answer, only not sure enough to post it unasked. A
    question-like line of chatter ("anyone up for lunch?") that matches nothing is the
    channel's business, not a gap in the knowledge, and is not kept."""
    return answer.kind is not Kind.NONE


def answer_key(answer: Answer) -> str:
    """What makes two answers "the same" for repeat suppression."""
    return str(answer.label)
