"""No user id leaves the process: not in the question log, not in a log line.

Discord writes a mention as ``<@123…>`` (``<@&456…>`` for a role), so a question kept
as typed would carry the ids of whoever it mentions. Stored text gets a placeholder
instead. A moderator in the audit log is a keyed hash: the same person gives the same
tag across restarts of one deployment, which is enough to tell moderators apart, and the
tag cannot be turned back into an id (snowflakes are few enough to try them all, so an
unkeyed hash could).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Final

from ..settings import Settings

_USER: Final = re.compile(r"<@!?\d+>")
_ROLE: Final = re.compile(r"<@&\d+>")
_CHANNEL: Final = re.compile(r"<#\d+>")
_TAG_CONTEXT: Final = b"tensionbot moderator tag"


def without_mentions(text: str) -> str:
    """The text with every user, role and channel mention replaced by a placeholder."""
    text = _USER.sub("@user", text)
    text = _ROLE.sub("@role", text)
    return _CHANNEL.sub("#channel", text)


def person_tag(user_id: int, secret: str) -> str:
    """A short keyed hash of a user id, for telling people apart in logs."""
    key = hmac.new(secret.encode(), _TAG_CONTEXT, hashlib.sha256).digest()
    return hmac.new(key, str(user_id).encode(), hashlib.sha256).hexdigest()[:12]


def moderator_tag(settings: Settings, user_id: int) -> str:
    """Who did a moderator's action (a reload, a teach), for log lines and the teaching
    audit alike: one person has one tag in both, keyed by the bot's token."""
    token = settings.discord_token
    return person_tag(user_id, token.get_secret_value() if token else "")
