"""Run ``tensionbot`` against a fake Discord, unchanged, in its own process.

    python -m tests.fakediscord.launch API_BASE GATEWAY_URL run

Only discord.py's two base URLs are pointed elsewhere, the way discord.py builds its URLs;
everything else is the real command line.
"""

from __future__ import annotations

import sys

import discord
import yarl
from discord.gateway import DiscordWebSocket

from bot.cli import main

if __name__ == "__main__":
    discord.http.Route.BASE = sys.argv[1]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(sys.argv[2])
    raise SystemExit(main(sys.argv[3:]))
