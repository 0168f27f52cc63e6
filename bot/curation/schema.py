"""The question log's tables, created and migrated by the bot itself.

``PRAGMA user_version`` holds the schema version; each migration moves it up by one and
runs in one transaction, so a database is always at exactly one known version.
"""

from __future__ import annotations

from typing import Final

# Each entry brings the database from version (index) to version (index + 1).
MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
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
)

VERSION: Final = len(MIGRATIONS)
