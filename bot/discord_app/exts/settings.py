"""``/settings`` (moderators, ephemeral): what a server chooses for itself.

The channels answered without a mention, the channels the bot stays out of, the
moderator roles, the conversation window and the cooldown were the operator's
environment variables, one list for every server. Here a server's moderators set them for
their server only; the environment stays the default for servers that set nothing, and
"default" puts one setting back to it. Every change is kept in the database with an audit
entry (a keyed hash of the moderator, no user id), applied at once in this process and
heard by every other cluster sharing the database (see ``server_settings``).

The group is hidden from members without Manage Server (Discord's default permissions)
and every use is checked here all the same, against the server's own moderator roles.
"""

from __future__ import annotations

import logging
from typing import Any, Final

import discord
from discord import app_commands
from discord.ext import commands

from ..checks import NEEDS_MODERATOR, NotModerator, is_moderator, server_moderator_roles
from ..client import TensionBot
from ..embeds import notice
from ..privacy import moderator_tag
from ..server_settings import (
    CONVERSATION,
    COOLDOWN,
    MAX_CONVERSATION_MINUTES,
    ServerSettings,
    channel_key,
    role_key,
)

log = logging.getLogger(__name__)

NO_DATABASE: Final = (
    "Settings need the database (TENSIONBOT_DATABASE_URL or TENSIONBOT_QUESTION_LOG_PATH), "
    "which is off or unavailable here; the defaults apply."
)
NO_CONTENT: Final = (
    "**Note:** the bot is connected without Discord's *Message Content* intent, so it "
    "cannot read messages here that do not mention it: in this channel it answers "
    "mentions, replies that ping it and slash commands only. The bot's operator can "
    "enable the intent (developer portal → Bot → Privileged Gateway Intents, and "
    "`TENSIONBOT_MESSAGE_CONTENT` not `off`); the bot asks for it when it next starts."
)
MODE_TEXT: Final = {
    "open": "answers questions without a mention",
    "mention": "answers only when mentioned (or replied to)",
    "off": "does not answer (slash commands answer privately)",
}
SHOWN: Final = 20  # channels or roles listed per line; more are counted


def _minutes(seconds: float) -> str:
    minutes = seconds / 60
    return f"{minutes:g} min" if minutes else "off"


def _listed(mentions: list[str]) -> str:
    if not mentions:
        return "none"
    more = len(mentions) - SHOWN
    return ", ".join(mentions[:SHOWN]) + (f" and {more} more" if more > 0 else "")


def settings_text(guild: discord.Guild | None, server: ServerSettings, reads: bool) -> str:
    """The server's effective settings, as a moderator reads them. Only this server's
    channels and roles are shown: the defaults may name another server's channels."""

    def here(channel_id: int) -> bool:
        return guild is not None and guild.get_channel_or_thread(channel_id) is not None

    opened = [f"<#{c}>" for c, m in server.modes.items() if m == "open" and here(c)]
    silenced = [f"<#{c}>" for c, m in server.modes.items() if m == "off" and here(c)]
    roles = [f"<@&{r}>" for r in sorted(server.moderator_roles) if guild and guild.get_role(r)]
    chosen = set(server.chosen)
    lines = [
        f"**Answered without a mention:** {_listed(opened)}",
        f"**Not answered:** {_listed(silenced)}",
        f"**Moderators:** Manage Server, and roles: {_listed(roles)}",
        f"**Conversation window:** {_minutes(server.conversation_seconds)}"
        + ("" if CONVERSATION in chosen else " (default)"),
        f"**Cooldown:** {server.cooldown_rate} answers per {server.cooldown_seconds:g} s "
        "per person" + ("" if COOLDOWN in chosen else " (default)"),
        "**Message Content:** "
        + ("read" if reads else "not available, so only mentions, DMs and slash commands"),
    ]
    return "\n".join(lines)


