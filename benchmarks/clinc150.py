"""CLINC150 (Larson et al., EMNLP-IJCNLP 2019) as a knowledge folder the bot can load.

The data is in ``benchmarks/clinc150/`` (unchanged, CC BY 3.0, see its README). A split
becomes a knowledge folder by exactly this construction, so that the only thing the bot
learns from is what the benchmark gives every system, the intents' train utterances:

* 18 neutral goals, ``goal-01`` .. ``goal-18``, named "Goal 01" .. "Goal 18", each
  described by its own name, with distinct colours, no aliases and no examples. The
  schema wants every tension between two different goals and at most one tension per
  pair, so 150 intents need at least 18 goals (17 give 136 pairs, 18 give 153).
* One tension per intent, between a distinct pair of goals: the intents in name order
  take the pairs (01, 02), (01, 03), ... (16, 17) in order; (16, 18) and (17, 18) stay
  unused. Its id is the intent's name as a slug (``change_user_name`` becomes
  ``change-user-name``), its title the name in words ("Change User Name"); summary,
  tradeoff and its one research point are ``-`` (the schema needs at least one
  character, and a dash gives the matcher no word to index); ``quantified: false``; no
  keywords, no reading; its ``examples:`` are the intent's train utterances, in file
  order, unchanged.
* ``not-answered.yaml`` holds the out-of-scope train utterances (``oos_train``).

Variants: ``full`` (data_full train: 100 per intent), ``small`` (data_small train: 50 per
intent) and ``fewshot`` (the first 10 train utterances per intent of data_full, and all
100 of data_full's ``oos_train``, not 10 of them). The queries of a split (``val`` or
``test``) of ``full`` and ``fewshot`` are data_full's, those of ``small`` data_small's
(the same queries: only the train part differs).

The files are written as YAML into a folder and read back with the bot's own loader
(:func:`bot.core.knowledge.loader.load_knowledge`), the code path of ``tensionbot`` and of
``/reload``, so a file the bot would refuse fails here too.
"""

from __future__ import annotations

import colorsys
import contextlib
import itertools
import json
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

import yaml

from bot.core import limits
from bot.core.knowledge.loader import KnowledgeError, load_knowledge
from bot.core.knowledge.model import Knowledge
from bot.core.knowledge.problems import Problem
from bot.core.knowledge.schema import EXAMPLE_CHARS, MAX_EXAMPLES, SLUG_PATTERN

DATA_DIR: Final = Path(__file__).resolve().parent / "clinc150"
VARIANTS: Final = ("full", "small", "fewshot")
SPLITS: Final = ("val", "test")
GOAL_COUNT: Final = 18
FEWSHOT_PER_INTENT: Final = 10
OUT_OF_SCOPE: Final = "oos"  # the intent the data gives out-of-scope utterances
PLACEHOLDER: Final = "-"  # the most neutral text the schema allows: one character, no word

_DATA_FILE: Final = {
    "full": "data_full.json",
    "small": "data_small.json",
    "fewshot": "data_full.json",
}


@cache
def read_data(name: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """One of the data files (``data_full.json`` or ``data_small.json``), as tuples."""
    raw = json.loads((DATA_DIR / name).read_text("utf-8"))
    return {key: tuple((text, intent) for text, intent in rows) for key, rows in raw.items()}


@dataclass(frozen=True)
class Training:
    """What the knowledge is built from: train utterances per intent, and out-of-scope ones."""

    variant: str
    intents: dict[str, tuple[str, ...]]  # in name order
    out_of_scope: tuple[str, ...]

    @property
    def examples(self) -> int:
        return sum(len(v) for v in self.intents.values()) + len(self.out_of_scope)


def training(variant: str, *, intents: int | None = None) -> Training:
    """The train part of a variant; ``intents`` keeps only the first N intents by name."""
    _check_variant(variant)
    data = read_data(_DATA_FILE[variant])
    by_intent: dict[str, list[str]] = {}
    for text, intent in data["train"]:
        by_intent.setdefault(intent, []).append(text)
    names = sorted(by_intent)[:intents]
    keep = FEWSHOT_PER_INTENT if variant == "fewshot" else None
    chosen = {name: tuple(by_intent[name][:keep]) for name in names}
    return Training(variant, chosen, tuple(text for text, _ in data["oos_train"]))


@dataclass(frozen=True)
class Query:
    text: str
    intent: str | None  # None: out of scope, the right answer is kind "none"

    @property
    def tension(self) -> str | None:
        return None if self.intent is None else tension_id(self.intent)


def queries(variant: str, split: str) -> list[Query]:
    """A split's in-scope queries (file order), then its out-of-scope ones."""
    _check_variant(variant)
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: {', '.join(SPLITS)} (train is for training)")
    data = read_data(_DATA_FILE[variant])
    inside = [Query(text, intent) for text, intent in data[split]]
    return inside + [Query(text, None) for text, _ in data[f"oos_{split}"]]


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}: {', '.join(VARIANTS)}")


