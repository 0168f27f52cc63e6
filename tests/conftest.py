"""Fixtures shared by every test: the bundled knowledge and throwaway knowledge folders."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.core.knowledge.loader import load_or_raise
from bot.core.knowledge.model import Knowledge
from bot.core.matching.matcher import Matcher
from bot.storage import DatabaseURL

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "knowledge"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session", autouse=True)
def _classifier_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One throwaway model cache for the whole run (subprocesses inherit it): tests never
    touch the user's cache, yet train the bundled knowledge's classifier only once."""
    before = os.environ.get("TENSIONBOT_CACHE_DIR")
    os.environ["TENSIONBOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("model-cache"))
    yield
    if before is None:
        del os.environ["TENSIONBOT_CACHE_DIR"]
    else:
        os.environ["TENSIONBOT_CACHE_DIR"] = before


@pytest.fixture(scope="session")
def bundled_dir() -> Path:
    return BUNDLED


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_or_raise(BUNDLED)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled knowledge, for tests that edit files."""
    target = tmp_path / "knowledge"
    shutil.copytree(BUNDLED, target)
    return target


@pytest.fixture
def write(knowledge_copy: Path) -> Callable[[str, str], Path]:
    """Write a file inside the copied knowledge folder and return its path."""

    def _write(relative: str, text: str) -> Path:
        path = knowledge_copy / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> DatabaseURL:
    """A new database on each engine in turn, for tests written once for both: a SQLite
    file in a folder that does not exist yet, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return DatabaseURL.sqlite(tmp_path / "new" / "questions.sqlite3")
    return DatabaseURL.parse(request.getfixturevalue("postgres_url"))


# The throwaway PostgreSQL server (postgres_server, postgres_url) for any test that needs one.
pytest_plugins = ["tests.support.pgserver"]


@pytest.fixture(scope="session")
def matcher_bundled(knowledge: Knowledge) -> Matcher:
    """The bundled knowledge's matcher, trained once for the run (the model cache keeps it)."""
    return Matcher(knowledge)
