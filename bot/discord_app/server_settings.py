"""Each server's settings as the bot reads them: the server's own choices over the defaults.

The operator's environment (``TENSIONBOT_ANSWER_CHANNEL_IDS``, ``_MODERATOR_ROLE_IDS``,
``_CONVERSATION_MINUTES``, ``_COOLDOWN_RATE`` / ``_SECONDS``) is the default for every
server; what a server's moderators chose with ``/settings`` (rows in
:mod:`bot.storage.settings`) overrides it for that server only. The answer path reads
these for every message, so each server's effective settings are computed once, when they
change, and a lookup is a dict access; a server that set nothing shares one object.

Processes sharing PostgreSQL hear a change the moment it commits (a notification with the
server's id) and re-read that server; a missed notification is caught up when the
listener reconnects and on a timer, by the audit id (see :class:`ServerSettingsCache`).
Nothing here imports discord.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from ..settings import Settings
from ..storage.engine import Listening
from ..storage.errors import RowsRejectedError, StoreError
from ..storage.settings import SettingsStore

log = logging.getLogger(__name__)

Mode = Literal["open", "mention", "off"]
MODES: Final[tuple[Mode, ...]] = ("open", "mention", "off")
CONVERSATION: Final = "conversation_minutes"
COOLDOWN: Final = "cooldown"  # "rate/seconds", e.g. "5/60"
MAX_CONVERSATION_MINUTES: Final = 1440.0


def channel_key(channel_id: int) -> str:
    return f"channel:{channel_id}"


def role_key(role_id: int) -> str:
    return f"role:{role_id}"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    """One server's effective settings (its choices over the defaults), ready to read."""

    modes: Mapping[int, Mode]  # channel id -> mode, for channels not answered by mention only
    moderator_roles: frozenset[int]
    conversation_seconds: float
    cooldown_rate: int
    cooldown_seconds: float
    chosen: Mapping[str, str] = field(default_factory=dict)  # the server's own rows

    def channel_mode(self, channel_id: int, parent_id: int | None = None) -> Mode:
        """How the bot answers in a channel (a thread follows its channel unless set)."""
        mode = self.modes.get(channel_id)
        if mode is None and parent_id is not None:
            mode = self.modes.get(parent_id)
        return mode or "mention"

    @property
    def opens_any(self) -> bool:
        """Some channel is answered without a mention: the bot must read message text."""
        return any(mode == "open" for mode in self.modes.values())

    @classmethod
    def build(cls, defaults: Settings, chosen: Mapping[str, str]) -> ServerSettings:
        modes: dict[int, Mode] = dict.fromkeys(defaults.answer_channel_ids, "open")
        roles = set(defaults.moderator_role_ids)
        conversation = defaults.conversation_minutes * 60
        rate, per = defaults.cooldown_rate, defaults.cooldown_seconds
        for key, value in chosen.items():
            kind, _, ident = key.partition(":")
            try:
                if kind == "channel" and value in MODES:
                    modes[int(ident)] = value
                elif kind == "role":
                    (roles.add if value == "moderator" else roles.discard)(int(ident))
                elif key == CONVERSATION:
                    conversation = min(max(float(value), 0.0), MAX_CONVERSATION_MINUTES) * 60
                elif key == COOLDOWN:
                    count, _, seconds = value.partition("/")
                    rate, per = max(1, int(count)), max(1.0, float(seconds))
            except ValueError:
                log.warning("ignoring an unreadable server setting %s", key)
        return cls(
            {c: m for c, m in modes.items() if m != "mention"},
            frozenset(roles),
            conversation,
            rate,
            per,
            dict(chosen),
        )


class ServerSettingsCache:
    """Every server's settings in memory, kept current with the database."""

    def __init__(self, defaults: Settings, *, check_seconds: float = 5.0) -> None:
        self.defaults = ServerSettings.build(defaults, {})
        self._base = defaults
        self._servers: dict[int, ServerSettings] = {}
        self.store: SettingsStore | None = None
        self.revision = 0  # the latest audit id applied here
        self.check_seconds = check_seconds
        self.longest_conversation_seconds = self.defaults.conversation_seconds
        self._listening: Listening | None = None
        self._timer: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()

    def of(self, guild_id: int | None) -> ServerSettings:
        """A server's settings; DMs, and servers that set nothing, get the defaults."""
        if guild_id is None:
            return self.defaults
        return self._servers.get(guild_id, self.defaults)

    @property
    def opens_any(self) -> bool:
        """Any channel anywhere answered without a mention (the defaults included)."""
        return self.defaults.opens_any or any(s.opens_any for s in self._servers.values())

    def _set(self, guild_id: int, chosen: Mapping[str, str]) -> None:
        if chosen:
            self._servers[guild_id] = ServerSettings.build(self._base, chosen)
        else:
            self._servers.pop(guild_id, None)
        self.longest_conversation_seconds = max(
            [self.defaults.conversation_seconds]
            + [s.conversation_seconds for s in self._servers.values()]
        )

    # --- the database --------------------------------------------------------------------

    async def load(self, store: SettingsStore) -> None:
        """Read every server's settings (at start-up); raises :class:`StoreError`."""
        self.store = store
        revision = await store.revision()
        everything = await store.everything()
        for guild_id, chosen in everything.items():
            self._set(guild_id, chosen)
        self.revision = revision

    async def change(
        self, guild_id: int, key: str, value: str | None, *, moderator: str
    ) -> ServerSettings:
        """Keep a moderator's change (audited), apply it here; the others hear of it."""
        assert self.store is not None, "changes need the database"
        await self.store.change(guild_id, key, value, ts=time.time(), moderator=moderator)
        await self.refresh(guild_id)
        return self.of(guild_id)

    async def refresh(self, guild_id: int) -> None:
        if self.store is None:
            return
        self._set(guild_id, await self.store.of(guild_id))

    async def catch_up(self) -> None:
        """Re-read the servers changed since the last audit id seen here."""
        if self.store is None:
            return
        try:
            async with self._lock:
                latest = await self.store.revision()
                if latest <= self.revision:
                    return
                for guild_id in await self.store.changed_since(self.revision):
                    await self.refresh(guild_id)
                self.revision = latest
        except (StoreError, RowsRejectedError) as exc:
            log.warning("could not check for settings changes: %s", exc)

    async def start_listening(self) -> None:
        """Hear other processes' changes at once, and check on a timer for missed ones."""
        if self.store is None:
            return
        self._listening = await self.store.listen(self._heard, self.catch_up)
        self._timer = asyncio.create_task(self._tick())

    def _heard(self, guild_id: int) -> None:
        async def apply() -> None:
            try:
                await self.refresh(guild_id)
            except (StoreError, RowsRejectedError) as exc:
                log.warning("could not read changed settings: %s", exc)

        task = asyncio.create_task(apply())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self.check_seconds)
            await self.catch_up()

    async def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
            self._timer = None
        if self._listening is not None:
            await self._listening.stop()
            self._listening = None
        for task in list(self._pending):
            task.cancel()
