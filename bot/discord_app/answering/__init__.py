"""How the bot answers, whatever asked: the :class:`Answerer` and the buttons under answers.

Not an extension: every feature that answers (questions, browsing, the goal commands, a
button's card) sends through the one :class:`Answerer` the bot owns, so the house rules
hold everywhere and live in one place.
"""

from .answerer import Answerer, Asked

__all__ = ["Answerer", "Asked"]
