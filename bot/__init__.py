"""tensionbot: answers questions about the known tradeoffs between AI-research goals.

The package is layered, each layer importing only those below it (tests/test_layers.py):
``bot.core`` (the knowledge, the matcher, conversations and rendering; no discord), then
``bot.storage`` (the database), ``bot.curation`` (the report, teaching, export) and
``bot.settings``, then the two adapters, ``bot.discord_app`` and ``bot.cli``, which
decide when to answer and how it looks, never what.
"""

__version__ = "0.1.0"
