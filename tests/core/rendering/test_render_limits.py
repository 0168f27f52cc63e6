"""Whatever the data, a card fits in one Discord embed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core import limits
from bot.core.knowledge.label import Label, Section
from bot.core.knowledge.model import Knowledge
from bot.core.knowledge.schema import MAX_READING, MAX_RESEARCH, Goal, Reading, Tension
from bot.core.rendering.cards import Card, CardField, fit
from bot.core.rendering.focused import (
    NO_READING,
    goal_section_card,
    tension_section_card,
    unclear_follow_up_card,
)
from bot.core.rendering.render import goal_card, list_card, tension_card
from tests.support import synthetic


def assert_within_limits(card: Card) -> None:
    assert len(card.title) <= limits.EMBED_TITLE
    assert len(card.description) <= limits.EMBED_DESCRIPTION
    assert len(card.fields) <= limits.EMBED_FIELDS
    for field in card.fields:
        assert 0 < len(field.name) <= limits.EMBED_FIELD_NAME
        assert 0 < len(field.value) <= limits.EMBED_FIELD_VALUE
    assert len(card.footer) <= limits.EMBED_FOOTER
    assert len(card.author) <= limits.EMBED_AUTHOR
    assert card.total_chars() <= limits.EMBED_TOTAL
    assert len(card.links) <= limits.BUTTONS_PER_ROW * (limits.ACTION_ROWS - 1)
    for link in card.links:
        assert len(link.label) <= limits.BUTTON_LABEL


def test_bundled_cards_fit_and_show_the_figures(knowledge: Knowledge) -> None:
    for tension in knowledge.tensions.values():
        card = tension_card(knowledge, tension)
        assert_within_limits(card)
        assert card.description == tension.summary
        assert any(field.value == tension.tradeoff for field in card.fields)
    for goal_id in knowledge.goals:
        assert_within_limits(goal_card(knowledge, goal_id))
    assert_within_limits(list_card(knowledge))


def test_the_largest_valid_tension_still_fits() -> None:
    goals = [
        Goal(id=f"g{i}", name="N" * 40, description="d" * 100, colour="#000000") for i in range(2)
    ]
    reading = tuple(
        Reading(title="T" * 50, authors="A" * 20, year=2024, url="https://example.org/" + "x" * 20)
        for _ in range(MAX_READING)
    )
    tension = Tension(
        id="x" * 32,
        goals=("g0", "g1"),
        title="T" * 100,
        summary="s" * 1000,
        tradeoff="t" * 1000,
        quantified=True,
        research=tuple("r" * 120 for _ in range(MAX_RESEARCH)),
        reading=reading,
    )
    knowledge = Knowledge.build(goals, [tension])
    card = tension_card(knowledge, tension)
    assert_within_limits(card)
    # Nothing had to be cut: the schema's bounds alone keep a tension inside one embed.
    assert card.description == tension.summary
    assert [f.name for f in card.fields] == ["Known tradeoff", "Active research", "Further reading"]


def test_overviews_of_a_thousand_tensions_fit() -> None:
    knowledge = synthetic.build(1000)
    assert_within_limits(list_card(knowledge))
    busiest = max(knowledge.goals, key=lambda g: len(knowledge.tensions_of(g)))
    card = goal_card(knowledge, busiest)
    assert_within_limits(card)
    assert "showing" in card.footer


def test_focused_cards_fit_and_name_their_tension(knowledge: Knowledge) -> None:
    big = synthetic.build(1000)
    busiest = max(big.goals, key=lambda g: len(big.tensions_of(g)))
    for section in Section:
        for tension in knowledge.tensions.values():
            card = tension_section_card(knowledge, tension, section)
            assert_within_limits(card)
            assert card.title.startswith(tension.title)
            assert card.footer.endswith(tension.id)
        for goal_id in knowledge.goals:
            card = goal_section_card(knowledge, goal_id, section)
            assert_within_limits(card)
            assert card.title.startswith(knowledge.goals[goal_id].name)
        assert_within_limits(goal_section_card(big, busiest, section))
    targets = [Label.tension(t) for t in knowledge.tensions]
    for target in [*targets, Label.goal("calibration"), Label.tension("x")]:
        assert_within_limits(unclear_follow_up_card(knowledge, target))


def test_a_tension_without_reading_says_so(knowledge: Knowledge) -> None:
    tension = next(iter(knowledge.tensions.values())).model_copy(update={"reading": ()})
    card = tension_section_card(knowledge, tension, Section.READING)
    assert card.description == NO_READING


text = st.text(min_size=0, max_size=8000)


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=text,
    description=st.text(max_size=10_000),
    fields=st.lists(st.tuples(text, text), max_size=40),
    footer=text,
)
def test_fit_always_produces_a_sendable_card(
    title: str, description: str, fields: list[tuple[str, str]], footer: str
) -> None:
    card = fit(
        Card(
            title=title,
            description=description,
            fields=tuple(CardField(n, v) for n, v in fields),
            footer=footer,
        )
    )
    assert_within_limits(card)
