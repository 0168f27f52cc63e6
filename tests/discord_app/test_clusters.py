"""Clusters sharing one PostgreSQL database: shards, the reload broadcast, command sync.

Two bots run in this test's event loop, each over one of two shards; the fake Discord
routes the guild's events to shard 1 and DMs to shard 0, as Discord does. The same, as
two real processes, is in test_clusters_wire.py.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import asyncpg

from bot.discord_app.client import ShardedTensionBot
from bot.storage import DatabaseURL, open_database
from tests.conftest import ROOT
from tests.discord_app.conftest import Pair, cluster
from tests.discord_app.scenes import NEW_QUESTION, add_tension, dm_answer
from tests.fakediscord import FakeDiscord
from tests.fakediscord import payloads as p


async def test_each_cluster_serves_its_shards_and_one_logs_for_both(pair: Pair) -> None:
    fake = pair.fake
    assert isinstance(pair.dm.bot, ShardedTensionBot)
    assert set(pair.dm.bot.shards) == {0}
    assert set(pair.guild.bot.shards) == {1}  # type: ignore[union-attr]
    assert len(fake.calls("PUT", r"/applications/\d+/commands")) == 1  # only one synced
    assert len(fake.calls("GET", r"/applications/\d+/commands")) == 1  # the other never asked
    before = len(fake.sent)
    await fake.say(fake.person("eve"), "does unlearning hurt capability?", mention_bot=True)
    await fake.say(fake.person("fay"), "is interpretability expensive?", dm=True)
    await fake.wait_until(lambda: len(fake.sent) >= before + 2)
    for harness in (pair.dm, pair.guild):
        await harness.bot.answerer.log.flush()  # type: ignore[union-attr]
    database = await open_database(DatabaseURL.parse(pair.url), read_only=True)
    try:
        rows = await database.engine.fetch(
            "SELECT guild_id, tension FROM questions ORDER BY guild_id"
        )
    finally:
        await database.close()
    assert sorted(rows, key=str) == sorted(
        [(p.GUILD_ID, "unlearning-vs-capability"), (None, "interpretability-vs-efficiency")],
        key=str,
    )


async def test_a_moderators_reload_reaches_every_cluster(pair: Pair) -> None:
    fake = pair.fake
    add_tension(pair.dm.settings.knowledge_dir)
    done = await fake.slash(fake.person("mod", roles=(p.MOD_ROLE_ID,)), "reload")
    description = done.response["embeds"][0]["description"]
    assert description.startswith("Reloaded in 2 of 2 clusters.")
    assert "1 tension added: calibration-vs-efficiency" in description
    # The other cluster (DMs) answers from the new knowledge, without a reload of its own.
    assert await dm_answer(fake, NEW_QUESTION) == "Calibration vs Efficiency"


async def test_a_cluster_that_refuses_the_files_is_reported(pair: Pair, tmp_path: Path) -> None:
    """Each cluster reads its own folder; a broken one keeps serving and says so."""
    assert pair.dm.bot is not None
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "goals.yaml").write_text("goals: [\n", "utf-8")
    pair.dm.bot.store.folder = elsewhere
    add_tension(pair.guild.settings.knowledge_dir)
    done = await pair.fake.slash(pair.fake.person("mod", roles=(p.MOD_ROLE_ID,)), "reload")
    description = done.response["embeds"][0]["description"]
    assert description.startswith("Reloaded in 1 of 2 clusters (1 refused the files")


async def test_a_change_whose_notification_was_lost_is_caught_up(
    fake: FakeDiscord, knowledge_copy: Path, postgres_url: str
) -> None:
    """By the timer, and by the listener when it reconnects."""
    timer = cluster(fake, knowledge_copy, postgres_url, 0, reload_check_seconds=0.2)
    listener = cluster(fake, knowledge_copy, postgres_url, 1, reload_check_seconds=60.0)
    await timer.start()
    await listener.start()
    try:
        add_tension(knowledge_copy)
        conn = await asyncpg.connect(postgres_url)
        try:
            # A change announced while nobody listened: the row moves, no notification.
            await conn.execute("UPDATE knowledge_state SET generation = generation + 1")
            # The listener's connection drops (a restart, a network blip) and comes back.
            await conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
        finally:
            await conn.close()
        for harness in (timer, listener):
            bot = harness.bot
            assert bot is not None
            for _ in range(100):
                if "calibration-vs-efficiency" in bot.store.snapshot.knowledge.tensions:
                    break
                await asyncio.sleep(0.05)
            assert "calibration-vs-efficiency" in bot.store.snapshot.knowledge.tensions
    finally:
        await listener.stop()
        await timer.stop()


async def test_tensionbot_reload_asks_every_cluster(pair: Pair) -> None:
    add_tension(pair.dm.settings.knowledge_dir)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "reload",
        "--db",
        pair.url,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    assert out.decode().splitlines()[0] == "reloaded in 2 of 2 clusters"
    assert "shards 0 of 2" in out.decode()
    password = DatabaseURL.parse(pair.url).password
    assert password is not None
    assert password not in out.decode() + err.decode()
    assert await dm_answer(pair.fake, NEW_QUESTION) == "Calibration vs Efficiency"


async def test_a_servers_settings_reach_every_cluster_within_the_broadcast(pair: Pair) -> None:
    """/settings in one cluster: the others serve the new settings within 2 s (the
    notification; their timer is a minute here), so a server whose shard moves to another
    cluster, or a setting read there, is never stale."""
    fake = pair.fake
    mod = fake.person("mod", roles=(p.MOD_ROLE_ID,))
    done = await fake.slash(
        mod,
        "settings",
        {"channel": ("channel", p.OTHER_ID), "mode": "open"},
        subcommand="channel",
    )
    assert "Saved." in done.response["embeds"][0]["description"]
    assert pair.dm.bot is not None
    elsewhere = pair.dm.bot.servers  # the DM cluster (shard 0) did not see the command

    async def opened() -> None:
        while elsewhere.of(p.GUILD_ID).channel_mode(p.OTHER_ID) != "open":  # noqa: ASYNC110
            await asyncio.sleep(0.02)  # polled: the cache is plain state, with no event

    await asyncio.wait_for(opened(), 2.0)
    # And the cluster that serves the server answers there without a mention.
    before = len(fake.sent)
    await fake.say(fake.person("asker"), "does running an SAE slow inference down?",
                   channel_id=p.OTHER_ID)  # fmt: skip
    reply = await fake.next_message(before)
    assert reply["embeds"][0]["title"] == "Interpretability vs Efficiency"
