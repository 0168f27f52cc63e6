"""tensionbot: answers questions about the known tradeoffs between AI-research goals.

The package is split so the knowledge, the matcher and the rendering (``bot.core``) can be
used and tested without Discord; ``bot.cli`` and ``bot.discord_app`` are thin adapters.
"""

__version__ = "0.1.0"
