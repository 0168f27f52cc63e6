"""Messages of kinds nobody wrote examples for, and conversations around them (issue 16).

    .venv/bin/python -m benchmarks.bench_kinds [--set test|dev] [--misses] [--json]

Messages (tests/data/kinds/<set>.yaml): right when the answer is the expected one. A message
asking two things is right when both are answered (the answer and its further answers);
"first" counts it right when the first answer is one of the two. Languages outside the
bank are those the knowledge has no examples in (see ``tests.support.kinds``).

Conversations (tests/data/conversations/kinds-<set>.yaml): played line by line as one
conversation, as ``ask --json --conversation -`` does; follow-ups are right when kind,
target and section all match; openers that lean on nothing must stay ``none``.

Targets (issue 16): every kind >= 90 %; languages outside the bank within 10 points of
English; near misses >= 90 %; follow-ups >= 92 %, context-free openers none >= 95 %,
first turns >= 98 %.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict

from bot.core.knowledge.label import Label
from bot.core.knowledge.loader import load_or_raise
from bot.core.matching.answer import Answer
from bot.core.matching.matcher import Matcher
from bot.settings import bundled_knowledge_dir
from tests.support import kinds
from tests.support.conversations import CONVERSATIONS, load, play, play_given_labels


def given(answer: Answer) -> tuple[Label, ...]:
    """The answer's label, then those of any further answers (two questions in one)."""
    more = getattr(answer, "more", ())
    return (answer.label, *(a.label for a in more))


def score_messages(matcher: Matcher, name: str, misses: bool) -> dict[str, list[bool]]:
    results: dict[str, list[bool]] = defaultdict(list)
    wrong: list[str] = []
    for message in kinds.load(name):
        labels = given(matcher.match(message.text))
        if len(message.expect) == 2:
            right = set(message.expect) <= set(labels)
            results["two-questions (first)"].append(labels[0] in message.expect)
        else:
            right = labels[0] == message.expect[0]
            if message.kind == "two-questions":
                results["one question and chat"].append(right)
        results[message.kind].append(right)
        results["all"].append(right)
        if message.near_miss:
            results["near misses"].append(right)
        if message.kind == "lang":
            results[f"lang {message.lang}"].append(right)
            part = "none" if message.expect[0] == Label.NONE else "answered"
            where = "outside the bank" if message.outside_the_bank else "in the bank"
            results[f"languages {where}, {part}"].append(right)
            results[f"languages {where}"].append(right)
        if not right:
            wrong.append(
                f"  [{message.kind}/{message.lang}] {message.text[:80]!r}: wanted "
                f"{', '.join(map(str, message.expect))}, got {', '.join(map(str, labels))}"
            )
    if misses:
        print("\n".join(wrong))
    return results


def score_conversations(matcher: Matcher, name: str, misses: bool) -> dict[str, list[bool]]:
    results: dict[str, list[bool]] = defaultdict(list)
    path = CONVERSATIONS / f"kinds-{name}.yaml"
    for number, conversation in enumerate(load(path, matcher.knowledge), start=1):
        given = play_given_labels(matcher, conversation)
        for labelled, turn in zip(conversation, play(matcher, conversation), strict=True):
            if labelled.follow_up:
                results["follow-up, given the labelled context"].append(
                    labelled.judge(given[labelled.position])
                )
            good = labelled.judge(turn)
            role = labelled.role
            results[f"conversation {role}"].append(good)
            if labelled.follow_up:
                part = labelled.section.value if labelled.section else "switch"
                results[f"follow-up: {part}"].append(good)
                results[
                    f"follow-up, {'en' if labelled.lang == 'en' else 'other languages'}"
                ].append(good)
            if misses and not good:
                got = turn.answer
                print(
                    f"  conv {number}.{labelled.position + 1} [{labelled.lang}] "
                    f"{labelled.say[:60]!r}: wanted {labelled.kind.value}:{labelled.target} "
                    f"[{labelled.section}], got {got.label} [{turn.section}]"
                )
    return results


def _pct(values: list[bool]) -> str:
    return f"{sum(values) / len(values):6.1%} ({sum(values)}/{len(values)})" if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=("test", "dev"), default="test")
    parser.add_argument("--misses", action="store_true", help="list every wrong answer")
    parser.add_argument("--json", action="store_true", help="one JSON object of the figures")
    args = parser.parse_args()
    matcher = Matcher(load_or_raise(bundled_knowledge_dir()))
    results = score_messages(matcher, args.set, args.misses)
    results.update(score_conversations(matcher, args.set, args.misses))
    if args.json:
        print(json.dumps({k: [sum(v), len(v)] for k, v in sorted(results.items())}))
        return
    for key in sorted(results):
        print(f"  {key:<44}{_pct(results[key])}")


if __name__ == "__main__":
    main()
