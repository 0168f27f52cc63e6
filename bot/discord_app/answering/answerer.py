"""Sending an answer, however the question arrived: one owner for the house rules.

The rules: no pings (the client's AllowedMentions.none()); the person's text is never
echoed; answers that help only the asker (no match, cooldowns, repeats) are ephemeral
where Discord allows it; one person gets so many answers per window (``UserCooldown``); a
repeated answer in the same channel within the window points to the earlier one instead
of posting it again (``RepeatGuard``); every question considered goes to the question log
(without mentions, hence without user ids); an answer's buttons are disabled once it is
old (``ButtonExpiry``).

:class:`Answerer` owns all four, so no feature reaches into the bot for them. It has one
delivery path for messages (:meth:`Answerer.reply`) and one for interactions
(:meth:`Answerer.respond`). A card sent with an :class:`Asked` is an answer to a question
and the rules apply; a card sent without one (a help card, a button's card) was asked for
by a click or a bare mention, not in words: it is sent with its buttons, and nothing else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.core.knowledge.label import Kind
from bot.core.matching.answer import Answer
from bot.core.matching.policy import answer_key
from bot.core.rendering.cards import Card
from bot.core.serving.store import KnowledgeStore
from bot.core.throttle import RepeatGuard, UserCooldown

from ...settings import Settings
from ...storage.questionlog import Entry, QuestionLog
from ..embeds import notice, to_embed
from ..privacy import without_mentions
from ..server_settings import ServerSettingsCache
from .buttons import links_view, release
from .expiry import ButtonExpiry

log = logging.getLogger(__name__)

COOLDOWN_NOTICE_SECONDS = 10  # a message's cooldown notice deletes itself after this


@dataclass(frozen=True)
class Asked:
    """A question being answered: what the rules and the question log need to know."""

    answer: Answer
    route: str  # how it came in: mention, dm, channel, reply, slash, goal-command
    started: float  # time.perf_counter() when it arrived, for the latency in the log
    question: str | None = None  # the words asked, logged; None when nothing was typed
    repeat_key: str | None = None  # what counts as the same answer (default: its label)

    @property
    def answered(self) -> bool:
        return self.answer.kind is not Kind.NONE

    @property
    def key(self) -> str:
        return self.repeat_key or answer_key(self.answer)


def jump_url(guild_id: int | None, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


def cooldown_text(seconds: float) -> str:
    return f"You're asking quickly. I can answer you again in {max(1, round(seconds))} s."


def repeat_text(link: str | None) -> str:
    where = f" [here]({link})" if link else " just above"
    return f"I answered that in this channel a moment ago:{where}."


def log_answer(asked: Asked, **fields: Any) -> None:
    answer = asked.answer
    log.info(
        "answered",
        extra={
            "route": asked.route,
            "kind": answer.kind.value,
            "tension": answer.tension,
            "goal": answer.goal,
            "score": round(answer.score, 3),
            "latency_ms": round((time.perf_counter() - asked.started) * 1000, 3),
            **fields,
        },
    )


def log_cooldown(asked: Asked, wait: float) -> None:
    log.info("cooldown", extra={"route": asked.route, "retry_after": round(wait, 1)})


class Answerer:
    """Every answer the bot sends goes through here (see the module's docstring)."""

    def __init__(
        self, settings: Settings, store: KnowledgeStore, servers: ServerSettingsCache | None = None
    ) -> None:
        self.store = store
        self.servers = servers or ServerSettingsCache(settings)
        self.cooldown = UserCooldown(settings.cooldown_rate, settings.cooldown_seconds)
        self.repeats = RepeatGuard(settings.repeat_window_seconds)
        self.expiry = ButtonExpiry()
        # Set once the bot has tried to open its database; None (or unavailable): not logged.
        self.log: QuestionLog | None = None

    def start(self) -> None:
        self.expiry.start()

    def stop(self) -> None:
        """Nothing more is sent: no button is disabled from now on."""
        self.expiry.stop()

    async def close(self) -> None:
        """Write out what the question log still holds, and close it."""
        if self.log is not None:
            await self.log.close()

    def only_asker(self, interaction: discord.Interaction[Any], public: bool = False) -> bool:
        """Whether an answer is shown to the asker alone: where the bot is not a member (a
        user's installation in someone else's server, a DM between people, a group DM)
        unless they asked to post it (``public``), and always in a channel its server
        silenced (``/settings channel … off``)."""
        if interaction.guild_id is not None:
            parent = getattr(interaction.channel, "parent_id", None)
            server = self.servers.of(interaction.guild_id)
            if server.channel_mode(interaction.channel_id or 0, parent) == "off":
                return True
            return not public and not interaction.is_guild_integration()
        return not public and interaction.context.private_channel

    def _retry_after(self, guild_id: int | None, user_id: int) -> float:
        """The server's cooldown (its own setting, or the default), counted per server."""
        server = self.servers.of(guild_id)
        return self.cooldown.retry_after(
            (guild_id or 0, user_id), server.cooldown_rate, server.cooldown_seconds
        )

    # --- the question log ----------------------------------------------------------------

    def _record(
        self, asked: Asked, *, answered: bool, guild_id: int | None, channel_id: int | None
    ) -> int | None:
        """Log a question the bot considered; returns its id for the feedback buttons."""
        questions = self.log
        if asked.question is None or questions is None or not questions.available:
            return None
        answer = asked.answer
        question_id = questions.new_id()
        questions.record(
            Entry(
                question_id,
                time.time(),
                guild_id,
                channel_id,
                asked.route,
                without_mentions(asked.question),
                answer.kind.value,
                answer.tension,
                answer.goal,
                round(answer.score, 4),
                answered,
                self.store.snapshot.version,
            )
        )
        return question_id if answered and answer.kind is not Kind.NONE else None

    def unanswered(self, message: discord.Message, asked: Asked) -> None:
        """A question seen and left unanswered (in an opted-in channel, not confident
        enough): nothing is sent, and the log keeps it as a gap in the knowledge."""
        guild_id = message.guild.id if message.guild else None
        self._record(asked, answered=False, guild_id=guild_id, channel_id=message.channel.id)

    def vote(self, question_id: int, user_id: int, helpful: bool) -> bool:
        """Record a *Helpful* vote; False when votes are not being recorded."""
        if self.log is None or not self.log.available:
            return False
        self.log.vote(question_id, user_id, helpful)
        return True

    # --- messages ------------------------------------------------------------------------

    async def reply(
        self,
        message: discord.Message,
        card: Card,
        asked: Asked | None = None,
        *,
        content: str | None = None,
        more: Sequence[Card] = (),
    ) -> int | None:
        """Reply in the message's channel (a mention, a DM, an opted-in channel), without
        pinging anyone. ``more``: cards for the message's further questions, sent as
        further embeds of the same reply (``Turn.cards`` fitted them to one message's
        limits). Returns the id of the answer sent, if one was."""
        channel_id = message.channel.id
        guild_id = message.guild.id if message.guild else None
        question_id = None
        if asked is not None:
            wait = self._retry_after(guild_id, message.author.id)
            if wait > 0:
                if asked.route != "channel" and self.cooldown.should_warn(message.author.id):
                    await _reply(
                        message,
                        embed=notice(cooldown_text(wait)),
                        delete_after=COOLDOWN_NOTICE_SECONDS,
                    )
                log_cooldown(asked, wait)
                return None
            question_id = self._record(
                asked, answered=asked.answered, guild_id=guild_id, channel_id=channel_id
            )
            if asked.answered:
                earlier = self.repeats.claim(channel_id, asked.key)
                if earlier is not None:
                    await _reply(message, embed=notice(repeat_text(earlier.link)))
                    log_answer(asked, repeated=True)
                    return None
        view = links_view(card.links, question_id=question_id)
        embeds = [to_embed(c) for c in (card, *more)]
        sent = await _reply(message, content=content, embeds=embeds, view=view)
        if sent is None:
            if asked is not None and asked.answered:
                self.repeats.forget(channel_id, asked.key)
            return None
        if view is not None:
            self.expiry.track(sent, card.links, question_id)
        if asked is not None:
            if asked.answered:
                link = jump_url(guild_id, channel_id, sent.id)
                self.repeats.remember(channel_id, asked.key, link)
            log_answer(asked)
        return sent.id

    # --- interactions --------------------------------------------------------------------

    async def respond(
        self,
        interaction: discord.Interaction[Any],
        card: Card,
        asked: Asked | None = None,
        *,
        file: discord.File | None = None,
        ephemeral: bool | None = None,
        more: Sequence[Card] = (),
    ) -> int | None:
        """Answer a slash command or a button: public when it answers, ephemeral when it
        only helps the asker (or ``ephemeral``: where the bot is not a member, or in a
        channel its server silenced); ``more``: as for :meth:`reply`. Returns the id of
        the public answer, if one was posted."""
        channel_id = interaction.channel_id or 0
        question_id = None
        if ephemeral is None:
            ephemeral = self.only_asker(interaction)
        if asked is not None:
            wait = self._retry_after(interaction.guild_id, interaction.user.id)
            if wait > 0:
                await interaction.response.send_message(
                    embed=notice(cooldown_text(wait)), ephemeral=True
                )
                log_cooldown(asked, wait)
                return None
            question_id = self._record(
                asked,
                answered=asked.answered,
                guild_id=interaction.guild_id,
                channel_id=interaction.channel_id,
            )
        if asked is not None and asked.answered and ephemeral:
            view = links_view(card.links, question_id=question_id)
            await interaction.response.send_message(
                embeds=_embeds(card, more, file),
                view=view or discord.utils.MISSING,
                file=file or discord.utils.MISSING,
                ephemeral=True,
            )
            release(view)
            if view is not None:
                self.expiry.track(interaction, card.links, question_id)
            log_answer(asked, ephemeral=True)
            return None
        if asked is None or not asked.answered:
            view = links_view(card.links)
            await interaction.response.send_message(
                embed=to_embed(card), view=view or discord.utils.MISSING, ephemeral=True
            )
            release(view)
            if view is not None:
                self.expiry.track(interaction, card.links)
            if asked is not None:
                log_answer(asked)
            return None
        earlier = self.repeats.claim(channel_id, asked.key)
        if earlier is not None:
            await interaction.response.send_message(
                embed=notice(repeat_text(earlier.link)), ephemeral=True
            )
            log_answer(asked, repeated=True)
            return None
        view = links_view(card.links, question_id=question_id)
        embeds = _embeds(card, more, file)
        try:
            callback = await interaction.response.send_message(
                embeds=embeds,
                view=view or discord.utils.MISSING,
                file=file or discord.utils.MISSING,
            )
        except discord.HTTPException:
            self.repeats.forget(channel_id, asked.key)
            raise
        finally:
            release(view)
        if view is not None:
            self.expiry.track(interaction, card.links, question_id)
        message_id = callback.message_id if callback is not None else None
        link = None
        if message_id is not None:
            link = jump_url(interaction.guild_id, channel_id, message_id)
        self.repeats.remember(channel_id, asked.key, link)
        log_answer(asked)
        return message_id


def _embeds(card: Card, more: Sequence[Card], file: discord.File | None) -> list[discord.Embed]:
    """An answer's embeds: its card (showing ``file``, the map, when there is one), then a
    card for each further question of the same message."""
    first = to_embed(card)
    if file is not None:
        first.set_image(url=f"attachment://{file.filename}")
    return [first, *(to_embed(c) for c in more)]


async def _reply(message: discord.Message, **kwargs: Any) -> discord.Message | None:
    """Reply; a failure is logged and the bot carries on with the next question.

    If the question was deleted meanwhile, Discord refuses a reply to it unless told not
    to fail: then the answer arrives as an ordinary message, still useful to the channel.
    """
    kwargs.setdefault("mention_author", False)
    if kwargs.get("view") is None:
        kwargs.pop("view", None)
    if kwargs.get("content") is None:
        kwargs.pop("content", None)
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
