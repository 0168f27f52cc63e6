"""Sending an answer, for every way a question arrives; one place for the house rules.

The rules: no pings (the client's AllowedMentions.none()); the person's text is never
echoed; answers that help only the asker (no match, cooldowns, repeats) are ephemeral
where Discord allows it; a repeated answer in the same channel within the window points
to the earlier one instead of posting it again.
"""

from __future__ import annotations

import logging
import re
import time
from typing import TYPE_CHECKING, Any

import discord

from bot.core.knowledge.label import Kind
from bot.core.matching.answer import Answer
from bot.core.matching.policy import answer_key
from bot.core.rendering.cards import Card
from bot.core.rendering.render import answer_card

from ..curation.questionlog import Entry
from .embeds import notice, to_embed
from .privacy import without_mentions
from .views import links_view, release

if TYPE_CHECKING:
    from .client import TensionBot

log = logging.getLogger(__name__)


def message_text(bot: TensionBot, message: discord.Message) -> str:
    """What the bot reads of a message: its text without the bot's own mention (which
    says who is asked, not what)."""
    text = message.content
    if bot.user is not None:
        text = re.sub(rf"<@!?{bot.user.id}>", " ", text)
    return text.strip()


def record_question(
    bot: TensionBot,
    route: str,
    text: str,
    answer: Answer,
    *,
    answered: bool,
    guild_id: int | None,
    channel_id: int | None,
) -> int | None:
    """Log a question the bot considered; returns its id for the feedback buttons."""
    questions = bot.questions
    if questions is None or not questions.available:
        return None
    question_id = questions.new_id()
    questions.record(
        Entry(
            question_id,
            time.time(),
            guild_id,
            channel_id,
            route,
            without_mentions(text),
            answer.kind.value,
            answer.tension,
            answer.goal,
            round(answer.score, 4),
            answered,
            bot.store.snapshot.version,
        )
    )
    return question_id if answered and answer.kind is not Kind.NONE else None


