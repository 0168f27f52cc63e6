"""Cheap checks over the Discord layer that need no network: config, commands, sync."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.core import limits
from bot.core.knowledge.loader import load_or_raise
from bot.discord_app.client import EXTENSIONS
from bot.discord_app.exts.goals import goal_commands
from bot.discord_app.sync import normalise
from bot.settings import Settings, describe_settings_error
from tests.conftest import BUNDLED
from tests.discord_app.harness import TOKEN


def test_every_extension_has_setup_and_no_command_name_is_taken_twice() -> None:
    names: list[str] = []
    for name in EXTENSIONS:
        module = importlib.import_module(name)
        assert callable(getattr(module, "setup", None)), name
        for value in vars(module).values():
            if isinstance(value, type):
                for attr in vars(value).values():
                    if hasattr(attr, "qualified_name") and getattr(attr, "parent", None) is None:
                        names.append(attr.name)  # a command, or a group (/settings …)
    names += [c.name for c in goal_commands(load_or_raise(BUNDLED))]
    assert len(names) == len(set(names)), names
    assert (
        set(names) - {c.name for c in goal_commands(load_or_raise(BUNDLED))}
        <= limits.BUILTIN_COMMANDS
    )
    assert len(names) <= limits.GLOBAL_COMMANDS


def test_goal_commands_are_capped_to_the_slots_discord_allows() -> None:
    from tests.support import synthetic

    commands = goal_commands(synthetic.build(5000))
    assert len(commands) == limits.GOAL_COMMAND_SLOTS


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TOKEN)
    monkeypatch.setenv("TENSIONBOT_ANSWER_CHANNEL_IDS", "123, 456")
    monkeypatch.setenv("TENSIONBOT_MODERATOR_ROLE_IDS", "[789]")
    monkeypatch.setenv("TENSIONBOT_KNOWLEDGE_DIR", str(tmp_path))
    settings = Settings(_env_file=None)
    assert settings.answer_channel_ids == {123, 456}
    assert settings.moderator_role_ids == {789}
    assert settings.knowledge_dir == tmp_path
    assert settings.conversation_minutes == 10  # the default
    assert settings.discord_token is not None
    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.model_dump())


def test_settings_from_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    env = tmp_path / ".env"
    env.write_text(
        f"DISCORD_TOKEN={TOKEN}\nTENSIONBOT_COOLDOWN_RATE=3\nTENSIONBOT_CONVERSATION_MINUTES=2.5\n",
        "utf-8",
    )
    settings = Settings(_env_file=env)
    assert settings.cooldown_rate == 3
    assert settings.conversation_minutes == 2.5
    assert settings.discord_token is not None


def test_settings_errors_never_show_the_value() -> None:
    secret = "Bot abc.def.this-is-a-secret-that-must-not-leak"
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None, DISCORD_TOKEN=secret)
    text = describe_settings_error(caught.value)
    assert secret not in text
    assert "does not look like a bot token" in text


def test_settings_errors_name_each_variable_once_as_it_is_set() -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(
            _env_file=None,
            DISCORD_TOKEN="not-a-token",
            cooldown_rate="abc",
            answer_channel_ids="123,general",
        )
    problems = describe_settings_error(caught.value).split("; ")
    assert problems[0] == (
        "DISCORD_TOKEN: does not look like a bot token (three dot-separated parts, "
        "without a 'Bot ' prefix)"
    )
    assert problems[1] == (
        "TENSIONBOT_ANSWER_CHANNEL_IDS: expected ids (numbers) separated by commas, e.g. 123,456"
    )
    assert problems[2].startswith("TENSIONBOT_COOLDOWN_RATE: ")


def test_normalise_ignores_what_discord_adds() -> None:
    local = {
        "name": "reload",
        "description": "Reload",
        "type": 1,
        "options": [],
        "nsfw": False,
        "dm_permission": False,
        "default_member_permissions": 32,
        "contexts": [0],
        "integration_types": [0],
    }
    remote = {
        **{k: v for k, v in local.items() if k != "dm_permission"},
        "id": "1",
        "application_id": "2",
        "version": "3",
        "default_member_permissions": "32",
    }
    assert normalise(local) == normalise(remote)
    assert normalise(local) != normalise({**remote, "description": "Reload the knowledge"})


def test_normalise_compares_where_a_command_is_installed_and_used() -> None:
    """A command made user-installable (or no longer) must be registered again."""
    base = {"name": "ask", "type": 1, "description": "Ask", "options": []}
    user = {**base, "integration_types": [1, 0], "contexts": [2, 0, 1]}
    same = {**base, "integration_types": [0, 1], "contexts": [0, 1, 2]}
    assert normalise(user) == normalise(same)
    assert normalise(user) != normalise({**base, "integration_types": [0], "contexts": [0, 1, 2]})
    assert normalise(user) != normalise({**base, "integration_types": [0, 1], "contexts": [0]})
    # Discord stores a command registered without integration_types as a server's.
    assert normalise(base) == normalise({**base, "integration_types": [0]})
