"""Turn knowledge and answers into cards a person can read at a glance."""

from __future__ import annotations

from functools import lru_cache

from bot.core import limits
from bot.core.formatting import bullets, clip, first_sentence, reading_block
from bot.core.knowledge.label import Kind, Label
from bot.core.knowledge.model import Knowledge
from bot.core.knowledge.schema import Tension
from bot.core.matching.answer import Answer
from bot.core.rendering.cards import Card, CardField, Link, fit

TENSION_AUTHOR = "Goal tension"
NEUTRAL_COLOUR = 0x5865F2
MUTED_COLOUR = 0x99AAB5
ELLIPSIS_MORE = "…and"


def tension_link(tension: Tension) -> Link:
    """The button that opens a tension's card, as every card offers them."""
    return Link(clip(tension.title, limits.BUTTON_LABEL), Label.tension(tension.id))


def tension_card(knowledge: Knowledge, tension: Tension, *, markdown: bool = True) -> Card:
    """The full answer for one tension: summary, the tradeoff with its figures, research."""
    name_a, name_b = knowledge.goal_names(tension)
    tradeoff_label = (
        "Known tradeoff" if tension.quantified else "Known tradeoff (not yet quantified)"
    )
    fields = [
        CardField(tradeoff_label, tension.tradeoff),
        CardField("Active research", bullets(tension.research)),
    ]
    if tension.reading:
        fields.append(
            CardField("Further reading", reading_block(tension.reading, markdown=markdown))
        )
    links = tuple(tension_link(other) for other in knowledge.related(tension))
    return fit(
        Card(
            title=tension.title,
            description=tension.summary,
            fields=tuple(fields),
            footer=f"{name_a} × {name_b} · {tension.id}",
            colour=knowledge.goals[tension.goals[0]].colour_value,
            author=TENSION_AUTHOR,
            links=links,
        )
    )


def goal_card(knowledge: Knowledge, goal_id: str) -> Card:
    """A goal's overview: what it is, and each tension it is part of."""
    goal = knowledge.goals[goal_id]
    tensions = knowledge.tensions_of(goal_id)
    if tensions:
        against = ", ".join(knowledge.goals[t.other_goal(goal_id)].name for t in tensions)
        lead = f"{goal.description}\n\nPulls against: **{clip(against, 1500)}**."
    else:
        lead = f"{goal.description}\n\nNo tension is documented for this goal yet."
    fields: list[CardField] = []
    budget = limits.EMBED_TOTAL - len(goal.name) - len(lead) - 200
    # The figures are the point of an answer, so the tradeoff is never cut short; the
    # summary shrinks to its first sentence when several tensions share the card.
    summary_room = 450 if len(tensions) <= 2 else 300
    shown = 0
    for tension in tensions:
        value = (
            clip(tension.summary, summary_room)
            if len(tensions) <= 2
            else first_sentence(tension.summary, summary_room)
        )
        value = f"{value}\n**Tradeoff:** {clip(tension.tradeoff, 500)}"
        field = CardField(tension.title, value)
        cost = len(field.name) + len(field.value)
        if shown >= limits.EMBED_FIELDS - 1 or cost > budget:
            break
        fields.append(field)
        budget -= cost
        shown += 1
    footer = f"{len(tensions)} tension{'s' if len(tensions) != 1 else ''} · {goal.id}"
    if shown < len(tensions):
        footer = (
            f"showing {shown} of {len(tensions)} tensions · ask about one to see it · {goal.id}"
        )
    return fit(
        Card(
            title=goal.name,
            description=lead,
            fields=tuple(fields),
            footer=footer,
            colour=goal.colour_value,
            author="Research goal",
            links=tuple(tension_link(t) for t in tensions),
        )
    )


def list_card(knowledge: Knowledge) -> Card:
    """Every tension, a line each, plus the goals they connect."""
    lines: list[str] = []
    room = limits.EMBED_DESCRIPTION - 200
    for index, tension in enumerate(knowledge.tensions.values()):
        line = f"**{tension.title}**: {first_sentence(tension.summary, 200)}"
        if len(line) + 1 > room:
            lines.append(
                f"{ELLIPSIS_MORE} {len(knowledge.tensions) - index} more; "
                "ask about a goal to narrow down"
            )
            break
        lines.append(line)
        room -= len(line) + 1
    goals = " · ".join(
        f"{goal.name} ({len(knowledge.tensions_of(goal.id))})" for goal in knowledge.goals.values()
    )
    count = len(knowledge.tensions)
    return fit(
        Card(
            title="Goal tensions",
            description="\n".join(lines) if lines else "No tensions are documented yet.",
            fields=(CardField("Goals (tensions each)", goals),),
            footer=f"{count} documented tension{'s' if count != 1 else ''} between "
            f"{len(knowledge.goals)} goals",
            colour=NEUTRAL_COLOUR,
            author="Improving one research goal often makes another harder",
            links=tuple(
                tension_link(t)
                for t in list(knowledge.tensions.values())[: limits.BUTTONS_PER_ROW * 4]
            ),
        )
    )


