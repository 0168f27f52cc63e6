"""Generated knowledge of any size, for benchmarks and scale tests.

Words are pronounceable pseudo-words from a fixed seed, so the same call always builds
the same knowledge and the matcher faces a realistic vocabulary, not repeated strings.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import yaml

from bot.core.knowledge.model import Knowledge
from bot.core.knowledge.schema import Goal, Tension

_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "st",
    "tr",
    "pl",
    "gr",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ou", "ea"]
_CODAS = ["", "n", "r", "s", "x", "l", "m", "th", "nd"]


def _word(rng: random.Random) -> str:
    return "".join(
        rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
        for _ in range(rng.randint(2, 3))
    )


def _sentence(rng: random.Random, vocabulary: list[str], words: int) -> str:
    return " ".join(rng.choice(vocabulary) for _ in range(words)).capitalize() + "."


def goal_count_for(tensions: int) -> int:
    """Enough goals that every tension can have its own pair (the schema requires it)."""
    return max(5, math.ceil((1 + math.sqrt(1 + 8 * tensions)) / 2) + 1)


def generate(tensions: int, *, seed: int = 7) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Plain dicts in the knowledge-file format: (goals, tensions)."""
    rng = random.Random(seed)
    vocabulary = sorted({_word(rng) for _ in range(max(2000, tensions * 3))})
    n_goals = goal_count_for(tensions)
    goals = []
    used: set[str] = set()
    for index in range(n_goals):
        name = _word(rng)
        while name in used:
            name = _word(rng)
        used.add(name)
        goals.append(
            {
                "id": f"{name}-{index}",
                "name": name.capitalize()[:40],
                "description": _sentence(rng, vocabulary, 8)[:100].strip(),
                "colour": f"#{rng.randrange(0x1000000):06x}",
                "aliases": [_word(rng) for _ in range(4)],
            }
        )
    pairs = [(a, b) for a in range(n_goals) for b in range(a + 1, n_goals)]
    rng.shuffle(pairs)
    out = []
    for index, (a, b) in enumerate(pairs[:tensions]):
        ga, gb = goals[a]["id"], goals[b]["id"]
        out.append(
            {
                "id": f"t{index}-{ga}"[:32].rstrip("-"),
                "goals": [ga, gb],
                "title": f"{goals[a]['name']} vs {goals[b]['name']}",
                "summary": _sentence(rng, vocabulary, 30),
                "tradeoff": _sentence(rng, vocabulary, 20),
                "quantified": rng.random() < 0.8,
                "research": [_sentence(rng, vocabulary, 12) for _ in range(2)],
                "keywords": [
                    " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 2)))
                    for _ in range(8)
                ],
            }
        )
    return goals, out


def build(tensions: int, *, seed: int = 7) -> Knowledge:
    """A Knowledge value straight from generated data, skipping the files."""
    goals, items = generate(tensions, seed=seed)
    return Knowledge.build(
        [Goal.model_validate(g) for g in goals],
        [Tension.model_validate(t) for t in items],
        fingerprint=f"synthetic-{tensions}",
        source="synthetic",
    )


def write_folder(root: Path, tensions: int, *, seed: int = 7) -> Path:
    """The same generated knowledge as files, for loader benchmarks and tests."""
    goals, items = generate(tensions, seed=seed)
    (root / "tensions").mkdir(parents=True, exist_ok=True)
    (root / "goals.yaml").write_text(yaml.safe_dump({"goals": goals}, sort_keys=False), "utf-8")
    for item in items:
        (root / "tensions" / f"{item['id']}.yaml").write_text(
            yaml.safe_dump(item, sort_keys=False, allow_unicode=True), "utf-8"
        )
    return root
