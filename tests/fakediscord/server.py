"""The fake Discord server: gateway, REST, a request log, and controls for tests."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

from . import payloads as p
from .validate import callback_errors, command_errors, message_errors

JSON = {"Content-Type": "application/json"}  # exactly: discord.py parses only this as JSON
EPHEMERAL = 1 << 6
MESSAGE_CONTENT_INTENT = 1 << 15
# Application flags: the Message Content intent enabled in the portal (verified, or under
# 100 servers, "limited").
GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19
LOADING = 1 << 7  # the "thinking…" state of a deferred response


@dataclass
class Recorded:
    """One REST request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    json: Any = None
    files: list[tuple[str, str, bytes]] = field(default_factory=list)
    at: float = field(default_factory=time.perf_counter)


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    code: int = 0  # Discord's JSON error code, e.g. 10062 Unknown interaction
    message: str = "Internal Server Error"


@dataclass
class Interaction:
    """An interaction the fake sent, and what the bot answered."""

    id: int
    token: str
    payload: dict[str, Any]
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    original: dict[str, Any] | None = None
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    # A server that forbids external apps: Discord shows every answer to the asker only.
    force_ephemeral: bool = False

    @property
    def deferred(self) -> bool:
        return any(c.get("type") == 5 for c in self.callbacks)

    @property
    def response(self) -> dict[str, Any]:
        """The message the person sees: the callback's, the "thinking…" one edited, or
        (after a component's deferred update) the message it edited."""
        for callback in self.callbacks:
            if callback.get("type") in (4, 7, 8):
                return callback.get("data") or {}
        if self.deferred and self.original is not None and not self.original["flags"] & LOADING:
            return self.original
        if any(c.get("type") == 6 for c in self.callbacks) and self.original is not None:
            return self.original
        return {}

    @property
    def ephemeral(self) -> bool:
        return bool(self.response.get("flags", 0) & EPHEMERAL)


