"""Argument parsing and the subcommands.

Standard output carries only what was asked for (answers, listings); diagnostics go to
standard error so the output can be piped into other tools.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from rapidfuzz import process

from bot.core.knowledge.loader import LoadResult, load_knowledge
from bot.core.knowledge.model import Knowledge
from bot.core.matching.matcher import Matcher
from bot.core.matching.semantic import preload
from bot.core.rendering.render import goal_card, tension_card

from .. import __version__
from ..settings import Settings, describe_settings_error
from ..storage.url import DatabaseURL, DatabaseURLError
from .asking import answer_json, answer_text, chat, questions_from
from .terminal import card_text

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class Abort(Exception):  # noqa: N818 - it is a control-flow signal, not an error type
    """Stop the command with an exit code; the message was already printed."""

    def __init__(self, code: int) -> None:
        self.code = code
        super().__init__(code)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        print(f"tensionbot: configuration error: {describe_settings_error(exc)}", file=sys.stderr)
        raise Abort(EXIT_USAGE) from None


def _load(directory: Path | None) -> tuple[LoadResult, Path]:
    folder = directory if directory is not None else _settings().knowledge_dir
    return load_knowledge(folder), folder


def _knowledge_or_exit(directory: Path | None) -> Knowledge:
    result, folder = _load(directory)
    if result.knowledge is None:
        print(f"tensionbot: the knowledge in {folder} does not load:", file=sys.stderr)
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        raise Abort(EXIT_PROBLEMS)
    return result.knowledge


def cmd_check(args: argparse.Namespace) -> int:
    result, folder = _load(args.dir or args.knowledge)
    for warning in result.warnings:
        print(f"warning: {warning}")
    if result.knowledge is None:
        for problem in result.problems:
            print(problem)
        count = len(result.problems)
        print(f"{count} problem{'s' if count != 1 else ''} in {folder}; nothing was loaded")
        return EXIT_PROBLEMS
    k = result.knowledge
    print(
        f"{folder}: OK, {len(k.goals)} goals and {len(k.tensions)} tensions "
        f"(version {k.fingerprint})"
    )
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    k = _knowledge_or_exit(args.knowledge)
    width = max((len(t.id) for t in k.tensions.values()), default=0)
    print("Goals")
    for goal in k.goals.values():
        print(f"  {goal.id:<{width}}  {goal.name}: {goal.description}")
    print("\nTensions")
    for tension in k.tensions.values():
        mark = "" if tension.quantified else "  (not yet quantified)"
        print(f"  {tension.id:<{width}}  {tension.title}{mark}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    k = _knowledge_or_exit(args.knowledge)
    wanted = args.id.strip().lower()
    if wanted in k.tensions:
        print(card_text(tension_card(k, k.tensions[wanted], markdown=False)))
        return EXIT_OK
    if wanted in k.goals:
        print(card_text(goal_card(k, wanted)))
        return EXIT_OK
    ids = [*k.tensions, *k.goals]
    close = [match for match, score, _ in process.extract(wanted, ids, limit=3) if score >= 60]
    hint = f" Did you mean: {', '.join(close)}?" if close else " Run 'tensionbot list' to see them."
    print(f"tensionbot: no tension or goal has the id '{args.id[:60]}'.{hint}", file=sys.stderr)
    return EXIT_PROBLEMS


def cmd_ask(args: argparse.Namespace) -> int:
    preload()  # the semantic model loads while the knowledge does
    k = _knowledge_or_exit(args.knowledge)
    if not args.question:
        print(
            "tensionbot: ask needs a question, or - to read questions from stdin", file=sys.stderr
        )
        return EXIT_USAGE
    matcher = Matcher(k)
    questions = questions_from(args.question, sys.stdin, each_argument=args.json)
    if args.json:
        answer_json(matcher, questions, sys.stdout, conversation=args.conversation)
    else:
        answer_text(matcher, questions, sys.stdout, conversation=args.conversation)
    return EXIT_OK


def cmd_chat(args: argparse.Namespace) -> int:
    preload()
    chat(_knowledge_or_exit(args.knowledge))
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from ..discord_app.runner import run  # discord.py is imported only to run the bot

    return run(_settings())


def cmd_map(args: argparse.Namespace) -> int:
    from ..core.rendering.tension_map import FORMATS, encode, render

    out: Path = args.out
    image_format = FORMATS.get(out.suffix.lower())
    if image_format is None:
        print(
            f"tensionbot: map writes {', '.join(FORMATS)} files; '{out.name}' names none of them",
            file=sys.stderr,
        )
        return EXIT_USAGE
    k = _knowledge_or_exit(args.knowledge)
    data = encode(render(k), image_format)
    try:
        out.write_bytes(data)
    except OSError as exc:
        print(f"tensionbot: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(
        f"wrote {out} ({image_format}, {len(data):,} bytes, "
        f"{len(k.goals)} goals, {len(k.tensions)} tensions)"
    )
    return EXIT_OK


def _database(given: str | None, command: str) -> DatabaseURL:
    """``--db`` (a URL, or a path meaning SQLite), else the configured store."""
    if given:
        try:
            return DatabaseURL.parse(given) if "://" in given else DatabaseURL.sqlite(Path(given))
        except DatabaseURLError as exc:
            print(f"tensionbot: --db: {exc}", file=sys.stderr)
            raise Abort(EXIT_USAGE) from None
    url = _settings().database()
    if url is None:
        print(
            f"tensionbot: {command} needs a database, and the question log is off "
            "(set TENSIONBOT_DATABASE_URL or TENSIONBOT_QUESTION_LOG_PATH)",
            file=sys.stderr,
        )
        raise Abort(EXIT_USAGE)
    return url


def days_back(text: str) -> int:
    """``--days``: a whole number of days, at least one (0 or less would report nothing)."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of days, not {text!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more (a window of {days} days is empty)")
    return days


