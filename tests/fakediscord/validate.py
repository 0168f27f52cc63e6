"""What Discord refuses with 400 Invalid Form Body, checked on everything the bot sends.

A fake that accepted anything would let a too-long embed pass every test and fail in
production; this one answers the way Discord does.
"""

from __future__ import annotations

from typing import Any

MESSAGE_CONTENT = 2000
EMBEDS = 10
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
AUTHOR = 256
EMBED_TOTAL = 6000
ACTION_ROWS = 5
ROW_ITEMS = 5
BUTTON_LABEL = 80
CUSTOM_ID = 100
CHOICES = 25
CHOICE_NAME = 100
CHOICE_VALUE = 100
SELECT_OPTIONS = 25
OPTION_LABEL = 100
OPTION_VALUE = 100
OPTION_DESCRIPTION = 100
PLACEHOLDER = 150
BUTTON, STRING_SELECT = 2, 3


def embed_length(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for field in embed.get("fields") or []:
        total += len(field.get("name") or "") + len(field.get("value") or "")
    return total


def message_errors(payload: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    if len(payload.get("content") or "") > MESSAGE_CONTENT:
        errors.append("content: must be 2000 or fewer in length")
    embeds = payload.get("embeds") or []
    if len(embeds) > EMBEDS:
        errors.append("embeds: at most 10")
    total = 0
    for i, embed in enumerate(embeds):
        if len(embed.get("title") or "") > EMBED_TITLE:
            errors.append(f"embeds[{i}].title too long")
        if len(embed.get("description") or "") > EMBED_DESCRIPTION:
            errors.append(f"embeds[{i}].description too long")
        fields = embed.get("fields") or []
        if len(fields) > FIELDS:
            errors.append(f"embeds[{i}].fields: at most 25")
        for j, field in enumerate(fields):
            if not field.get("name") or len(field["name"]) > FIELD_NAME:
                errors.append(f"embeds[{i}].fields[{j}].name empty or too long")
            if not field.get("value") or len(field["value"]) > FIELD_VALUE:
                errors.append(f"embeds[{i}].fields[{j}].value empty or too long")
        if len((embed.get("footer") or {}).get("text") or "") > FOOTER:
            errors.append(f"embeds[{i}].footer too long")
        if len((embed.get("author") or {}).get("name") or "") > AUTHOR:
            errors.append(f"embeds[{i}].author too long")
        total += embed_length(embed)
    if total > EMBED_TOTAL:
        errors.append("embeds: total length over 6000")
    rows = payload.get("components") or []
    if len(rows) > ACTION_ROWS:
        errors.append("components: at most 5 action rows")
    seen: set[str] = set()
    for i, row in enumerate(rows):
        items = row.get("components") or []
        if len(items) > ROW_ITEMS:
            errors.append(f"components[{i}]: at most 5 items")
        for item in items:
            label = item.get("label") or ""
            custom_id = item.get("custom_id") or ""
            if len(label) > BUTTON_LABEL:
                errors.append(f"components[{i}] label too long")
            if len(custom_id) > CUSTOM_ID:
                errors.append(f"components[{i}] custom_id too long")
            if custom_id:
                if custom_id in seen:
                    errors.append(f"components: duplicate custom_id {custom_id}")
                seen.add(custom_id)
            if item.get("type") == STRING_SELECT:
                if len(items) != 1:
                    errors.append(f"components[{i}]: a select menu needs a row of its own")
                errors += [f"components[{i}]: {e}" for e in select_errors(item)]
    return errors


def select_errors(menu: dict[str, Any]) -> list[str]:
    """A string select: 1-25 options with distinct values, each within its limits."""
    errors = []
    if not menu.get("custom_id"):
        errors.append("select custom_id is required")
    options = menu.get("options") or []
    if not 1 <= len(options) <= SELECT_OPTIONS:
        errors.append(f"select options: 1 to {SELECT_OPTIONS}, not {len(options)}")
    values = [o.get("value") or "" for o in options]
    if len(values) != len(set(values)):
        errors.append("select options: duplicate values")
    for option in options:
        if not 1 <= len(option.get("label") or "") <= OPTION_LABEL:
            errors.append("select option label must be 1-100 characters")
        if not 1 <= len(option.get("value") or "") <= OPTION_VALUE:
            errors.append("select option value must be 1-100 characters")
        if len(option.get("description") or "") > OPTION_DESCRIPTION:
            errors.append("select option description over 100 characters")
    if len(menu.get("placeholder") or "") > PLACEHOLDER:
        errors.append("select placeholder over 150 characters")
    low, high = menu.get("min_values", 1), menu.get("max_values", 1)
    if not 0 <= low <= high <= min(SELECT_OPTIONS, max(1, len(options))):
        errors.append(f"select min_values {low} / max_values {high} out of range")
    return errors


def callback_errors(payload: dict[str, Any]) -> list[str]:
    kind = payload.get("type")
    data = payload.get("data") or {}
    if kind == 8:  # autocomplete result
        choices = data.get("choices") or []
        errors = []
        if len(choices) > CHOICES:
            errors.append("choices: at most 25")
        for choice in choices:
            if not 1 <= len(choice.get("name") or "") <= CHOICE_NAME:
                errors.append("choice name must be 1-100 characters")
            if len(str(choice.get("value"))) > CHOICE_VALUE:
                errors.append("choice value too long")
        return errors
    if kind in (4, 7):
        return message_errors(data)
    if kind not in (1, 5, 6, 9, 10, 12):
        return [f"unknown interaction callback type {kind}"]
    return []


CHAT_INPUT, USER, MESSAGE = 1, 2, 3
COMMANDS_PER_TYPE = {CHAT_INPUT: 100, USER: 5, MESSAGE: 5}
# Discord's enums: where a command can be installed (GUILD_INSTALL 0, USER_INSTALL 1) and
# where used (GUILD 0, BOT_DM 1, PRIVATE_CHANNEL 2).
INTEGRATION_TYPES = {0, 1}
CONTEXTS = {0, 1, 2}
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
OPTION_TYPES = set(range(1, 12))
OPTIONS = 25


def _enum_list_errors(name: str, field: str, value: Any, allowed: set[int]) -> list[str]:
    """``integration_types`` / ``contexts``: a list of distinct known values, or null."""
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        return [f"{name}.{field}: a non-empty list or null"]
    if any(not isinstance(v, int) or v not in allowed for v in value):
        return [f"{name}.{field}: {value} has a value outside {sorted(allowed)}"]
    if len(value) != len(set(value)):
        return [f"{name}.{field}: duplicate values"]
    return []


def option_errors(where: str, options: list[dict[str, Any]]) -> list[str]:
    """Options, as Discord checks them: lowercase names, descriptions, choices, required
    ones first, and subcommands (one level of groups) only where they may be."""
    errors = []
    if len(options) > OPTIONS:
        errors.append(f"{where}: at most {OPTIONS} options")
    seen_optional = False
    names = [o.get("name") for o in options]
    if len(names) != len(set(names)):
        errors.append(f"{where}: duplicate option names")
    for option in options:
        name = option.get("name") or ""
        kind = option.get("type")
        if kind not in OPTION_TYPES:
            errors.append(f"{where}.{name}: unknown option type {kind}")
        if not 1 <= len(name) <= 32 or name != name.lower() or " " in name:
            errors.append(f"{where}: bad option name {name!r}")
        if not 1 <= len(option.get("description") or "") <= 100:
            errors.append(f"{where}.{name}: description must be 1-100 characters")
        if len(option.get("choices") or []) > CHOICES:
            errors.append(f"{where}.{name}: at most 25 choices")
        for field in ("integration_types", "contexts", "default_member_permissions"):
            if field in option:
                errors.append(f"{where}.{name}: {field} belongs to the top-level command")
        if kind in (SUB_COMMAND, SUB_COMMAND_GROUP):
            inner = option.get("options") or []
            if kind == SUB_COMMAND and any(
                o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in inner
            ):
                errors.append(f"{where}.{name}: a subcommand cannot hold subcommands")
            errors += option_errors(f"{where}.{name}", inner)
            continue
        if option.get("required"):
            if seen_optional:
                errors.append(f"{where}.{name}: required options must come before optional ones")
        else:
            seen_optional = True
    return errors


def command_errors(commands: list[dict[str, Any]]) -> list[str]:
    """Slash commands: lowercase names, a description. Context menus (user, message): a
    name people read (capitals, spaces), no description, no options; five of each kind."""
    errors = []
    kinds = [c.get("type", CHAT_INPUT) for c in commands]
    for kind, most in COMMANDS_PER_TYPE.items():
        if kinds.count(kind) > most:
            errors.append(f"at most {most} commands of type {kind}")
    if any(kind not in COMMANDS_PER_TYPE for kind in kinds):
        errors.append("unknown command type")
    names = [(c.get("type", CHAT_INPUT), c.get("name")) for c in commands]
    if len(names) != len(set(names)):
        errors.append("duplicate command names")
    for command in commands:
        name = command.get("name") or ""
        errors += _enum_list_errors(
            name, "integration_types", command.get("integration_types"), INTEGRATION_TYPES
        )
        errors += _enum_list_errors(name, "contexts", command.get("contexts"), CONTEXTS)
        if command.get("type", CHAT_INPUT) == CHAT_INPUT:
            errors += option_errors(name, command.get("options") or [])
            if not 1 <= len(name) <= 32 or name != name.lower() or " " in name:
                errors.append(f"bad command name {name!r}")
            if not 1 <= len(command.get("description") or "") <= 100:
                errors.append(f"{name}: description must be 1-100 characters")
        else:
            if not 1 <= len(name) <= 32:
                errors.append(f"bad context menu name {name!r}")
            if command.get("description"):
                errors.append(f"{name}: a context menu has no description")
            if command.get("options"):
                errors.append(f"{name}: a context menu has no options")
    return errors
