"""A fake Discord for tests: gateway websocket and REST API on 127.0.0.1.

The real discord.py client connects to it through its normal networking code; tests drive
it as people would (send a message, run a slash command, press a button) and assert on
exactly what the bot sent back.
"""

from .server import FakeDiscord, Interaction, Recorded

__all__ = ["FakeDiscord", "Interaction", "Recorded"]
