"""What a follow-up asks of the last answer, learned from ``follow-ups.yaml``.

The parts (the known tradeoff, the research, the reading, why), putting another goal in
(``switch:<goal>``), and asking nothing (``nothing``: thanks, nods) are learned from the
knowledge's follow-up examples, in every language they are written in and, through the
semantic reading, in others; a message of its own (``other``) is learned from the
knowledge's standalone examples. The same reading, classifier and calibration as for
answers: a part is taken when it is more likely than not.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Final

from bot.core.knowledge.model import Knowledge, example_key
from bot.core.knowledge.schema import GOAL_PLACEHOLDER
from bot.core.matching import calibration as c
from bot.core.matching import model_cache
from bot.core.matching.bank import Example
from bot.core.matching.features import Reader
from bot.core.matching.model import Model
from bot.core.matching.semantic import Embeddings
from bot.core.matching.training import train

SWITCH: Final = "switch"
NOTHING: Final = "nothing"
OTHER: Final = "other"  # a message of its own, not leaning on the last answer
FOLLOW_UPS: Final = "follow-ups"  # what the model tells apart, in its cache key


def switch_to(goal_id: str) -> str:
    return f"{SWITCH}:{goal_id}"


def follow_up_bank(knowledge: Knowledge) -> list[Example[str]]:
    """The follow-up examples, then a sample of the standalone examples as messages of
    their own. A ``switch`` example is filled with each goal in turn (its name, and one
    of its aliases, a different one for each example) and teaches *which* goal is put in:
    so "e la capacità?" is learned to put in capability, through the semantic reading,
    without the word "capacità" anywhere in the knowledge."""
    out: list[Example[str]] = []
    goals = list(knowledge.goals.values())
    for part, texts in knowledge.follow_ups.items():
        for index, text in enumerate(texts):
            if part != SWITCH:
                out.append(Example(part, text, True))
                continue
            for goal in goals:
                names = [goal.name]
                if goal.aliases:
                    names.append(goal.aliases[index % len(goal.aliases)])
                for name in names:
                    filled = text.replace(GOAL_PLACEHOLDER, name)
                    out.append(Example(switch_to(goal.id), filled, True))
    if not out:
        return []
    taken = {example_key(e.text) for e in out}
    standalone = [t for _, t in knowledge.examples() if example_key(t) not in taken]
    step = max(1, len(standalone) // c.FOLLOW_UP_OTHERS)
    out += [Example(OTHER, text, True) for text in standalone[::step]]
    return out


def follow_up_steps(
    knowledge: Knowledge, reader: Reader, vectors: Embeddings
) -> Generator[None, None, Model[str]]:
    """The follow-up model for this knowledge, cached like the answer model."""
    key = model_cache.key_for(knowledge.fingerprint, vectors.model.model_id, FOLLOW_UPS)
    model = model_cache.recall(key, str)
    if model is not None:
        return model
    examples = follow_up_bank(knowledge)
    if not examples:
        return Model.empty()
    model = yield from train(examples, reader, vectors, OTHER)
    model_cache.store(key, model)
    return model
