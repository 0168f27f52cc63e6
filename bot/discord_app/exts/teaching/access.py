"""Who may teach, and where to, checked at every click, with a database to teach into.

The message command is hidden from members without Manage Server, but the prompt, its menu,
Undo and /stats' Teach buttons are seen by whoever sees the message they sit on; so each
press is checked here, on the server, not only the command that showed them.

Where a teach goes follows the ladder (``checks.py``): the operator and curator servers'
moderators teach the shared bank, every other server's moderators their own server.
"""

from __future__ import annotations

from typing import Any, Final

import discord

from ....storage import Database
from ...checks import Authority, authority
from ...client import TensionBot
from ...embeds import notice

NOT_A_MODERATOR: Final = "You need Manage Server or a moderator role to teach the bot."
NO_DATABASE: Final = (
    "Teaching needs the database (TENSIONBOT_DATABASE_URL or TENSIONBOT_QUESTION_LOG_PATH), "
    "which is off or unavailable here."
)


async def refuse(interaction: discord.Interaction[Any], text: str) -> None:
    """Say why not, to the clicker alone."""
    await interaction.response.send_message(embed=notice(text), ephemeral=True)


async def teaching_database(interaction: discord.Interaction[Any]) -> Database | None:
    """The database to teach into, once the clicker is known to be a moderator; None (and
    the clicker told why) otherwise."""
    bot: TensionBot = interaction.client
    if authority(interaction) < Authority.MODERATOR:
        await refuse(interaction, NOT_A_MODERATOR)
        return None
    if bot.database is None:
        await refuse(interaction, NO_DATABASE)
        return None
    return bot.database


def local_guild(interaction: discord.Interaction[Any]) -> int | None:
    """The server a teach here is for alone; None: the shared bank (operator, curators)."""
    if authority(interaction).shared:
        return None
    return interaction.guild_id


def may_change(interaction: discord.Interaction[Any], taught_local_guild: int | None) -> bool:
    """Whether the clicker may undo an example: a shared one needs shared authority, a
    local one a moderator of its own server (or the operator)."""
    level = authority(interaction)
    if taught_local_guild is None:
        return level.shared
    if level is Authority.OPERATOR:
        return True
    return level >= Authority.MODERATOR and interaction.guild_id == taught_local_guild
