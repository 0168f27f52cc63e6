"""The ``tensionbot`` command: the core, in a terminal."""

from .app import main

__all__ = ["main"]
