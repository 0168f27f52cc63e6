"""One extension per feature, found by its name: a module, or a package when the feature
needs more than one (its ``__init__`` holds ``setup``, its cog is ``_cog.py``). Each
``setup`` adds the feature's commands and persistent buttons to the bot; features use
each other only where ``tests/test_layers.py`` says they may."""
