"""Register slash commands only when Discord's copy differs from ours.

Blindly syncing on every start burns a tightly rate-limited endpoint and makes commands
flicker for users; a local "already synced" file is wrong for a fresh container or a new
application. So: fetch what Discord has, compare the parts that define a command, and PUT
only on a difference.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)


def _option(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": data.get("type"),
        "name": data.get("name"),
        "description": data.get("description", ""),
        "required": data.get("required", False),
        "autocomplete": data.get("autocomplete", False),
        "choices": sorted(
            ((c.get("name"), str(c.get("value"))) for c in data.get("choices") or []),
        ),
        "min_value": data.get("min_value"),
        "max_value": data.get("max_value"),
        "min_length": data.get("min_length"),
        "max_length": data.get("max_length"),
        "channel_types": sorted(data.get("channel_types") or []),
        "options": [_option(o) for o in data.get("options") or []],
    }


def normalise(command: dict[str, Any]) -> dict[str, Any]:
    """The defining parts of a command payload, in one canonical form.

    Discord adds ids and versions, sends permissions as strings and may leave out fields
    at their defaults; none of that is a difference worth a sync.
    """
    permissions = command.get("default_member_permissions")
    contexts = command.get("contexts")
    installs = command.get("integration_types")
    return {
        "name": command.get("name"),
        "type": command.get("type", 1),
        "description": command.get("description", ""),
        "options": [_option(o) for o in command.get("options") or []],
        "nsfw": bool(command.get("nsfw", False)),
        "default_member_permissions": None if permissions is None else str(permissions),
        # Where it may be used and installed: a user-installable command's reach. Discord
        # stores a command without integration_types as installed with a server (0).
        "contexts": sorted(contexts) if contexts is not None else None,
        "integration_types": sorted(installs) if installs is not None else [0],
    }


def _canonical(commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted((normalise(c) for c in commands), key=lambda c: (c["type"], c["name"]))


async def sync_if_changed(
    tree: app_commands.CommandTree[Any], application_id: int, guild_id: int | None
) -> bool:
    """Push the tree's commands when Discord's registered set differs. True if it synced."""
    guild = discord.Object(id=guild_id) if guild_id is not None else None
    if guild is not None:
        tree.clear_commands(guild=guild)
        tree.copy_global_to(guild=guild)
        local = [c.to_dict(tree) for c in tree.get_commands(guild=guild)]
    else:
        local = [c.to_dict(tree) for c in tree.get_commands()]
    try:
        if guild is not None:
            remote = await tree.client.http.get_guild_commands(application_id, guild.id)
        else:
            remote = await tree.client.http.get_global_commands(application_id)
    except discord.HTTPException as exc:  # cannot compare: register, to be sure they exist
        log.warning("could not fetch registered commands (%s); syncing", exc.status)
        remote = []
    if _canonical(local) == _canonical(list(remote)):
        log.info("slash commands unchanged (%d); not syncing", len(local))
        return False
    await tree.sync(guild=guild)
    log.info(
        "slash commands synced: %d %s", len(local), f"to guild {guild_id}" if guild else "globally"
    )
    return True
