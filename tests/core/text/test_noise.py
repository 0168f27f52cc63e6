"""Undoing noise, tested on noise generated over the bank's own examples, not on a list
of cases: leetspeak, stretched letters, words run together, shouting and emoji."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from bot.core.knowledge.model import Knowledge
from bot.core.matching.matcher import Matcher, lexicon_of
from bot.core.text.noise import Lexicon, denoise, split_run_together
from bot.core.text.words import words

LEET = str.maketrans({"e": "3", "a": "4", "i": "1", "o": "0", "s": "5", "t": "7"})
Noise = Callable[[list[str], random.Random], list[str]]


def leet(tokens: list[str], rng: random.Random) -> list[str]:
    return [t.translate(LEET) if len(t) >= 6 and rng.random() < 0.5 else t for t in tokens]


def stretch(tokens: list[str], rng: random.Random) -> list[str]:
    out = []
    for t in tokens:
        if len(t) >= 4 and t.isalpha() and rng.random() < 0.4:
            i = rng.randrange(len(t))
            t = t[:i] + t[i] * 4 + t[i + 1 :]
        out.append(t)
    return out


def run_together(tokens: list[str], rng: random.Random) -> list[str]:
    out: list[str] = []
    for t in tokens:
        if out and len(t) >= 4 and len(out[-1]) >= 4 and rng.random() < 0.4:
            out[-1] += t
        else:
            out.append(t)
    return out


def shout(tokens: list[str], rng: random.Random) -> list[str]:
    return [t.upper() for t in tokens] + ["🔥🔥", "😭"]


NOISES: dict[str, Noise] = {
    "leet": leet,
    "stretch": stretch,
    "run-together": run_together,
    "shout": shout,
}


def english_examples(knowledge: Knowledge, count: int) -> list[str]:
    texts = [
        text
        for _, text in knowledge.examples()
        if text.isascii() and 5 <= len(text.split()) <= 20 and "`" not in text
    ]
    return random.Random(7).sample(texts, count)


@pytest.mark.parametrize("name", sorted(NOISES))
def test_noise_over_the_examples_is_undone(knowledge: Knowledge, name: str) -> None:
    lexicon = lexicon_of(knowledge)
    rng = random.Random(11)
    restored = 0
    samples = english_examples(knowledge, 200)
    for text in samples:
        noisy = " ".join(NOISES[name](list(words(text)), rng))
        restored += words(denoise(noisy, lexicon)) == words(text)
    assert restored / len(samples) >= 0.9, f"{name}: {restored}/{len(samples)}"


@pytest.mark.parametrize("name", sorted(NOISES))
def test_noisy_examples_get_the_answer_their_clean_text_gets(
    matcher_bundled: Matcher, knowledge: Knowledge, name: str
) -> None:
    rng = random.Random(13)
    samples = english_examples(knowledge, 120)
    same = 0
    for text in samples:
        noisy = " ".join(NOISES[name](list(words(text)), rng))
        same += matcher_bundled.match(noisy).label == matcher_bundled.match(text).label
    assert same / len(samples) >= 0.9, f"{name}: {same}/{len(samples)}"


def test_clean_text_and_known_words_are_left_as_written() -> None:
    lexicon = Lexicon.of(["does the sae slow inference", "gpt4 on an a100"])
    assert denoise("does the SAE slow inference?", lexicon) == "does the SAE slow inference?"
    assert denoise("gpt4 on an a100", lexicon) == "gpt4 on an a100"
    assert split_run_together("sloww", lexicon) is None
    assert split_run_together("slowinference", lexicon) == ["slow", "inference"]


def test_any_text_is_denoised_without_raising() -> None:
    lexicon = Lexicon.of(["word"])
    for text in ("", "\x00", "😀" * 500, "a" * 5000, "‮x‬", "11111111", "$$$ @@@ !!!"):
        denoise(text, lexicon)
