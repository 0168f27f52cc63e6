"""The part of the bot that knows nothing about Discord (nor about databases).

Reading text, the knowledge and its loader, the matcher, conversations, rendering answers
into cards, and the store that serves and reloads the knowledge live here, in layers
(tests/test_layers.py), so the CLI, the Discord app and the tests share one
implementation and most tests need no fakes at all.
"""
