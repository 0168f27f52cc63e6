"""Who may do privileged things, checked where it counts: on the server, at every call.

``moderator_only()`` both hides a command from members without Manage Server (Discord's
default permissions, which server admins can widen to a moderator role in the integration
settings) and refuses it server-side unless the member has Manage Server or one of the
server's moderator roles (``/settings moderator-role``, else the configured default),
whatever the client shows. Such commands are installed with the server only and offered
in servers only, never in a user's installation or a DM.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

import discord
from discord import app_commands

T = TypeVar("T")


class NotModerator(app_commands.CheckFailure):
    """Raised for a member who may not use a moderator command."""


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


def moderator_only() -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        if is_moderator(interaction, server_moderator_roles(interaction)):
            return True
        raise NotModerator("You need Manage Server or a moderator role for this command.")

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
