"""The schema, as numbered migrations for each engine.

Each entry brings a database from version ``index`` to ``index + 1`` and runs in one
transaction, under a lock that a second process starting at the same moment waits for
(SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock). The waiting
process then reads the new version and has nothing left to do. The two engines keep the
same version numbers and the same tables; only the types differ.

To add a table, append one migration to *both* lists.
"""

from __future__ import annotations

from typing import Final

from .url import Engine

SQLITE: Final[tuple[tuple[str, ...], ...]] = (
    (  # 1: the question log (the layout every existing SQLite file has)
        """
        CREATE TABLE questions (
            id INTEGER PRIMARY KEY,
            ts REAL NOT NULL,
            guild_id INTEGER,
            channel_id INTEGER,
            route TEXT NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL,
            tension TEXT,
            goal TEXT,
            score REAL NOT NULL,
            answered INTEGER NOT NULL,
            knowledge TEXT
        )
        """,
        "CREATE INDEX questions_ts ON questions (ts)",
        """
        CREATE TABLE feedback (
            question_id INTEGER NOT NULL,
            voter TEXT NOT NULL,
            helpful INTEGER NOT NULL,
            ts REAL NOT NULL,
            PRIMARY KEY (question_id, voter)
        )
        """,
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (  # 2: processes sharing the database, and the knowledge-version row
        """
        CREATE TABLE clusters (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            label TEXT NOT NULL,
            started REAL NOT NULL,
            seen REAL NOT NULL,
            serving INTEGER NOT NULL DEFAULT 0,
            generation INTEGER NOT NULL DEFAULT 0,
            version TEXT,
            ok INTEGER NOT NULL DEFAULT 1
        )
        """,
        """
        CREATE TABLE knowledge_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            generation INTEGER NOT NULL,
            changed REAL NOT NULL,
            reason TEXT NOT NULL
        )
        """,
        "INSERT INTO knowledge_state (id, generation, changed, reason) VALUES (1, 0, 0, 'created')",
    ),
    (  # 3: examples moderators taught from Discord, and the audit trail of teaching
        """
        CREATE TABLE taught (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts REAL NOT NULL,
            guild_id INTEGER,
            label TEXT NOT NULL,
            text TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            moderator TEXT NOT NULL
        )
        """,
        "CREATE INDEX taught_label ON taught (label)",
        """
        CREATE TABLE teach_audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts REAL NOT NULL,
            guild_id INTEGER,
            action TEXT NOT NULL,
            taught_id INTEGER NOT NULL,
            label TEXT NOT NULL,
            text TEXT NOT NULL,
            moderator TEXT NOT NULL
        )
        """,
        "CREATE INDEX teach_audit_ts ON teach_audit (ts)",
        "CREATE INDEX teach_audit_moderator ON teach_audit (moderator, ts)",
    ),
)

POSTGRESQL: Final[tuple[tuple[str, ...], ...]] = (
    (
        """
        CREATE TABLE questions (
            id BIGINT PRIMARY KEY,
            ts DOUBLE PRECISION NOT NULL,
            guild_id BIGINT,
            channel_id BIGINT,
            route TEXT NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL,
            tension TEXT,
            goal TEXT,
            score DOUBLE PRECISION NOT NULL,
            answered BOOLEAN NOT NULL,
            knowledge TEXT
        )
        """,
        "CREATE INDEX questions_ts ON questions (ts)",
        """
        CREATE TABLE feedback (
            question_id BIGINT NOT NULL,
            voter TEXT NOT NULL,
            helpful BOOLEAN NOT NULL,
            ts DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (question_id, voter)
        )
        """,
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
    (
        """
        CREATE TABLE clusters (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            label TEXT NOT NULL,
            started DOUBLE PRECISION NOT NULL,
            seen DOUBLE PRECISION NOT NULL,
            serving BOOLEAN NOT NULL DEFAULT FALSE,
            generation BIGINT NOT NULL DEFAULT 0,
            version TEXT,
            ok BOOLEAN NOT NULL DEFAULT TRUE
        )
        """,
        """
        CREATE TABLE knowledge_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            generation BIGINT NOT NULL,
            changed DOUBLE PRECISION NOT NULL,
            reason TEXT NOT NULL
        )
        """,
        "INSERT INTO knowledge_state (id, generation, changed, reason) VALUES (1, 0, 0, 'created')",
    ),
    (
        """
        CREATE TABLE taught (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            ts DOUBLE PRECISION NOT NULL,
            guild_id BIGINT,
            label TEXT NOT NULL,
            text TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            moderator TEXT NOT NULL
        )
        """,
        "CREATE INDEX taught_label ON taught (label)",
        """
        CREATE TABLE teach_audit (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            ts DOUBLE PRECISION NOT NULL,
            guild_id BIGINT,
            action TEXT NOT NULL,
            taught_id BIGINT NOT NULL,
            label TEXT NOT NULL,
            text TEXT NOT NULL,
            moderator TEXT NOT NULL
        )
        """,
        "CREATE INDEX teach_audit_ts ON teach_audit (ts)",
        "CREATE INDEX teach_audit_moderator ON teach_audit (moderator, ts)",
    ),
)

MIGRATIONS: Final[dict[Engine, tuple[tuple[str, ...], ...]]] = {
    "sqlite": SQLITE,
    "postgresql": POSTGRESQL,
}
VERSION: Final = len(SQLITE)
assert len(POSTGRESQL) == VERSION, "both engines move through the same versions"