def cmd_stats(args: argparse.Namespace) -> int:
    from ..storage.questions import Scope
    from .stats import print_stats

    url = _database(args.db, "stats")
    # Titles make the text report readable; the knowledge is the same one every command uses.
    knowledge = None if args.json else _load(args.knowledge)[0].knowledge
    scope = Scope.dms() if args.dms else Scope.guild(args.guild) if args.guild else Scope.all()
    return print_stats(url, args.days, as_json=args.json, knowledge=knowledge, scope=scope)


def cmd_forget(args: argparse.Namespace) -> int:
    from .forget import forget_guild

    url = _database(args.db, "forget")
    return forget_guild(url, args.guild, check_seconds=_settings().reload_check_seconds)


def cmd_sync(args: argparse.Namespace) -> int:
    from ..discord_app.runner import sync

    settings = _settings()
    if args.knowledge is not None:
        settings = settings.model_copy(update={"knowledge_dir": args.knowledge})
    return sync(settings)


def cmd_reload(args: argparse.Namespace) -> int:
    from .reload import reload_clusters

    url = _database(args.db, "reload")
    settings = _settings()
    return reload_clusters(url, check_seconds=settings.reload_check_seconds, wait_seconds=args.wait)


def cmd_learned(args: argparse.Namespace) -> int:
    from . import teaching

    url = _database(args.db, "learned")
    if args.action == "list":
        return teaching.list_learned(url, _load(args.knowledge)[0].knowledge)
    changes = {"remove": teaching.remove_learned, "promote": teaching.promote_learned}
    if args.action in changes:
        check = _settings().reload_check_seconds
        return changes[args.action](url, args.id, check_seconds=check, wait_seconds=args.wait)
    folder = args.into or args.knowledge or _settings().knowledge_dir
    return teaching.export_learned(url, folder)


