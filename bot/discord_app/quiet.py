"""What discord.py logs about a failed interaction, made one line, without ids, at its level.

Two of its lines are wrong for a public bot. "Ignoring exception in autocomplete for 'x'
(Guild: …, User: …)" puts a user id in the log, which nothing of ours may do; and an
interaction Discord has already expired (10062 Unknown interaction: the answer came after
its three seconds, or the person closed the menu) is logged at ERROR with the traceback
twice over (the HTTP error, then the wrapper around it), though nothing can be done and it
is no bug. A filter on discord.py's loggers rewrites both, whatever code path raised them.
"""

from __future__ import annotations

import logging
from typing import Final

import discord
from discord import app_commands

log = logging.getLogger(__name__)

UNKNOWN_INTERACTION: Final = 10062
# The loggers that report a failed command, autocomplete, view item or event handler.
LIBRARY_LOGGERS: Final = (
    "discord.app_commands.tree",
    "discord.ui.view",
    "discord.ui.modal",
    "discord.client",
)
_AUTOCOMPLETE: Final = "Ignoring exception in autocomplete for"


def expired(error: BaseException | None) -> bool:
    """Whether this failure is Discord saying the interaction is gone (10062)."""
    seen = 0
    while error is not None and seen < 5:
        if isinstance(error, discord.NotFound) and error.code == UNKNOWN_INTERACTION:
            return True
        if isinstance(error, app_commands.CommandInvokeError):
            error = error.original
        else:
            error = error.__cause__
        seen += 1
    return False


def log_expired(what: str) -> None:
    log.warning(
        "interaction expired before the answer (10062 Unknown interaction)",
        extra={"command": what},
    )


def _summary(error: BaseException) -> str:
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:200]}" if text else type(error).__name__


class QuietInteractionErrors(logging.Filter):
    """Rewrites the two lines (see the module); lets everything else through unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if expired(error):
            record.msg = "interaction expired before the answer (10062 Unknown interaction)"
            record.args = None
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            return True
        if isinstance(record.msg, str) and record.msg.startswith(_AUTOCOMPLETE):
            name = record.args[0] if isinstance(record.args, tuple) and record.args else "?"
            record.msg = "autocomplete for %r failed: %s"
            record.args = (name, _summary(error) if error is not None else "unknown error")
            record.exc_info = record.exc_text = None
        return True


_FILTER: Final = QuietInteractionErrors()


def quiet_library_logs() -> None:
    """Install the filter on discord.py's loggers (once; the bot calls it at start)."""
    for name in LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
