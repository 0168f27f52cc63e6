"""The schema, as one numbered list of migrations that both engines run.

Each :class:`Migration` brings a database from version ``number - 1`` to ``number`` and is
written once, for both engines: where their types differ, a statement names the type by
its role (``{int}``, ``{real}``, ``{bool}``, ``{serial}`` for a key the database numbers,
``{true}``, ``{false}`` and ``{bytes}``), and :func:`statements` spells it for the engine. So
there is one place to add a table, and the engines cannot drift apart by someone appending to one
list and forgetting the other (``tests/storage/test_schema.py`` checks that they end at
the same tables and columns).

Every engine runs the missing migrations in one transaction, under a lock that a second
process starting at the same moment waits for (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a
transaction-scoped advisory lock), and records the version it reached. The waiting
process then reads the new version and has nothing left to do.

To change the schema, append a migration; never edit one that has shipped, since
databases out there are already past it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from .url import EngineName


@dataclass(frozen=True)
class Migration:
    number: int
    purpose: str
    statements: tuple[str, ...]


# How each engine spells the types the statements name by role. SQLite's INTEGER PRIMARY
# KEY is the row id itself; AUTOINCREMENT keeps it from reusing the id of a deleted row.
TYPES: Final[dict[EngineName, dict[str, str]]] = {
    "sqlite": {
        "int": "INTEGER",
        "real": "REAL",
        "bool": "INTEGER",
        "serial": "INTEGER PRIMARY KEY AUTOINCREMENT",
        "true": "1",
        "false": "0",
        "bytes": "BLOB",
    },
    "postgresql": {
        "int": "BIGINT",
        "real": "DOUBLE PRECISION",
        "bool": "BOOLEAN",
        "serial": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
        "true": "TRUE",
        "false": "FALSE",
        "bytes": "BYTEA",
    },
}

MIGRATIONS: Final[tuple[Migration, ...]] = (
    Migration(
        1,
        "the question log (the layout every existing SQLite file has)",
        (
            """
            CREATE TABLE questions (
                id {int} PRIMARY KEY,
                ts {real} NOT NULL,
                guild_id {int},
                channel_id {int},
                route TEXT NOT NULL,
                text TEXT NOT NULL,
                kind TEXT NOT NULL,
                tension TEXT,
                goal TEXT,
                score {real} NOT NULL,
                answered {bool} NOT NULL,
                knowledge TEXT
            )
            """,
            "CREATE INDEX questions_ts ON questions (ts)",
            """
            CREATE TABLE feedback (
                question_id {int} NOT NULL,
                voter TEXT NOT NULL,
                helpful {bool} NOT NULL,
                ts {real} NOT NULL,
                PRIMARY KEY (question_id, voter)
            )
            """,
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ),
    ),
    Migration(
        2,
        "processes sharing the database, and the knowledge-version row",
        (
            """
            CREATE TABLE clusters (
                id {serial},
                label TEXT NOT NULL,
                started {real} NOT NULL,
                seen {real} NOT NULL,
                serving {bool} NOT NULL DEFAULT {false},
                generation {int} NOT NULL DEFAULT 0,
                version TEXT,
                ok {bool} NOT NULL DEFAULT {true}
            )
            """,
            """
            CREATE TABLE knowledge_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                generation {int} NOT NULL,
                changed {real} NOT NULL,
                reason TEXT NOT NULL
            )
            """,
            "INSERT INTO knowledge_state (id, generation, changed, reason)"
            " VALUES (1, 0, 0, 'created')",
        ),
    ),
    Migration(
        3,
        "examples moderators taught from Discord, and the audit trail of teaching",
        (
            """
            CREATE TABLE taught (
                id {serial},
                ts {real} NOT NULL,
                guild_id {int},
                label TEXT NOT NULL,
                text TEXT NOT NULL,
                key TEXT NOT NULL UNIQUE,
                moderator TEXT NOT NULL
            )
            """,
            "CREATE INDEX taught_label ON taught (label)",
            """
            CREATE TABLE teach_audit (
                id {serial},
                ts {real} NOT NULL,
                guild_id {int},
                action TEXT NOT NULL,
                taught_id {int} NOT NULL,
                label TEXT NOT NULL,
                text TEXT NOT NULL,
                moderator TEXT NOT NULL
            )
            """,
            "CREATE INDEX teach_audit_ts ON teach_audit (ts)",
            "CREATE INDEX teach_audit_moderator ON teach_audit (moderator, ts)",
        ),
    ),
    Migration(
        4,
        "trained models, so the processes sharing the database train each knowledge once",
        (
            """
            CREATE TABLE models (
                key TEXT PRIMARY KEY,
                ts {real} NOT NULL,
                data {bytes} NOT NULL
            )
            """,
        ),
    ),
    Migration(
        5,
        "one bot, many servers: each server's reads and teachings, and forgetting a server",
        (
            # NULL: taught into the shared bank; a server id: taught for that server alone.
            "ALTER TABLE taught ADD COLUMN local_guild {int}",
            "ALTER TABLE teach_audit ADD COLUMN local_guild {int}",
            "CREATE INDEX taught_local ON taught (local_guild)",
            # /stats reads one server's questions over a window.
            "CREATE INDEX questions_guild_ts ON questions (guild_id, ts)",
            "CREATE INDEX teach_audit_guild ON teach_audit (guild_id, ts)",
            # Servers that removed the bot: their rows go once ``forget_at`` has passed.
            """
            CREATE TABLE departed_guilds (
                guild_id {int} PRIMARY KEY,
                removed {real} NOT NULL,
                forget_at {real} NOT NULL
            )
            """,
            """
            CREATE TABLE forget_audit (
                id {serial},
                ts {real} NOT NULL,
                guild_id {int} NOT NULL,
                actor TEXT NOT NULL,
                questions {int} NOT NULL,
                votes {int} NOT NULL,
                taught {int} NOT NULL
            )
            """,
        ),
    ),
    Migration(
        6,
        "settings each server's moderators chose by /settings, and their audit trail",
        (
            """
            CREATE TABLE server_settings (
                guild_id {int} NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                ts {real} NOT NULL,
                PRIMARY KEY (guild_id, key)
            )
            """,
            """
            CREATE TABLE settings_audit (
                id {serial},
                ts {real} NOT NULL,
                guild_id {int} NOT NULL,
                key TEXT NOT NULL,
                value TEXT,
                moderator TEXT NOT NULL
            )
            """,
            "CREATE INDEX settings_audit_guild ON settings_audit (guild_id, id)",
        ),
    ),
)

VERSION: Final = len(MIGRATIONS)
assert [m.number for m in MIGRATIONS] == list(range(1, VERSION + 1)), "numbered 1, 2, 3, ..."


def statements(engine: EngineName, since: int, until: int = VERSION) -> list[str]:
    """The statements that take a database at version ``since`` to ``until``, for ``engine``."""
    types = TYPES[engine]
    return [
        statement.format_map(types)
        for migration in MIGRATIONS[since:until]
        for statement in migration.statements
    ]
