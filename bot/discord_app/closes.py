"""Gateway close codes that end the bot: what each means and what the operator can do.

Discord closes the gateway with a 4xxx code when it will not let this connection go on.
Most are resumable and discord.py reconnects by itself; the ones here are final (retrying
gets the same answer), so the bot stops with one line that names the cause instead of a
traceback. ``operator_fixes`` tells the exit code: the operator can fix a token, an intent
in the developer portal or the shard settings; the rest need another version of the bot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class FatalClose:
    operator_fixes: bool
    advice: str


MESSAGE_CONTENT_INTENT: Final = (
    "enable the Message Content intent for this bot in the Discord developer portal "
    "(Bot > Privileged Gateway Intents), then start it again."
)

FATAL_CLOSES: Final = {
    4004: FatalClose(
        True,
        "Discord rejected the token (DISCORD_TOKEN, gateway close 4004): it was reset or "
        "revoked. Copy the current one from the developer portal (Bot > Reset Token).",
    ),
    4010: FatalClose(
        True,
        "Discord refused the shard this process asked for (gateway close 4010): check "
        "TENSIONBOT_SHARD_COUNT and TENSIONBOT_SHARD_IDS (ids from 0 to count-1).",
    ),
    4011: FatalClose(
        True,
        "the bot is in too many servers for one gateway connection and Discord requires "
        "sharding (gateway close 4011): set TENSIONBOT_SHARD_COUNT (see the README).",
    ),
    4012: FatalClose(
        False,
        "Discord no longer accepts this gateway API version (gateway close 4012); "
        "upgrade tensionbot.",
    ),
    4013: FatalClose(
        False,
        "Discord refused the gateway intents as invalid (gateway close 4013); "
        "this is a bug in tensionbot: please report it.",
    ),
    4014: FatalClose(True, f"{MESSAGE_CONTENT_INTENT} (gateway close 4014)"),
}


def fatal_close(code: int | None) -> FatalClose:
    """What a final close code means; an unexpected one is reported with its number."""
    known = FATAL_CLOSES.get(code or 0)
    if known is not None:
        return known
    return FatalClose(False, f"Discord closed the gateway connection for good (close code {code}).")
