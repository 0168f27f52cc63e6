"""Discord's hard limits, in one place.

The core renders answers that must always be sendable, so the limits are part of the
knowledge schema and of the renderer, not only of the Discord adapter.
"""

from typing import Final

MESSAGE_CHARS: Final = 2000
EMBED_TITLE: Final = 256
EMBED_DESCRIPTION: Final = 4096
EMBED_FIELD_NAME: Final = 256
EMBED_FIELD_VALUE: Final = 1024
EMBED_FIELDS: Final = 25
EMBED_FOOTER: Final = 2048
EMBED_AUTHOR: Final = 256
EMBED_TOTAL: Final = 6000  # all the embeds of one message together
EMBEDS_PER_MESSAGE: Final = 10
AUTOCOMPLETE_CHOICES: Final = 25
CHOICE_NAME: Final = 100
CHOICE_VALUE: Final = 100
GLOBAL_COMMANDS: Final = 100
COMMAND_NAME: Final = 32
COMMAND_DESCRIPTION: Final = 100
OPTION_DESCRIPTION: Final = 100
BUTTON_LABEL: Final = 80
BUTTONS_PER_ROW: Final = 5
ACTION_ROWS: Final = 5
CUSTOM_ID: Final = 100
INTERACTION_DEADLINE_SECONDS: Final = 3.0

# Slash commands the bot defines itself; a goal id may not take one of these names,
# because every goal becomes a command of its own.
BUILTIN_COMMANDS: Final = frozenset(
    {"ask", "tension", "tensions", "about", "reload", "stats", "settings", "help", "goals"}
)
# How many goals can get a command of their own.
GOAL_COMMAND_SLOTS: Final = GLOBAL_COMMANDS - len(BUILTIN_COMMANDS)
