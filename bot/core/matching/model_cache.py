"""Trained classifiers kept between runs, keyed by the knowledge and the code that trained them.

Training takes most of a second for the bundled bank, which ``tensionbot ask`` would
pay on every call and every bot process on every start. The same knowledge (its files'
fingerprint) trained by the same code (the matching package's source) and the same numpy
gives the same model, so it is stored once and loaded in milliseconds after that.

The cache is an optimisation only: a missing, unreadable, corrupt or unwritable cache
means training again, never an error. ``TENSIONBOT_CACHE_DIR`` chooses the folder (empty
turns the disk cache off); the default follows the XDG convention.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
import zipfile
from collections import OrderedDict
from functools import cache
from pathlib import Path
from typing import Final

import numpy as np

from bot.core.knowledge.label import Label
from bot.core.matching.classifier import LinearClassifier, Vocabulary
from bot.core.matching.features import Concepts

log = logging.getLogger(__name__)

IN_MEMORY: Final = 4  # knowledge versions a process keeps trained models for
ON_DISK: Final = 8
_memory: OrderedDict[str, LinearClassifier] = OrderedDict()


def cache_dir() -> Path | None:
    configured = os.environ.get("TENSIONBOT_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "tensionbot"


@cache
def code_version() -> str:
    """The source of the packages a model depends on (matching, and the text reading it
    reads examples with) and numpy's version."""
    digest = hashlib.sha256(np.__version__.encode())
    core = Path(__file__).parent.parent
    for path in sorted([*core.glob("matching/*.py"), *core.glob("text/*.py")]):
        digest.update(str(path.relative_to(core)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def key_for(fingerprint: str) -> str | None:
    """No key (so no caching) for knowledge built in memory without a fingerprint."""
    return f"{fingerprint}-{code_version()}" if fingerprint else None


def recall(key: str | None, concepts: Concepts) -> LinearClassifier | None:
    if key is None:
        return None
    if key in _memory:
        _memory.move_to_end(key)
        return _memory[key]
    folder = cache_dir()
    model = _read(folder / f"classifier-{key}.npz", concepts) if folder else None
    if model is not None:
        _remember(key, model)
    return model


def store(key: str | None, model: LinearClassifier) -> None:
    if key is None:
        return
    _remember(key, model)
    folder = cache_dir()
    if folder is not None:
        _write(folder / f"classifier-{key}.npz", model)


def _remember(key: str, model: LinearClassifier) -> None:
    _memory[key] = model
    _memory.move_to_end(key)
    while len(_memory) > IN_MEMORY:
        _memory.popitem(last=False)


def _read(path: Path, concepts: Concepts) -> LinearClassifier | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            labels = tuple(Label.parse(x) for x in json.loads(str(data["labels"])))
            columns = json.loads(str(data["columns"]))
            vocabulary = Vocabulary({f: i for i, f in enumerate(columns)}, data["idf"])
            return LinearClassifier(labels, vocabulary, data["weights"], data["bias"], concepts)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        log.debug("classifier cache %s unusable (%s); training again", path, exc)
        return None


def _write(path: Path, model: LinearClassifier) -> None:
    """Write atomically, so a concurrent reader sees the old file or the whole new one."""
    columns = sorted(model.vocabulary.columns, key=model.vocabulary.columns.__getitem__)
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as f:
            temporary = f.name
            np.savez(
                f,
                labels=np.array(json.dumps([str(x) for x in model.labels])),
                columns=np.array(json.dumps(columns)),
                idf=model.vocabulary.idf,
                weights=model.weights,
                bias=model.bias,
            )
        os.replace(temporary, path)
        _prune(path.parent)
    except OSError as exc:
        log.debug("classifier cache %s not written (%s)", path, exc)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _prune(folder: Path) -> None:
    """Keep the newest few models: every edit of the knowledge makes a new one. A temporary
    file an hour old was left by a process killed while writing it."""
    models = sorted(folder.glob("classifier-*.npz"), key=lambda p: p.stat().st_mtime)
    stale = [p for p in folder.glob("*.tmp") if time.time() - p.stat().st_mtime > 3600]
    for old in models[:-ON_DISK] + stale:
        with contextlib.suppress(OSError):
            old.unlink()
