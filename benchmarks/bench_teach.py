"""Teaching the bot its misses: are they then answered, and what happens to everything else?

    .venv/bin/python -m benchmarks.bench_teach [--count 20]

Takes the first ``--count`` questions of ``tests/data/realistic/dev.yaml`` that the bundled
knowledge answers wrongly and teaches each its labelled answer through the same rules a
moderator's click goes through (text cleaned as in Discord, conflicts, limits, a SQLite
database, the audit trail), then merges them as every load does. It reports whether the
taught questions are now answered as taught, how accuracy moved on the rest of the dev
set, on the held-out realistic test set and on the short sets (a teach must not cost more
than 1 point anywhere), and what a teach costs: the reload that retrains the classifier.

``--discord`` then teaches the same questions the way a moderator does, through the fake
gateway into two real ``tensionbot run`` processes sharing a throwaway PostgreSQL (as in
bench_scaleout): Apps → Teach tensionbot on the message in the guild's cluster, the pick
in the select menu, and times (a) the pick until the moderator reads "Next time: …" and
(b) the pick until the other cluster answers a DM with the taught answer.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.core.knowledge.label import Kind
from bot.core.knowledge.loader import load_or_raise
from bot.core.knowledge.model import Knowledge, Taught
from bot.core.knowledge.teaching import Unteachable, merge, teachable_text
from bot.core.matching import model_cache
from bot.core.matching.answer import Answer
from bot.core.matching.matcher import Matcher
from bot.core.serving.store import KnowledgeStore
from bot.curation.teaching import TeachRefused, taught_examples, teach
from bot.discord_app.privacy import without_mentions
from bot.settings import bundled_knowledge_dir
from bot.storage import DatabaseURL, open_database
from tests.support.questions import Labelled, load_sets


def accuracy(read: Callable[[str], Answer], items: list[Labelled]) -> tuple[int, int]:
    return sum(item.judge(read(item.question)) for item in items), len(items)


def pct(right: int, total: int) -> str:
    return f"{100 * right / total:.1f} % ({right}/{total})" if total else "-"


async def teach_misses(
    knowledge: Knowledge, misses: list[Labelled], count: int, folder: Path
) -> tuple[list[Labelled], list[str]]:
    """Teach up to ``count`` misses as a moderator would; (taught, why the others were not)."""
    database = await open_database(DatabaseURL.sqlite(folder / "teach.sqlite3"))
    taught: list[Labelled] = []
    skipped: list[str] = []
    try:
        for item in misses:
            if len(taught) == count:
                break
            try:
                text = teachable_text(without_mentions(item.question))
                await teach(
                    database,
                    knowledge,
                    label=item.label,
                    text=text,
                    guild_id=1,
                    moderator="benchmark",
                )
            except (Unteachable, TeachRefused) as exc:
                skipped.append(f"{item.question[:60]!r}: {exc}")
                continue
            taught.append(item)
    finally:
        await database.close()
    return taught, skipped


async def reload_seconds(folder: Path, database_path: Path, rounds: int) -> list[float]:
    """A reload with the taught examples, retraining each time (as after every teach)."""
    store, _ = KnowledgeStore.open(folder)
    assert store is not None
    database = await open_database(DatabaseURL.sqlite(database_path))

    async def source() -> list[Taught]:
        return await taught_examples(database)

    store.taught_source = source
    timings = []
    try:
        for _ in range(rounds):
            model_cache._memory.clear()
            outcome = await store.reload()
            assert outcome.ok, outcome.problems
            timings.append(outcome.seconds)
    finally:
        await database.close()
    return timings


async def through_discord(taught: list[Labelled], knowledge: Knowledge, cache: str) -> None:
    """``cache``: the processes' TENSIONBOT_CACHE_DIR ("" for none, as on two hosts)."""
    import shutil

    from tests.fakediscord import FakeDiscord
    from tests.fakediscord import payloads as p
    from tests.support.pgserver import PostgresServer, find_bindir

    from .bench_scaleout import cluster, launch, stop

    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer(bindir, durable=True)
    server.start()
    folder = Path(tempfile.mkdtemp()) / "knowledge"
    shutil.copytree(bundled_knowledge_dir(), folder)
    fake = FakeDiscord()
    await fake.start()
    url = server.new_database()
    os.environ["TENSIONBOT_CACHE_DIR"] = cache
    dms = await launch(fake, url, folder, cluster(0))
    guild = await launch(fake, url, folder, {**cluster(1), "TENSIONBOT_SYNC_COMMANDS": "false"})
    os.environ["TENSIONBOT_CACHE_DIR"] = ""
    confirmed: list[float] = []
    spread: list[float] = []
    try:
        await fake.wait_until(lambda: fake.identifies == 2, timeout=60)
        await asyncio.sleep(0.5)
        moderator = fake.person("mod", roles=(p.MOD_ROLE_ID,))
        asker = fake.person("bench")
        for item in taught:
            if item.kind is not Kind.TENSION:
                continue  # timed by the title the other cluster answers with
            title = knowledge.tensions[str(item.target)].title
            message_id = await fake.say(asker, item.question, channel_id=p.OTHER_ID)
            prompt = await fake.context_menu(
                moderator, "Teach tensionbot", fake.messages[message_id]
            )
            assert prompt.original is not None
            start = time.perf_counter()
            pick = await fake.choose(
                moderator, prompt.original, "tb:teach:pick", [str(item.label)], wait=False
            )
            while True:
                shown = await fake.slash(asker, "ask", {"question": item.question}, dm=True)
                if shown.response["embeds"][0].get("title") == title:
                    break
            spread.append((time.perf_counter() - start) * 1000)
            await asyncio.wait_for(pick.answered.wait(), 30)
            confirmed.append((time.perf_counter() - start) * 1000)
            description = pick.response["embeds"][0]["description"]
            assert "Next time" in description, description
            assert "2 of 2 clusters" in description, description
    finally:
        await stop(dms, guild)
        await fake.stop()
        server.stop()
        shutil.rmtree(folder.parent)
    where = "a model cache shared on one host" if cache else "no model cache (two hosts)"
    print(
        f"\nthrough Discord, {len(spread)} teaches in the guild's cluster (two processes, "
        f"PostgreSQL, {where}): the pick -> the moderator reads 'Next time' p50 "
        f"{statistics.median(confirmed):.0f} ms, max {max(confirmed):.0f} ms; the pick -> "
        f"the other cluster answers a DM as taught p50 {statistics.median(spread):.0f} ms, "
        f"max {max(spread):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20, help="how many misses to teach")
    parser.add_argument("--rounds", type=int, default=5, help="reloads timed")
    parser.add_argument("--discord", action="store_true", help="also teach through Discord")
    args = parser.parse_args()
    os.environ["TENSIONBOT_CACHE_DIR"] = ""  # every figure below trains afresh
    folder = bundled_knowledge_dir()
    knowledge = load_or_raise(folder)
    before = Matcher(knowledge)
    dev, test, short = load_sets("dev"), load_sets("test"), load_sets("short")
    misses = [item for item in dev if not item.judge(before.match(item.question))]
    print(f"bundled knowledge: {len(dev)} dev messages, {len(misses)} answered wrongly")

    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        taught, skipped = asyncio.run(teach_misses(knowledge, misses, args.count, work))
        for reason in skipped:
            print(f"  not taught: {reason}")
        database = asyncio.run(open_database(DatabaseURL.sqlite(work / "teach.sqlite3")))
        try:
            examples = asyncio.run(taught_examples(database))
        finally:
            asyncio.run(database.close())
        merged, problems = merge(knowledge, examples)
        assert not problems, problems
        start = time.perf_counter()
        after = Matcher(merged)
        trained = time.perf_counter() - start
        timings = asyncio.run(reload_seconds(folder, work / "teach.sqlite3", args.rounds))

    print(f"\ntaught {len(taught)} of them (each labelled answer, text as Discord keeps it)")
    right, total = accuracy(after.match, taught)
    print(f"the taught questions, answered as taught: {pct(right, total)}")
    wrong_before = accuracy(before.match, taught)
    print(f"  (before teaching: {pct(*wrong_before)})")

    taught_questions = {item.question for item in taught}
    rest = [item for item in dev if item.question not in taught_questions]
    print(f"\n{'set':<32}{'before':>22}{'after':>22}{'moved':>10}")
    for name, items in (
        ("dev, the rest", rest),
        ("realistic test (held out)", test),
        ("short sets (issue 3)", short),
    ):
        b, a = accuracy(before.match, items), accuracy(after.match, items)
        moved = 100 * (a[0] - b[0]) / b[1]
        print(f"{name:<32}{pct(*b):>22}{pct(*a):>22}{moved:>+9.1f}")
        changed = [
            (item, before.match(item.question), after.match(item.question))
            for item in items
            if item.judge(before.match(item.question)) != item.judge(after.match(item.question))
        ]
        for item, old, new in changed:
            verdict = "fixed" if item.judge(new) else "broken"
            print(
                f"    {verdict}: {item.question[:70]!r} wanted {item.label}, "
                f"{old.kind.value}:{old.tension or old.goal or ''} -> "
                f"{new.kind.value}:{new.tension or new.goal or ''}"
            )

    print(
        f"\nretraining with {len(examples)} taught examples: {trained:.2f} s (Matcher); "
        f"a reload with them (what every teach and undo runs, in slices): median "
        f"{statistics.median(timings):.2f} s, max {max(timings):.2f} s over {len(timings)}"
    )
    if args.discord:
        asyncio.run(through_discord(taught, knowledge, ""))
        with tempfile.TemporaryDirectory() as shared:
            asyncio.run(through_discord(taught, knowledge, shared))


if __name__ == "__main__":
    main()
