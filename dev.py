#!/usr/bin/env python3
"""One entry point for a fresh clone: it makes its own virtual environment, then runs.

    python3 dev.py ask "does running an SAE slow inference down?"
    python3 dev.py test

Anything other than ``test`` is passed to the ``tensionbot`` command. Only the Python
standard library is used here, because nothing else is installed yet.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("TENSIONBOT_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def _run(*cmd: str | Path) -> None:
    result = subprocess.run([str(c) for c in cmd], cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def _marker(extras: str) -> Path:
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    return VENV / f".installed-{stamp[:16]}"


NO_VENV: str = """dev.py: this Python cannot make a virtual environment with pip in it ({why}).
On Debian and Ubuntu that part of Python is a package of its own; install it, then run
dev.py again:
    sudo apt install python3-venv    (or python3.{minor}-venv for this Python)"""


def _has_pip() -> bool:
    if not PYTHON.exists():
        return False
    found = subprocess.run(
        [str(PYTHON), "-m", "pip", "--version"], capture_output=True, check=False
    )
    return found.returncode == 0


def _remove_half_made() -> None:
    """An earlier attempt may have left a .venv without pip; every run would then fail."""
    if not VENV.exists() or _has_pip():
        return
    if not (VENV / "pyvenv.cfg").exists() and any(VENV.iterdir()):
        raise SystemExit(f"dev.py: {VENV} exists but is not a virtual environment; move it away")
    print(f"dev.py: {VENV} is incomplete (no pip in it); removing it", file=sys.stderr)
    shutil.rmtree(VENV)


def _create() -> None:
    print(f"dev.py: creating {VENV}", file=sys.stderr)
    minor = sys.version_info.minor
    try:
        venv.EnvBuilder(with_pip=True).create(VENV)
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(VENV, ignore_errors=True)
        why = "ensurepip failed" if isinstance(exc, subprocess.CalledProcessError) else str(exc)
        raise SystemExit(NO_VENV.format(why=why, minor=minor)) from None
    if not _has_pip():
        shutil.rmtree(VENV, ignore_errors=True)
        raise SystemExit(NO_VENV.format(why="pip is missing from it", minor=minor))


def ensure_venv(extras: str, *, also_enough: tuple[str, ...] = ()) -> None:
    """Create .venv and install the project, again only when pyproject.toml changes."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs before anything checks it
        raise SystemExit(f"tensionbot needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if PYTHON.exists() and any(_marker(e).exists() for e in (extras, *also_enough)):
        return
    _remove_half_made()
    if not PYTHON.exists():
        _create()
    wanted = f".[{extras}]" if extras else "."
    print(f"dev.py: installing {wanted} into {VENV}", file=sys.stderr)
    _run(PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", wanted)
    for old in VENV.glob(".installed-*"):
        old.unlink()
    _marker(extras).touch()


def ensure_postgresql() -> None:
    """The PostgreSQL tests need a real server; as root with apt, install Debian's.

    Elsewhere (no root, no apt) those tests skip with the reason, except under CI=true,
    where they fail: CI must run them.
    """
    if any(Path("/usr/lib/postgresql").glob("*/bin/initdb")) or shutil.which("initdb"):
        return
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        print("dev.py: PostgreSQL is not installed; its tests will be skipped", file=sys.stderr)
        return
    print("dev.py: installing PostgreSQL (Debian's postgresql package)", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
    ):
        if subprocess.run(command, env=env, check=False).returncode != 0:
            print("dev.py: could not install PostgreSQL", file=sys.stderr)
            return


# What mypy checks (strict, as pyproject.toml says); .pre-commit-config.yaml runs the same.
TYPED = ("bot", "tests", "benchmarks")


def test(args: list[str]) -> None:
    """Lint, type-check, then the whole test suite: exactly what CI runs."""
    ensure_venv("test,dev")
    ensure_postgresql()
    _run(BIN / "ruff", "check", ".")
    _run(BIN / "ruff", "format", "--check", ".")
    _run(BIN / "mypy", *TYPED)
    _run(PYTHON, "-m", "pytest", *args)


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["test"]:
        test(args[1:])
        return
    ensure_venv("", also_enough=("test,dev",))
    result = subprocess.run([str(BIN / "tensionbot"), *args], check=False)
    raise SystemExit(result.returncode)


if __name__ == "__main__":
    main()
