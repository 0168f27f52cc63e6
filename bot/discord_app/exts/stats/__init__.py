"""What people ask and what goes unanswered: ``/stats``, and a Teach button per gap."""

from __future__ import annotations

from ...client import TensionBot
from ._cog import Stats
from .buttons import TeachQuestionButton

__all__ = ["Stats", "setup", "teardown"]


async def setup(bot: TensionBot) -> None:
    await bot.add_cog(Stats(bot))
    bot.add_dynamic_items(TeachQuestionButton)


async def teardown(bot: TensionBot) -> None:
    bot.remove_dynamic_items(TeachQuestionButton)
