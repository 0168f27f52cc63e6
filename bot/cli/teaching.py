"""``tensionbot learned list|remove|promote|export``: what moderators taught, from the shell.

``list`` shows the shared bank and what each server taught for itself (marked with its
server); ``promote`` moves one server's example into the shared bank, so every server is
answered with it; ``export`` writes the shared bank into the files, as before: a server's
own examples reach the files only once the operator promoted them.

Taught examples live in the database the bot uses (SQLite or PostgreSQL); these commands
read and change them there. ``remove`` tells every cluster sharing a PostgreSQL database to
reload, as ``/reload`` does; a single process on SQLite picks the change up at its next
reload (``/reload``, or ``kill -HUP``). ``export`` writes them into the knowledge YAML for
curators to review and commit (see :mod:`bot.curation.export`).

The module is named like every other room of teaching in the bot; the command keeps its
published name, ``learned``.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.core.knowledge.label import title_of
from bot.core.knowledge.model import Knowledge, example_key
from bot.core.knowledge.teaching import folder_places

from ..curation.export import ExportError, export
from ..curation.teaching import (
    SHELL,
    TEACHING_SCHEMA,
    TeachRefused,
    as_taught,
    audit_trail,
    forget,
    promote,
)
from ..storage import Database, DatabaseURL, StoreError, open_database, open_written
from ..storage.teaching import AuditEntry, TaughtEntry
from .reload import announce_and_wait

AUDIT_SHOWN = 50
TEXT_SHOWN = 80


def _when(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _quoted(text: str) -> str:
    short = text if len(text) <= TEXT_SHOWN else text[: TEXT_SHOWN - 1] + "…"
    return f'"{short}"'


async def _read(url: DatabaseURL) -> tuple[list[TaughtEntry], Sequence[AuditEntry]]:
    database = await open_written(url, TEACHING_SCHEMA)
    if database is None:
        return [], ()  # the bot never ran here, or never since teaching came: nothing taught
    try:
        return await database.teaching.taught(), await audit_trail(database, AUDIT_SHOWN)
    finally:
        await database.close()


def list_learned(url: DatabaseURL, knowledge: Knowledge | None) -> int:
    try:
        taught, audit = asyncio.run(_read(url))
    except StoreError as exc:
        print(f"tensionbot: cannot read {url}: {exc}", file=sys.stderr)
        return 1
    places = folder_places(knowledge) if knowledge is not None else {}
    print(f"Taught examples ({len(taught)})" + (":" if taught else ": none yet"))
    for entry in taught:
        where = places.get(example_key(entry.text))
        note = ""
        if where is not None and str(where) == entry.label:
            note = "  [in the knowledge files too]"
        elif where is not None:
            note = f"  [conflict: the files give it to {title_of(knowledge, str(where))}]"
        guild = f"guild {entry.guild_id}" if entry.guild_id is not None else "no guild"
        if entry.local_guild is not None:
            note += f"  [server {entry.local_guild} only: tensionbot learned promote {entry.id}]"
        print(
            f"  #{entry.id:<5} {_when(entry.ts)}  {title_of(knowledge, entry.label)}\n"
            f"         {_quoted(entry.text)}  ({guild}, by {entry.moderator}){note}"
        )
    print(f"\nAudit trail (latest {min(len(audit), AUDIT_SHOWN)}, newest first):")
    if not audit:
        print("  nothing taught yet")
    for item in audit:
        guild = f"guild {item.guild_id}" if item.guild_id is not None else "shell"
        only = ", that server only" if item.local_guild is not None else ""
        print(
            f"  {_when(item.ts)}  {item.action:<7} #{item.taught_id:<5} "
            f"{title_of(knowledge, item.label)}  {_quoted(item.text)}  "
            f"({guild}{only}, by {item.moderator})"
        )
    return 0


async def _remove(
    url: DatabaseURL, taught_id: int, check_seconds: float, wait_seconds: float
) -> tuple[bool, str]:
    database = await open_database(url)
    try:
        entry = await forget(database, taught_id, guild_id=None, moderator=SHELL, action="removed")
        if entry is None:
            return False, f"no taught example #{taught_id}"
        said = f"removed #{entry.id} ({entry.label}): {_quoted(entry.text)}"
        return True, said + "\n" + await _tell_clusters(
            database, entry.id, check_seconds, wait_seconds
        )
    finally:
        await database.close()


async def _tell_clusters(
    database: Database,
    taught_id: int,
    check_seconds: float,
    wait_seconds: float,
    done: str = "removed",
) -> str:
    if not database.shared:
        return (
            "A running bot on this SQLite file serves it until its next reload: /reload in "
            "Discord, or kill -HUP <pid>."
        )
    result = await announce_and_wait(
        database,
        f"{done} taught #{taught_id} (tensionbot learned)",
        check_seconds=check_seconds,
        wait_seconds=wait_seconds,
    )
    if result.total == 0:
        return "No cluster is running; they will read it when they start."
    return result.summary()


def remove_learned(
    url: DatabaseURL, taught_id: int, *, check_seconds: float = 5.0, wait_seconds: float = 5.0
) -> int:
    return _changed(url, _remove(url, taught_id, check_seconds, wait_seconds))


async def _promote(
    url: DatabaseURL, taught_id: int, check_seconds: float, wait_seconds: float
) -> tuple[bool, str]:
    database = await open_database(url)
    try:
        try:
            entry = await promote(database, taught_id)
        except TeachRefused as refused:
            return False, f"tensionbot: not promoted: {refused}"
        said = f"promoted #{entry.id} ({entry.label}) to every server: {_quoted(entry.text)}"
        return True, said + "\n" + await _tell_clusters(
            database, entry.id, check_seconds, wait_seconds, "promoted"
        )
    finally:
        await database.close()


def promote_learned(
    url: DatabaseURL, taught_id: int, *, check_seconds: float = 5.0, wait_seconds: float = 5.0
) -> int:
    return _changed(url, _promote(url, taught_id, check_seconds, wait_seconds))


def _changed(url: DatabaseURL, change: Coroutine[Any, Any, tuple[bool, str]]) -> int:
    """Run a change of the taught examples and say how it went: what it did on standard
    output (exit 0), why not on standard error (exit 1)."""
    try:
        done, said = asyncio.run(change)
    except StoreError as exc:
        print(f"tensionbot: cannot change {url}: {exc}", file=sys.stderr)
        return 1
    print(said, file=sys.stdout if done else sys.stderr)
    return 0 if done else 1


def export_learned(url: DatabaseURL, folder: Path) -> int:
    try:
        everything, _ = asyncio.run(_read(url))
    except StoreError as exc:
        print(f"tensionbot: cannot read {url}: {exc}", file=sys.stderr)
        return 1
    entries = [e for e in everything if not e.local]  # a server's own: promote it first
    if not entries:
        print("nothing taught yet; nothing to export")
        return 0
    try:
        done = export(folder, [t for e in entries if (t := as_taught(e)) is not None])
    except ExportError as exc:
        print(f"tensionbot: {exc}", file=sys.stderr)
        return 1
    for reason in done.skipped:
        print(f"not exported: {reason}", file=sys.stderr)
    if done.count:
        files = len(done.written)
        print(
            f"wrote {done.count} example{'s' if done.count != 1 else ''} into {files} "
            f"file{'s' if files != 1 else ''} of {folder}:"
        )
        for name, ids in done.written.items():
            print(f"  {name}: {', '.join(f'#{i}' for i in ids)}")
    if done.present:
        listed = ", ".join(f"#{i}" for i in done.present)
        print(f"already in the files: {listed}")
    if done.count or done.present:
        print(
            "Review and commit the files. The examples stay taught in the database; once the "
            "files are deployed, remove them with: tensionbot learned remove ID"
        )
    return 1 if done.skipped and not done.count else 0
