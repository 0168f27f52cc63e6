"""What a database holds, read the same way from either engine: tables, columns, indexes."""

from __future__ import annotations

from bot.storage import Database

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
