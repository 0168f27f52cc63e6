"""One part of an answer, for a follow-up that asks only for that part.

"Numbers?" after a tension gets its known tradeoff, not the whole card again; the title
still names the tension, because in a busy channel the card must make sense on its own.
A follow-up that reads as one but asks for nothing recognisable gets a short card that says
so and offers the last answer's buttons.
"""

from __future__ import annotations

from bot.core.formatting import bullets, reading_block
from bot.core.knowledge.label import Kind, Label, Section
from bot.core.knowledge.model import Knowledge
from bot.core.knowledge.schema import Tension
from bot.core.rendering.cards import Card, CardField, Link, fit
from bot.core.rendering.render import MUTED_COLOUR, TENSION_AUTHOR, tension_link

LABELS = {
    Section.TRADEOFF: "Known tradeoff",
    Section.RESEARCH: "Active research",
    Section.READING: "Further reading",
    Section.SUMMARY: "Why",
}
NO_READING = "No further reading is listed for this yet."


def _tension_links(knowledge: Knowledge, tension: Tension) -> tuple[Link, ...]:
    """The tension itself (the whole answer), then the tensions next to it."""
    return tuple(tension_link(t) for t in (tension, *knowledge.related(tension)))


def _goal_links(knowledge: Knowledge, goal_id: str) -> tuple[Link, ...]:
    return tuple(tension_link(t) for t in knowledge.tensions_of(goal_id))


def _part(tension: Tension, section: Section, *, markdown: bool) -> str:
    if section is Section.TRADEOFF:
        note = "" if tension.quantified else "\n\n*Not yet quantified.*"
        return tension.tradeoff + note
    if section is Section.RESEARCH:
        return bullets(tension.research)
    if section is Section.READING:
        return reading_block(tension.reading, markdown=markdown) if tension.reading else ""
    return tension.summary


def tension_section_card(
    knowledge: Knowledge, tension: Tension, section: Section, *, markdown: bool = True
) -> Card:
    name_a, name_b = knowledge.goal_names(tension)
    return fit(
        Card(
            title=f"{tension.title} · {LABELS[section]}",
            description=_part(tension, section, markdown=markdown) or NO_READING,
            footer=f"{name_a} × {name_b} · {tension.id}",
            colour=knowledge.goals[tension.goals[0]].colour_value,
            author=TENSION_AUTHOR,
            links=_tension_links(knowledge, tension),
        )
    )


def goal_section_card(
    knowledge: Knowledge, goal_id: str, section: Section, *, markdown: bool = True
) -> Card:
    """The same part of every tension of a goal, after an answer about the goal."""
    goal = knowledge.goals[goal_id]
    tensions = knowledge.tensions_of(goal_id)
    fields = tuple(
        CardField(t.title, text) for t in tensions if (text := _part(t, section, markdown=markdown))
    )
    if section is Section.SUMMARY:
        description = goal.description
    elif not fields:
        description = NO_READING if section is Section.READING else "No tension is documented."
    else:
        description = ""
    return fit(
        Card(
            title=f"{goal.name} · {LABELS[section]}",
            description=description,
            fields=fields,
            footer=f"{len(tensions)} tension{'s' if len(tensions) != 1 else ''} · {goal.id}",
            colour=goal.colour_value,
            author="Research goal",
            links=_goal_links(knowledge, goal_id),
        )
    )


def unclear_follow_up_card(knowledge: Knowledge, target: Label) -> Card:
    """A follow-up about the last answer (a tension or a goal) that fits no part."""
    key = target.target
    if target.kind is Kind.TENSION and key in knowledge.tensions:
        tension = knowledge.tensions[key]
        name, links = tension.title, _tension_links(knowledge, tension)
    elif target.kind is Kind.GOAL and key in knowledge.goals:
        name, links = knowledge.goals[key].name, _goal_links(knowledge, key)
    else:
        name, links = "that", ()
    return fit(
        Card(
            title="Not sure what you mean",
            description=(
                f"I couldn't tell what you'd like to know about **{name}**. Ask for the "
                "numbers, who's working on it, papers, or why; or pick an answer below."
            ),
            colour=MUTED_COLOUR,
            links=links,
        )
    )
