"""Both engines end at the same schema: the same tables, columns and indexes, in order.

The migrations are written once for both engines (bot/storage/migrations.py); this is the
check that the spelling per engine did not make them differ, and that a new migration
reaches both.
"""

from __future__ import annotations

from pathlib import Path

from bot.storage import DatabaseURL, open_database
from bot.storage.migrations import VERSION
from tests.support.schema import indexes, tables


async def test_sqlite_and_postgresql_end_at_the_same_tables_and_columns(
    tmp_path: Path, postgres_url: str
) -> None:
    found = []
    for url in (DatabaseURL.sqlite(tmp_path / "q.sqlite3"), DatabaseURL.parse(postgres_url)):
        database = await open_database(url)
        try:
            assert await database.schema_version() == VERSION
            found.append((await tables(database), await indexes(database)))
        finally:
            await database.close()
    (sqlite_tables, sqlite_indexes), (pg_tables, pg_indexes) = found
    assert sqlite_tables == pg_tables
    assert sqlite_indexes == pg_indexes
    assert set(sqlite_tables) == {
        "questions",
        "feedback",
        "meta",
        "clusters",
        "knowledge_state",
        "taught",
        "teach_audit",
        "models",
        "server_settings",
        "settings_audit",
        "departed_guilds",
        "forget_audit",
    }
    assert sqlite_indexes == {
        "questions_ts",
        "taught_label",
        "teach_audit_ts",
        "teach_audit_moderator",
        "settings_audit_guild",
        "taught_local",
        "questions_guild_ts",
        "teach_audit_guild",
    }
