"""The question commands installed to a person's own account, used where the bot is not.

Discord sends such an interaction from a server the bot is not in (authorised by the
person, with a partial guild), from a group DM, or from a DM between people. The answer is
the asker's alone there unless they post it; the moderators' commands never reach there.
"""

from __future__ import annotations

from tests.discord_app.harness import Harness
from tests.fakediscord import payloads as p

QUESTION = "does running an SAE slow inference down?"
TITLE = "Interpretability vs Efficiency"
USER_INSTALLABLE = {"ask", "tension", "interpretability", "efficiency", "capability"}
SERVER_ONLY = {"reload", "stats", "settings"}


async def test_a_user_installed_ask_in_a_server_the_bot_is_not_in_answers_ephemerally(
    harness: Harness,
) -> None:
    fake = harness.fake
    asker = fake.person("traveller")
    done = await fake.slash(asker, "ask", {"question": QUESTION}, channel_id=p.FOREIGN_CHANNEL_ID)
    assert done.ephemeral
    assert done.response["embeds"][0]["title"] == TITLE
    tension = await fake.slash(
        fake.person("other"),
        "tension",
        {"name": "interpretability-vs-efficiency"},
        channel_id=p.FOREIGN_CHANNEL_ID,
    )
    assert tension.ephemeral
    assert tension.response["embeds"][0]["title"] == TITLE


async def test_posting_for_everyone_where_the_server_allows_it(harness: Harness) -> None:
    fake = harness.fake
    posted = await fake.slash(
        fake.person("poster"),
        "ask",
        {"question": QUESTION, "public": True},
        channel_id=p.FOREIGN_CHANNEL_ID,
    )
    assert not posted.ephemeral
    assert posted.response["embeds"][0]["title"] == TITLE
    # A server that forbids external apps: Discord shows it to the asker only, and the bot
    # carries on as if it had been posted.
    forced = await fake.slash(
        fake.person("another"),
        "efficiency",
        {"public": True},
        channel_id=p.FOREIGN_CHANNEL_ID,
        external_apps_forbidden=True,
    )
    assert forced.ephemeral
    assert forced.response["embeds"][0]["title"]
    assert fake.rejected == []


async def test_in_a_group_dm_the_answer_is_the_askers(harness: Harness) -> None:
    fake = harness.fake
    done = await fake.slash(fake.person("friend"), "ask", {"question": QUESTION}, group=True)
    assert done.ephemeral
    assert done.response["embeds"][0]["title"] == TITLE
    # In the bot's own servers and DMs, an answer is posted as before.
    here = await fake.slash(fake.person("member"), "ask", {"question": QUESTION})
    assert not here.ephemeral
    dm = await fake.slash(fake.person("dm"), "ask", {"question": QUESTION}, dm=True)
    assert not dm.ephemeral


async def test_registration_declares_where_each_command_is_installed_and_used(
    harness: Harness,
) -> None:
    registered = {c["name"]: c for c in harness.fake.commands[None]}
    for name in USER_INSTALLABLE:
        assert registered[name]["integration_types"] == [0, 1], name
        assert registered[name]["contexts"] == [0, 1, 2], name
    for name in SERVER_ONLY | {"Teach tensionbot"}:
        assert registered[name]["integration_types"] == [0], name
        assert registered[name]["contexts"] == [0], name
    # Discord offers a person's own installation only what it may hold.
    payload = harness.fake._interaction_base(2, p.OWNER, p.FOREIGN_CHANNEL_ID, False)
    assert harness.fake.offered(registered["ask"], payload)
    assert not any(
        harness.fake.offered(registered[name], payload, permissions=False) for name in SERVER_ONLY
    )
