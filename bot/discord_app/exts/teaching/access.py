"""Who may teach, checked at every click: moderators, and only with a database to teach into.

The message command is hidden from members without Manage Server, but the prompt, its menu,
Undo and /stats' Teach buttons are seen by whoever sees the message they sit on; so each
press is checked here, on the server, not only the command that showed them.
"""

from __future__ import annotations

from typing import Any, Final

import discord

from ....storage import Database
from ...checks import is_moderator, server_moderator_roles
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
    if not is_moderator(interaction, server_moderator_roles(interaction)):
        await refuse(interaction, NOT_A_MODERATOR)
        return None
    if bot.database is None:
        await refuse(interaction, NO_DATABASE)
        return None
    return bot.database
