"""What curators work with: the moderators' report, the rules of teaching, and the export
of taught examples into the knowledge files.

Nothing here imports discord; the bot, the CLI and the tests share it. Storing is below,
in :mod:`bot.storage`; these modules decide what to store and how to read it back.
"""
