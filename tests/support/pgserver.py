"""A throwaway PostgreSQL server for the tests: a temporary folder, a free port, then gone.

It uses the operating system's PostgreSQL (Debian's ``postgresql`` package, which
``.ci/run`` installs when it is missing). ``initdb`` refuses to run as root, so as root
the server runs as the ``postgres`` user. Without the binaries the tests that need the
server are skipped with the reason, except in CI (``CI=true``), where that is a failure:
CI must run them.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

USER = "tensionbot"
INSTALL_HINT = "install it with: apt-get install postgresql (as root; .ci/run does this)"


def find_bindir() -> Path | None:
    """The newest installed server's bin folder (Debian keeps it off PATH)."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable  # fsync on: for benchmarks; tests do not need it
        self.folder = Path(tempfile.mkdtemp(prefix="tensionbot-pg-"))
        self.data = self.folder / "data"
        # Distinctive, so a test can assert it never reaches a log.
        self.password = f"pw-{secrets.token_hex(8)}"
        self.port = 0
        self._as_user: list[str] = []
        self._names = itertools.count(1)
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*self._as_user, *args], capture_output=True, text=True, timeout=120, check=False
        )
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text("utf-8", "replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()[-2000:]}\n{tail}")

    def start(self) -> None:
        pwfile = self.folder / "pwfile"
        pwfile.write_text(self.password + "\n", "utf-8")
        if self._as_user:
            shutil.chown(pwfile, "postgres")
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            USER,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",
        )
        pwfile.unlink()
        for attempt in range(3):  # the free port can be taken between finding and binding
            self.port = free_port()
            options = (
                f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                "-c max_connections=200"
            )
            if not self.durable:
                options += " -c fsync=off -c full_page_writes=off"
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.folder / "server.log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
                return
            except RuntimeError:
                if attempt == 2:
                    raise

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database; returns its URL."""
        name = f"t{os.getpid()}_{next(self._names)}"
        done = subprocess.run(
            [
                str(self.bindir / "psql"),
                "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", "postgres",
                "-v", "ON_ERROR_STOP=1", "-q", "-c", f'CREATE DATABASE "{name}"',
            ],
            env={**os.environ, "PGPASSWORD": self.password},
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"cannot create a database: {done.stderr.strip()}")
        return self.url(name)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bindir = find_bindir()
    if bindir is None:
        message = f"PostgreSQL server not installed; {INSTALL_HINT}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the PostgreSQL tests: {message}", pytrace=False)
        pytest.skip(message)
    server = PostgresServer(bindir)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A URL to a fresh database on the test server."""
    return postgres_server.new_database()
