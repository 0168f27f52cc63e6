"""discord.py's lines about failed interactions: one line, no ids, at the level they deserve."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

import discord
import pytest

from bot.discord_app.quiet import QuietInteractionErrors, expired
from tests.discord_app.harness import SENTINEL, Harness
from tests.fakediscord import payloads as p


class FakeResponse:
    status = 404
    reason = "Not Found"


def unknown_interaction() -> discord.NotFound:
    return discord.NotFound(
        FakeResponse(),
        {"code": 10062, "message": "Unknown interaction"},
    )


def record(msg: str, args: tuple[Any, ...], error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except BaseException as exc:
        info = (type(exc), exc, exc.__traceback__)
    return logging.LogRecord(
        "discord.app_commands.tree", logging.ERROR, __file__, 1, msg, args, info
    )


def test_autocomplete_failures_lose_the_guild_and_user_ids() -> None:
    line = record(
        "Ignoring exception in autocomplete for %r (Guild: %s, User: %s)",
        ("tension", 1200000000000000001, 1300000000000000042),
        ValueError("boom\nsecond line"),
    )
    assert QuietInteractionErrors().filter(line)
    text = logging.Formatter().format(line)
    assert text == "autocomplete for 'tension' failed: ValueError: boom"
    assert "1300000000000000042" not in text
    assert "1200000000000000001" not in text


def test_an_expired_interaction_is_one_warning_line() -> None:
    wrapped = discord.app_commands.CommandInvokeError.__new__(
        discord.app_commands.CommandInvokeError
    )
    wrapped.original = unknown_interaction()
    wrapped.args = ("wrapped",)
    for error in (unknown_interaction(), wrapped):
        line = record("Ignoring exception in command %r", ("ask",), error)
        assert expired(error)
        QuietInteractionErrors().filter(line)
        text = logging.Formatter().format(line)
        assert line.levelno == logging.WARNING
        assert "\n" not in text
        assert "10062" in text


def test_other_failures_keep_their_traceback() -> None:
    line = record("Ignoring exception in command %r", ("ask",), RuntimeError("a bug"))
    QuietInteractionErrors().filter(line)
    assert line.levelno == logging.ERROR
    assert "Traceback" in logging.Formatter().format(line)


@pytest.mark.parametrize("code", [10008, 50035])
def test_only_10062_is_expiry(code: int) -> None:
    error = discord.NotFound(FakeResponse(), {"code": code, "message": "x"})
    assert not expired(error)


async def test_an_interaction_expired_at_discord_is_one_warning_at_the_wire(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    fake = harness.fake
    fake.fail(
        "POST", r"/interactions/\d+/[^/]+/callback", 404, code=10062, message="Unknown interaction"
    )
    caplog.set_level(logging.INFO)
    await fake.slash(fake.person("ann"), "ask", {"question": SENTINEL}, wait=False)
    for _ in range(200):  # until the bot has dealt with it (the log line is the only sign)
        if any("10062" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.05)
    expiry = [r for r in caplog.records if "10062" in r.getMessage()]
    assert len(expiry) == 1
    assert expiry[0].levelno == logging.WARNING
    assert expiry[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_failing_autocomplete_logs_one_line_without_ids_at_the_wire(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> list[tuple[str, str]]:
        raise RuntimeError("the index is gone")

    # The module the extension loaded (discord.py loads an extension as a module of its own).
    monkeypatch.setattr(sys.modules["bot.discord_app.exts.browse"], "complete", broken)
    fake = harness.fake
    person = fake.person("ann")
    caplog.set_level(logging.INFO)
    await fake.autocomplete(person, "tension", "name", "sae", wait=False)
    for _ in range(200):  # until the bot has dealt with it (the log line is the only sign)
        if any("autocomplete" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.05)
    [line] = [r for r in caplog.records if "autocomplete" in r.getMessage()]
    text = logging.Formatter().format(line)
    assert text == "autocomplete for 'tension' failed: RuntimeError: the index is gone"
    assert person["id"] not in text
    assert str(p.GUILD_ID) not in text
