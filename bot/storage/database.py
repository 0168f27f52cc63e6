"""One open database: the engine underneath, and a store for each domain over it.

Callers hold a :class:`Database` and ask the domain they mean: ``database.questions``
(the question log and votes, and the report's queries), ``database.teaching`` (taught
examples and their audit trail), ``database.clusters`` (the processes sharing the
database and the knowledge generation they serve), ``database.models`` (trained models
the processes share), ``database.settings`` (what each server chose with ``/settings``),
``database.guilds`` (servers that removed the bot, and forgetting them). No domain knows
which engine it runs on; :func:`open_database` picks the engine from the URL, connects and
migrates.
"""

from __future__ import annotations

from .clusters import ClusterStore
from .engine import Engine
from .guilds import GuildStore
from .models import ModelStore
from .questions import QuestionStore
from .settings import SettingsStore
from .teaching import TeachingStore
from .url import DatabaseURL


class Database:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.questions = QuestionStore(engine)
        self.teaching = TeachingStore(engine)
        self.clusters = ClusterStore(engine)
        self.models = ModelStore(engine)
        self.settings = SettingsStore(engine)
        self.guilds = GuildStore(engine)

    @property
    def url(self) -> DatabaseURL:
        return self.engine.url

    @property
    def shared(self) -> bool:
        """True when other processes hear of a change the moment it is announced."""
        return self.engine.shared

    async def schema_version(self) -> int:
        return await self.engine.schema_version()

    async def migrate(self) -> int:
        """Bring the schema to the current version under a lock; returns the old version."""
        return await self.engine.migrate()

    async def close(self) -> None:
        await self.engine.close()


async def open_database(url: DatabaseURL, *, read_only: bool = False) -> Database:
    """Connect (and, unless read-only, migrate); raises :class:`StoreError`."""
    engine: Engine
    if url.engine == "sqlite":
        from .sqlite import SqliteEngine

        engine = await SqliteEngine.connect(url, read_only=read_only)
    else:
        from .postgres import PostgresEngine

        engine = await PostgresEngine.connect(url, read_only=read_only)
    database = Database(engine)
    if not read_only:
        try:
            await database.migrate()
        except BaseException:
            await database.close()
            raise
    return database


async def open_written(url: DatabaseURL, schema: int = 1) -> Database | None:
    """Open read-only a database the bot has written, at ``schema`` or later; None when
    there is nothing to read yet (a fresh checkout, or a bot too old to have written it),
    so that shell commands report "nothing yet" rather than an error."""
    if url.engine == "sqlite" and url.path is not None and not url.path.is_file():
        return None
    database = await open_database(url, read_only=True)
    try:
        version = await database.schema_version()
    except BaseException:
        await database.close()
        raise
    if version < schema:
        await database.close()
        return None
    return database
