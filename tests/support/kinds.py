"""The labelled sets of issue 16 in tests/data/kinds/: messages of kinds the bank has no
examples of (languages outside it, noisy text, negation, sarcasm, two questions in one),
written blind from the seed text and kept apart from the examples the bot learns from.

Each message::

    - text: "..."
      expect: tension:<id>            # or a list of two labels: a message asking two things
      kind: lang                      # lang, noisy, negation, goal-new-words, sarcasm,
                                      # two-questions, none, english
      lang: it                        # "en", or the language it is written in
      near_miss: false                # a none that uses a goal's words in another sense
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.knowledge.label import Label

KINDS = Path(__file__).resolve().parent.parent / "data" / "kinds"
# Languages the bank has examples in; the others are what the semantic reading is for.
BANK_LANGUAGES = frozenset({"en", "fr", "de", "es", "pt", "zh"})


@dataclass(frozen=True)
class Message:
    text: str
    expect: tuple[Label, ...]  # one label, or two for a message that asks two things
    kind: str
    lang: str
    near_miss: bool

    @property
    def outside_the_bank(self) -> bool:
        return self.lang not in BANK_LANGUAGES


def load(name: str) -> list[Message]:
    """``dev`` (tuned on) or ``test`` (scored, never tuned on)."""
    data = yaml.safe_load((KINDS / f"{name}.yaml").read_text("utf-8"))
    out = []
    for raw in data["messages"]:
        expect = raw["expect"] if isinstance(raw["expect"], list) else [raw["expect"]]
        out.append(
            Message(
                raw["text"],
                tuple(Label.parse(str(x)) for x in expect),
                str(raw["kind"]),
                str(raw.get("lang", "en")),
                bool(raw.get("near_miss", False)),
            )
        )
    return out