class ServerSettingsCog(commands.Cog, name="Settings"):
    group = app_commands.Group(
        name="settings",
        description="How the bot behaves in this server (moderators)",
        guild_only=True,
        default_permissions=discord.Permissions(manage_guild=True),
        allowed_installs=app_commands.AppInstallationType(guild=True, user=False),
        allowed_contexts=app_commands.AppCommandContext(
            guild=True, dm_channel=False, private_channel=False
        ),
    )

    def __init__(self, bot: TensionBot) -> None:
        self.bot = bot

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Refused on the server whatever the client shows: the group's default permissions
        only hide it, and a server can widen them to anyone."""
        if interaction.guild_id is None or not is_moderator(
            interaction, server_moderator_roles(interaction)
        ):
            raise NotModerator(NEEDS_MODERATOR)
        return True

    async def _change(
        self, interaction: discord.Interaction[Any], key: str, value: str | None
    ) -> None:
        servers = self.bot.servers
        guild_id = interaction.guild_id
        assert guild_id is not None  # guild-only, checked above
        if self.bot.database is None or servers.store is None:
            await interaction.response.send_message(embed=notice(NO_DATABASE), ephemeral=True)
            return
        tag = moderator_tag(self.bot.settings, interaction.user.id)
        server = await servers.change(guild_id, key, value, moderator=tag)
        log.info(
            "settings changed",
            extra={"by": tag, "guild": guild_id, "setting": key, "value": value or "default"},
        )
        text = "Saved.\n\n" + settings_text(interaction.guild, server, self.bot.reads_content)
        await interaction.response.send_message(embed=notice(text), ephemeral=True)

    @group.command(name="show", description="This server's settings (moderators)")
    async def show(self, interaction: discord.Interaction[Any]) -> None:
        server = self.bot.servers.of(interaction.guild_id)
        text = settings_text(interaction.guild, server, self.bot.reads_content)
        await interaction.response.send_message(embed=notice(text), ephemeral=True)

    @group.command(name="channel", description="Whether and how the bot answers in a channel")
    @app_commands.describe(channel="The channel (a thread follows its channel)", mode="How")
    @app_commands.choices(
        mode=[
            app_commands.Choice(name="answer questions without a mention", value="open"),
            app_commands.Choice(name="answer only when mentioned", value="mention"),
            app_commands.Choice(name="do not answer here", value="off"),
            app_commands.Choice(name="the default", value="default"),
        ]
    )
    async def channel(
        self,
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel | discord.ForumChannel,
        mode: app_commands.Choice[str],
    ) -> None:
        value = None if mode.value == "default" else mode.value
        await self._change(interaction, channel_key(channel.id), value)
        if value == "open" and not self.bot.reads_content:
            await interaction.followup.send(embed=notice(NO_CONTENT), ephemeral=True)

    @group.command(name="moderator-role", description="Whether a role may use moderator commands")
    @app_commands.describe(role="The role", moderator="Moderator, not, or the default")
    @app_commands.choices(
        moderator=[
            app_commands.Choice(name="moderator", value="moderator"),
            app_commands.Choice(name="not a moderator", value="member"),
            app_commands.Choice(name="the default", value="default"),
        ]
    )
    async def moderator_role(
        self,
        interaction: discord.Interaction[Any],
        role: discord.Role,
        moderator: app_commands.Choice[str],
    ) -> None:
        value = None if moderator.value == "default" else moderator.value
        await self._change(interaction, role_key(role.id), value)

    @group.command(name="conversation", description="How long a follow-up leans on the last answer")
    @app_commands.describe(minutes="0 turns follow-ups off; leave out for the default")
    async def conversation(
        self,
        interaction: discord.Interaction[Any],
        minutes: app_commands.Range[float, 0.0, MAX_CONVERSATION_MINUTES] | None = None,
    ) -> None:
        value = None if minutes is None else f"{minutes:g}"
        await self._change(interaction, CONVERSATION, value)

    @group.command(name="cooldown", description="How many answers one person gets per window")
    @app_commands.describe(
        answers="Answers per person per window; leave both out for the default",
        seconds="The window, in seconds",
    )
    async def cooldown(
        self,
        interaction: discord.Interaction[Any],
        answers: app_commands.Range[int, 1, 100] | None = None,
        seconds: app_commands.Range[float, 1.0, 3600.0] | None = None,
    ) -> None:
        value = None
        if answers is not None or seconds is not None:
            now = self.bot.servers.of(interaction.guild_id)
            rate = answers if answers is not None else now.cooldown_rate
            per = seconds if seconds is not None else now.cooldown_seconds
            value = f"{rate}/{per:g}"
        await self._change(interaction, COOLDOWN, value)


async def setup(bot: TensionBot) -> None:
    await bot.add_cog(ServerSettingsCog(bot))
