"""Both engines end at the same schema: the same tables, columns and indexes, in order.

The migrations are written once for both engines (bot/storage/migrations.py); this is the
check that the spelling per engine did not make them differ, and that a new migration
reaches both.
"""

from __future__ import annotations

from pathlib import Path

from bot.storage import Database, DatabaseURL, open_database
from bot.storage.migrations import VERSION

# Bookkeeping of the engine itself, not of the bot: PostgreSQL keeps the schema version in
# a table (SQLite in PRAGMA user_version), SQLite counts AUTOINCREMENT ids in one.
ENGINE_TABLES = {"tensionbot_schema", "sqlite_sequence"}

Schema = dict[str, tuple[str, ...]]


async def tables(database: Database) -> Schema:
    """Each table's columns, in their order."""
    fetch = database.engine.fetch
    if database.url.engine == "sqlite":
        names = [r[0] for r in await fetch("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            str(name): tuple(str(c[1]) for c in await fetch(f"PRAGMA table_info({name})"))
            for name in names
            if name not in ENGINE_TABLES
        }
    rows = await fetch(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    found: dict[str, tuple[str, ...]] = {}
    for table, column in rows:
        if table not in ENGINE_TABLES:
            found[str(table)] = (*found.get(str(table), ()), str(column))
    return found


async def indexes(database: Database) -> set[str]:
    """The indexes the migrations created (not those the engines make for keys)."""
    fetch = database.engine.fetch
    if database.url.engine == "sqlite":
        rows = await fetch(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    else:
        rows = await fetch(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexname NOT LIKE '%\\_pkey' AND indexname NOT LIKE '%\\_key'"
        )
    return {str(r[0]) for r in rows}


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
    }
    assert sqlite_indexes == {
        "questions_ts",
        "taught_label",
        "teach_audit_ts",
        "teach_audit_moderator",
    }
