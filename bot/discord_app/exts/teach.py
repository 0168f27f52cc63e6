"""Moderators teach the bot: Apps → "Teach tensionbot" on any message (see ..teaching).

A message context menu, hidden from members without Manage Server (Discord's default
permissions, which a server can widen to a moderator role) and checked server-side all
the same, in servers only. The buttons and the select menu it leads to are registered
here too, as dynamic items, so they work after a restart.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from ..answering import message_text
from ..checks import moderator_only
from ..client import TensionBot
from ..teaching import DYNAMIC_ITEMS, MENU_NAME, open_prompt


@moderator_only()
async def teach_message(interaction: discord.Interaction[Any], message: discord.Message) -> None:
    await open_prompt(interaction, message_text(interaction.client, message))


async def setup(bot: TensionBot) -> None:
    bot.tree.add_command(app_commands.ContextMenu(name=MENU_NAME, callback=teach_message))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)


async def teardown(bot: TensionBot) -> None:
    bot.tree.remove_command(MENU_NAME, type=discord.AppCommandType.message)
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
