"""Matcher accuracy per kind on the labelled sets, against the naive baseline, and latency.

    .venv/bin/python -m benchmarks.bench_matcher [--quick]

Accuracy: every question in tests/data/questions/*.yaml, per set and overall, for our
matcher and for the naive ``process.extractOne(question, keywords, scorer=WRatio)``
(which can only ever name a tension: it is right on a tension question when it names the
right one, and right on an off-topic one when its score stays under the cutoff).

Latency: p50/p99 per question on the bundled knowledge and on a generated knowledge base
of 10,000 tensions (index built once, not counted), and the cost of 1,000 questions
through ``tensionbot ask --json -`` beyond start-up. Targets (issue 3): tension >= 95 %,
goal >= 90 %, list >= 90 %, none >= 95 %; p99 < 1 ms bundled, < 10 ms at 10,000.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable

from rapidfuzz import fuzz, process

from bot.core.knowledge.label import Kind, Label
from bot.core.knowledge.loader import load_or_raise
from bot.core.knowledge.model import Knowledge
from bot.core.matching.answer import Answer
from bot.core.matching.matcher import Matcher
from bot.core.matching.semantic import Embeddings, NoEmbedder
from bot.core.text.message import read_message
from bot.settings import bundled_knowledge_dir
from tests.support import synthetic
from tests.support.questions import Labelled, load_sets

BASELINE_CUTOFF = 60.0  # a WRatio a naive bot would treat as "no match" below


def naive_baseline(knowledge: Knowledge) -> Callable[[str], tuple[str, float]]:
    choices: dict[str, str] = {}
    for tension in knowledge.tensions.values():
        for keyword in tension.keywords:
            choices.setdefault(keyword, tension.id)
    keys = list(choices)

    def answer(question: str) -> tuple[str, float]:
        best = process.extractOne(question, keys, scorer=fuzz.WRatio)
        return (choices[best[0]], best[1]) if best else ("", 0.0)

    return answer


def accuracy(
    knowledge: Knowledge, items: list[Labelled], *, show_misses: bool, variants: bool
) -> None:
    matcher = Matcher(knowledge)
    readers: dict[str, Callable[[str], Answer]] = {"matcher": matcher.match}
    if variants:
        plain = Matcher(knowledge, embeddings=Embeddings(NoEmbedder()))
        readers["without the semantic model"] = plain.match
        readers["classifier's top answer, never abstaining"] = lambda q: top_only(matcher, q)
    baseline = naive_baseline(knowledge)
    naive: dict[str, list[bool]] = defaultdict(list)
    for name, read in readers.items():
        ours: dict[tuple[str, str], list[bool]] = defaultdict(list)
        misses: list[str] = []
        for item in items:
            answer = read(item.question)
            good = item.judge(answer)
            for source in (item.source, "all"):
                ours[(source, column(item))].append(good)
            if not good:
                got = answer.tension or answer.goal or ""
                misses.append(
                    f"  [{item.source}] {item.question!r}: "
                    f"wanted {item.kind}:{item.target}, got {answer.kind}:{got}"
                )
            if name == "matcher":
                tension, score = baseline(item.question)
                if item.kind is Kind.TENSION:
                    naive[column(item)].append(tension == item.target)
                elif item.kind is Kind.NONE:
                    naive[column(item)].append(score < BASELINE_CUTOFF)
                else:
                    naive[column(item)].append(False)
        print(f"--- {name}")
        table(ours)
        if show_misses and misses:
            print(f"misses ({len(misses)}):")
            print("\n".join(misses))
    print("--- naive WRatio")
    table({("all", k): v for k, v in naive.items()})


COLUMNS = ("tension", "goal", "list", "none", "near miss", "all none")


def column(item: Labelled) -> str:
    if item.kind is Kind.NONE:
        return "near miss" if item.near_miss else "none"
    return item.kind.value


def table(results: dict[tuple[str, str], list[bool]]) -> None:
    for (source, col), rows in list(results.items()):
        if col in ("none", "near miss"):
            results.setdefault((source, "all none"), []).extend(rows)
    sources = [*sorted({s for s, _ in results} - {"all"}), "all"]
    print(f"{'set':<14}" + "".join(f"{c:>15}" for c in COLUMNS) + f"{'overall':>15}")
    for source in sources:
        row = f"{source:<14}"
        for col in COLUMNS:
            row += f"{_pct(results.get((source, col), [])):>15}"
        every = [x for (s, c), v in results.items() if s == source and c != "all none" for x in v]
        print(row + f"{_pct(every):>15}")


def top_only(matcher: Matcher, question: str) -> Answer:
    """The classifier's most probable answer (none included), with no calibrated bar."""
    [judged] = matcher.judge([read_message(question).prose])
    label = max(judged.probabilities, key=judged.probabilities.__getitem__, default=Label.NONE)
    if label.kind is Kind.TENSION:
        return Answer(question, Kind.TENSION, 1.0, tension=label.target)
    if label.kind is Kind.GOAL:
        return Answer(question, Kind.GOAL, 1.0, goal=label.target)
    return Answer(question, label.kind, 1.0)


