"""Which conversation a Discord message belongs to, and remembering answers for follow-ups.

A message continues a conversation when it replies to one of the bot's answers (that
answer is the context); in a DM, for the window after the last answer; in a thread the bot
answered in; and otherwise when the same person talks to the bot again in the same channel
within the window (``/ask`` included). So two people in one channel have two
conversations, and one person's "why?" never gets the answer to the other's question.

Keys are tuples of ids, held in memory only (:class:`ConversationMemory`); they are never
logged or written anywhere, and no message text is kept.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.core.conversation.context import Context
from bot.core.conversation.memory import ConversationMemory
from bot.core.conversation.turn import Turn
from bot.core.matching.policy import answer_key

Key = tuple[Any, ...]


def place_key(channel: object, channel_id: int, user_id: int, *, dm: bool) -> Key:
    """The conversation of a person in a place: the DM, the thread, or them in a channel."""
    if dm:
        return ("dm", channel_id)
    if isinstance(channel, discord.Thread):
        return ("thread", channel_id)
    return ("person", channel_id, user_id)


def message_key(message: discord.Message) -> Key:
    return place_key(message.channel, message.channel.id, message.author.id, dm=not message.guild)


def interaction_key(interaction: discord.Interaction[Any]) -> Key:
    channel_id = interaction.channel_id or 0
    dm = interaction.guild_id is None
    return place_key(interaction.channel, channel_id, interaction.user.id, dm=dm)


def answer_message_key(message_id: int) -> Key:
    """An answer the bot sent, for replies to it."""
    return ("answer", message_id)


def replied_context(
    memory: ConversationMemory, message: discord.Message, window: float | None = None
) -> Context | None:
    """The context of the bot's answer this message replies to, while it is remembered
    (``window``: the server's conversation window, in seconds)."""
    reference = message.reference
    if reference is None or reference.message_id is None:
        return None
    return memory.recall(answer_message_key(reference.message_id), window)


def context_for(
    memory: ConversationMemory, message: discord.Message, window: float | None = None
) -> Context | None:
    """A reply follows the answer it replies to; anything else, the person's conversation."""
    return replied_context(memory, message, window) or memory.recall(message_key(message), window)


def remember(
    memory: ConversationMemory,
    key: Key,
    turn: Turn,
    before: Context | None,
    sent_id: int | None,
) -> None:
    """After an answer was sent: the conversation, and the answer message, have a context."""
    context = turn.next_context(before)
    if context is None and before is None:
        return
    memory.remember(key, context)
    if sent_id is not None and context is not None:
        memory.remember(answer_message_key(sent_id), context)


def repeat_key(turn: Turn) -> str:
    """A part of an answer is not a repeat of the whole answer posted a moment ago."""
    key = answer_key(turn.answer)
    return f"{key}#{turn.section.value}" if turn.section else key