def none_card(knowledge: Knowledge, answer: Answer, *, list_command: str = "/tensions") -> Card:
    """No confident match: say so kindly, offer what came close, never echo the question.

    ``list_command`` is how the reader gets the full list where they are reading: the
    slash command in Discord, the ``tensionbot`` command in a terminal.
    """
    suggestions = [
        link for link in (_suggestion(knowledge, t) for t in answer.alternatives) if link
    ]
    if suggestions:
        lines = "\n".join(f"• {link.label}" for link in suggestions)
        description = f"I couldn't match that to one documented tension. Did you mean:\n{lines}"
    else:
        description = (
            "I answer questions about the known tradeoffs between AI-research goals "
            f"({', '.join(g.name for g in knowledge.goals.values())}). "
            "I couldn't match that to one of them."
        )
    return fit(
        Card(
            title="No matching tension",
            description=description,
            footer=_none_footer(knowledge, list_command),
            colour=MUTED_COLOUR,
            links=tuple(suggestions),
        )
    )


def _none_footer(knowledge: Knowledge, list_command: str) -> str:
    """A whole sentence that says what to try next, with a goal to ask about by name."""
    goal = next(iter(knowledge.goals.values()), None)
    example = f" such as {goal.name.lower()}" if goal is not None else ""
    return f"Try {list_command} for the full list, or ask about one goal{example}."


def _suggestion(knowledge: Knowledge, target_id: str) -> Link | None:
    """A "did you mean" suggestion (a tension or goal id) as its button."""
    for label in (Label.tension(target_id), Label.goal(target_id)):
        if label.known_in(knowledge):
            return Link(clip(label.title(knowledge), limits.BUTTON_LABEL), label)
    return None


def answer_card(
    knowledge: Knowledge, answer: Answer, *, markdown: bool = True, list_command: str = "/tensions"
) -> Card:
    """The card for any answer the matcher gives (``list_command``: see :func:`none_card`).

    Cards are immutable and depend only on the knowledge and what was decided, so the same
    answer reuses one card: in a burst of questions that saves rebuilding it, and every
    message holding its links shares one tuple of them.
    """
    alternatives = answer.alternatives if answer.kind is Kind.NONE else ()
    return _cached_card(
        knowledge, answer.kind, answer.tension, answer.goal, alternatives, markdown, list_command
    )


def forget_cards() -> None:
    """Drop the cached cards (after a reload), so the replaced knowledge can be freed."""
    _cached_card.cache_clear()


@lru_cache(maxsize=512)
def _cached_card(
    knowledge: Knowledge,
    kind: Kind,
    tension_id: str | None,
    goal_id: str | None,
    alternatives: tuple[str, ...],
    markdown: bool,
    list_command: str,
) -> Card:
    answer = Answer("", kind, 0.0, tension=tension_id, goal=goal_id, alternatives=alternatives)
    return _answer_card(knowledge, answer, markdown=markdown, list_command=list_command)


def _answer_card(
    knowledge: Knowledge, answer: Answer, *, markdown: bool, list_command: str
) -> Card:
    if answer.kind is Kind.TENSION and answer.tension is not None:
        tension = knowledge.tensions.get(answer.tension)
        if tension is not None:
            return tension_card(knowledge, tension, markdown=markdown)
    if answer.kind is Kind.GOAL and answer.goal is not None and answer.goal in knowledge.goals:
        return goal_card(knowledge, answer.goal)
    if answer.kind is Kind.LIST:
        return list_card(knowledge)
    return none_card(knowledge, answer, list_command=list_command)


def target_card(knowledge: Knowledge, target: Label, *, markdown: bool = True) -> Card | None:
    """The card behind a link, if its answer is still in the knowledge."""
    if not target.known_in(knowledge) or target.kind is Kind.NONE:
        return None
    if target.kind is Kind.TENSION:
        return tension_card(knowledge, knowledge.tensions[target.target], markdown=markdown)
    if target.kind is Kind.GOAL:
        return goal_card(knowledge, target.target)
    return list_card(knowledge)
