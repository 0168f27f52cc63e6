"""The bot: a ``commands.Bot`` that loads one extension per feature and owns shared state.

Shared state is what several features use: the knowledge being served (``store``), the
:class:`~.answering.Answerer` every answer goes through, the database, each server's
settings (``servers``), and the knowledge changes heard from other clusters. Reloading is
one operation here (:meth:`reload_here`, :meth:`reload_everywhere`); features that must
follow a reload listen for ``knowledge_reloaded`` instead of being called by whoever
reloaded.

:class:`ShardedTensionBot` is the same bot over a range of shards (one *cluster*), for
deployments that run several processes against one PostgreSQL database.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.knowledge.model import Taught
from bot.core.matching.local import LocalTaught
from bot.core.serving.store import KnowledgeStore, ReloadOutcome

from ..curation.teaching import local_examples, taught_examples
from ..settings import Settings
from ..storage import Database, StoreError, open_database
from ..storage.changes import Applied, KnowledgeChanges
from ..storage.clusters import process_label
from ..storage.guilds import Forgotten
from ..storage.questionlog import QuestionLog
from .answering import Answerer
from .answering.buttons import LinkButton, VoteButton
from .checks import NotModerator
from .embeds import notice
from .gc_tuning import Collector
from .liveness import last_beat, write_beat
from .quiet import expired, log_expired, quiet_library_logs
from .server_settings import ServerSettingsCache
from .sync import sync_if_changed

log = logging.getLogger(__name__)

FORGET_SWEEP_SECONDS = 3600.0  # the window is counted in days: an hour late is on time

EXTENSIONS = (
    "bot.discord_app.exts.questions",
    "bot.discord_app.exts.browse",
    "bot.discord_app.exts.goals",
    "bot.discord_app.exts.reload",
    "bot.discord_app.exts.stats",
    "bot.discord_app.exts.teaching",
    "bot.discord_app.exts.settings",
    "bot.discord_app.exts.meta",
)

CONTENT_REFUSED = (
    "Discord refused the Message Content intent (gateway close 4014): answering mentions, "
    "DMs, replies that ping the bot and slash commands only; enable the intent in the "
    "developer portal (Bot > Privileged Gateway Intents) to answer opted-in channels"
)
CONTENT_NOT_ENABLED = (
    "the Message Content intent is not enabled for this application: answering mentions, "
    "DMs, replies that ping the bot and slash commands only; enable it in the developer "
    "portal (Bot > Privileged Gateway Intents) to answer opted-in channels"
)


def used_intents() -> discord.Intents:
    """Only what the bot reads: servers and their channels, and messages (Message Content,
    the privileged one, is decided at start-up: see :meth:`TensionBot.choose_intents`)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    return intents


@dataclass(frozen=True)
class Reloaded:
    """What one reload did: told to the extensions, then to whoever asked for it."""

    outcome: ReloadOutcome
    reason: str
    register: bool  # this process registers changed commands with Discord
    notes: tuple[str, ...] = ()  # what the extensions did about it, for the confirmation
    clusters: str | None = None  # "reloaded in 2 of 2 clusters", when there are others


