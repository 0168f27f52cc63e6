"""``tensionbot run``: configuration checks, logging, signals, and a clean shutdown.

``SIGTERM``/``SIGINT`` stop the bot; ``SIGHUP`` reloads this one process's knowledge from
disk (the Unix convention for "re-read your configuration"). To reload every cluster,
use ``/reload`` or ``tensionbot reload``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import Any

import aiohttp
import discord

from bot.core.serving.store import KnowledgeStore

from ..settings import Settings
from .client import CONTENT_REFUSED, TensionBot, make_bot
from .closes import MESSAGE_CONTENT_INTENT, fatal_close
from .logs import setup_logging
from .sync import sync_if_changed

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_KNOWLEDGE = 1
EXIT_CONFIG = 2
EXIT_UNREACHABLE = 3
EXIT_GATEWAY = 4  # Discord refused the connection for a reason only a new version fixes
EXIT_CONTENT_REFUSED = -1  # not an exit code: start again without Message Content


def _open_knowledge(settings: Settings) -> KnowledgeStore | None:
    """The first load: every problem printed when it fails, warnings logged when it works."""
    store, problems = KnowledgeStore.open(settings.knowledge_dir)
    if store is None:
        print(
            f"tensionbot: the knowledge in {settings.knowledge_dir} does not load:", file=sys.stderr
        )
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return None
    for warning in problems:
        log.warning("knowledge: %s", warning)
    return store


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
    database = settings.database()
    password = database.password if database is not None else None
    setup_logging(settings.log_level, settings.log_format, secrets=[token, password or ""])
    store = _open_knowledge(settings)
    if store is None:
        return EXIT_KNOWLEDGE
    try:
        return asyncio.run(serve(settings, store, **options))
    except KeyboardInterrupt:
        return EXIT_OK


async def serve(settings: Settings, store: KnowledgeStore, **options: Any) -> int:
    """Run the bot; a cluster that Discord refuses Message Content (4014, which closes all
    of its shards) starts again without it, as a single connection does by itself."""
    while True:
        code = await _serve_once(settings, store, **options)
        if code != EXIT_CONTENT_REFUSED:
            return code
        log.warning(CONTENT_REFUSED)
        settings = settings.model_copy(update={"message_content": "off"})


async def _serve_once(settings: Settings, store: KnowledgeStore, **options: Any) -> int:
    assert settings.discord_token is not None
    bot = make_bot(settings, store, **options)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not on this platform
            loop.add_signal_handler(signum, stop.set)
    reloads: set[asyncio.Task[None]] = set()

    def hangup() -> None:
        task = asyncio.create_task(reload_on_signal(bot))
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    with contextlib.suppress(NotImplementedError, RuntimeError, AttributeError):
        loop.add_signal_handler(signal.SIGHUP, hangup)
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
            if bot.reads_content:
                return EXIT_CONTENT_REFUSED
            print(f"tensionbot: {MESSAGE_CONTENT_INTENT}", file=sys.stderr)
            return EXIT_CONFIG
        except discord.ConnectionClosed as exc:  # discord.py resumes all but the final ones
            fatal = fatal_close(exc.code)
            print(f"tensionbot: {fatal.advice}", file=sys.stderr)
            return EXIT_CONFIG if fatal.operator_fixes else EXIT_GATEWAY
        except asyncio.CancelledError:
            pass
    log.info("stopped")
    return EXIT_OK


async def reload_on_signal(bot: TensionBot) -> None:
    """SIGHUP: this process re-reads its knowledge folder; nothing is announced."""
    outcome = (await bot.reload_here("SIGHUP", register=bot.settings.sync_commands)).outcome
    log.info(
        "reload %s (SIGHUP)",
        "ok" if outcome.ok else "refused",
        extra={
            "before": outcome.before,
            "after": outcome.after,
            "changes": "; ".join(outcome.diff.lines()) if outcome.ok else None,
            "problems": len(outcome.problems),
        },
    )
    for problem in outcome.problems:
        log.warning("knowledge: %s", problem)


def sync(settings: Settings) -> int:
    """``tensionbot sync``: register the slash commands (only if they changed), then exit.

    Run once per deploy; the clusters then start with TENSIONBOT_SYNC_COMMANDS=false, so
    that ten processes starting together do not each compare and register the commands.
    """
    if settings.discord_token is None:
        print("tensionbot: DISCORD_TOKEN is not set.", file=sys.stderr)
        return EXIT_CONFIG
    setup_logging(
        settings.log_level, settings.log_format, secrets=[settings.discord_token.get_secret_value()]
    )
    store = _open_knowledge(settings)
    if store is None:
        return EXIT_KNOWLEDGE
    # Only the command tree is wanted: no store, no start-up sync, no heartbeat file.
    quiet = settings.model_copy(
        update={
            "question_log_path": None,
            "database_url": None,
            "sync_commands": False,
            "heartbeat_file": None,
        }
    )
    return asyncio.run(_sync(quiet, store))


async def _sync(settings: Settings, store: KnowledgeStore) -> int:
    assert settings.discord_token is not None
    bot = TensionBot(settings, store)
    async with bot:
        try:
            await bot.login(settings.discord_token.get_secret_value())
            assert bot.application_id is not None
            changed = await sync_if_changed(bot.tree, bot.application_id, settings.dev_guild_id)
        except discord.LoginFailure:
            print("tensionbot: Discord rejected the token (DISCORD_TOKEN).", file=sys.stderr)
            return EXIT_CONFIG
        except discord.HTTPException as exc:
            print(
                f"tensionbot: could not register the commands ({exc.status} {exc.text[:200]})",
                file=sys.stderr,
            )
            return EXIT_UNREACHABLE
        except (OSError, aiohttp.ClientError) as exc:
            print(f"tensionbot: cannot reach Discord ({type(exc).__name__})", file=sys.stderr)
            return EXIT_UNREACHABLE
    count = len(bot.tree.get_commands())
    where = f"in guild {settings.dev_guild_id}" if settings.dev_guild_id else "globally"
    print(
        f"slash commands registered {where} ({count})"
        if changed
        else f"slash commands unchanged ({count}); nothing registered"
    )
    return EXIT_OK
