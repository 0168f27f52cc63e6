"""Teaching the bot: the rules every taught example passes, for Discord and the shell alike.

A moderator's choice becomes a row in the database (``taught``) and an entry in the audit
trail (``teach_audit``), written together. Before that, the choice must make sense against
the knowledge being served: the answer exists, the text is not already an example (of
this answer: nothing to do; of another: an example teaches one answer, so it is refused
with where the other one is), the moderator has not taught too much in the last hour, and
the answer has room for another taught example. The database's unique key on the text
settles the one race left, two moderators teaching the same text at once.

Who taught is a keyed hash (see ``bot.discord_app.privacy``), ``shell`` for the command
line; no user id is stored.

Where a teach goes is decided above (the authority ladder, ``bot.discord_app.authority``):
into the **shared bank** (``local_guild`` None), which every server's matcher learns from,
or **local** to one server, which answers there alone
(:mod:`bot.core.matching.local`) and which the operator may later :func:`promote`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from bot.core.knowledge.label import BadLabelError, Label, title_of
from bot.core.knowledge.model import Knowledge, Taught, example_key
from bot.core.knowledge.teaching import MAX_TAUGHT_PER_ANSWER, folder_places
from bot.core.matching.local import LocalTaught
from bot.storage import Database
from bot.storage.questions import EVERYTHING, Scope
from bot.storage.teaching import AlreadyShared, AuditEntry, TaughtEntry

log = logging.getLogger(__name__)

# Per moderator: enough for an evening with /stats, too few to rewrite the bot by mistake.
TEACH_PER_HOUR: Final = 30
RATE_WINDOW_SECONDS: Final = 3600.0
SHELL: Final = "shell"
TEACHING_SCHEMA: Final = 3  # the migration that added the tables
LOCAL_SCHEMA: Final = 5  # the migration that let a server teach for itself
WEEK_SECONDS: Final = 7 * 86400


class TeachRefused(Exception):  # noqa: N818 - an answer for the moderator, not a failure
    """Why a choice was not kept; the message is written for the moderator."""


async def teach(
    database: Database,
    knowledge: Knowledge,
    *,
    label: Label,
    text: str,
    guild_id: int | None,
    moderator: str,
    now: float | None = None,
    local_guild: int | None = None,
) -> TaughtEntry:
    """Keep ``text`` (already cleaned) as an example of ``label``, or say why not.

    ``local_guild``: for that server alone. A server may teach its own answer to a text the
    shared bank's taught examples answer otherwise (that is what local teaching is for),
    but not to one the knowledge files hold: those are reviewed, and the operator's.
    """
    now = time.time() if now is None else now
    if not label.known_in(knowledge):
        raise TeachRefused(f"'{label}' is no longer in the knowledge (it was reloaded)")
    key = example_key(text)
    title = label.title(knowledge)
    elsewhere = folder_places(knowledge).get(key)
    if elsewhere == label:
        raise TeachRefused(f"that is already an example of {title} in the knowledge files")
    if elsewhere is not None:
        fix = "ask the bot's operator to change it there" if local_guild else "change it there"
        raise TeachRefused(
            f"the knowledge files already give that text to {elsewhere.title(knowledge)}"
            f"; an example teaches one answer, so {fix}"
        )
    if local_guild is not None:
        shared = await database.teaching.with_key(key)
        if shared is not None and shared.label == str(label):
            raise TeachRefused(f"that is already taught as {title} for every server")
    _refuse_if_taught(await database.teaching.with_key(key, local_guild), knowledge, label)
    recent = await database.teaching.taught_by(moderator, now - RATE_WINDOW_SECONDS)
    if len(recent) >= TEACH_PER_HOUR:
        minutes = max(1, round((recent[0] + RATE_WINDOW_SECONDS - now) / 60))
        raise TeachRefused(
            f"you taught {len(recent)} examples in the last hour, the most one moderator may; "
            f"you can teach again in {minutes} min"
        )
    if await database.teaching.count(str(label), local_guild) >= MAX_TAUGHT_PER_ANSWER:
        raise TeachRefused(
            f"{title} already has {MAX_TAUGHT_PER_ANSWER} taught examples, the most one answer "
            "may have; a curator can review them into the knowledge files "
            "(tensionbot learned export) and remove them to make room"
        )
    entry = await database.teaching.add(
        ts=now,
        guild_id=guild_id,
        label=str(label),
        text=text,
        key=key,
        moderator=moderator,
        local_guild=local_guild,
    )
    if entry is None:  # taught by someone else a moment ago
        _refuse_if_taught(await database.teaching.with_key(key, local_guild), knowledge, label)
        raise TeachRefused("that text was taught a moment ago by someone else")
    return entry


def _refuse_if_taught(existing: TaughtEntry | None, knowledge: Knowledge, label: Label) -> None:
    if existing is None:
        return
    title = title_of(knowledge, existing.label)
    if existing.label == str(label):
        raise TeachRefused(f"that is already taught as {title} (#{existing.id})")
    raise TeachRefused(
        f"that text is already taught as {title} (#{existing.id}); an example teaches one "
        f"answer, so undo that first (tensionbot learned remove {existing.id})"
    )


async def forget(
    database: Database,
    taught_id: int,
    *,
    guild_id: int | None,
    moderator: str,
    action: str,
    now: float | None = None,
) -> TaughtEntry | None:
    """Remove a taught example (``action``: ``undone`` or ``removed``); None if it is gone."""
    return await database.teaching.remove(
        taught_id,
        ts=time.time() if now is None else now,
        guild_id=guild_id,
        moderator=moderator,
        action=action,
    )


async def promote(
    database: Database, taught_id: int, *, moderator: str = SHELL, now: float | None = None
) -> TaughtEntry:
    """Move a server's local example into the shared bank (audited as ``promoted``): the
    operator's way of taking what one server taught to every server, and then, as for any
    shared example, into the files with ``tensionbot learned export``."""
    existing = await database.teaching.get(taught_id)
    if existing is None:
        raise TeachRefused(f"there is no taught example #{taught_id}")
    if not existing.local:
        raise TeachRefused(f"#{taught_id} is in the shared bank already")
    try:
        entry = await database.teaching.promote(
            taught_id,
            ts=time.time() if now is None else now,
            moderator=moderator,
            key=example_key(existing.text),
        )
    except AlreadyShared as exc:
        raise TeachRefused(
            f"{exc}; remove one of them first (tensionbot learned remove ID)"
        ) from None
    if entry is None:
        raise TeachRefused(f"#{taught_id} was removed or promoted a moment ago")
    return entry


def as_local(entry: TaughtEntry) -> LocalTaught | None:
    """A stored local example as the per-server overlay reads it; None for a damaged label."""
    taught = as_taught(entry)
    if taught is None or entry.local_guild is None:
        return None
    return LocalTaught(entry.local_guild, taught)


async def local_examples(database: Database) -> list[LocalTaught]:
    """Every server's own taught examples, for the overlay (:mod:`bot.core.matching.local`)."""
    if await database.schema_version() < LOCAL_SCHEMA:
        return []
    return [t for e in await database.teaching.local() if (t := as_local(e)) is not None]