class TensionTree(app_commands.CommandTree["TensionBot"]):
    """Turns command failures into a short ephemeral reply instead of silence."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        if expired(error):  # Discord gave up waiting: nobody is there to tell
            log_expired(interaction.command.name if interaction.command else "?")
            return
        if isinstance(error, NotModerator):
            text = str(error)
        elif isinstance(error, app_commands.NoPrivateMessage):
            text = "This command works in a server, not in DMs."
        elif isinstance(error, app_commands.CommandNotFound):
            text = "That command is no longer available (the knowledge changed). Try /help."
        else:
            log.exception(
                "command /%s failed",
                interaction.command.name if interaction.command else "?",
                exc_info=error,
            )
            text = "Something went wrong answering that. It has been logged."
        deferred = discord.InteractionResponseType.deferred_channel_message
        with contextlib.suppress(discord.HTTPException):
            if interaction.response.type is deferred:  # still "thinking…": say it there
                await interaction.edit_original_response(embed=notice(text))
            elif interaction.response.is_done():
                await interaction.followup.send(embed=notice(text), ephemeral=True)
            else:
                await interaction.response.send_message(embed=notice(text), ephemeral=True)


class TensionBot(commands.Bot):
    def __init__(self, settings: Settings, store: KnowledgeStore, **options: Any) -> None:
        # A text bot never joins voice, so discord.py's warnings at every start that the voice
        # libraries (PyNaCl, davey) are missing are noise. Read once, by the first client.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=used_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=TensionTree,
            # By default a command is the server's (installed with the bot, used in its
            # servers and in DMs with it); the question commands also allow a user's own
            # installation, anywhere (see USER_INSTALLABLE), the moderators' never.
            allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=False
            ),
            # The bot never looks back at old messages; discord.py would keep 1,000 by default.
            max_messages=None,
            **options,
        )
        self.settings = settings
        self.store = store
        self.servers = ServerSettingsCache(settings, check_seconds=settings.reload_check_seconds)
        self.answerer = Answerer(settings, store, self.servers)
        self.started = time.monotonic()
        self._heartbeat: asyncio.Task[None] | None = None
        self.collector = Collector()
        self.database: Database | None = None
        self.changes: KnowledgeChanges | None = None  # set when processes share a database
        # The top of the authority ladder (see checks.py): TENSIONBOT_OPERATOR_IDS now, the
        # application's owner and team once Discord's application info is read.
        self.operators: frozenset[int] = settings.operator_ids
        self._forgetting: asyncio.Task[None] | None = None
        self._departed: set[int] = set()  # servers whose rows are due to go, as last read
        quiet_library_logs()

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(LinkButton, VoteButton)
        self.answerer.start()
        info = self.application  # discord.py read it at login, just before this hook
        self._learn_operators(info)
        await self._open_store()
        self.choose_intents(info)
        if self.database is not None:
            self._forgetting = asyncio.create_task(self._forget_departed())
        if self.settings.sync_commands:
            await self.sync_commands()
        if self.settings.heartbeat_file is not None:
            self._heartbeat = asyncio.create_task(self._beat(self.settings.heartbeat_file))
        self.collector.start()

    @property
    def label(self) -> str:
        """How this process names itself to the others sharing the database."""
        return process_label()

    @property
    def reads_content(self) -> bool:
        """Whether this session receives message text beyond DMs and mentions of the bot."""
        return self._connection._intents.message_content

    def choose_intents(self, info: discord.AppInfo | None) -> None:
        """Ask for Message Content only when it is used, and only when it can be had.

        Discord asks apps to request only the data they need, and an app past 100 servers
        must be approved for each privileged intent: ``auto`` asks while some channel is
        answered without a mention (the defaults or any server's settings), and not when
        the application's flags say it is not enabled (connecting would end with 4014).
        Runs after login, before the gateway connects (discord.py reads the intents at
        IDENTIFY).
        """
        mode = self.settings.message_content
        want = mode == "on" or (mode == "auto" and self.servers.opens_any)
        # Flags not known (info None): ask, and fall back if Discord refuses (see connect).
        if want and info is not None:
            flags = info.flags
            if not (flags.gateway_message_content or flags.gateway_message_content_limited):
                log.warning(CONTENT_NOT_ENABLED)
                want = False
        self._connection._intents.message_content = want
        log.info("message content intent %s", "requested" if want else "not requested")

    async def connect(self, *, reconnect: bool = True) -> None:
        """Connect; when Discord refuses Message Content (4014), say so once and connect
        without it, serving what needs no privileged intent, rather than stop."""
        while True:
            try:
                await super().connect(reconnect=reconnect)
                return
            except discord.PrivilegedIntentsRequired:
                if not self.reads_content or self.is_closed():
                    raise
                log.warning(CONTENT_REFUSED)
                self._connection._intents.message_content = False

    def _learn_operators(self, info: discord.AppInfo | None) -> None:
        """The application's owner, or every member of its team, from Discord itself, so the
        operator needs no configuration; ``TENSIONBOT_OPERATOR_IDS`` adds to them."""
        if info is None:
            return
        found = {info.owner.id} if info.owner is not None else set()
        if info.team is not None:
            found |= {member.id for member in info.team.members}
        self.operators = self.settings.operator_ids | frozenset(found)
        log.info("operators known", extra={"operators": len(self.operators)})

    async def _open_store(self) -> None:
        """The question log and, on a shared database, the knowledge-change signal.

        Neither is essential: without them the bot answers, and says so in the log.
        """
        url = self.settings.database()
        if url is None:
            return
        try:
            self.database = await open_database(url)
        except StoreError as exc:
            log.warning("question log unavailable at %s (%s); answering without it", url, exc)
            self.answerer.log = QuestionLog(None, self.settings.log_retention_days)
            return
        self.answerer.log = await QuestionLog.attach(
            self.database, self.settings.log_retention_days, label=self.label
        )
        if self.database.shared:
            self.store.model_share = self.database.models
            await self.store.share_models()
        await self._learn_taught(self.database)
        try:
            await self.servers.load(self.database.settings)
            if self.database.shared:
                await self.servers.start_listening()
        except StoreError as exc:
            log.warning("server settings unavailable (%s); using the defaults", exc)
        try:
            self._departed = {g for g, _ in await self.database.guilds.pending()}
        except StoreError as exc:
            log.warning("servers that removed the bot unavailable: %s", exc)
        if self.database.shared:
            changes = KnowledgeChanges(
                self.database.clusters,
                self.label,
                self._apply_change,
                lambda: self.store.snapshot.version,
                check_seconds=self.settings.reload_check_seconds,
                confirm_seconds=self.settings.reload_confirm_seconds,
            )
            try:
                await changes.start()
            except StoreError as exc:
                log.warning("reloads will not reach other clusters: %s", exc)
            else:
                self.changes = changes

    async def _learn_taught(self, database: Database) -> None:
        """From now on every load merges the taught examples; load them now if there are any.

        The first load, before the database was open, had the folder alone.
        """

        async def read() -> list[Taught]:
            return await taught_examples(database)

        async def read_local() -> list[LocalTaught]:
            return await local_examples(database)

        self.store.taught_source = read
        self.store.local_source = read_local
        await self.store.refresh_local()
        try:
            waiting = await database.teaching.taught()
        except StoreError as exc:
            log.warning("taught examples unavailable (%s); answering from the folder", exc)
            return
        if waiting:
            outcome = (await self.reload_here("taught examples at start-up")).outcome
            log.info(
                "taught examples merged: %d",
                len(self.store.snapshot.knowledge.taught),
                extra={"after": outcome.after},
            )
            for warning in outcome.warnings:
                log.warning("knowledge: %s", warning)

    async def reload_here(self, reason: str, *, register: bool = False) -> Reloaded:
        """Reload this process's knowledge (the folder, with the taught examples), then let
        the extensions catch up (``knowledge_reloaded``); ``register``: whether this process
        registers changed commands with Discord. The one place the bot loads its knowledge."""
        outcome = await self.store.reload()
        reloaded = Reloaded(outcome, reason, register)
        if not outcome.ok:
            return reloaded
        self.collector.refreeze()  # the old knowledge goes, the new one is frozen
        notes = await self._tell_extensions("knowledge_reloaded", reloaded)
        return replace(reloaded, notes=notes)

    async def reload_everywhere(self, reason: str) -> Reloaded:
        """Reload here and ask every other cluster to do the same: what a moderator's change
        (``/reload``, a teach, an undo) needs."""
        here = await self.reload_here(reason, register=True)
        if not here.outcome.ok or self.changes is None:
            return here
        try:
            clusters = (await self.changes.announce(reason)).summary()
        except StoreError as exc:
            log.warning("could not tell the other clusters: %s", exc)
            clusters = "reloaded here only: the other clusters could not be told"
        return replace(here, clusters=clusters)

    async def _tell_extensions(self, event: str, reloaded: Reloaded) -> tuple[str, ...]:
        """Run every extension's ``on_<event>`` listener and wait for them all.

        ``dispatch`` would schedule them and return at once; a moderator's confirmation must
        say what they did (for instance, that the goal commands were registered again).
        """
        listeners = self.extra_events.get(f"on_{event}", [])
        results = await asyncio.gather(*(listener(reloaded) for listener in listeners))
        return tuple(note for note in results if isinstance(note, str))

    async def _apply_change(self) -> Applied:
        """Another cluster changed the knowledge: reload here too (it registered commands)."""
        reloaded = await self.reload_here("announced by another cluster")
        outcome = reloaded.outcome
        log.info(
            "reload %s (announced by another cluster)",
            "ok" if outcome.ok else "refused",
            extra={"before": outcome.before, "after": outcome.after},
        )
        for problem in outcome.problems:
            log.warning("knowledge: %s", problem)
        return Applied(outcome.ok, self.store.snapshot.version)

    async def sync_commands(self) -> bool:
        """Register changed commands; a failure is logged, never fatal.

        Questions by mention and DM work without slash commands, and Discord keeps the
        previously registered ones, so a bot that cannot sync should still serve.
        """
        assert self.application_id is not None, "known after login"
        try:
            return await sync_if_changed(self.tree, self.application_id, self.settings.dev_guild_id)
        except discord.HTTPException as exc:
            log.error("could not register slash commands: %s %s", exc.status, exc.text[:200])
            return False

    async def on_message(self, message: discord.Message, /) -> None:
        """No prefix commands: questions are handled by the questions extension."""
        self.collector.busy()

    async def on_interaction(self, interaction: discord.Interaction[Any], /) -> None:
        self.collector.busy()

    # --- servers coming and going ------------------------------------------------------

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server (GUILD_DELETE without ``unavailable``; discord.py does not
        call this for an outage): its rows go after ``TENSIONBOT_FORGET_SERVER_DAYS``."""
        if self.database is None:
            return
        now = time.time()
        days = self.settings.forget_server_days
        try:
            await self.database.guilds.departed(guild.id, now=now, forget_at=now + days * 86400)
        except StoreError as exc:
            log.warning("could not note a server's departure: %s", exc)
            return
        self._departed.add(guild.id)
        log.info("removed from a server; its data goes in %g days", days, extra={"guild": guild.id})
        if days == 0:
            await self.forget_departed(now)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._returned(guild, always=True)

    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self._returned(guild)

    async def _returned(self, guild: discord.Guild, *, always: bool = False) -> None:
        """Back in a server within the window: nothing of it is forgotten.

        Every server the bot is in becomes available at each start; only those noted as
        departed (read at start) cost a query then. A join (rare) always asks, since
        another cluster may have noted the departure.
        """
        if self.database is None or (not always and guild.id not in self._departed):
            return
        self._departed.discard(guild.id)
        try:
            if await self.database.guilds.returned(guild.id):
                log.info("back in a server: its data is kept", extra={"guild": guild.id})
        except StoreError as exc:
            log.warning("could not note a server's return: %s", exc)

    async def forget_departed(self, now: float | None = None) -> list[Forgotten]:
        """Forget every server whose window has passed (any cluster may; each once)."""
        if self.database is None:
            return []
        now = time.time() if now is None else now
        done: list[Forgotten] = []
        for guild_id in await self.database.guilds.due(now):
            if self.get_guild(guild_id) is not None:  # back, though the note stayed
                await self.database.guilds.returned(guild_id)
                continue
            forgotten = await self.database.guilds.forget(
                guild_id, now=now, actor="scheduled", scheduled=True
            )
            if forgotten is not None:
                done.append(forgotten)
                self.store.local = self.store.local.without_guild(guild_id)
                await self.servers.refresh(guild_id)  # its settings rows are gone too
                log.info(
                    "forgot a server that removed the bot",
                    extra={
                        "guild": guild_id,
                        "questions": forgotten.questions,
                        "votes": forgotten.votes,
                        "taught": forgotten.taught,
                    },
                )
        return done

    async def _forget_departed(self) -> None:
        """Sweep for servers due to be forgotten, once connected and then hourly. Not
        before: until the servers arrive, one that rejoined while the bot was down would
        look absent."""
        await self.wait_until_ready()
        while not self.is_closed():
            try:
                await self.forget_departed()
            except StoreError as exc:
                log.warning("could not forget departed servers: %s", exc)
            await asyncio.sleep(FORGET_SWEEP_SECONDS)

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info(
            "connected as %s in %d servers",
            self.user,
            len(self.guilds),
            extra={"knowledge": self.store.snapshot.version},
        )

    def connected(self) -> bool:
        return self.ws is not None and not self.ws.socket.closed

    async def _beat(self, path: Path) -> None:
        """Keep the heartbeat file on the last acknowledged heartbeat (see liveness.py)."""
        every = self.settings.heartbeat_seconds
        try:
            while not self.is_closed():
                beat = last_beat(self, every)
                if beat is not None:
                    with contextlib.suppress(OSError):
                        await asyncio.to_thread(write_beat, path, beat)
                await asyncio.sleep(every)
        finally:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)  # noqa: ASYNC240 - one call while shutting down

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        if self._forgetting is not None:
            self._forgetting.cancel()
        self.answerer.stop()
        self.collector.stop()
        await super().close()
        await self.servers.stop()
        if self.changes is not None:
            await self.changes.stop()
            self.changes = None
        await self.answerer.close()
        if self.database is not None:
            await self.database.close()
            self.database = None


