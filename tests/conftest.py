"""Fixtures shared by every test: the bundled knowledge and throwaway knowledge folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core.knowledge.loader import load_or_raise
from bot.core.knowledge.model import Knowledge

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "knowledge"
DATA = Path(__file__).resolve().parent / "data"


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
