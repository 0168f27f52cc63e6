"""Configuration from the environment and ``.env``, typed and validated once at start-up.

Every setting has the prefix ``TENSIONBOT_`` except the token, which takes the name every
Discord deployment guide uses, ``DISCORD_TOKEN``. The token is a ``SecretStr``: its value
appears in no repr, log line or error message.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .storage.url import DatabaseURL, DatabaseURLError

# A bot token is three dot-separated parts of URL-safe base64. Anything else (a "Bot "
# prefix, quotes, a client secret pasted by mistake) can never log in.
TOKEN_PATTERN: Final = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def bundled_knowledge_dir() -> Path:
    """The knowledge folder next to the package (a clone, an editable install, the image)."""
    here = Path(__file__).resolve().parent.parent / "knowledge"
    return here if here.is_dir() else Path("knowledge")


IdSet = Annotated[frozenset[int], NoDecode]
ShardIds = Annotated[tuple[int, ...] | None, NoDecode]


def parse_shard_ids(text: str) -> tuple[int, ...]:
    """``0-3``, ``4,5,6,7`` or a mix (``0-1,4``): sorted, each once."""
    ids: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        low, dash, high = part.partition("-")
        if dash:
            first, last = int(low), int(high)
            if last < first:
                raise ValueError(f"shard range {part} runs backwards")
            ids.update(range(first, last + 1))
        else:
            ids.add(int(part))
    if not ids:
        raise ValueError("no shard ids given")
    return tuple(sorted(ids))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TENSIONBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
    )

    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "TENSIONBOT_DISCORD_TOKEN")
    )
    knowledge_dir: Path = Field(default_factory=bundled_knowledge_dir)
    dev_guild_id: int | None = None
    answer_channel_ids: IdSet = frozenset()
    moderator_role_ids: IdSet = frozenset()
    cooldown_rate: int = Field(default=5, ge=1, description="answers per user per cooldown_seconds")
    cooldown_seconds: float = Field(default=60.0, gt=0)
    repeat_window_seconds: float = Field(default=60.0, ge=0)
    conversation_minutes: float = Field(
        default=10.0, ge=0, description="how long a follow-up leans on the last answer; 0 = off"
    )
    question_log_path: Path | None = Path("data/questions.sqlite3")
    # Wins over question_log_path when both are set. A SecretStr: it may hold a password.
    database_url: SecretStr | None = None
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: ShardIds = None
    sync_commands: bool = True
    reload_check_seconds: float = Field(default=5.0, gt=0)
    reload_confirm_seconds: float = Field(default=5.0, gt=0)
    log_retention_days: int = Field(default=90, ge=1)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    heartbeat_file: Path | None = None
    heartbeat_seconds: float = Field(default=5.0, gt=0)
    # The privileged Message Content intent: auto requests it only while some channel is
    # answered without a mention (here or in any server's /settings); on always; off never.
    message_content: Literal["auto", "on", "off"] = "auto"

    @field_validator("message_content", mode="before")
    @classmethod
    def _content_mode(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    # The authority ladder (see bot.discord_app.authority): people who run the bot besides
    # the application's owner and team, and the servers whose moderators curate for all.
    operator_ids: IdSet = frozenset()
    curator_guild_ids: IdSet = frozenset()
    forget_server_days: float = Field(
        default=30.0, ge=0, description="days after removal before a server's rows are deleted"
    )

    @field_validator(
        "answer_channel_ids",
        "moderator_role_ids",
        "operator_ids",
        "curator_guild_ids",
        mode="before",
    )
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept ``123,456`` (what people type into a .env) as well as a list."""
        if isinstance(value, str):
            parts = [p for p in re.split(r"[\s,]+", value.strip().strip("[]")) if p]
            if not all(p.isdigit() for p in parts):
                raise ValueError("expected ids (numbers) separated by commas, e.g. 123,456")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("question_log_path", mode="before")
    @classmethod
    def _empty_disables_log(cls, value: object) -> object:
        return None if value in ("", "none", "off") else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        try:
            DatabaseURL.parse(value.get_secret_value())
        except DatabaseURLError as exc:
            raise ValueError(str(exc)) from None
        return value

    @field_validator("shard_ids", mode="before")
    @classmethod
    def _shard_ids(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                return parse_shard_ids(value)
            except ValueError as exc:
                raise ValueError(
                    f"expected a range like 0-3 or a list like 4,5,6,7 ({exc})"
                ) from None
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("TENSIONBOT_SHARD_IDS needs TENSIONBOT_SHARD_COUNT as well")
            outside = [i for i in self.shard_ids if not 0 <= i < self.shard_count]
            if outside:
                raise ValueError(
                    f"shard ids {outside} are outside 0-{self.shard_count - 1} "
                    f"(TENSIONBOT_SHARD_COUNT={self.shard_count})"
                )
        return self

    @property
    def sharded(self) -> bool:
        return self.shard_count is not None

    def database(self) -> DatabaseURL | None:
        """Where the store is: the URL if set, else the SQLite path, else nowhere (off)."""
        if self.database_url is not None:
            return DatabaseURL.parse(self.database_url.get_secret_value())
        if self.question_log_path is not None:
            return DatabaseURL.sqlite(self.question_log_path)
        return None

    @field_validator("discord_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        if not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError(  # describe_settings_error names the variable
                "does not look like a bot token (three dot-separated parts, "
                "without a 'Bot ' prefix)"
            )
        return SecretStr(value.get_secret_value().strip())


def describe_settings_error(error: ValidationError) -> str:
    """One line per problem, never including the offending value (it may be the token)."""
    lines = []
    for item in error.errors(include_url=False, include_input=False):
        name = ".".join(str(p) for p in item["loc"]) or "settings"
        if name in Settings.model_fields:  # as the person set it: TENSIONBOT_COOLDOWN_RATE
            name = f"TENSIONBOT_{name.upper()}"
        message = str(item["msg"]).removeprefix("Value error, ")
        lines.append(f"{name}: {message}")
    return "; ".join(lines)
