from __future__ import annotations

from tests.discord.harness import Harness
from tests.fakediscord import payloads as p


async def test_mention_gets_an_embed(harness: Harness) -> None:
    fake = harness.fake
    alice = fake.person("alice")
    before = len(fake.sent)
    question = await fake.say(alice, "does running an SAE slow inference down?", mention_bot=True)
    reply = await fake.next_message(before)
    assert reply["replied_to"] == question
    assert reply["embeds"][0]["title"] == "Interpretability vs Efficiency"
    assert reply["channel_id"] == str(p.GENERAL_ID)
