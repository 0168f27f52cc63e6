"""Trained models, shared by the processes of one database: the first to train a knowledge
version keeps its model here, and the others load it instead of training again.

A model is keyed by the knowledge's fingerprint, the matcher's code and the semantic
model (see :mod:`bot.core.matching.model_cache`), so a key names exactly one model and a
row is never updated: the first writer wins, later writers of the same key change
nothing. Only the newest few are kept; every edit of the knowledge makes a new one.
"""

from __future__ import annotations

import time
from typing import Final

from .engine import Engine

KEPT: Final = 8


class ModelStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    async def get(self, key: str) -> bytes | None:
        rows = await self.engine.fetch("SELECT data FROM models WHERE key = ?", key)
        return bytes(rows[0][0]) if rows else None

    async def put(self, key: str, data: bytes) -> None:
        now = time.time()
        await self.engine.execute(
            "INSERT INTO models (key, ts, data) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
            key,
            now,
            data,
        )
        await self.engine.execute(
            "DELETE FROM models WHERE key NOT IN "
            f"(SELECT key FROM models ORDER BY ts DESC, key LIMIT {KEPT})"
        )
