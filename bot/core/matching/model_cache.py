"""Trained models kept between runs, keyed by the knowledge and the code that trained them.

Training takes a fraction of a second for the bundled bank and seconds for a large one,
which ``tensionbot ask`` would pay on every call and every bot process on every start.
The same knowledge (its fingerprint) trained by the same code (the matching and text
packages' source), the same numpy and scipy, and the same semantic model gives the same
model, so it is stored once and loaded in milliseconds after that: in memory, on disk,
and (when clusters share a database) in the database, through a *shared store* the
Discord app lends the store, so the first cluster to train saves the others the work
(:func:`remember_bytes` takes a model another process trained, :func:`take_fresh` gives
the ones trained here to pass on).

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

_fresh: dict[str, Model[Any]] = {}  # trained here, not yet passed on to other processes


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
    if model is not None:
        _remember(key, model)
    return model


def has(key: str | None) -> bool:
    """Whether this process can recall the model without training it."""
    if key is None or key in _memory:
        return key is not None
    folder = cache_dir()
    return folder is not None and (folder / f"model-{key}.npz").is_file()


def remember_bytes(key: str, data: bytes, parse: Callable[[str], L]) -> bool:
    """Keep a model another process trained (as :meth:`Model.to_bytes` wrote it)."""
    try:
        model = Model.from_bytes(data, parse)
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        log.debug("shared model %s unusable (%s); training here", key, exc)
        return False
    _remember(key, model)
    folder = cache_dir()
    if folder is not None:
        _write(folder / f"model-{key}.npz", model)
    return True


def take_fresh() -> list[tuple[str, bytes]]:
    """The models trained here since the last call, as bytes, to pass on."""
    out = [(key, model.to_bytes()) for key, model in _fresh.items()]
    _fresh.clear()
    return out


def store(key: str | None, model: Model[Any]) -> None:
    """Keep a model just trained: in memory, on disk, and to pass on (:func:`take_fresh`)."""
    if key is None:
        return
    _remember(key, model)
    _fresh[key] = model
    while len(_fresh) > IN_MEMORY:
        _fresh.pop(next(iter(_fresh)))
    folder = cache_dir()
    if folder is not None:
        _write(folder / f"model-{key}.npz", model)


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
