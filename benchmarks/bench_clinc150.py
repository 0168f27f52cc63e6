"""CLINC150 through the bot's matcher: in-scope accuracy, out-of-scope recall, and the cost.

    .venv/bin/python -m benchmarks.bench_clinc150 [--variant full|small|fewshot]
        [--split val|test] [--json] [--via-cli] [--cache] [--misses N]

The knowledge is built from the variant's train part as :mod:`benchmarks.clinc150`
describes (one tension per intent, the out-of-scope train utterances as
``not-answered.yaml``), written to a temporary folder and loaded with the bot's loader;
``Matcher(knowledge)`` then trains the classifier, as the bot does at start-up and on
``/reload``. Every query of the split is asked once, in order:

* an in-scope query is right when the answer is ``kind: tension`` with its intent's
  tension (a goal, the list, or no answer is wrong);
* an out-of-scope query is right when the answer is ``kind: none`` (out-of-scope recall,
  the paper's measure).

Reported besides: the time to build the matcher (wall and CPU), the process's peak RSS,
and the latency of each ``match`` (p50, p99). ``--via-cli`` asks through
``tensionbot --knowledge DIR ask --json -`` instead (every query on standard input, one
JSON line back each), the way an outside program asks; there the build is the command's
run on empty input (load and train), and only the mean cost per query is visible, because
``ask --json -`` writes its answers in one buffered stream.

The bot's model cache is off unless ``--cache`` (``TENSIONBOT_CACHE_DIR`` empty, for this
process and the command), so the build always includes training. Tune on ``val``;
``test`` is for reporting only. The paper's figures are printed for comparison, and a plain
TF-IDF logistic regression over the same train part when scikit-learn is installed (it is
not a dependency of the project).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from bot.core.knowledge.model import example_key
from bot.core.matching.answer import Answer
from bot.core.matching.matcher import Matcher

from . import clinc150
from .clinc150 import Loaded, Query, Training

# The paper's Table 2 (in-scope accuracy, out-of-scope recall; %), as quoted in
# benchmarks/clinc150/README.md.
PAPER_FULL: Final = (
    ("oos-train", "FastText", 89.0, 9.7),
    ("oos-train", "SVM", 91.0, 14.5),
    ("oos-train", "CNN", 91.2, 18.9),
    ("oos-train", "DialogFlow", 91.7, 14.0),
    ("oos-train", "Rasa", 91.5, 45.3),
    ("oos-train", "MLP over USE", 93.5, 47.4),
    ("oos-train", "BERT", 96.9, 40.3),
    ("oos-threshold", "SVM", 88.2, 18.0),
    ("oos-threshold", "MLP", 93.4, 49.1),
    ("oos-threshold", "BERT", 96.2, 52.3),
)
PAPER_SMALL: Final = (
    ("oos-train", "SVM", 89.6, 18.6),
    ("oos-train", "BERT", 96.4, 40.9),
)


def paper_rows(variant: str) -> list[dict[str, Any]]:
    column, rows = ("Small", PAPER_SMALL) if variant == "small" else ("Full", PAPER_FULL)
    return [
        {"column": column, "scheme": s, "method": m, "in_scope": a, "out_of_scope_recall": r}
        for s, m, a, r in rows
    ]


# --- scoring ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """What came back for one query: from an :class:`Answer` or a line of ``ask --json``."""

    kind: str
    tension: str | None

    @classmethod
    def of(cls, answer: Answer) -> Reply:
        return cls(answer.kind.value, answer.tension)


def right(query: Query, reply: Reply) -> bool:
    if query.intent is None:
        return reply.kind == "none"
    return reply.kind == "tension" and reply.tension == query.tension


def score(items: Sequence[Query], replies: Sequence[Reply]) -> dict[str, Any]:
    inside = [(q, r) for q, r in zip(items, replies, strict=True) if q.intent is not None]
    outside = [(q, r) for q, r in zip(items, replies, strict=True) if q.intent is None]
    good_in = sum(right(q, r) for q, r in inside)
    good_out = sum(right(q, r) for q, r in outside)
    misses = Counter(
        "other tension" if r.kind == "tension" else r.kind for q, r in inside if not right(q, r)
    )
    answered = Counter(r.kind for q, r in outside if not right(q, r))
    return {
        "queries_in_scope": len(inside),
        "queries_out_of_scope": len(outside),
        "in_scope_correct": good_in,
        "in_scope_accuracy": round(100 * good_in / len(inside), 2) if inside else None,
        "out_of_scope_correct": good_out,
        "out_of_scope_recall": round(100 * good_out / len(outside), 2) if outside else None,
        "in_scope_misses_by_kind": dict(misses.most_common()),
        "out_of_scope_answered_as": dict(answered.most_common()),
    }


def percentile(sorted_values: Sequence[float], p: float) -> float:
    """Nearest rank: the smallest value with at least ``p`` of the values at or below it."""
    return sorted_values[max(0, math.ceil(p * len(sorted_values)) - 1)]


def _mib(kib: int) -> float:
    return round(kib / 1024, 1)


def _rss_now_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0  # pragma: no cover - not Linux


# --- asking in process -----------------------------------------------------------------


def in_process(loaded: Loaded, items: list[Query], misses: int) -> dict[str, Any]:
    rss_before = _rss_now_kib()
    wall, cpu = time.perf_counter(), time.process_time()
    matcher = Matcher(loaded.knowledge)
    build_wall, build_cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak_after_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    replies: list[Reply] = []
    timings: list[float] = []
    for item in items:
        start = time.perf_counter_ns()
        answer = matcher.match(item.text)
        timings.append((time.perf_counter_ns() - start) / 1e6)
        replies.append(Reply.of(answer))
    timings.sort()
    figures = score(items, replies)
    figures |= {
        "build_wall_seconds": round(build_wall, 2),
        "build_cpu_seconds": round(build_cpu, 2),
        "classifier_labels": len(matcher.model.labels),
        "rss_before_build_mib": _mib(rss_before),
        "peak_rss_after_build_mib": _mib(peak_after_build),
        "peak_rss_mib": _mib(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        "latency_ms": {
            "p50": round(percentile(timings, 0.5), 3),
            "p99": round(percentile(timings, 0.99), 3),
            "max": round(timings[-1], 3),
            "mean": round(sum(timings) / len(timings), 3),
        },
        # Queries written exactly as a train example (or a title) are answered from the
        # matcher's table of known texts, whatever the classifier learned.
        "exact_known_text": sum(example_key(q.text) in matcher.known for q in items),
    }
    figures["misses"] = _misses(items, replies, misses)
    return figures


def _misses(items: Sequence[Query], replies: Sequence[Reply], count: int) -> list[str]:
    out: list[str] = []
    for q, r in zip(items, replies, strict=True):
        if len(out) >= count:
            break
        if not right(q, r):
            got = f"{r.kind}:{r.tension}" if r.tension else r.kind
            out.append(f"{q.text!r}: wanted {q.tension or 'none'}, got {got}")
    return out


# --- asking through the command line ---------------------------------------------------


def _tensionbot() -> str:
    beside = Path(sys.executable).with_name("tensionbot")
    found = str(beside) if beside.exists() else shutil.which("tensionbot")
    if found is None:
        raise SystemExit("bench_clinc150: no tensionbot command (run python3 dev.py --help first)")
    return found


def _children() -> tuple[float, int]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def via_cli(data: Training, items: list[Query], misses: int, env: dict[str, str]) -> dict[str, Any]:
    """``tensionbot --knowledge DIR ask --json -``: once on empty input, once on every query.

    (``tensionbot ask --json --knowledge DIR -`` is refused: ``--knowledge`` is an option
    of ``tensionbot`` itself, before the command.)
    """
    with clinc150.knowledge_folder(data) as folder:
        command = [_tensionbot(), "--knowledge", str(folder), "ask", "--json", "-"]

        def run(text: str) -> tuple[str, float, float]:
            cpu_before, _ = _children()
            start = time.perf_counter()
            done = subprocess.run(
                command, input=text, capture_output=True, text=True, env=env, check=False
            )
            wall = time.perf_counter() - start
            if done.returncode != 0:
                raise SystemExit(f"bench_clinc150: {' '.join(command)} failed:\n{done.stderr}")
            return done.stdout, wall, _children()[0] - cpu_before

        _, empty_wall, empty_cpu = run("")
        stdout, full_wall, full_cpu = run("".join(f"{q.text}\n" for q in items))
    lines = stdout.splitlines()
    if len(lines) != len(items):
        raise SystemExit(f"bench_clinc150: {len(items)} questions, {len(lines)} answers")
    replies = []
    for item, line in zip(items, lines, strict=True):
        got = json.loads(line)
        if got["question"] != item.text:
            raise SystemExit(f"bench_clinc150: answer for {got['question']!r}, not {item.text!r}")
        replies.append(Reply(got["kind"], got["tension"]))
    figures = score(items, replies)
    per_query = (full_wall - empty_wall) / len(items) * 1000
    figures |= {
        "command": " ".join([Path(command[0]).name, "--knowledge", "DIR", *command[3:]]),
        "build_wall_seconds": round(empty_wall, 2),  # start-up, load and training
        "build_cpu_seconds": round(empty_cpu, 2),
        "run_wall_seconds": round(full_wall, 2),
        "run_cpu_seconds": round(full_cpu, 2),
        "peak_rss_mib": _mib(_children()[1]),
        "latency_ms": {"p50": None, "p99": None, "max": None, "mean": round(per_query, 3)},
    }
    figures["misses"] = _misses(items, replies, misses)
    return figures


# --- a plain reference -----------------------------------------------------------------


def tfidf_reference(data: Training, items: list[Query]) -> dict[str, Any] | None:
    """TF-IDF + logistic regression over the same train part, out-of-scope as one more class
    (the paper's oos-train scheme); None without scikit-learn, which the project does not
    depend on."""
    try:
        text_features = importlib.import_module("sklearn.feature_extraction.text")
        linear = importlib.import_module("sklearn.linear_model")
    except ImportError:
        return None
    texts = [t for examples in data.intents.values() for t in examples] + list(data.out_of_scope)
    labels = [clinc150.tension_id(i) for i, ex in data.intents.items() for _ in ex]
    labels += ["none"] * len(data.out_of_scope)
    start = time.perf_counter()
    vectorizer = text_features.TfidfVectorizer(sublinear_tf=True)
    model = linear.LogisticRegression(max_iter=1000)
    model.fit(vectorizer.fit_transform(texts), labels)
    trained = time.perf_counter() - start
    predicted = model.predict(vectorizer.transform([q.text for q in items]))
    replies = [Reply("none", None) if p == "none" else Reply("tension", str(p)) for p in predicted]
    figures = score(items, replies)
    return {
        "method": "TfidfVectorizer(sublinear_tf) + LogisticRegression, oos as a class",
        "in_scope_accuracy": figures["in_scope_accuracy"],
        "out_of_scope_recall": figures["out_of_scope_recall"],
        "train_seconds": round(trained, 2),
    }


# --- report ----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ)
    if not args.cache:
        env["TENSIONBOT_CACHE_DIR"] = ""  # train, and write nothing to the user's cache
        os.environ["TENSIONBOT_CACHE_DIR"] = ""
    data = clinc150.training(args.variant)
    items = clinc150.queries(args.variant, args.split)
    start = time.perf_counter()
    loaded = clinc150.build(args.variant)
    load_seconds = time.perf_counter() - start
    figures: dict[str, Any] = {
        "variant": args.variant,
        "split": args.split,
        "via": "cli" if args.via_cli else "in-process",
        "model_cache": bool(args.cache),
        "intents": len(data.intents),
        "train_examples": sum(len(v) for v in data.intents.values()),
        "out_of_scope_train_examples": len(data.out_of_scope),
        "knowledge_write_and_load_seconds": round(load_seconds, 2),
        "loader_warnings": len(loaded.warnings),
    }
    if args.via_cli:
        figures |= via_cli(data, items, args.misses, env)
    else:
        figures |= in_process(loaded, items, args.misses)
    figures["tfidf_logreg_reference"] = tfidf_reference(data, items)
    figures["paper"] = paper_rows(args.variant)
    return figures


def print_report(f: dict[str, Any]) -> None:
    via = f"through `{f['command']}`" if f["via"] == "cli" else "in process"
    print(
        f"CLINC150 {f['variant']} / {f['split']} ({via}): {f['intents']} intents, "
        f"{f['train_examples']:,} train examples + {f['out_of_scope_train_examples']} "
        f"out-of-scope; {f['queries_in_scope']:,} in-scope and "
        f"{f['queries_out_of_scope']:,} out-of-scope queries"
    )
    print(
        f"knowledge written and loaded in {f['knowledge_write_and_load_seconds']:.2f} s "
        f"({f['loader_warnings']} loader warnings)"
    )
    cache = "model cache on" if f["model_cache"] else "model cache off: trained"
    what = "the command on empty input: start-up, load, train" if f["via"] == "cli" else "matcher"
    print(
        f"build ({what}): {f['build_wall_seconds']:.2f} s wall, "
        f"{f['build_cpu_seconds']:.2f} s CPU ({cache})"
    )
    print(
        f"in-scope accuracy    {f['in_scope_accuracy']:5.1f} %  "
        f"({f['in_scope_correct']:,}/{f['queries_in_scope']:,}); misses: "
        + (", ".join(f"{k} {v}" for k, v in f["in_scope_misses_by_kind"].items()) or "none")
    )
    print(
        f"out-of-scope recall  {f['out_of_scope_recall']:5.1f} %  "
        f"({f['out_of_scope_correct']:,}/{f['queries_out_of_scope']:,}); answered as: "
        + (", ".join(f"{k} {v}" for k, v in f["out_of_scope_answered_as"].items()) or "-")
    )
    lat = f["latency_ms"]
    if lat["p50"] is None:
        print(
            f"latency: {lat['mean']:.3f} ms per query on average "
            f"({f['run_wall_seconds']:.2f} s for all, less the empty run; "
            "p50/p99 not visible through one buffered stream)"
        )
    else:
        print(
            f"latency per query: p50 {lat['p50']:.3f} ms, p99 {lat['p99']:.3f} ms, "
            f"max {lat['max']:.2f} ms, mean {lat['mean']:.3f} ms"
        )
    if f["via"] == "cli":
        print(f"peak RSS (the command): {f['peak_rss_mib']:.0f} MiB")
    else:
        print(
            f"peak RSS: {f['peak_rss_mib']:.0f} MiB ({f['rss_before_build_mib']:.0f} MiB before "
            f"the matcher was built, {f['peak_rss_after_build_mib']:.0f} MiB peak by its end)"
        )
        print(f"queries written exactly as a known text: {f['exact_known_text']:,}")
    for line in f["misses"]:
        print(f"  miss: {line}")
    ref = f["tfidf_logreg_reference"]
    if ref is None:
        print("reference TF-IDF logistic regression: skipped (scikit-learn is not installed)")
    else:
        print(
            f"reference {ref['method']}: in-scope {ref['in_scope_accuracy']:.1f} %, "
            f"out-of-scope recall {ref['out_of_scope_recall']:.1f} % "
            f"(trained in {ref['train_seconds']:.1f} s)"
        )
    rows = f["paper"]
    print(
        f"\nLarson et al. 2019, Table 2, {rows[0]['column']} column (test split; "
        "in-scope accuracy / out-of-scope recall):"
    )
    if f["variant"] == "fewshot":
        print("  (the paper has no 10-per-intent column; these are its Full figures)")
    for row in rows:
        print(
            f"  {row['scheme']:<14} {row['method']:<13} {row['in_scope']:5.1f} / "
            f"{row['out_of_scope_recall']:5.1f}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variant", choices=clinc150.VARIANTS, default="full")
    parser.add_argument(
        "--split", choices=clinc150.SPLITS, default="test", help="test (default) is for reporting"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object of the figures")
    parser.add_argument(
        "--via-cli", action="store_true", help="ask through `tensionbot ask --json -` instead"
    )
    parser.add_argument(
        "--cache", action="store_true", help="let the bot use its model cache (default: off)"
    )
    parser.add_argument("--misses", type=int, default=0, metavar="N", help="show N wrong answers")
    args = parser.parse_args(argv)
    figures = run(args)
    if args.json:
        print(json.dumps(figures))
    else:
        print_report(figures)


if __name__ == "__main__":
    main()
