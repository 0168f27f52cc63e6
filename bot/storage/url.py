"""Where the shared store lives, read from one URL, and how to print it without the password.

``sqlite:///data/questions.sqlite3`` is a path relative to the working directory and
``sqlite:////srv/q.sqlite3`` an absolute one (three slashes, then the path, as SQLAlchemy
reads them). ``postgresql://user:password@host:5432/db`` goes to asyncpg as it is. The
password is kept out of every ``str``/``repr`` so that a log line or an error message
naming the database can never carry it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qs, parse_qsl, unquote, urlencode, urlsplit

EngineName = Literal["sqlite", "postgresql"]

SCHEMES: dict[str, EngineName] = {
    "sqlite": "sqlite",
    "postgresql": "postgresql",
    "postgres": "postgresql",
}


class DatabaseURLError(ValueError):
    """The URL cannot name a database; the message never repeats the URL itself."""


@dataclass(frozen=True)
class DatabaseURL:
    engine: EngineName
    dsn: str = field(repr=False)  # the URL as given: it may hold the password
    path: Path | None = None  # SQLite only

    @classmethod
    def parse(cls, text: str) -> DatabaseURL:
        text = text.strip()
        scheme, sep, rest = text.partition("://")
        if not sep or scheme.lower() not in SCHEMES:
            raise DatabaseURLError(
                "expected sqlite:///PATH (relative), sqlite:////PATH (absolute) or "
                "postgresql://USER:PASSWORD@HOST:PORT/DB"
            )
        engine = SCHEMES[scheme.lower()]
        if engine == "sqlite":
            if not rest.startswith("/") or len(rest) < 2:
                raise DatabaseURLError(
                    "a SQLite URL needs a file: sqlite:///data/questions.sqlite3"
                )
            return cls("sqlite", text, Path(unquote(rest[1:].split("?", 1)[0])))
        parts = urlsplit(text)
        try:
            _ = parts.port  # a port that is not a number is an error here, not at connect time
        except ValueError:
            raise DatabaseURLError("the port in the PostgreSQL URL is not a number") from None
        if not parts.hostname and "host=" not in parts.query:
            raise DatabaseURLError("a PostgreSQL URL needs a host: postgresql://USER@HOST/DB")
        return cls("postgresql", text, None)

    @classmethod
    def sqlite(cls, path: Path) -> DatabaseURL:
        return cls("sqlite", f"sqlite:///{path}", path)

    @property
    def password(self) -> str | None:
        """For the log redaction filter: the one secret a URL may hold, written either as
        ``user:password@host`` or, as libpq also allows, ``?password=...``."""
        if self.engine != "postgresql":
            return None
        parts = urlsplit(self.dsn)
        if parts.password:
            return unquote(parts.password)
        given = parse_qs(parts.query).get("password")
        return given[0] if given and given[0] else None

    def redacted(self) -> str:
        """The URL with its password replaced: safe for logs and messages."""
        if self.engine == "sqlite":
            return f"sqlite:///{self.path}"
        if self.password is None:
            return self.dsn
        parts = urlsplit(self.dsn)
        netloc = parts.netloc
        if parts.password is not None:
            netloc = f"{parts.username or ''}:***@{netloc.rpartition('@')[2]}"
        query = urlencode(
            [
                (key, "***" if key == "password" else value)
                for key, value in parse_qsl(parts.query, keep_blank_values=True)
            ],
            safe="*/",
        )
        # Spelled out: geturl() drops the "//" of an empty host ("postgresql:///db").
        return f"{parts.scheme}://{netloc}{parts.path}" + (f"?{query}" if query else "")

    def scrub(self, text: str) -> str:
        """Remove the password from a message a driver produced."""
        password = self.password
        if password:
            text = text.replace(self.dsn, self.redacted()).replace(password, "***")
        return text

    def __str__(self) -> str:
        return self.redacted()
