"""A server's own taught examples answer in that server alone: the same text, or the same
meaning (nearest neighbour over the semantic reading), and nothing else."""

from __future__ import annotations

from bot.core.knowledge.label import Label
from bot.core.knowledge.model import Knowledge, Taught
from bot.core.matching.local import LocalBank, LocalTaught
from bot.core.matching.matcher import Matcher

A, B = 1, 2
TAUGHT = Label.parse("tension:capability-vs-efficiency")


def bank(knowledge: Knowledge, matcher: Matcher) -> LocalBank:
    examples = [LocalTaught(B, Taught(1, TAUGHT, "gold-plated or thrifty, which wins?"))]
    return LocalBank.of(knowledge, examples, matcher.embeddings)


def test_the_same_text_and_its_paraphrases_answer_in_that_server(
    knowledge: Knowledge, matcher_bundled: Matcher
) -> None:
    local = bank(knowledge, matcher_bundled)
    overlay = local.for_guild(B)
    assert overlay is not None
    for text in ("Gold-plated or thrifty, which wins", "which wins, gold-plated or thrifty?"):
        found = overlay.match(text, knowledge, matcher_bundled.embeddings)
        assert found is not None
        assert found.tension == "capability-vs-efficiency"
    for text in ("does running an SAE slow inference down?", "thanks!"):
        assert overlay.match(text, knowledge, matcher_bundled.embeddings) is None


def test_other_servers_and_dms_have_no_overlay(
    knowledge: Knowledge, matcher_bundled: Matcher
) -> None:
    local = bank(knowledge, matcher_bundled)
    assert local.for_guild(A) is None
    assert local.for_guild(None) is None
    assert local.without_guild(B).for_guild(B) is None


def test_a_label_the_knowledge_lost_is_dropped(
    knowledge: Knowledge, matcher_bundled: Matcher
) -> None:
    gone = [LocalTaught(B, Taught(1, Label.parse("tension:no-such-thing"), "what?"))]
    assert LocalBank.of(knowledge, gone, matcher_bundled.embeddings).for_guild(B) is None
