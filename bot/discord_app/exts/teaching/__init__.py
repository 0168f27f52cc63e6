"""Moderators teach the bot: Apps → "Teach tensionbot" on any message.

A message context menu, hidden from members without Manage Server (Discord's default
permissions, which a server can widen to a moderator role) and checked server-side all
the same, in servers only. It opens the prompt (:mod:`.prompt`); the choice and Undo are
:mod:`.choice`. The menu and the button are registered here as dynamic items, so they
work after a restart. ``/stats`` opens the same prompt (see ``exts.stats``).
"""

from __future__ import annotations

from typing import Any, Final

import discord
from discord import app_commands

from ...checks import moderator_only
from ...client import TensionBot
from ...reading import message_text
from .choice import UndoButton
from .prompt import PickAnswer, open_prompt

MENU_NAME: Final = "Teach tensionbot"
DYNAMIC_ITEMS: Final = (PickAnswer, UndoButton)


@moderator_only()
async def teach_message(interaction: discord.Interaction[Any], message: discord.Message) -> None:
    await open_prompt(interaction, message_text(interaction.client.user, message))


async def setup(bot: TensionBot) -> None:
    bot.tree.add_command(app_commands.ContextMenu(name=MENU_NAME, callback=teach_message))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)


async def teardown(bot: TensionBot) -> None:
    bot.tree.remove_command(MENU_NAME, type=discord.AppCommandType.message)
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
