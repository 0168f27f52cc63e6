"""Trained models kept between runs, keyed by the knowledge and the code that trained them.

Training takes a fraction of a second for the bundled bank and seconds for a large one,
which ``tensionbot ask`` would pay on every call and every bot process on every start.
The same knowledge (its fingerprint) trained by the same code (the matching and text
packages' source), the same numpy and scipy, and the same semantic model gives the same
model, so it is stored once and loaded in milliseconds after that: in memory, on disk,
and (when clusters share a database) in the database, through a *shared store* the
Discord app sets, so the first cluster to train saves the others the work.

The cache is an optimisation only: a missing, unreadable, corrupt or unwritable cache
means training again, never an error. ``TENSIONBOT_CACHE_DIR`` chooses the folder (empty
turns the disk cache off); the default follows the XDG convention.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Final, cast

import numpy as np
import scipy

from bot.core.matching.model import L, Model

log = logging.getLogger(__name__)

IN_MEMORY: Final = 4  # knowledge versions a process keeps trained models for
ON_DISK: Final = 8
_memory: OrderedDict[str, Model[Any]] = OrderedDict()

# Set by an adapter that can share models between processes (the shared database):
# ``read(key)`` returns a model's bytes or None, ``write(key, bytes)`` keeps them.
SharedRead = Callable[[str], bytes | None]
SharedWrite = Callable[[str, bytes], None]
_shared: list[tuple[SharedRead, SharedWrite]] = []


def share_through(read: SharedRead, write: SharedWrite) -> None:
    """Also look models up in, and store them into, a store other processes share."""
    _shared.clear()
    _shared.append((read, write))


def cache_dir() -> Path | None:
    configured = os.environ.get("TENSIONBOT_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tensionbot"


@cache
def code_version() -> str:
    """The source of the packages a model depends on, and numpy's and scipy's versions."""
    digest = hashlib.sha256(f"{np.__version__} {scipy.__version__}".encode())
    core = Path(__file__).parent.parent
    for path in sorted([*core.glob("matching/*.py"), *core.glob("text/*.py")]):
        digest.update(str(path.relative_to(core)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key_for(fingerprint: str, semantic: str, what: str = "answers") -> str | None:
    """No key (so no caching) for knowledge built in memory without a fingerprint;
    ``what`` the model tells apart (answers, or the parts a follow-up asks for)."""
    if not fingerprint:
        return None
    tail = hashlib.sha256(f"{semantic} {what}".encode()).hexdigest()[:8]
    return f"{fingerprint}-{code_version()}-{tail}"


def recall(key: str | None, parse: Callable[[str], L]) -> Model[L] | None:
    """The model stored under ``key`` (``parse`` reads its labels), or None."""
    if key is None:
        return None
    if key in _memory:
        _memory.move_to_end(key)
        return cast("Model[L]", _memory[key])
    folder = cache_dir()
    model = _read(folder / f"model-{key}.npz", parse) if folder else None
    if model is None:
        model = _from_shared(key, parse)
        if model is not None and folder is not None:
            _write(folder / f"model-{key}.npz", model)
    if model is not None:
        _remember(key, model)
    return model


def store(key: str | None, model: Model[Any]) -> None:
    if key is None:
        return
    _remember(key, model)
    folder = cache_dir()
    if folder is not None:
        _write(folder / f"model-{key}.npz", model)
    for _, write in _shared:
        try:
            write(key, model.to_bytes())
        except Exception as exc:  # whatever the store did: this process has its model
            log.debug("model %s not shared (%s)", key, exc)


def _from_shared(key: str, parse: Callable[[str], L]) -> Model[L] | None:
    for read, _ in _shared:
        try:
            data = read(key)
            return Model.from_bytes(data, parse) if data else None
        except Exception as exc:  # an unreadable shared model means training here
            log.debug("shared model %s unusable (%s)", key, exc)
    return None


def _remember(key: str, model: Model[Any]) -> None:
    _memory[key] = model
    _memory.move_to_end(key)
    while len(_memory) > IN_MEMORY:
        _memory.popitem(last=False)


def _read(path: Path, parse: Callable[[str], L]) -> Model[L] | None:
    try:
        return Model.from_bytes(path.read_bytes(), parse)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        log.debug("model cache %s unusable (%s); training again", path, exc)
        return None


def _write(path: Path, model: Model[Any]) -> None:
    """Write atomically, so a concurrent reader sees the old file or the whole new one."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as f:
            temporary = f.name
            f.write(model.to_bytes())
        os.replace(temporary, path)
        _prune(path.parent)
    except OSError as exc:
        log.debug("model cache %s not written (%s)", path, exc)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _prune(folder: Path) -> None:
    """Keep the newest few models: every edit of the knowledge makes a new one. A temporary
    file an hour old was left by a process killed while writing it."""
    models = sorted(folder.glob("model-*.npz"), key=lambda p: p.stat().st_mtime)
    stale = [p for p in folder.glob("*.tmp") if time.time() - p.stat().st_mtime > 3600]
    for old in models[:-ON_DISK] + stale:
        with contextlib.suppress(OSError):
            old.unlink()