def as_taught(entry: TaughtEntry) -> Taught | None:
    """A stored taught example as the knowledge merges it; None for a damaged label."""
    try:
        return Taught(entry.id, Label.parse(entry.label), entry.text)
    except BadLabelError as exc:
        log.warning("taught example #%d ignored: %s", entry.id, exc)
        return None


async def taught_examples(database: Database) -> list[Taught]:
    """What the knowledge store merges at every load: the shared bank alone, since what a
    server taught for itself must not change any other server's answers."""
    return [t for e in await database.teaching.shared() if (t := as_taught(e)) is not None]


@dataclass(frozen=True)
class Activity:
    """Teaching over a window, for /stats: "12 taught this week (2 undone)"."""

    taught: int = 0
    undone: int = 0  # from Discord's Undo
    removed: int = 0  # by tensionbot learned remove

    def line(self) -> str:
        taken_back = self.undone + self.removed
        back = f" ({taken_back} undone or removed)" if taken_back else ""
        return f"{self.taught} taught this week{back}"


async def activity(
    database: Database, now: float | None = None, scope: Scope = EVERYTHING
) -> Activity:
    """The last seven days of the audit trail (in ``scope``: a server's report counts what
    was done in that server, never another's); nothing on a database from before teaching.
    DMs teach nothing, so their scope counts nothing."""
    if await database.schema_version() < TEACHING_SCHEMA:
        return Activity()
    if not scope.everything and scope.guild_id is None:
        return Activity()
    since = (time.time() if now is None else now) - WEEK_SECONDS
    counts = await database.teaching.counts(since, scope.guild_id)
    return Activity(counts.get("taught", 0), counts.get("undone", 0), counts.get("removed", 0))


async def audit_trail(database: Database, limit: int) -> Sequence[AuditEntry]:
    if await database.schema_version() < TEACHING_SCHEMA:
        return ()
    return await database.teaching.audit(limit)
