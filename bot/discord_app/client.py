"""The bot: a ``commands.Bot`` that loads one extension per feature and owns shared state."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.conversation.memory import ConversationMemory
from bot.core.store import KnowledgeStore
from bot.core.throttle import RepeatGuard, UserCooldown

from ..curation.questionlog import QuestionLog
from ..settings import Settings
from .checks import NotModerator
from .embeds import notice
from .sync import sync_if_changed
from .views import ButtonExpiry, LinkButton, VoteButton

log = logging.getLogger(__name__)

EXTENSIONS = (
    "bot.discord_app.exts.questions",
    "bot.discord_app.exts.browse",
    "bot.discord_app.exts.goals",
    "bot.discord_app.exts.admin",
    "bot.discord_app.exts.meta",
)


class TensionTree(app_commands.CommandTree["TensionBot"]):
    """Turns command failures into a short ephemeral reply instead of silence."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
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
        with contextlib.suppress(discord.HTTPException):
            if interaction.response.is_done():
                await interaction.followup.send(embed=notice(text), ephemeral=True)
            else:
                await interaction.response.send_message(embed=notice(text), ephemeral=True)


class TensionBot(commands.Bot):
    def __init__(self, settings: Settings, store: KnowledgeStore, **options: Any) -> None:
        intents = discord.Intents.default()
        intents.message_content = True  # to read questions in opted-in channels and DMs
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            tree_cls=TensionTree,
            # The bot never looks back at old messages; discord.py would keep 1,000 by default.
            max_messages=None,
            **options,
        )
        self.settings = settings
        self.store = store
        self.cooldown = UserCooldown(settings.cooldown_rate, settings.cooldown_seconds)
        self.repeats = RepeatGuard(settings.repeat_window_seconds)
        self.conversations = ConversationMemory(settings.conversation_minutes * 60)
        self.started = time.monotonic()
        self._heartbeat: asyncio.Task[None] | None = None
        self.expiry = ButtonExpiry()
        self.questions: QuestionLog | None = None

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        self.add_dynamic_items(LinkButton, VoteButton)
        self.expiry.start()
        if self.settings.question_log_path is not None:
            self.questions = await QuestionLog.open(
                self.settings.question_log_path, self.settings.log_retention_days
            )
        await self.sync_commands()
        if self.settings.heartbeat_file is not None:
            self._heartbeat = asyncio.create_task(self._beat(self.settings.heartbeat_file))

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

    async def on_ready(self) -> None:
        assert self.user is not None
        log.info(
            "connected as %s in %d servers",
            self.user,
            len(self.guilds),
            extra={"knowledge": self.store.snapshot.version},
        )

    async def _beat(self, path: Path) -> None:
        """Touch the heartbeat file while connected, for the container HEALTHCHECK."""
        try:
            while not self.is_closed():
                if self.is_ready() and not self.ws.socket.closed:
                    with contextlib.suppress(OSError):
                        await asyncio.to_thread(path.touch)
                await asyncio.sleep(self.settings.heartbeat_seconds)
        finally:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)  # noqa: ASYNC240 - one call while shutting down

    async def close(self) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        self.expiry.stop()
        await super().close()
        if self.questions is not None:
            await self.questions.close()
