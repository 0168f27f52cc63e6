"""dev.py on a machine whose Python cannot make a virtual environment with pip.

Debian and Ubuntu ship what ensurepip needs in a package of their own (python3-venv);
without it the new environment's ``python -m ensurepip`` exits non-zero after the
environment's Python is already in place. dev.py runs here with that one step failing the
same way (venv's call to ensurepip, replaced), so nothing is downloaded and the machine's
Python is left alone.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import yaml

from tests.conftest import ROOT

DEBIAN_WITHOUT_PYTHON3_VENV = """
import runpy, subprocess, sys, venv

def ensurepip_disabled(self, context):
    raise subprocess.CalledProcessError(
        1,
        [context.env_exec_cmd, "-m", "ensurepip"],
        b"ensurepip is disabled in Debian/Ubuntu for the system python",
    )

venv.EnvBuilder._setup_pip = ensurepip_disabled
sys.argv = ["dev.py", "--version"]
runpy.run_path(%r, run_name="__main__")
"""


def dev_py(target: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", DEBIAN_WITHOUT_PYTHON3_VENV % str(ROOT / "dev.py")],
        env={"PATH": "/usr/bin:/bin", "TENSIONBOT_VENV": str(target)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_failed_first_run_leaves_no_venv_and_says_what_to_install(tmp_path: Path) -> None:
    target = tmp_path / ".venv"
    done = dev_py(target)
    assert done.returncode != 0
    assert "sudo apt install python3-venv" in done.stderr
    assert "Traceback" not in done.stderr
    assert not target.exists()  # so the next run, once installed, starts clean


def test_a_half_made_venv_from_an_earlier_run_is_removed(tmp_path: Path) -> None:
    target = tmp_path / ".venv"
    venv.EnvBuilder(with_pip=False).create(target)  # what the failed first run left behind
    done = dev_py(target)
    assert f"{target} is incomplete (no pip in it); removing it" in done.stderr
    assert "No module named pip" not in done.stderr
    assert "sudo apt install python3-venv" in done.stderr
    assert not target.exists()


def test_a_folder_that_is_not_a_venv_is_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "precious"
    target.mkdir()
    (target / "notes.txt").write_text("keep me", "utf-8")
    done = dev_py(target)
    assert done.returncode != 0
    assert "is not a virtual environment; move it away" in done.stderr
    assert (target / "notes.txt").read_text("utf-8") == "keep me"


def test_pre_commit_runs_the_checks_dev_py_runs() -> None:
    """A commit is checked as CI checks it: the hooks and dev.py name the same commands."""
    import dev

    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text("utf-8"))
    entries = {hook["id"]: hook["entry"] for repo in config["repos"] for hook in repo["hooks"]}
    assert entries == {
        "ruff-check": ".venv/bin/ruff check --fix",
        "ruff-format": ".venv/bin/ruff format",
        "mypy": " ".join((".venv/bin/mypy", *dev.TYPED)),
    }
