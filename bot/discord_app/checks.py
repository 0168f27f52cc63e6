"""Who may do privileged things, checked where it counts: on the server, at every call.

One bot serves many servers, so authority is a ladder (Red-DiscordBot's owner > admin >
mod), decided afresh for every command and every click:

- the **operator** (the application's owner or a member of its team, as Discord's
  application info says, and anyone in ``TENSIONBOT_OPERATOR_IDS``) changes the shared
  knowledge from anywhere;
- a **curator**: a moderator of a server in ``TENSIONBOT_CURATOR_GUILD_IDS`` changes it too
  (``/reload``, teaching into the shared bank). A bot in one server, with no curator server
  named, treats that server as its curator, so a single community works as it always did;
- a **moderator** (Manage Server here, or one of the server's moderator roles: its
  ``/settings moderator-role``, else ``TENSIONBOT_MODERATOR_ROLE_IDS``) of any other
  server reads that server's ``/stats`` and teaches for that server alone;
- everyone else asks.

``moderator_only()`` and ``curator_only()`` both hide a command from members without Manage
Server (Discord's default permissions, which server admins can widen to a moderator role
in the integration settings) and refuse it server-side unless the ladder allows it,
whatever the client shows. Without the server-side check, the hiding is only a
suggestion: any client can send the interaction. Such commands are
installed with the server only and offered in servers only, never in a user's
installation or a DM.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection
from typing import Any, Final, TypeVar

import discord
from discord import app_commands

T = TypeVar("T")

NEEDS_MODERATOR: Final = "You need Manage Server or a moderator role for this command."
NEEDS_CURATOR: Final = (
    "This changes the knowledge every server is answered from, so only the bot's operator "
    "and the moderators of its curator servers may do it. What you teach with "
    "Apps → Teach tensionbot answers in this server."
)


class NotModerator(app_commands.CheckFailure):
    """Raised for someone the ladder does not allow this command."""


class Authority(enum.IntEnum):
    MEMBER = 0
    MODERATOR = 1  # of this server: its /stats, teaching for it alone
    CURATOR = 2  # a moderator of a curator server: the shared knowledge
    OPERATOR = 3  # the application's owner or team, or TENSIONBOT_OPERATOR_IDS

    @property
    def shared(self) -> bool:
        """Whether this level changes the knowledge every server is answered from."""
        return self >= Authority.CURATOR


def is_moderator(interaction: discord.Interaction[Any], moderator_roles: Collection[int]) -> bool:
    """Manage Server as Discord resolved it for this member here, or a moderator role."""
    member = interaction.user
    if not isinstance(member, discord.Member):
        return False  # in DMs there is no server to moderate
    if interaction.permissions.manage_guild:
        return True
    return any(role.id in moderator_roles for role in member.roles)


def server_moderator_roles(interaction: discord.Interaction[Any]) -> Collection[int]:
    """The moderator roles of the server the interaction comes from (its settings)."""
    return frozenset(interaction.client.servers.of(interaction.guild_id).moderator_roles)


def is_curator_guild(client: Any, guild_id: int | None) -> bool:
    """A server whose moderators curate the shared knowledge: named, or the only one."""
    if guild_id is None:
        return False
    named: Collection[int] = client.settings.curator_guild_ids
    if named:
        return guild_id in named
    guilds = client.guilds
    return len(guilds) == 1 and guilds[0].id == guild_id


def authority(interaction: discord.Interaction[Any]) -> Authority:
    """Where the person behind this interaction stands on the ladder, here and now."""
    client = interaction.client
    operators: Collection[int] = getattr(client, "operators", frozenset())
    if interaction.user.id in operators:
        return Authority.OPERATOR
    if not is_moderator(interaction, server_moderator_roles(interaction)):
        return Authority.MEMBER
    if is_curator_guild(client, interaction.guild_id):
        return Authority.CURATOR
    return Authority.MODERATOR


def refusal(level: Authority) -> str:
    """Why not, for someone below what was needed: a member is told what a moderator is."""
    return NEEDS_MODERATOR if level < Authority.MODERATOR else NEEDS_CURATOR


def _guarded(least: Authority) -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        level = authority(interaction)
        if level >= least:
            return True
        raise NotModerator(refusal(level))

    def decorator(func: T) -> T:
        func = app_commands.default_permissions(manage_guild=True)(func)
        func = app_commands.guild_only()(func)
        func = app_commands.allowed_installs(guilds=True, users=False)(func)
        func = app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)(func)
        return app_commands.check(predicate)(func)

    return decorator


def anywhere() -> Callable[[T], T]:
    """A question command a person may install to their own account and use anywhere: in
    the bot's servers, in DMs with it, in other DMs and group DMs, and in servers the bot
    is not in (Discord's user-installable apps). Where the bot is not a member, the answer
    is the asker's alone unless they post it (see ``Answerer.only_asker``)."""

    def decorator(func: T) -> T:
        func = app_commands.allowed_installs(guilds=True, users=True)(func)
        return app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(func)

    return decorator


PUBLIC_DESCRIPTION = (
    "Post the answer for everyone here (outside the bot's servers it is yours only)"
)


def moderator_only() -> Callable[[T], T]:
    """A server's moderators (and the operator): that server's own business."""
    return _guarded(Authority.MODERATOR)


def curator_only() -> Callable[[T], T]:
    """The operator and curator servers' moderators: the knowledge every server shares."""
    return _guarded(Authority.CURATOR)