def jump_url(guild_id: int | None, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


def cooldown_text(seconds: float) -> str:
    return f"You're asking quickly. I can answer you again in {max(1, round(seconds))} s."


def repeat_text(link: str | None) -> str:
    where = f" [here]({link})" if link else " just above"
    return f"I answered that in this channel a moment ago:{where}."


def log_answer(route: str, answer: Answer, started: float, **fields: Any) -> None:
    log.info(
        "answered",
        extra={
            "route": route,
            "kind": answer.kind.value,
            "tension": answer.tension,
            "goal": answer.goal,
            "score": round(answer.score, 3),
            "latency_ms": round((time.perf_counter() - started) * 1000, 3),
            **fields,
        },
    )


async def reply_to_message(
    bot: TensionBot,
    message: discord.Message,
    text: str,
    answer: Answer,
    route: str,
    started: float,
    *,
    card: Card | None = None,
    repeat_key: str | None = None,
) -> discord.Message | None:
    """Reply in the channel (mention, DM, opted-in channel), without pinging anyone.

    ``card`` replaces the answer's own card (a follow-up shows one part of an answer), and
    ``repeat_key`` what counts as the same answer. Returns the answer sent, if one was.
    """
    channel_id = message.channel.id
    user_id = message.author.id
    wait = bot.cooldown.retry_after(user_id)
    if wait > 0:
        if route != "channel" and bot.cooldown.should_warn(user_id):
            await reply_quietly(message, embed=notice(cooldown_text(wait)), delete_after=10)
        log.info("cooldown", extra={"route": route, "retry_after": round(wait, 1)})
        return None
    key = repeat_key or answer_key(answer)
    guild_id = message.guild.id if message.guild else None
    question_id = record_question(
        bot,
        route,
        text,
        answer,
        answered=answer.kind is not Kind.NONE,
        guild_id=guild_id,
        channel_id=channel_id,
    )
    if answer.kind is not Kind.NONE:
        earlier = bot.repeats.claim(channel_id, key)
        if earlier is not None:
            await reply_quietly(message, embed=notice(repeat_text(earlier.link)))
            log_answer(route, answer, started, repeated=True)
            return None
    if card is None:
        card = answer_card(bot.store.snapshot.knowledge, answer)
    view = links_view(card.links, question_id=question_id)
    sent = await reply_quietly(message, embed=to_embed(card), view=view)
    if sent is None:
        if answer.kind is not Kind.NONE:
            bot.repeats.forget(channel_id, key)
        return None
    if view is not None:
        bot.expiry.track(sent, card.links, question_id)
    if answer.kind is not Kind.NONE:
        bot.repeats.remember(channel_id, key, jump_url(guild_id, channel_id, sent.id))
    log_answer(route, answer, started)
    return sent


async def reply_quietly(message: discord.Message, **kwargs: Any) -> discord.Message | None:
    """Reply; a failure is logged and the bot carries on with the next question.

    If the question was deleted meanwhile, Discord refuses a reply to it unless told not
    to fail: then the answer arrives as an ordinary message, still useful to the channel.
    """
    kwargs.setdefault("mention_author", False)
    if kwargs.get("view") is None:
        kwargs.pop("view", None)
    try:
        return await message.channel.send(
            reference=message.to_reference(fail_if_not_exists=False), **kwargs
        )
    except discord.HTTPException as exc:
        log.warning(
            "could not reply in channel %s: %s %s", message.channel.id, exc.status, exc.text[:200]
        )
        return None
    finally:
        release(kwargs.get("view"))


async def respond_to_interaction(
    bot: TensionBot,
    interaction: discord.Interaction[Any],
    answer: Answer,
    card: Card,
    route: str,
    started: float,
    *,
    question: str | None = None,
    file: discord.File | None = None,
    repeat_key: str | None = None,
) -> int | None:
    """Answer a slash command: public when it answers, ephemeral when it only helps the asker.

    ``question`` is the free text asked, when there was one: it goes to the question log.
    Returns the id of the public answer, when one was posted.
    """
    wait = bot.cooldown.retry_after(interaction.user.id)
    if wait > 0:
        await interaction.response.send_message(embed=notice(cooldown_text(wait)), ephemeral=True)
        log.info("cooldown", extra={"route": route, "retry_after": round(wait, 1)})
        return None
    channel_id = interaction.channel_id or 0
    key = repeat_key or answer_key(answer)
    question_id = None
    if question is not None:
        question_id = record_question(
            bot,
            route,
            question,
            answer,
            answered=answer.kind is not Kind.NONE,
            guild_id=interaction.guild_id,
            channel_id=interaction.channel_id,
        )
    if answer.kind is Kind.NONE:
        view = links_view(card.links)
        await interaction.response.send_message(
            embed=to_embed(card), view=view or discord.utils.MISSING, ephemeral=True
        )
        release(view)
        if view is not None:
            bot.expiry.track(interaction, card.links)
        log_answer(route, answer, started)
        return None
    earlier = bot.repeats.claim(channel_id, key)
    if earlier is not None:
        await interaction.response.send_message(
            embed=notice(repeat_text(earlier.link)), ephemeral=True
        )
        log_answer(route, answer, started, repeated=True)
        return None
    view = links_view(card.links, question_id=question_id)
    embed = to_embed(card)
    if file is not None:
        embed.set_image(url=f"attachment://{file.filename}")
    try:
        callback = await interaction.response.send_message(
            embed=embed, view=view or discord.utils.MISSING, file=file or discord.utils.MISSING
        )
    except discord.HTTPException:
        bot.repeats.forget(channel_id, key)
        raise
    finally:
        release(view)
    if view is not None:
        bot.expiry.track(interaction, card.links, question_id)
    link = None
    message_id = callback.message_id if callback is not None else None
    if message_id is not None:
        link = jump_url(interaction.guild_id, channel_id, message_id)
    bot.repeats.remember(channel_id, key, link)
    log_answer(route, answer, started)
    return message_id
