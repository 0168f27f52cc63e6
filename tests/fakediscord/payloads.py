"""Discord API objects as JSON, with the fields discord.py 2.7 reads."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

_ids = itertools.count(1_300_000_000_000_000_000)

APPLICATION_ID = 1_100_000_000_000_000_001
BOT_ID = 1_100_000_000_000_000_002
GUILD_ID = 1_200_000_000_000_000_001
OWNER_ID = 1_200_000_000_000_000_010
MOD_ROLE_ID = 1_200_000_000_000_000_020
GENERAL_ID = 1_200_000_000_000_000_101  # an ordinary channel: the bot speaks when mentioned
ASK_ID = 1_200_000_000_000_000_102  # opted in: the bot answers questions unprompted
OTHER_ID = 1_200_000_000_000_000_103
DM_CHANNEL_ID = 1_200_000_000_000_000_201
# A second server, for tests of one bot in many: its own id (another shard of 2 than
# GUILD_ID's would be: (id >> 22) % 2 differs) and channel.
GUILD_B_ID = 1_210_000_000_000_000_001
GENERAL_B_ID = 1_210_000_000_000_000_101
THREAD_ID = 1_200_000_000_000_000_301  # a public thread under #general

# Permission bits.
MANAGE_GUILD = 1 << 5
VIEW_AND_SEND = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 14) | (1 << 6)
EVERYONE_PERMISSIONS = VIEW_AND_SEND


def snowflake() -> int:
    return next(_ids)


def now() -> str:
    return datetime.now(UTC).isoformat()


def user(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
    }


BOT_USER = user(BOT_ID, "tensionbot", bot=True)
OWNER = user(OWNER_ID, "owner")


def member(
    user_data: dict[str, Any], roles: Sequence[int] = (), permissions: int | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "user": user_data,
        "roles": [str(r) for r in roles],
        "joined_at": now(),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "nick": None,
        "avatar": None,
        "pending": False,
    }
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def channel(channel_id: int, name: str, position: int, guild_id: int = GUILD_ID) -> dict[str, Any]:
    return {
        "id": str(channel_id),
        "type": 0,
        "guild_id": str(guild_id),
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "nsfw": False,
        "parent_id": None,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


def thread(thread_id: int, parent_id: int, name: str) -> dict[str, Any]:
    return {
        "id": str(thread_id),
        "type": 11,
        "guild_id": str(GUILD_ID),
        "parent_id": str(parent_id),
        "owner_id": str(OWNER_ID),
        "name": name,
        "last_message_id": None,
        "rate_limit_per_user": 0,
        "message_count": 0,
        "member_count": 1,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": now(),
            "locked": False,
        },
    }


def role(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def guild(members: list[dict[str, Any]], guild_id: int = GUILD_ID) -> dict[str, Any]:
    """The server as GUILD_CREATE sends it: GUILD_ID with its channels, or GUILD_B_ID with
    one channel of its own."""
    data = _guild_a(members)
    if guild_id == GUILD_ID:
        return data
    data.update(
        id=str(guild_id),
        name="Another Server",
        roles=[role(guild_id, "@everyone", EVERYONE_PERMISSIONS, 0)],
        channels=[channel(GENERAL_B_ID, "general", 0, guild_id)],
        threads=[],
    )
    return data


def _guild_a(members: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": str(GUILD_ID),
        "name": "AI Research",
        "icon": None,
        "owner_id": str(OWNER_ID),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [
            role(GUILD_ID, "@everyone", EVERYONE_PERMISSIONS, 0),
            role(MOD_ROLE_ID, "moderators", EVERYONE_PERMISSIONS, 1),
        ],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "vanity_url_code": None,
        "description": None,
        "banner": None,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "public_updates_channel_id": None,
        "nsfw_level": 0,
        "premium_progress_bar_enabled": False,
        "unavailable": False,
        "member_count": len(members),
        "large": False,
        "joined_at": now(),
        "channels": [
            channel(GENERAL_ID, "general", 0),
            channel(ASK_ID, "ask-the-bot", 1),
            channel(OTHER_ID, "off-topic", 2),
        ],
        "threads": [thread(THREAD_ID, GENERAL_ID, "a thread")],
        "members": members,
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def message(
    *,
    channel_id: int,
    author: dict[str, Any],
    content: str = "",
    guild_id: int | None = GUILD_ID,
    member_data: dict[str, Any] | None = None,
    mentions: list[dict[str, Any]] = (),  # type: ignore[assignment]
    mention_roles: list[int] = (),  # type: ignore[assignment]
    mention_everyone: bool = False,
    embeds: list[dict[str, Any]] = (),  # type: ignore[assignment]
    components: list[dict[str, Any]] = (),  # type: ignore[assignment]
    message_id: int | None = None,
    flags: int = 0,
    reference: dict[str, Any] | None = None,
    interaction_metadata: dict[str, Any] | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(message_id or snowflake()),
        "channel_id": str(channel_id),
        "author": author,
        "content": content,
        "timestamp": now(),
        "edited_timestamp": None,
        "tts": False,
        "mention_everyone": mention_everyone,
        "mentions": list(mentions),
        "mention_roles": [str(r) for r in mention_roles],
        "attachments": [],
        "embeds": list(embeds),
        "components": list(components),
        "pinned": False,
        "type": 19 if reference else 0,
        "flags": flags,
    }
    if guild_id is not None:
        data["guild_id"] = str(guild_id)
        if member_data is not None:
            data["member"] = {k: v for k, v in member_data.items() if k != "user"}
    if reference is not None:
        data["message_reference"] = reference
    if interaction_metadata is not None:
        data["interaction_metadata"] = interaction_metadata
    return data
