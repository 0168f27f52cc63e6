"""The shared store: the question log, votes, teaching, and the processes serving from one
database.

A :class:`Database` is one store per domain (``questions``, ``teaching``, ``clusters``)
over one small engine interface (:mod:`.engine`) with two engines: SQLite, the embedded
default, and PostgreSQL, for several processes (clusters) sharing one store. Above the
domains: the question log's batching writer (:mod:`.questionlog`) and the "knowledge
changed" signal between clusters (:mod:`.changes`). Nothing here imports discord.
"""

from __future__ import annotations

from .clusters import ClusterStatus
from .database import Database, open_database, open_written
from .errors import RowsRejectedError, SchemaTooNewError, StoreError
from .url import DatabaseURL, DatabaseURLError

__all__ = [
    "ClusterStatus",
    "Database",
    "DatabaseURL",
    "DatabaseURLError",
    "RowsRejectedError",
    "SchemaTooNewError",
    "StoreError",
    "open_database",
    "open_written",
]
