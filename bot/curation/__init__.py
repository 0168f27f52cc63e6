"""What the community asks and whether answers help: the question log, stats, the map.

Nothing here imports discord; the bot, the CLI and the tests share it.
"""