def _pct(results: list[bool]) -> str:
    if not results:
        return "-"
    return f"{sum(results) / len(results):.1%} {sum(results)}/{len(results)}"


def latency(label: str, matcher: Matcher, questions: list[str], rounds: int) -> None:
    for question in questions[:50]:  # warm caches the way a running bot has them
        matcher.match(question)
    timings: list[float] = []
    for _ in range(rounds):
        for question in questions:
            start = time.perf_counter_ns()
            matcher.match(question)
            timings.append((time.perf_counter_ns() - start) / 1e6)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(
        f"{label}: {len(timings):,} answers, p50 {p50:.3f} ms, p99 {p99:.3f} ms, "
        f"max {timings[-1]:.2f} ms"
    )


def synthetic_questions(knowledge: Knowledge, count: int) -> list[str]:
    """Questions in the generated knowledge's own words, with filler and typos."""
    rng = random.Random(11)
    goals = list(knowledge.goals.values())
    tensions = list(knowledge.tensions.values())
    fillers = ["does", "how much does", "why is", "what about", "is there a tradeoff between"]
    out: list[str] = []
    for i in range(count):
        if i % 3 == 0:
            t = rng.choice(tensions)
            out.append(
                f"{rng.choice(fillers)} {rng.choice(t.keywords)} and {rng.choice(t.keywords)}?"
            )
        elif i % 3 == 1:
            a, b = rng.sample(goals, 2)
            out.append(f"{rng.choice(fillers)} {a.name.lower()} vs {b.name.lower()}")
        else:
            word = rng.choice(rng.choice(tensions).keywords)
            typo = word[:2] + word[3:] if len(word) > 6 else word
            out.append(f"{typo} tradeof, anyone?")
    return out


def cli_cost(questions: list[str]) -> None:
    """1,000 questions through `ask --json -`, minus the same command with no input."""
    lines = "\n".join((questions * (1000 // len(questions) + 1))[:1000]) + "\n"
    command = [sys.executable, "-m", "bot", "ask", "--json", "-"]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")

    def run(text: str) -> float:
        start = time.perf_counter()
        done = subprocess.run(
            command, input=text, capture_output=True, text=True, env=env, check=True
        )
        elapsed = time.perf_counter() - start
        assert text == "" or done.stdout.count("\n") == text.count("\n")
        return elapsed

    empty = min(run("") for _ in range(3))
    full = min(run(lines) for _ in range(3))
    print(
        f"ask --json - with 1,000 questions: {full:.2f} s total, {empty:.2f} s start-up, "
        f"{full - empty:.2f} s for the questions"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer rounds, smaller scale run")
    parser.add_argument("--knowledge", default=None, help="knowledge folder (bundled)")
    parser.add_argument(
        "--sets", default="all", help="short, realistic, dev, test or all (default)"
    )
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    parser.add_argument("--variants", action="store_true", help="also lexical/examples alone")
    parser.add_argument("--no-latency", action="store_true", help="accuracy only")
    args = parser.parse_args()
    knowledge = load_or_raise(args.knowledge or bundled_knowledge_dir())
    items = load_sets(args.sets)
    print(f"{len(items)} labelled questions\n")
    accuracy(knowledge, items, show_misses=args.misses, variants=args.variants)
    print()
    if args.no_latency:
        return
    questions = [item.question for item in items]
    latency("bundled knowledge", Matcher(knowledge), questions, rounds=3 if args.quick else 20)
    size = 1000 if args.quick else 10_000
    start = time.perf_counter()
    big = synthetic.build(size)
    built = time.perf_counter()
    big_matcher = Matcher(big)
    indexed = time.perf_counter()
    print(
        f"generated {size:,} tensions: knowledge {built - start:.1f} s, "
        f"index {indexed - built:.2f} s"
    )
    latency(
        f"{size:,} tensions",
        big_matcher,
        synthetic_questions(big, 600) + questions,
        rounds=2 if args.quick else 5,
    )
    cli_cost(questions)


if __name__ == "__main__":
    main()
