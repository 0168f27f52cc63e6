"""What several Discord tests say and do: a moderator, a tension to add, a question the
bundled knowledge misses, a DM to ask in. Kept here so that test files need not import
from each other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.discord_app.harness import Harness
from tests.fakediscord import FakeDiscord
from tests.fakediscord import payloads as p

NEW_TENSION = """\
id: calibration-vs-efficiency
goals: [calibration, efficiency]
title: Calibration vs Efficiency
summary: Sampling several answers to estimate uncertainty multiplies inference cost.
tradeoff: Not yet measured here.
quantified: false
research:
  - Cheaper uncertainty estimates from a single pass.
keywords: [self-consistency sampling, ensembles]
"""
NEW_QUESTION = "is self-consistency sampling expensive?"  # answered once NEW_TENSION is in

MISSED = "gold-plated or thrifty, which wins?"  # the bundled knowledge misses it
TAUGHT_AS = "tension:capability-vs-efficiency"
TITLE = "Frontier Capability vs Cost Efficiency"


def moderator(harness: Harness) -> dict[str, Any]:
    return harness.fake.person("mod", roles=(p.MOD_ROLE_ID,))


def add_tension(folder: Path) -> None:
    (folder / "tensions" / "calibration-vs-efficiency.yaml").write_text(NEW_TENSION, "utf-8")


async def dm_answer(fake: FakeDiscord, question: str) -> str:
    """Ask by ``/ask`` in a DM (shard 0, when there are clusters); the answer's title."""
    done = await fake.slash(fake.person("dana"), "ask", {"question": question}, dm=True)
    return str(done.response["embeds"][0]["title"])
