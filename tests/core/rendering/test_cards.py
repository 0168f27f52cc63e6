"""Several answers in one message: Discord's limits for a message hold, nothing is lost."""

from __future__ import annotations

from bot.core import limits
from bot.core.knowledge.label import Label
from bot.core.rendering.cards import Card, CardField, Link, together


def _card(title: str) -> Card:
    fields = tuple(CardField(f"field {n}", "v" * 600) for n in range(3))
    return Card(title, "d" * 100, fields=fields, footer="f", links=(_link("elsewhere"),))


def _link(title: str) -> Link:
    return Link(title, Label.tension(title.replace(" ", "-")))


def test_further_answers_go_whole_then_brief_then_as_buttons() -> None:
    first = Card("first", "d" * 1000, links=(_link("elsewhere"), _link("more 0")))
    further = [(_card(f"more {n}"), _link(f"more {n}")) for n in range(6)]
    cards = together(first, further)
    assert [card.title for card in cards] == ["first", "more 0", "more 1", "more 2"]
    assert [len(card.fields) for card in cards[1:]] == [3, 3, 1]  # the last one in brief
    assert all(not card.links for card in cards[1:])  # one message, one set of buttons
    assert sum(card.total_chars() for card in cards) <= limits.EMBED_TOTAL
    offered = [link.label for link in cards[0].links]
    assert offered == ["more 3", "more 4", "more 5", "elsewhere"]  # "more 0" is shown


def test_never_more_than_ten_embeds() -> None:
    small = [(Card(f"more {n}", "short"), _link(f"more {n}")) for n in range(14)]
    cards = together(Card("first"), small)
    assert len(cards) == limits.EMBEDS_PER_MESSAGE
    assert [link.label for link in cards[0].links] == [f"more {n}" for n in range(9, 14)]


def test_a_single_answer_is_left_as_it_is() -> None:
    first = _card("only")
    assert together(first, []) == (first,)