class FakeDiscord:
    def __init__(self, *, heartbeat_interval: float = 41.25) -> None:
        self.heartbeat_interval = heartbeat_interval
        self.requests: list[Recorded] = []
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.sent: list[dict[str, Any]] = []  # messages the bot created, in order
        self.interactions: dict[int, Interaction] = {}
        self.by_token: dict[str, Interaction] = {}
        self.rejected: list[tuple[str, list[str]]] = []
        self.failures: list[Failure] = []
        self.identifies = 0
        self.resumes = 0
        self.heartbeats = 0
        # A close code to answer IDENTIFY and RESUME with, as Discord does for a reset token
        # (4004), a bad shard (4010), sharding required (4011), an old API version (4012),
        # invalid (4013) or disallowed (4014) intents.
        self.refuse_sessions: int | None = None
        # A "zombie" gateway: the socket stays open, heartbeats are no longer acknowledged.
        self.zombie = False
        self.dispatched_at: dict[int, float] = {}
        # Whether the application may have Message Content: with False, an IDENTIFY that
        # asks for it is closed with 4014, as Discord does. ``content_flag`` is what the
        # application's flags say (None: the truth); they can disagree for a moment after
        # the portal's switch is turned.
        self.content_granted = True
        self.content_flag: bool | None = None
        self.intents: list[int] = []  # what each IDENTIFY asked for, in order
        self._intents_of: dict[web.WebSocketResponse, int] = {}
        # The servers the bot is in: one, unless a test adds another (``add_guild``) before
        # the bot connects; and which server each channel is in (else GUILD_ID's).
        self.guild_ids: list[int] = [p.GUILD_ID]
        self.channel_guild: dict[int, int] = {
            p.GENERAL_ID: p.GUILD_ID,
            p.ASK_ID: p.GUILD_ID,
            p.OTHER_ID: p.GUILD_ID,
            p.THREAD_ID: p.GUILD_ID,
            p.B_GENERAL_ID: p.GUILD_B_ID,
            p.B_ASK_ID: p.GUILD_B_ID,
            p.FOREIGN_CHANNEL_ID: p.FOREIGN_GUILD_ID,
        }
        self.members: dict[int, dict[str, Any]] = {}
        # Discord's application info: its owner, and a team's members (None: no team).
        self.app_owner: dict[str, Any] = p.OWNER
        self.team: list[dict[str, Any]] | None = None
        self._sockets: list[web.WebSocketResponse] = []
        # [shard_id, shard_count] each connection identified with; None: unsharded.
        self._shard_of: dict[web.WebSocketResponse, tuple[int, int] | None] = {}
        self._seq = 0
        self._session = "session-0"
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.add_member(p.OWNER, permissions=p.EVERYONE_PERMISSIONS | p.MANAGE_GUILD)

    # --- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{path:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- people ------------------------------------------------------------------------

    def add_member(
        self,
        user_data: dict[str, Any],
        *,
        roles: tuple[int, ...] = (),
        permissions: int | None = None,
    ) -> dict[str, Any]:
        data = p.member(user_data, list(roles))
        self.members[int(user_data["id"])] = {"member": data, "permissions": permissions}
        return data

    def person(
        self, name: str, *, roles: tuple[int, ...] = (), manage_guild: bool = False
    ) -> dict[str, Any]:
        data = p.user(p.snowflake(), name)
        permissions = p.EVERYONE_PERMISSIONS | (p.MANAGE_GUILD if manage_guild else 0)
        self.add_member(data, roles=roles, permissions=permissions)
        return data

    # --- gateway -----------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": int(self.heartbeat_interval * 1000)}})
        )
        try:
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                data = json.loads(frame.data)
                op = data.get("op")
                if op == 1:
                    self.heartbeats += 1
                    if not self.zombie:
                        await ws.send_str(json.dumps({"op": 11}))
                    await self._notify()
                elif op in (2, 6) and self.refuse_sessions is not None:
                    await ws.close(code=self.refuse_sessions, message=b"fake: refused")
                elif op == 2 and self._refuses_intents(data):
                    await ws.close(code=4014, message=b"Disallowed intent(s).")
                    await self._notify()
                elif op == 2:
                    self.identifies += 1
                    self._session = f"session-{self.identifies}"
                    shard = (data.get("d") or {}).get("shard")
                    self._shard_of[ws] = (int(shard[0]), int(shard[1])) if shard else None
                    self._intents_of[ws] = int((data.get("d") or {}).get("intents") or 0)
                    owned = [g for g in self.guild_ids if self._owns(ws, g)]
                    ready = self._ready(owned)
                    if shard:
                        ready["shard"] = shard
                    await self._send(ws, "READY", ready)
                    members = [m["member"] for m in self.members.values()]
                    for guild_id in owned:
                        await self._send(ws, "GUILD_CREATE", p.guild(members, guild_id))
                    await self._notify()
                elif op == 6:
                    self.resumes += 1
                    await self._send(ws, "RESUMED", {})
                    await self._notify()
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
        return ws

    def _owns(self, ws: web.WebSocketResponse, guild_id: int | None) -> bool:
        """Discord's rule: a guild's events go to shard (guild_id >> 22) % count; DMs to 0."""
        shard = self._shard_of.get(ws)
        if shard is None:
            return True
        shard_id, count = shard
        return shard_id == (0 if guild_id is None else (guild_id >> 22) % count)

    def _guild(self, guild_id: int) -> dict[str, Any]:
        return p.guild([m["member"] for m in self.members.values()], guild_id)

    def guild_of(self, channel_id: int) -> int | None:
        """The server a channel is in (None for the DM)."""
        if channel_id == p.DM_CHANNEL_ID:
            return None
        return self.channel_guild.get(channel_id, p.GUILD_ID)

    def add_guild(self, guild_id: int = p.GUILD_B_ID, channels: tuple[int, ...] = ()) -> None:
        """Another server the bot is in (before the bot connects: it is in READY)."""
        self.guild_ids.append(guild_id)
        for channel_id in channels or ((p.B_GENERAL_ID,) if guild_id == p.GUILD_B_ID else ()):
            self.channel_guild[channel_id] = guild_id

    async def remove_guild(self, guild_id: int) -> None:
        """The bot is removed from a server (kicked, or the server deleted): GUILD_DELETE
        without ``unavailable``, as Discord sends it then."""
        self.guild_ids.remove(guild_id)
        await self.dispatch("GUILD_DELETE", {"id": str(guild_id)}, guild_id=guild_id)

    async def rejoin_guild(self, guild_id: int) -> None:
        """The bot is added to the server again: GUILD_CREATE, as for a new server."""
        self.guild_ids.append(guild_id)
        await self.dispatch("GUILD_CREATE", self._guild(guild_id), guild_id=guild_id)

    def _refuses_intents(self, data: dict[str, Any]) -> bool:
        intents = int((data.get("d") or {}).get("intents") or 0)
        self.intents.append(intents)
        return bool(intents & MESSAGE_CONTENT_INTENT) and not self.content_granted

    def _as_received(
        self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        """A message as this connection receives it: without Message Content, Discord
        blanks the text, embeds, attachments and components of a server message unless it
        mentions the app or the app wrote it (DMs keep theirs)."""
        if event not in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
            return data
        if self._intents_of.get(ws, 0) & MESSAGE_CONTENT_INTENT or not data.get("guild_id"):
            return data
        mentioned = any(m.get("id") == str(p.BOT_ID) for m in data.get("mentions") or [])
        if mentioned or (data.get("author") or {}).get("id") == str(p.BOT_ID):
            return data
        return {**data, "content": "", "embeds": [], "attachments": [], "components": []}

    def _ready(self, guild_ids: list[int]) -> dict[str, Any]:
        return {
            "v": 10,
            "user": p.BOT_USER,
            "guilds": [{"id": str(g), "unavailable": True} for g in guild_ids],
            "session_id": self._session,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(p.APPLICATION_ID), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "guild_join_requests": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
        }

    async def _send(self, ws: web.WebSocketResponse, event: str, data: dict[str, Any]) -> None:
        self._seq += 1
        await ws.send_str(json.dumps({"op": 0, "t": event, "s": self._seq, "d": data}))

    async def dispatch(
        self, event: str, data: dict[str, Any], *, guild_id: int | None = None
    ) -> None:
        """Send an event on the newest open connection of the shard that owns it
        (``guild_id``: the server of an event that names it otherwise, as GUILD_DELETE)."""
        if guild_id is None:
            guild_id = int(data["guild_id"]) if data.get("guild_id") else None
        deadline = time.monotonic() + 10
        while True:
            open_sockets = [
                ws for ws in self._sockets if not ws.closed and self._owns(ws, guild_id)
            ]
            if open_sockets:
                ws = open_sockets[-1]
                await self._send(ws, event, self._as_received(ws, event, data))
                return
            if time.monotonic() > deadline:
                raise TimeoutError("no gateway connection to dispatch on")
            await asyncio.sleep(0.01)

    async def drop_connection(self, code: int = 4000) -> None:
        """Close the websocket as Discord does on a restart; the client should come back."""
        for ws in list(self._sockets):
            await ws.close(code=code, message=b"fake: reconnect")

    # --- driving -----------------------------------------------------------------------

    async def say(
        self,
        author: dict[str, Any],
        content: str,
        *,
        channel_id: int = p.GENERAL_ID,
        dm: bool = False,
        mention_bot: bool = False,
        mention_roles: tuple[int, ...] = (),
        mention_everyone: bool = False,
        reply_to: dict[str, Any] | None = None,
        ping: bool = False,
        deleted: bool = False,
    ) -> int:
        """A person posts a message; returns its id.

        ``reply_to`` makes it a reply to that message (in its channel); ``ping`` keeps the
        reply's mention of the author switched on, which adds them to the mentions only.
        ``deleted``: they delete it at once, so Discord no longer has it when the bot replies.
        """
        mentions = [p.BOT_USER] if mention_bot or ping else []
        if mention_bot and f"<@{p.BOT_ID}>" not in content:
            content = f"<@{p.BOT_ID}> {content}"
        member = self.members.get(int(author["id"]), {}).get("member")
        reference = None
        if reply_to is not None:
            channel_id = int(reply_to["channel_id"])
            dm = channel_id == p.DM_CHANNEL_ID
            reference = {
                "type": 0,
                "message_id": reply_to["id"],
                "channel_id": reply_to["channel_id"],
                "fail_if_not_exists": False,
            }
            if not dm:
                reference["guild_id"] = str(self.channel_guild.get(channel_id, p.GUILD_ID))
        data = p.message(
            channel_id=p.DM_CHANNEL_ID if dm else channel_id,
            author=author,
            content=content,
            guild_id=None if dm else self.channel_guild.get(channel_id, p.GUILD_ID),
            member_data=None if dm else member,
            mentions=mentions,
            mention_roles=list(mention_roles),
            mention_everyone=mention_everyone,
            reference=reference,
        )
        if reply_to is not None:
            data["referenced_message"] = {
                k: v for k, v in reply_to.items() if k not in ("sent_at", "replied_to")
            }
        if not deleted:
            self.messages[int(data["id"])] = data
        self.dispatched_at[int(data["id"])] = time.perf_counter()
        await self.dispatch("MESSAGE_CREATE", data)
        return int(data["id"])

    def _interaction_base(
        self, kind: int, author: dict[str, Any], channel_id: int, dm: bool, *, group: bool = False
    ) -> dict[str, Any]:
        """An interaction as Discord sends it. In a server the bot is not in (a person's own
        installation of the app), the app is authorised by that person, not the server,
        and there is only a partial guild; in a group DM, there is no server at all."""
        interaction_id = p.snowflake()
        token = f"token-{interaction_id}"
        info = self.members.get(
            int(author["id"]), {"member": p.member(author), "permissions": None}
        )
        guild_id = self.channel_guild.get(channel_id, p.GUILD_ID)
        installed = guild_id in self.guild_ids
        if dm or group:
            owners = {"0": "0"} if dm else {"1": str(author["id"])}
        else:
            owners = {"0": str(guild_id)} if installed else {"1": str(author["id"])}
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(p.APPLICATION_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "locale": "en-US",
            "app_permissions": str(p.EVERYONE_PERMISSIONS),
            "entitlements": [],
            "authorizing_integration_owners": owners,
            "context": 2 if group else 1 if dm else 0,
            "attachment_size_limit": 8 * 1024 * 1024,
            "channel_id": str(p.GROUP_DM_ID if group else p.DM_CHANNEL_ID if dm else channel_id),
        }
        if group:
            payload["user"] = author
            payload["channel"] = {
                "id": str(p.GROUP_DM_ID), "type": 3, "recipients": [author], "name": None,
                "owner_id": str(author["id"]), "icon": None,
            }  # fmt: skip
        elif dm:
            payload["user"] = author
            payload["channel"] = {"id": str(p.DM_CHANNEL_ID), "type": 1, "recipients": [author]}
        else:
            member = dict(info["member"])
            member["permissions"] = str(info["permissions"] or p.EVERYONE_PERMISSIONS)
            payload["guild_id"] = str(guild_id)
            payload["guild_locale"] = "en-US"
            payload["member"] = member
            payload["channel"] = {**p.channel(channel_id, "channel", 0, guild_id)}
            if not installed:
                payload["guild"] = {"id": str(guild_id), "locale": "en-US", "features": []}
        return payload

    async def slash(
        self,
        author: dict[str, Any],
        name: str,
        options: dict[str, Any] | None = None,
        *,
        channel_id: int = p.GENERAL_ID,
        dm: bool = False,
        group: bool = False,
        wait: bool = True,
        subcommand: str | None = None,
        external_apps_forbidden: bool = False,
    ) -> Interaction:
        """A person runs a slash command (``subcommand`` of a group); waits for the bot's
        answer by default. ``group``: in a group DM. Discord offers a person only the
        commands they can see there: a command whose ``contexts`` or ``integration_types``
        leave this place out is refused here at once, as a bug in the test (one whose
        default permissions they lack is sent: a server may widen them, which is why the
        bot checks again). An option given as ``("channel", id)`` or ``("role", id)`` is
        sent with the object resolved, as Discord does."""
        payload = self._interaction_base(2, author, channel_id, dm, group=group)
        registered = [c for cmds in self.commands.values() for c in cmds if c["name"] == name]
        if registered:
            assert self.offered(registered[0], payload, permissions=False), (
                f"Discord would not offer /{name} here"
            )
        values = []
        resolved: dict[str, dict[str, Any]] = {}
        for key, value in (options or {}).items():
            if isinstance(value, tuple):
                kind, ident = value
                if kind == "channel":
                    guild_id = self.channel_guild.get(ident, p.GUILD_ID)
                    resolved.setdefault("channels", {})[str(ident)] = {
                        **p.channel(ident, "channel", 0, guild_id),
                        "permissions": str(p.EVERYONE_PERMISSIONS),
                    }
                    values.append({"name": key, "type": 7, "value": str(ident)})
                else:
                    resolved.setdefault("roles", {})[str(ident)] = p.role(
                        ident, "role", p.EVERYONE_PERMISSIONS, 1
                    )
                    values.append({"name": key, "type": 8, "value": str(ident)})
            else:
                values.append({"name": key, "type": _option_type(value), "value": value})
        if subcommand is not None:
            values = [{"name": subcommand, "type": 1, "options": values}]
        payload["data"] = {
            "id": registered[0]["id"] if registered else str(p.snowflake()),
            "name": name,
            "type": 1,
            "options": values,
        }
        if resolved:
            payload["data"]["resolved"] = resolved
        if not dm and not group and registered and registered[0].get("guild_id"):
            payload["data"]["guild_id"] = registered[0]["guild_id"]
        return await self._interact(payload, wait, force_ephemeral=external_apps_forbidden)

    def offered(
        self, command: dict[str, Any], payload: dict[str, Any], *, permissions: bool = True
    ) -> bool:
        """Whether Discord shows ``command`` to this person in this place (``permissions``:
        counting the command's default member permissions)."""
        contexts = command.get("contexts")
        if contexts is not None and payload["context"] not in contexts:
            return False
        installs = command.get("integration_types") or [0]
        if not any(str(kind) in payload["authorizing_integration_owners"] for kind in installs):
            return False
        required = command.get("default_member_permissions")
        if permissions and required is not None and "member" in payload:
            has = int(payload["member"]["permissions"])
            return has & int(required) == int(required)
        return True

    async def autocomplete(
        self,
        author: dict[str, Any],
        name: str,
        option: str,
        typed: str,
        *,
        channel_id: int = p.GENERAL_ID,
        wait: bool = True,
    ) -> list[dict[str, Any]]:
        """A person types into an option; the choices offered (``wait=False``: none, sent
        and not waited for, as when the bot fails to answer)."""
        payload = self._interaction_base(4, author, channel_id, False)
        payload["data"] = {
            "id": str(p.snowflake()),
            "name": name,
            "type": 1,
            "options": [{"name": option, "type": 3, "value": typed, "focused": True}],
        }
        done = await self._interact(payload, wait)
        if not wait:
            return []
        return list((done.callbacks[0].get("data") or {}).get("choices") or [])

    async def press(
        self, author: dict[str, Any], message: dict[str, Any], custom_id: str, *, wait: bool = True
    ) -> Interaction:
        """A person presses a button on a message the bot sent."""
        channel_id = int(message["channel_id"])
        payload = self._interaction_base(3, author, channel_id, False)
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        payload["message"] = message
        return await self._interact(payload, wait)

    async def choose(
        self,
        author: dict[str, Any],
        message: dict[str, Any],
        custom_id: str,
        values: list[str],
        *,
        wait: bool = True,
    ) -> Interaction:
        """A person picks from a select menu on a message the bot sent.

        Discord lets a person pick only what the menu offers, so anything else is a bug in
        the test, refused here at once.
        """
        menus = [
            item
            for row in message.get("components") or []
            for item in row.get("components") or []
            if item.get("custom_id") == custom_id and item.get("type") == 3
        ]
        assert menus, f"no select menu {custom_id!r} on that message"
        offered = {o["value"] for o in menus[0].get("options") or []}
        assert set(values) <= offered, f"{values} not among {sorted(offered)}"
        channel_id = int(message["channel_id"])
        payload = self._interaction_base(3, author, channel_id, False)
        payload["data"] = {"custom_id": custom_id, "component_type": 3, "values": values}
        payload["message"] = message
        return await self._interact(payload, wait)

    async def context_menu(
        self,
        author: dict[str, Any],
        name: str,
        target: dict[str, Any],
        *,
        wait: bool = True,
    ) -> Interaction:
        """A person runs a message command (Apps → ``name``) on the message ``target``."""
        channel_id = int(target["channel_id"])
        payload = self._interaction_base(2, author, channel_id, False)
        registered = [
            c
            for cmds in self.commands.values()
            for c in cmds
            if c["name"] == name and c.get("type") == 3
        ]
        payload["data"] = {
            "id": registered[0]["id"] if registered else str(p.snowflake()),
            "name": name,
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        return await self._interact(payload, wait)

    async def _interact(
        self, payload: dict[str, Any], wait: bool, *, force_ephemeral: bool = False
    ) -> Interaction:
        interaction = Interaction(int(payload["id"]), payload["token"], payload)
        interaction.force_ephemeral = force_ephemeral
        self.interactions[interaction.id] = interaction
        self.by_token[interaction.token] = interaction
        self.dispatched_at[interaction.id] = time.perf_counter()
        await self.dispatch("INTERACTION_CREATE", payload)
        if wait:
            await asyncio.wait_for(interaction.answered.wait(), timeout=10)
        return interaction

    def sees(self, author: dict[str, Any], name: str, *, channel_id: int = p.GENERAL_ID) -> bool:
        """Whether a person's command picker lists ``/name`` in this channel."""
        payload = self._interaction_base(2, author, channel_id, False)
        registered = [c for cmds in self.commands.values() for c in cmds if c["name"] == name]
        return bool(registered) and self.offered(registered[0], payload)

    # --- waiting -----------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        async def check() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(check(), timeout)

    async def next_message(self, after: int, timeout: float = 10.0) -> dict[str, Any]:
        """The first message the bot sends once ``after`` messages exist."""
        await self.wait_until(lambda: len(self.sent) > after, timeout)
        return self.sent[after]

    def calls(self, method: str, pattern: str) -> list[Recorded]:
        rx = re.compile(pattern)
        return [r for r in self.requests if r.method == method and rx.fullmatch(r.path)]

    def completions(self, interaction: Interaction) -> tuple[list[Recorded], list[Recorded]]:
        """(edits of the original response, follow-ups) the bot sent for an interaction."""
        base = rf"/webhooks/{p.APPLICATION_ID}/{re.escape(interaction.token)}"
        return (
            self.calls("PATCH", base + "/messages/@original"),
            self.calls("POST", base),
        )

    def fail(
        self,
        method: str,
        pattern: str,
        status: int,
        times: int = 1,
        *,
        code: int = 0,
        message: str = "Internal Server Error",
    ) -> None:
        """Answer the next ``times`` matching requests with an error status (and code)."""
        self.failures.append(Failure(method, re.compile(pattern), status, times, code, message))

    # --- REST --------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["path"]
        body, files = await self._body(request)
        record = Recorded(request.method, path, dict(request.query), body, files)
        self.requests.append(record)
        try:
            failure = self._failure(request.method, path)
            if failure is not None:
                return failure
            return await self._route(request.method, path, body, request.query)
        finally:
            await self._notify()

    async def _body(self, request: web.Request) -> tuple[Any, list[tuple[str, str, bytes]]]:
        if request.content_type == "multipart/form-data":
            files: list[tuple[str, str, bytes]] = []
            data: Any = None
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue  # Discord's uploads are flat: a nested multipart is not one
                if part.name == "payload_json":
                    data = json.loads(await part.text())
                else:
                    files.append((part.name or "", part.filename or "", await part.read()))
            return data, files
        if request.can_read_body:
            raw = await request.read()
            return (json.loads(raw) if raw else None), []
        return None, []

    def _failure(self, method: str, path: str) -> web.Response | None:
        for failure in self.failures:
            if failure.times > 0 and failure.method == method and failure.pattern.fullmatch(path):
                failure.times -= 1
                if failure.status == 429:
                    body = {
                        "message": "You are being rate limited.",
                        "retry_after": 0.05,
                        "global": False,
                    }
                    headers = {**JSON, "Via": "1.1 google", "Retry-After": "1"}
                    return web.Response(status=429, body=json.dumps(body).encode(), headers=headers)
                body = {"message": failure.message, "code": failure.code}
                return web.Response(
                    status=failure.status, body=json.dumps(body).encode(), headers=JSON
                )
        return None

    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        return web.Response(status=status, body=json.dumps(data).encode(), headers=JSON)

    def _invalid(self, where: str, errors: list[str]) -> web.Response:
        self.rejected.append((where, errors))
        return self._json({"code": 50035, "message": "Invalid Form Body", "errors": errors}, 400)

    async def _route(self, method: str, path: str, body: Any, query: Any) -> web.Response:
        app = str(p.APPLICATION_ID)
        if (method, path) == ("GET", "/users/@me"):
            return self._json(p.BOT_USER)
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            return self._json(self._application())
        if m := re.fullmatch(rf"/applications/{app}(?:/guilds/(\d+))?/commands", path):
            scope = int(m.group(1)) if m.group(1) else None
            if method == "GET":
                return self._json(self.commands.get(scope, []))
            if method == "PUT":
                errors = command_errors(body)
                if errors:
                    return self._invalid(path, errors)
                self.commands[scope] = [self._registered(c, scope) for c in body]
                return self._json(self.commands[scope])
        if (m := re.fullmatch(r"/channels/(\d+)/messages", path)) and method == "POST":
            return self._create_message(int(m.group(1)), body)
        if m := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path):
            message_id = int(m.group(2))
            if message_id not in self.messages:
                return self._json({"message": "Unknown Message", "code": 10008}, 404)
            if method == "PATCH":
                errors = message_errors(body)
                if errors:
                    return self._invalid(path, errors)
                self.messages[message_id].update(
                    {k: v for k, v in body.items() if k != "allowed_mentions"}
                )
                return self._json(self.messages[message_id])
            if method == "DELETE":
                self.messages.pop(message_id)
                return web.Response(status=204)
        if m := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path):
            return self._callback(int(m.group(1)), body)
        if m := re.fullmatch(rf"/webhooks/{app}/([^/]+)(?:/messages/(@original|\d+))?", path):
            return self._webhook(method, m.group(1), m.group(2), body)
        return self._json({"message": "404: Not Found", "code": 0}, 404)

    def _application(self) -> dict[str, Any]:
        flag = self.content_granted if self.content_flag is None else self.content_flag
        return {
            "id": str(p.APPLICATION_ID),
            "name": "tensionbot",
            "description": "",
            "icon": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.app_owner,
            "verify_key": "0" * 64,
            "flags": GATEWAY_MESSAGE_CONTENT_LIMITED if flag else 0,
            "team": self._team(),
            "summary": "",
        }

    def _team(self) -> dict[str, Any] | None:
        if self.team is None:
            return None
        team_id = str(p.APPLICATION_ID + 7)
        return {
            "id": team_id,
            "name": "tensionbot team",
            "icon": None,
            "owner_user_id": self.team[0]["id"] if self.team else self.app_owner["id"],
            "members": [
                {"membership_state": 2, "team_id": team_id, "user": u, "role": "developer"}
                for u in self.team
            ],
        }

    @staticmethod
    def _registered(command: dict[str, Any], scope: int | None) -> dict[str, Any]:
        """What Discord stores: ids added, permissions as a string, defaults dropped."""
        stored = {k: v for k, v in command.items() if v is not None and k != "dm_permission"}
        stored.setdefault("type", 1)
        stored.setdefault("description", "")  # context menus have an empty one
        stored.setdefault("integration_types", [0])  # Discord's default: installed with a server
        stored["id"] = str(p.snowflake())
        stored["application_id"] = str(p.APPLICATION_ID)
        stored["version"] = str(p.snowflake())
        if command.get("default_member_permissions") is not None:
            stored["default_member_permissions"] = str(command["default_member_permissions"])
        else:
            stored["default_member_permissions"] = None
        if scope is not None:
            stored["guild_id"] = str(scope)
        return stored

    def _bot_message(self, channel_id: int, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """A message the bot sent, as Discord stores it (and as tests then inspect it)."""
        message = p.message(
            channel_id=channel_id,
            author=p.BOT_USER,
            content=body.get("content") or "",
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            flags=body.get("flags", 0),
            **extra,
        )
        message["allowed_mentions"] = body.get("allowed_mentions")
        self.messages[int(message["id"])] = message
        return message

    def _create_message(self, channel_id: int, body: dict[str, Any]) -> web.Response:
        errors = message_errors(body)
        if errors:
            return self._invalid(f"/channels/{channel_id}/messages", errors)
        reference = body.get("message_reference")
        if reference and int(reference["message_id"]) not in self.messages:
            # Discord refuses a reply to a message that is gone, unless told to send it as
            # an ordinary message then.
            if reference.get("fail_if_not_exists", True):
                return self._invalid(
                    f"/channels/{channel_id}/messages",
                    ["message_reference: Unknown message (MESSAGE_REFERENCE_UNKNOWN_MESSAGE)"],
                )
            reference = None
        data = self._bot_message(
            channel_id,
            body,
            guild_id=None
            if channel_id == p.DM_CHANNEL_ID
            else self.channel_guild.get(channel_id, p.GUILD_ID),
            reference=reference,
        )
        data["sent_at"] = time.perf_counter()
        if reference:
            data["replied_to"] = int(reference["message_id"])
        self.sent.append(data)
        return self._json(
            {
                k: v
                for k, v in data.items()
                if k not in ("sent_at", "replied_to", "allowed_mentions")
            }
        )

    def _callback(self, interaction_id: int, body: dict[str, Any]) -> web.Response:
        interaction = self.interactions.get(interaction_id)
        if interaction is None:
            return self._json({"message": "Unknown interaction", "code": 10062}, 404)
        errors = callback_errors(body)
        if body.get("type") in (6, 7) and interaction.payload["type"] != 3:
            errors.append("an update of the message exists only for a component's interaction")
        if errors:
            return self._invalid(f"/interactions/{interaction_id}/callback", errors)
        interaction.callbacks.append(body)
        response: dict[str, Any] = {"id": str(interaction_id), "type": interaction.payload["type"]}
        kind = body.get("type")
        if kind in (4, 5):  # a message, or "thinking" that a follow-up will complete
            data = body.get("data") or {}
            if interaction.force_ephemeral:
                data = {**data, "flags": data.get("flags", 0) | EPHEMERAL}
                interaction.callbacks[-1] = {**body, "data": data}
            message = self._bot_message(
                int(interaction.payload["channel_id"]),
                data,
                interaction_metadata={
                    "id": str(interaction_id),
                    "type": interaction.payload["type"],
                    "user": (interaction.payload.get("member") or {}).get("user")
                    or interaction.payload.get("user"),
                    "authorizing_integration_owners": {},
                },
            )
            if kind == 5:
                message["flags"] = message["flags"] | LOADING
            interaction.original = message
            response["response_message_id"] = message["id"]
            response["response_message_loading"] = kind == 5
            response["response_message_ephemeral"] = bool(data.get("flags", 0) & 64)
        if kind == 6:  # a component's "deferred update": the edit of its message follows
            pressed = int((interaction.payload.get("message") or {})["id"])
            interaction.original = self.messages.get(pressed)
            return self._json({"interaction": response})
        if kind != 5:
            interaction.answered.set()
        return self._json({"interaction": response})

    def _webhook(self, method: str, token: str, which: str | None, body: Any) -> web.Response:
        interaction = self.by_token.get(token)
        if interaction is None:
            return self._json({"message": "Unknown Webhook", "code": 10015}, 404)
        if which is None and method == "POST":  # a follow-up message
            errors = message_errors(body)
            if errors:
                return self._invalid("followup", errors)
            interaction.followups.append(body)
            original = interaction.original
            if original is not None and original["flags"] & LOADING:
                # Discord turns the first follow-up to a deferred response into an edit of
                # the "thinking…" message, and ignores its flags: the defer decided them.
                original.update({k: v for k, v in body.items() if k not in ("flags", "tts")})
                original["flags"] &= ~LOADING
                interaction.answered.set()
                return self._json(original)
            message = self._bot_message(int(interaction.payload["channel_id"]), body)
            interaction.answered.set()
            return self._json(message)
        target = (
            interaction.original if which == "@original" else self.messages.get(int(which or 0))
        )
        if target is None:
            return self._json({"message": "Unknown Message", "code": 10008}, 404)
        if method == "GET":
            return self._json(target)
        if method == "PATCH":
            errors = message_errors(body)
            if errors:
                return self._invalid("edit original", errors)
            target.update({k: v for k, v in body.items() if k != "flags"})
            if target is interaction.original and target["flags"] & LOADING:
                target["flags"] &= ~LOADING
            if which == "@original":
                interaction.answered.set()  # what a defer (or a deferred update) waited for
            return self._json(target)
        if method == "DELETE":
            return web.Response(status=204)
        return self._json({"message": "405", "code": 0}, 405)


def _option_type(value: Any) -> int:
    """The option type Discord would send for a value typed in the client."""
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3
