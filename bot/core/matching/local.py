"""What one server taught for itself: a small overlay consulted before the shared matcher.

A server's moderators may teach the bot (a question it missed, or one it should not have
answered), but in a bot that serves many servers their teach must not change what any other
server is answered: a throwaway server could otherwise make the bot answer wrongly
everywhere. So a local example does not join the shared knowledge, and no classifier is
trained on it. It answers in its own server, right away, by two readings:

- **the same text**: the message, read as the matcher reads it (code set aside, one line),
  has the example's key (:func:`~bot.core.knowledge.model.example_key`: case, spacing, end
  punctuation and mentions ignored);
- **the same meaning**: its sentence embedding (the matcher's own,
  :mod:`bot.core.matching.semantic`) is at least :data:`LOCAL_SIMILARITY` from the
  nearest local example, so "which wins, gold-plated or thrifty?" gets what "gold-plated
  or thrifty, which wins?" was taught. Without the semantic model, the text alone.

A server with nothing taught costs one dictionary lookup per message. The overlay is an
immutable value, replaced whole when a server teaches or undoes, or when the knowledge
reloads (a label the knowledge no longer has is dropped then).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

import numpy as np

from bot.core.knowledge.label import Kind, Label
from bot.core.knowledge.model import Knowledge, Taught, example_key
from bot.core.matching.answer import Answer
from bot.core.matching.semantic import Embeddings, Floats
from bot.core.text.message import read_message

# Cosine similarity of a message to a local example for it to get that example's answer.
# Paraphrases of one question measure 0.8-0.98 with the bundled model, unrelated questions
# below 0.35 (measured on the teaching scenes; see tests/core/matching/test_local.py).
LOCAL_SIMILARITY: Final = 0.8


@dataclass(frozen=True, slots=True)
class LocalTaught:
    """A taught example and the one server it answers in."""

    guild_id: int
    taught: Taught


@dataclass(frozen=True, eq=False)
class GuildOverlay:
    """One server's examples: their keys, and their embeddings (rows of unit vectors)."""

    keys: Mapping[str, Label]
    labels: tuple[Label, ...]
    vectors: Floats

    def match(self, text: str, knowledge: Knowledge, embeddings: Embeddings) -> Answer | None:
        """The answer this server taught for ``text``, or None to ask the shared matcher."""
        prose = " ".join(read_message(text).prose.split())
        label = self.keys.get(example_key(prose))
        score = 1.0
        if label is None and self.vectors.shape[1] and prose:
            query = embeddings.of([prose])[0]
            norm = float(np.linalg.norm(query))
            if norm:
                similarity = self.vectors @ (query / norm)
                best = int(np.argmax(similarity))
                if float(similarity[best]) >= LOCAL_SIMILARITY:
                    label, score = self.labels[best], float(similarity[best])
        return None if label is None else answer_for(text, label, score, knowledge)


def answer_for(text: str, label: Label, score: float, knowledge: Knowledge) -> Answer | None:
    """The answer a label names in ``knowledge`` (None when it names nothing there now)."""
    if label.kind is Kind.TENSION and label.target in knowledge.tensions:
        goals = knowledge.tensions[label.target].goals
        return Answer(text, Kind.TENSION, score, tension=label.target, goals=goals)
    if label.kind is Kind.GOAL and label.target in knowledge.goals:
        return Answer(text, Kind.GOAL, score, goal=label.target)
    if label.kind is Kind.LIST:
        return Answer(text, Kind.LIST, score)
    if label.kind is Kind.NONE:
        return Answer(text, Kind.NONE, score)
    return None


def _overlay(
    examples: tuple[LocalTaught, ...], guild_id: int, embeddings: Embeddings
) -> GuildOverlay | None:
    """One server's overlay from its examples (the first of two with one text stands)."""
    mine = [e.taught for e in examples if e.guild_id == guild_id]
    keys: dict[str, Label] = {}
    for taught in mine:
        key = example_key(taught.text)
        if key:
            keys.setdefault(key, taught.label)
    if not keys:
        return None
    vectors = embeddings.of([t.text for t in mine])
    if vectors.shape[1]:
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        vectors = (vectors / np.where(norms == 0, 1, norms)).astype(np.float32)
    labels = tuple(t.label for t in mine)
    return GuildOverlay(MappingProxyType(keys), labels, vectors)


@dataclass(frozen=True, eq=False)
class LocalBank:
    """Every server's overlay, by server id; the examples kept to rebuild after a change."""

    examples: tuple[LocalTaught, ...] = ()
    overlays: Mapping[int, GuildOverlay] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def of(
        cls, knowledge: Knowledge, examples: Iterable[LocalTaught], embeddings: Embeddings
    ) -> LocalBank:
        """The overlays of ``examples`` that name something in ``knowledge``; oldest first,
        so when one server taught one text twice the first stands, as in the shared bank."""
        kept = tuple(
            sorted(
                (e for e in examples if e.taught.label.known_in(knowledge)),
                key=lambda e: e.taught.id,
            )
        )
        guilds = dict.fromkeys(e.guild_id for e in kept)
        overlays = {g: o for g in guilds if (o := _overlay(kept, g, embeddings)) is not None}
        return cls(kept, MappingProxyType(overlays))

    def rebuilt(
        self,
        knowledge: Knowledge,
        examples: Iterable[LocalTaught],
        guild_id: int,
        embeddings: Embeddings,
    ) -> LocalBank:
        """``examples`` (every server's, as read now), with only ``guild_id``'s overlay built
        again: one server's teach must not embed every other server's examples anew."""
        kept = tuple(
            sorted(
                (e for e in examples if e.taught.label.known_in(knowledge)),
                key=lambda e: e.taught.id,
            )
        )
        overlays = {g: o for g, o in self.overlays.items() if g != guild_id}
        overlay = _overlay(kept, guild_id, embeddings)
        if overlay is not None:
            overlays[guild_id] = overlay
        return LocalBank(kept, MappingProxyType(overlays))

    def for_guild(self, guild_id: int | None) -> GuildOverlay | None:
        return None if guild_id is None else self.overlays.get(guild_id)

    def taught_in(self, guild_id: int) -> int:
        return sum(1 for e in self.examples if e.guild_id == guild_id)

    def without_guild(self, guild_id: int) -> LocalBank:
        """A server forgotten: its overlay goes, nobody else's is rebuilt."""
        overlays = {g: o for g, o in self.overlays.items() if g != guild_id}
        kept = tuple(e for e in self.examples if e.guild_id != guild_id)
        return LocalBank(kept, MappingProxyType(overlays))
