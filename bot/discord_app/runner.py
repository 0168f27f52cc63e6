"""``tensionbot run``: configuration checks, logging, signals, and a clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

import aiohttp
import discord

from bot.core.store import KnowledgeStore

from ..settings import Settings
from .client import TensionBot
from .logs import setup_logging

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_KNOWLEDGE = 1
EXIT_CONFIG = 2
EXIT_UNREACHABLE = 3


def run(settings: Settings, **options: Any) -> int:
    """Start the bot and block until it stops; the exit code says why it stopped."""
    if settings.discord_token is None:
        print(
            "tensionbot: DISCORD_TOKEN is not set. Put the bot token from the Discord developer "
            "portal in the environment or in .env.",
            file=sys.stderr,
        )
        return EXIT_CONFIG
    token = settings.discord_token.get_secret_value()
    setup_logging(settings.log_level, settings.log_format, secrets=[token])
    store, problems = KnowledgeStore.open(settings.knowledge_dir)
    if store is None:
        print(
            f"tensionbot: the knowledge in {settings.knowledge_dir} does not load:", file=sys.stderr
        )
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_KNOWLEDGE
    for warning in problems:
        log.warning("knowledge: %s", warning)
    try:
        return asyncio.run(serve(settings, store, **options))
    except KeyboardInterrupt:
        return EXIT_OK


async def serve(settings: Settings, store: KnowledgeStore, **options: Any) -> int:
    assert settings.discord_token is not None
    bot = TensionBot(settings, store, **options)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform
            loop.add_signal_handler(signum, stop.set)
    async with bot:
        running = asyncio.create_task(bot.start(settings.discord_token.get_secret_value()))
        stopping = asyncio.create_task(stop.wait())
        done, _ = await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if stopping in done:
            log.info("shutting down")
            await bot.close()
        else:
            stopping.cancel()
        try:
            await running
        except discord.LoginFailure:
            print("tensionbot: Discord rejected the token (DISCORD_TOKEN).", file=sys.stderr)
            return EXIT_CONFIG
        except (OSError, aiohttp.ClientError, discord.HTTPException) as exc:
            reason = getattr(exc, "status", None) or type(exc).__name__
            print(
                f"tensionbot: cannot reach Discord ({reason}); is the network up?", file=sys.stderr
            )
            return EXIT_UNREACHABLE
        except discord.PrivilegedIntentsRequired:
            print(
                "tensionbot: enable the Message Content intent for this bot in the Discord "
                "developer portal (Bot > Privileged Gateway Intents).",
                file=sys.stderr,
            )
            return EXIT_CONFIG
        except asyncio.CancelledError:
            pass
    log.info("stopped")
    return EXIT_OK