# --- the construction ------------------------------------------------------------------


def tension_id(intent: str) -> str:
    slug = intent.replace("_", "-")
    if not re.match(SLUG_PATTERN, slug) or len(slug) > limits.COMMAND_NAME:
        raise ValueError(f"intent {intent!r} makes no tension id (a slug of at most 32)")
    return slug


def title(intent: str) -> str:
    return " ".join(word.capitalize() for word in intent.split("_"))


def goal_ids() -> list[str]:
    return [f"goal-{n:02d}" for n in range(1, GOAL_COUNT + 1)]


def goals() -> list[dict[str, Any]]:
    out = []
    for index, goal in enumerate(goal_ids()):
        red, green, blue = colorsys.hsv_to_rgb(index / GOAL_COUNT, 0.6, 0.85)
        name = f"Goal {index + 1:02d}"
        out.append(
            {
                "id": goal,
                "name": name,
                "description": name,
                "colour": f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}",
            }
        )
    return out


def goal_pairs() -> list[tuple[str, str]]:
    """The 153 pairs of 18 goals, in order: (01, 02), (01, 03), ..., (17, 18)."""
    return list(itertools.combinations(goal_ids(), 2))


def documents(data: Training) -> dict[str, dict[str, Any]]:
    """The knowledge files, by path inside the folder, as the YAML they will hold."""
    pairs = goal_pairs()
    if len(data.intents) > len(pairs):
        raise ValueError(
            f"{len(data.intents)} intents need {len(data.intents)} goal pairs; "
            f"{GOAL_COUNT} goals give {len(pairs)} (one tension per pair of goals)"
        )
    for intent, texts in data.intents.items():
        if len(texts) > MAX_EXAMPLES:
            raise ValueError(f"{intent}: {len(texts)} examples; the schema allows {MAX_EXAMPLES}")
    if len(data.out_of_scope) > MAX_EXAMPLES * 4:
        raise ValueError(
            f"{len(data.out_of_scope)} out-of-scope examples; at most {MAX_EXAMPLES * 4}"
        )
    longest = max(
        (t for texts in (*data.intents.values(), data.out_of_scope) for t in texts), key=len
    )
    if len(longest) > EXAMPLE_CHARS:
        raise ValueError(f"an utterance of {len(longest)} characters; at most {EXAMPLE_CHARS}")
    files: dict[str, dict[str, Any]] = {"goals.yaml": {"goals": goals()}}
    for (intent, texts), pair in zip(data.intents.items(), pairs, strict=False):
        slug = tension_id(intent)
        files[f"tensions/{slug}.yaml"] = {
            "id": slug,
            "goals": list(pair),
            "title": title(intent),
            "summary": PLACEHOLDER,
            "tradeoff": PLACEHOLDER,
            "quantified": False,
            "research": [PLACEHOLDER],
            "keywords": [],
            "examples": list(texts),
        }
    files["not-answered.yaml"] = {"examples": list(data.out_of_scope)}
    return files


def write_folder(root: Path, data: Training) -> Path:
    """Write the knowledge folder at ``root`` (created; must not hold other files)."""
    (root / "tensions").mkdir(parents=True, exist_ok=True)
    for relative, document in documents(data).items():
        text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000)
        (root / relative).write_text(text, "utf-8")
    return root


@contextlib.contextmanager
def knowledge_folder(data: Training, *, parent: Path | None = None) -> Iterator[Path]:
    """A temporary knowledge folder for ``data``, removed afterwards.

    The folder is always named ``clinc150-<variant>-<intents>`` so that the knowledge's
    fingerprint (which includes the file names as the loader shows them) is the same on
    every run: the bot's model cache then recognises it, when it is allowed to.
    """
    with tempfile.TemporaryDirectory(prefix="clinc150-", dir=parent) as tmp:
        yield write_folder(Path(tmp) / f"clinc150-{data.variant}-{len(data.intents)}", data)


@dataclass(frozen=True)
class Loaded:
    knowledge: Knowledge
    warnings: tuple[Problem, ...]
    training: Training


def load(folder: Path, data: Training) -> Loaded:
    """Load a written folder through the bot's loader; raise with every problem if it fails."""
    result = load_knowledge(folder)
    if result.knowledge is None:
        raise KnowledgeError(result.problems)
    return Loaded(result.knowledge, result.warnings, data)


def build(variant: str, *, intents: int | None = None) -> Loaded:
    """Write a variant's knowledge into a temporary folder and load it as the bot would."""
    data = training(variant, intents=intents)
    with knowledge_folder(data) as folder:
        return load(folder, data)
