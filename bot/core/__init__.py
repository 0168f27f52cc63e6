"""The part of the bot that knows nothing about Discord.

Knowledge schema and loader, question matcher and answer rendering live here so the CLI,
the Discord app and the tests all share one implementation.
"""