def cmd_health(args: argparse.Namespace) -> int:
    """For the container HEALTHCHECK: healthy while Discord acknowledges the bot's heartbeats."""
    from ..discord_app.liveness import verdict  # no discord import: this runs every 30 s

    path = _settings().heartbeat_file
    if path is None:
        print("tensionbot: TENSIONBOT_HEARTBEAT_FILE is not set", file=sys.stderr)
        return EXIT_USAGE
    healthy, line = verdict(path)
    print(line)
    return EXIT_OK if healthy else EXIT_PROBLEMS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tensionbot",
        description="Answers questions about the known tradeoffs between AI-research goals.",
    )
    parser.add_argument("--version", action="version", version=f"tensionbot {__version__}")
    parser.add_argument(
        "--knowledge",
        type=Path,
        metavar="DIR",
        help="knowledge folder (default: TENSIONBOT_KNOWLEDGE_DIR or the bundled one)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    # --knowledge after the command works too ("tensionbot ask --knowledge DIR ...").
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--knowledge", type=Path, metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    add_parser = sub.add_parser

    def with_common(*args: Any, **kwargs: Any) -> argparse.ArgumentParser:
        return add_parser(*args, parents=[common], **kwargs)

    sub.add_parser = with_common  # type: ignore[method-assign]

    check = sub.add_parser("check", help="validate a knowledge folder and list every problem")
    check.add_argument("dir", nargs="?", type=Path, help="folder to check (default: --knowledge)")
    check.set_defaults(func=cmd_check)

    listing = sub.add_parser("list", help="list the goals and tensions")
    listing.set_defaults(func=cmd_list)

    show = sub.add_parser("show", help="print one tension (or goal) by id")
    show.add_argument(
        "id", help="a tension id such as interpretability-vs-efficiency, or a goal id"
    )
    show.set_defaults(func=cmd_show)

    ask = sub.add_parser(
        "ask",
        help="answer a question as the bot would",
        description="Answer a question. Words are joined into one question; with --json each "
        "argument is a question. '-' reads one question per line from standard input.",
    )
    ask.add_argument("question", nargs="*", help="the question (or - for standard input)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question, per line")
    ask.add_argument(
        "--conversation",
        action="store_true",
        help="the questions are one conversation: follow-ups use the last answer; "
        "an empty line starts a new one",
    )
    ask.set_defaults(func=cmd_ask)

    chatting = sub.add_parser("chat", help="ask questions interactively (Ctrl-D or quit ends)")
    chatting.set_defaults(func=cmd_chat)

    running = sub.add_parser("run", help="run the Discord bot (needs DISCORD_TOKEN)")
    running.set_defaults(func=cmd_run)

    stats = sub.add_parser(
        "stats", help="report from the question log: unanswered questions, votes"
    )
    stats.add_argument(
        "--days", type=days_back, default=30, help="how far back to look (default 30)"
    )
    stats.add_argument("--json", action="store_true", help="print the report as JSON")
    scope = stats.add_mutually_exclusive_group()
    scope.add_argument(
        "--guild", type=int, metavar="ID", help="one server alone (default: every server and DMs)"
    )
    scope.add_argument("--dms", action="store_true", help="the questions asked in DMs alone")
    stats.add_argument(
        "--db",
        metavar="URL_OR_PATH",
        help="the database: a URL, or a SQLite file (default: TENSIONBOT_DATABASE_URL, "
        "else TENSIONBOT_QUESTION_LOG_PATH)",
    )
    stats.set_defaults(func=cmd_stats)

    syncing = sub.add_parser(
        "sync", help="register the slash commands if they changed (once per deploy)"
    )
    syncing.set_defaults(func=cmd_sync)

    reloading = sub.add_parser(
        "reload", help="ask every cluster sharing the PostgreSQL database to reload"
    )
    reloading.add_argument("--db", metavar="URL", help="default: TENSIONBOT_DATABASE_URL")
    reloading.add_argument(
        "--wait", type=float, default=5.0, help="seconds to wait for confirmations (default 5)"
    )
    reloading.set_defaults(func=cmd_reload)

    learning = sub.add_parser(
        "learned",
        help="examples moderators taught from Discord: list, remove, export into the YAML",
        description="Examples taught with Apps → Teach tensionbot live in the database until "
        "a curator exports them into the knowledge files.",
    )
    db_help = "the database: a URL, or a SQLite file (default: as for stats)"
    actions = learning.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing_taught = actions.add_parser("list", help="taught examples and the audit trail")
    listing_taught.add_argument("--db", metavar="URL_OR_PATH", help=db_help)
    removing = actions.add_parser("remove", help="forget one taught example (audited)")
    removing.add_argument("id", type=int, help="its number, as 'learned list' shows it (#12)")
    removing.add_argument("--db", metavar="URL_OR_PATH", help=db_help)
    removing.add_argument(
        "--wait", type=float, default=5.0, help="seconds to wait for the clusters (default 5)"
    )
    promoting = actions.add_parser(
        "promote", help="share one server's own taught example with every server (audited)"
    )
    promoting.add_argument("id", type=int, help="its number, as 'learned list' shows it (#12)")
    promoting.add_argument("--db", metavar="URL_OR_PATH", help=db_help)
    promoting.add_argument(
        "--wait", type=float, default=5.0, help="seconds to wait for the clusters (default 5)"
    )
    exporting = actions.add_parser(
        "export",
        help="append the taught examples to the knowledge YAML (comments and layout kept)",
    )
    exporting.add_argument(
        "--into", type=Path, metavar="DIR", help="knowledge folder to write (default: --knowledge)"
    )
    exporting.add_argument("--db", metavar="URL_OR_PATH", help=db_help)
    learning.set_defaults(func=cmd_learned)

    forgetting = sub.add_parser(
        "forget",
        help="delete one server's questions, votes and own taught examples now (audited)",
    )
    forgetting.add_argument("--guild", type=int, metavar="ID", required=True, help="the server")
    forgetting.add_argument("--db", metavar="URL_OR_PATH", help=db_help)
    forgetting.set_defaults(func=cmd_forget)

    drawing = sub.add_parser("map", help="draw the tension map (PNG, JPEG or WebP)")
    drawing.add_argument(
        "out", type=Path, help="where to write it, e.g. tension-map.png (or .jpg, .webp)"
    )
    drawing.set_defaults(func=cmd_map)

    health = sub.add_parser(
        "health", help="exit 0 while Discord acknowledges the running bot's heartbeats"
    )
    health.set_defaults(func=cmd_health)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        result: int = args.func(args)
    except Abort as abort:
        return abort.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `tensionbot list | head`
        sys.stderr.close()
        return EXIT_OK
    return result
