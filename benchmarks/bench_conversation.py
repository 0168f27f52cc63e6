"""Conversations: follow-ups resolved right, standalone turns kept, and memory bounded.

    .venv/bin/python -m benchmarks.bench_conversation [--set test|dev|all] [--misses]
    .venv/bin/python -m benchmarks.bench_conversation --memory 100000

Accuracy: every labelled conversation in tests/data/conversations/ is played line by line
as one conversation (as ``tensionbot ask --json --conversation -`` does), and each turn
counts towards one figure:

* follow-up turns (``follow_up: true``): right when kind, target and section all match;
* first and standalone turns (an answer expected, no ``follow_up``): right when kind and
  target match and no section was picked; beside it, the matcher alone on the same
  messages, which the conversation must not make worse;
* ``none`` turns on the first line of a conversation (context-free "why?", "source?") and
  ``none`` turns inside one ("thanks!"): right when nothing was answered.

Targets (issue 9): follow-ups >= 90 %; standalone no worse than the matcher alone;
first-line follow-ups stay none >= 95 %.

Memory: N conversations started (one question each, from as many people), through the
same memory the Discord app uses with its default bound; RSS is read before and after.
Target: 100,000 conversations leave RSS within 20 MiB of the start.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections import defaultdict
from pathlib import Path

from bot.core.conversation.memory import ConversationMemory
from bot.core.conversation.resolve import respond
from bot.core.knowledge.loader import load_or_raise
from bot.core.matching.matcher import Matcher
from bot.settings import bundled_knowledge_dir
from tests.support.conversations import (
    CONVERSATIONS,
    BadConversationsError,
    load,
    play,
    play_given_labels,
)

ROLES = ("follow-up", "first/standalone", "first-line none", "none inside")


def _pct(results: list[bool]) -> str:
    if not results:
        return "-"
    return f"{sum(results) / len(results):.1%} ({sum(results)}/{len(results)})"


def _label(kind: str, target: str | None, section: object) -> str:
    text = f"{kind}:{target}" if target else kind
    return f"{text} [{section}]" if section else text


def score(matcher: Matcher, path: Path, *, misses: bool) -> dict[str, list[bool]]:
    conversations = load(path, matcher.knowledge)
    results: dict[str, list[bool]] = defaultdict(list)
    wrong: list[str] = []
    for number, conversation in enumerate(conversations, start=1):
        given = play_given_labels(matcher, conversation)
        for labelled, turn in zip(conversation, play(matcher, conversation), strict=True):
            good = labelled.judge(turn)
            results[labelled.role].append(good)
            if labelled.role == "first/standalone":
                alone = matcher.match(labelled.say)
                results["matcher alone"].append(
                    alone.kind is labelled.kind
                    and (alone.tension or alone.goal or None) == labelled.target
                )
            if labelled.follow_up:
                results["given labels"].append(labelled.judge(given[labelled.position]))
            if not good:
                got = turn.answer
                wrong.append(
                    f"  #{number}.{labelled.position + 1} {labelled.say[:70]!r}: wanted "
                    f"{_label(labelled.kind, labelled.target, labelled.section)}, got "
                    f"{_label(got.kind, got.tension or got.goal, turn.section)}"
                )
    turns = sum(len(c) for c in conversations)
    print(f"{path.name}: {len(conversations)} conversations, {turns} turns")
    for role in ROLES:
        print(f"  {role:<18}{_pct(results[role])}")
    print(f"  {'(matcher alone)':<18}{_pct(results['matcher alone'])} on the standalone turns")
    print(f"  {'(given labels)':<18}{_pct(results['given labels'])} of the follow-ups, when")
    print(f"  {'':<18}each line gets the context its labelled predecessor implies")
    if misses and wrong:
        print("\n".join(wrong))
    return results


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory(matcher: Matcher, count: int) -> None:
    """``count`` people each start a conversation; the memory keeps the most recent ones."""
    lines = [t.say for path in sorted(CONVERSATIONS.glob("*.yaml")) for c in load(path) for t in c]
    for line in lines:  # the matcher's caches fill as in a running bot; not counted
        respond(matcher, None, line)
    store = ConversationMemory(window=600.0)
    gc.collect()
    before = rss_bytes()
    channel = 1_200_000_000_000_000_101
    for i in range(count):
        person = 1_300_000_000_000_000_000 + i
        key = ("person", channel, person)
        turn = respond(matcher, store.recall(key), lines[i % len(lines)])
        context = turn.next_context(store.recall(key))
        store.remember(key, context)
        store.remember(("answer", person + 7), context)  # the answer message, for replies
    gc.collect()
    after = rss_bytes()
    mib = 1024 * 1024
    print(
        f"{count:,} conversations: RSS {before / mib:.1f} MiB before, {after / mib:.1f} MiB "
        f"after ({(after - before) / mib:+.1f} MiB); {len(store):,} contexts held "
        f"(bound {store.capacity:,})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--set", choices=("test", "dev", "all"), default="all")
    parser.add_argument("--misses", action="store_true", help="list every wrong turn")
    parser.add_argument("--memory", type=int, metavar="N", help="only the memory benchmark")
    args = parser.parse_args()
    matcher = Matcher(load_or_raise(bundled_knowledge_dir()))
    if args.memory:
        memory(matcher, args.memory)
        return
    names = ("dev", "test") if args.set == "all" else (args.set,)
    try:
        for name in names:
            score(matcher, CONVERSATIONS / f"{name}.yaml", misses=args.misses)
    except BadConversationsError as exc:
        print(f"bench_conversation: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
