"""The shape of the knowledge files, enforced strictly.

Moderators edit these files by hand, so every rule here exists to turn a silent mistake
into a clear error: unknown keys are refused (``sumary:`` is a typo, not extra data),
ids must be usable as slash-command names, and every text is bounded so that any entry
that validates can be sent to Discord without being cut.
"""

from __future__ import annotations

from typing import Annotated, Final

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from bot.core import limits
from bot.core.formatting import bullets, reading_block

SLUG_PATTERN: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=SLUG_PATTERN, max_length=limits.COMMAND_NAME),
]


def _text(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


# Bounds chosen so a tension always renders inside one embed: title 100 (also the limit of
# an autocomplete choice name), summary and tradeoff under a field's 1,024, and list fields
# checked on their rendered length.
GoalName = Annotated[str, _text(40)]
GoalDescription = Annotated[str, _text(limits.COMMAND_DESCRIPTION)]
Alias = Annotated[str, _text(60)]
Title = Annotated[str, _text(limits.CHOICE_NAME)]
Summary = Annotated[str, _text(1000)]
TradeoffText = Annotated[str, _text(1000)]
ResearchPoint = Annotated[str, _text(300)]
Keyword = Annotated[str, _text(60)]
# An example question as people post it; long enough for a message with some context.
EXAMPLE_CHARS: Final = 300
Example = Annotated[str, _text(EXAMPLE_CHARS)]
Colour = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^#[0-9a-fA-F]{6}$")]
Url = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^https?://\S+$", max_length=300)
]

MAX_ALIASES: Final = 100
MAX_KEYWORDS: Final = 100
MAX_RESEARCH: Final = 8
MAX_READING: Final = 8
MAX_EXAMPLES: Final = 1000
# The matcher keeps a weight per feature per answer (tensions, goals, the list, none):
# past this many answers a knowledge does not load, rather than being matched worse.
MAX_ANSWERS: Final = 2000


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Goal(_Strict):
    """A research goal; each one becomes a slash command of its own."""

    id: Slug
    name: GoalName
    description: GoalDescription
    colour: Colour
    aliases: tuple[Alias, ...] = Field(default=(), max_length=MAX_ALIASES)
    # Questions about the goal in general ("if we go all in on X, what suffers?").
    examples: tuple[Example, ...] = Field(default=(), max_length=MAX_EXAMPLES)

    @field_validator("id")
    @classmethod
    def _not_a_builtin_command(cls, value: str) -> str:
        if value in limits.BUILTIN_COMMANDS:
            raise PydanticCustomError(
                "reserved_id",
                "'{value}' is the name of a built-in command (/{value}); choose another id",
                {"value": value},
            )
        return value

    @property
    def colour_value(self) -> int:
        return int(self.colour[1:], 16)


class Reading(_Strict):
    """A checked publication for the "further reading" field."""

    title: Annotated[str, _text(200)]
    authors: Annotated[str, _text(100)]
    year: int = Field(ge=1900, le=2100)
    url: Url


class Tension(_Strict):
    """A documented tradeoff between two goals."""

    id: Slug
    goals: tuple[Slug, Slug]
    title: Title
    summary: Summary
    tradeoff: TradeoffText
    quantified: bool
    research: tuple[ResearchPoint, ...] = Field(min_length=1, max_length=MAX_RESEARCH)
    keywords: tuple[Keyword, ...] = Field(default=(), max_length=MAX_KEYWORDS)
    reading: tuple[Reading, ...] = Field(default=(), max_length=MAX_READING)
    # Questions as people really ask them; the matcher learns its paraphrases from these.
    examples: tuple[Example, ...] = Field(default=(), max_length=MAX_EXAMPLES)

    @field_validator("goals")
    @classmethod
    def _two_distinct_goals(cls, value: tuple[str, str]) -> tuple[str, str]:
        if value[0] == value[1]:
            raise PydanticCustomError(
                "same_goal",
                "a tension needs two different goals, both are '{goal}'",
                {"goal": value[0]},
            )
        return value

    @field_validator("research")
    @classmethod
    def _research_fits_a_field(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        _fits_a_field(bullets(value))
        return value

    @field_validator("reading")
    @classmethod
    def _reading_fits_a_field(cls, value: tuple[Reading, ...]) -> tuple[Reading, ...]:
        _fits_a_field(reading_block(value))
        return value

    def involves(self, goal_id: str) -> bool:
        return goal_id in self.goals

    def other_goal(self, goal_id: str) -> str:
        return self.goals[1] if self.goals[0] == goal_id else self.goals[0]


def _fits_a_field(rendered: str) -> None:
    if len(rendered) > limits.EMBED_FIELD_VALUE:
        raise PydanticCustomError(
            "rendered_too_long",
            "renders as {length} characters; a Discord embed field holds at most {limit}",
            {"length": len(rendered), "limit": limits.EMBED_FIELD_VALUE},
        )


class GoalsFile(_Strict):
    """``goals.yaml``: the list of goals, in the order they are shown."""

    goals: tuple[Goal, ...] = Field(min_length=1)


class ExamplesFile(_Strict):
    """``overview.yaml`` or ``not-answered.yaml``: example messages for one decision.

    Overview examples ask for the whole list of tensions; not-answered examples are what
    the bot must stay silent on although they look close (a meetup announcement that says
    "interpretability", calibrating a thermometer). Both teach the matcher by example.
    """

    examples: tuple[Example, ...] = Field(default=(), max_length=MAX_EXAMPLES * 4)


GOAL_PLACEHOLDER: Final = "{goal}"


class FollowUpsFile(_Strict):
    """``follow-ups.yaml``: messages that lean on the last answer, by what they ask of it.

    The conversation learns from these which part of an answer a follow-up asks for
    (the known tradeoff, the research, the reading, why), when it puts another goal in
    (``switch``, written with ``{goal}`` where a goal's name goes), and when it asks
    nothing (``nothing``: thanks, nods, chatter), in every language the examples are in.
    """

    tradeoff: tuple[Example, ...] = Field(default=(), max_length=MAX_EXAMPLES)
    research: tuple[Example, ...] = Field(default=(), max_length=MAX_EXAMPLES)
    reading: tuple[Example, ...] = Field(default=(), max_length=MAX_EXAMPLES)
    summary: tuple[Example, ...] = Field(default=(), max_length=MAX_EXAMPLES)
    switch: tuple[Example, ...] = Field(default=(), max_length=MAX_EXAMPLES)
    nothing: tuple[Example, ...] = Field(default=(), max_length=MAX_EXAMPLES)

    @field_validator("switch")
    @classmethod
    def _names_the_goal(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for index, text in enumerate(value):
            if GOAL_PLACEHOLDER not in text:
                raise PydanticCustomError(
                    "no_goal_placeholder",
                    "switch[{index}] must say where the goal goes, with {placeholder}",
                    {"index": index, "placeholder": GOAL_PLACEHOLDER},
                )
        return value


FIELD_NAMES: Final = {
    "Goal": tuple(Goal.model_fields),
    "Tension": tuple(Tension.model_fields),
    "Reading": tuple(Reading.model_fields),
    "GoalsFile": tuple(GoalsFile.model_fields),
    "ExamplesFile": tuple(ExamplesFile.model_fields),
    "FollowUpsFile": tuple(FollowUpsFile.model_fields),
}
