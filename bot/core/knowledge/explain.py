"""Pydantic's validation errors, rephrased for someone editing YAML by hand."""

from __future__ import annotations

from collections.abc import Collection

from pydantic import BaseModel
from pydantic_core import ErrorDetails
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from bot.core import limits
from bot.core.knowledge.schema import FIELD_NAMES, SLUG_PATTERN, Tension
from bot.core.knowledge.yamlfile import describe_type

_LIST_ERRORS = frozenset({"tuple_type", "list_type", "too_short", "too_long"})
# Which model a nested field holds, to list the fields allowed at an error's location.
_NESTED = {("GoalsFile", "goals"): "Goal", ("Tension", "reading"): "Reading"}


def explain(error: ErrorDetails, model: type[BaseModel]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    loc = tuple(error["loc"])
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        return f"unknown field{did_you_mean(str(loc[-1]), known)}; allowed here: {', '.join(known)}"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else "?"
        return f"text is {length} characters; the limit is {ctx.get('max_length')}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_pattern_mismatch":
        return _pattern_message(str(ctx.get("pattern", "")), value, _id_kind(model, loc))
    if kind in ("string_type", "str_type"):
        found = describe_type(value) if value is not None else "nothing"
        return f"expected text, found {found}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, found {short(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, found {short(value)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"{short(value)} is out of range ({error['msg'].lower()})"
    if model is Tension and loc == ("goals",) and kind in _LIST_ERRORS:
        return "a tension names exactly two goals, e.g. goals: [interpretability, efficiency]"
    if kind in ("tuple_type", "list_type"):  # a list was expected
        return f"expected a list, found {describe_type(value)}"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} items allowed, found {ctx.get('actual_length')}"
    if kind == "too_short":
        return f"at least {ctx.get('min_length')} item(s) required"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of fields, found {describe_type(value)}"
    return str(error["msg"])


def _id_kind(model: type[BaseModel], loc: tuple[str | int, ...]) -> str:
    """Whose id a slug field holds: a tension's own, or a goal's (defined or named)."""
    return "tension" if model is Tension and loc == ("id",) else "goal"


def _pattern_message(pattern: str, value: object, id_kind: str = "goal") -> str:
    if pattern == SLUG_PATTERN:
        rule = (
            f"{short(value)} is not a valid {id_kind} id: use lowercase letters, digits and "
            f"single hyphens, at most {limits.COMMAND_NAME} characters"
        )
        # Only goals become slash commands (/interpretability); tension ids never do.
        return rule + (" (a goal id is also its slash command's name)" if id_kind == "goal" else "")
    if pattern.startswith("^#"):
        return f'{short(value)} is not a colour: write it as "#RRGGBB"'
    if "https?" in pattern:
        return f"{short(value)} is not a web address starting with http:// or https://"
    return f"{short(value)} does not have the expected form"


def short(value: object, limit: int = 40) -> str:
    """A bounded repr, so hostile or huge input is never echoed whole."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> tuple[str, ...]:
    current = model.__name__
    for part in loc:
        if isinstance(part, str):
            current = _NESTED.get((current, part), current)
    return FIELD_NAMES.get(current, ())


def did_you_mean(word: str, choices: Collection[str]) -> str:
    best = process.extractOne(word, list(choices), scorer=Levenshtein.normalized_similarity)
    if best is not None and best[1] >= 0.5:
        return f" (did you mean '{best[0]}'?)"
    return ""
