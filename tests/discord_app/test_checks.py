"""Which server curates: the named ones, or, when none is named, the only one."""

from __future__ import annotations

from types import SimpleNamespace

from bot.discord_app.checks import is_curator_guild


def client(
    shard_count: int | None, guilds: list[int], named: frozenset[int] = frozenset()
) -> object:
    return SimpleNamespace(
        shard_count=shard_count,
        guilds=[SimpleNamespace(id=g) for g in guilds],
        settings=SimpleNamespace(curator_guild_ids=named),
    )


def test_a_bot_in_one_server_curates_there() -> None:
    assert is_curator_guild(client(None, [1]), 1)
    assert not is_curator_guild(client(None, [1, 2]), 1)
    assert not is_curator_guild(client(None, [1]), None)  # a DM curates nothing


def test_named_curator_servers_decide() -> None:
    assert is_curator_guild(client(4, [1, 2], frozenset({2})), 2)
    assert not is_curator_guild(client(None, [1], frozenset({2})), 1)
