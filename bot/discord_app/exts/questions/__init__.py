"""Questions in words: mentions, DMs, opted-in channels, replies to answers, and ``/ask``."""

from __future__ import annotations

from ...client import TensionBot
from ._cog import Questions

__all__ = ["Questions", "setup"]


async def setup(bot: TensionBot) -> None:
    await bot.add_cog(Questions(bot))