class ShardedTensionBot(TensionBot, commands.AutoShardedBot):
    """One cluster: the shards in ``TENSIONBOT_SHARD_IDS`` of ``TENSIONBOT_SHARD_COUNT``."""

    def __init__(self, settings: Settings, store: KnowledgeStore, **options: Any) -> None:
        assert settings.shard_count is not None
        options.setdefault("shard_count", settings.shard_count)
        options.setdefault("shard_ids", list(settings.shard_ids or range(settings.shard_count)))
        super().__init__(settings, store, **options)

    @property
    def label(self) -> str:
        return process_label(f"shards {describe_shards(self.settings)}")

    def connected(self) -> bool:
        shards = self.shards.values()
        return bool(shards) and not any(shard.is_closed() for shard in shards)


def describe_shards(settings: Settings) -> str:
    """``0-3 of 8``: what a person would write in TENSIONBOT_SHARD_IDS."""
    count = settings.shard_count or 1
    ids = list(settings.shard_ids or range(count))
    runs: list[str] = []
    start = prev = ids[0]
    for shard in [*ids[1:], None]:
        if shard is not None and shard == prev + 1:
            prev = shard
            continue
        runs.append(f"{start}-{prev}" if prev > start else str(start))
        if shard is not None:
            start = prev = shard
    return f"{','.join(runs)} of {count}"


def make_bot(settings: Settings, store: KnowledgeStore, **options: Any) -> TensionBot:
    """The plain bot, or a cluster of shards when the settings name them."""
    if settings.sharded:
        return ShardedTensionBot(settings, store, **options)
    return TensionBot(settings, store, **options)
