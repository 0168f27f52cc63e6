"""Who may do privileged things, checked where it counts: on the server, at every call.

``moderator_only()`` both hides a command from members without Manage Server (Discord's
default permissions, which server admins can widen to a moderator role in the integration
settings) and refuses it server-side unless the member has Manage Server or one of the
configured moderator roles, whatever the client shows.
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


def moderator_only() -> Callable[[T], T]:
    async def predicate(interaction: discord.Interaction[Any]) -> bool:
        roles = interaction.client.settings.moderator_role_ids
        if is_moderator(interaction, roles):
            return True
        raise NotModerator("You need Manage Server or a moderator role for this command.")

    def decorator(func: T) -> T:
        func = app_commands.default_permissions(manage_guild=True)(func)
        func = app_commands.guild_only()(func)
        return app_commands.check(predicate)(func)

    return decorator
