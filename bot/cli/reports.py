"""``python -m bot kb gaps`` and ``python -m bot stats``: the moderators' reports in a terminal.

They read the same database as the bot (``DATABASE_URL``), so an operator can look at a
server's numbers without Discord.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.knowledge.loader import KnowledgeError
from bot.settings import load_settings
from bot.storage.errors import StorageError


def register(subparsers: argparse._SubParsersAction) -> None:
    stats = subparsers.add_parser(
        "stats",
        help="members per milestone, questions per day, top entries",
        description="Print a server's statistics from the database.",
    )
    stats.add_argument("--guild", type=int, help="server (guild) id; default: the only one in the database")
    stats.add_argument("--png", type=Path, help="also write the funnel chart to this PNG file")
    stats.set_defaults(handler=run_stats)


def register_gaps(kb_commands: argparse._SubParsersAction) -> None:
    gaps = kb_commands.add_parser(
        "gaps",
        help="the most frequent questions the coach could not answer",
        description="List unanswered questions, near-duplicates grouped.",
    )
    gaps.add_argument("--guild", type=int, help="server (guild) id; default: every server")
    gaps.add_argument("--days", type=int, default=30, help="how far back to look (default 30)")
    gaps.set_defaults(handler=run_gaps)


def run_stats(args: argparse.Namespace) -> int:
    return _report(_stats(args))


def run_gaps(args: argparse.Namespace) -> int:
    return _report(_gaps(args))


def _report(report: Coroutine[Any, Any, int]) -> int:
    """Run a report; a database or knowledge problem is one line and exit status 1, as for ``run``."""
    try:
        return asyncio.run(report)
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except KnowledgeError as exc:
        print(
            f"error: the knowledge base has errors ({exc.result.summary()}); "
            "run `python -m bot kb check` to see them",
            file=sys.stderr,
        )
    return 1


async def _stats(args: argparse.Namespace) -> int:
    from bot.coach import Coach
    from bot.reports import funnel_png, funnel_text, plural, sparkline

    coach = await Coach.open(load_settings())
    try:
        guild_id = args.guild
        if guild_id is None:
            guilds = await coach.guild_ids()
            if len(guilds) > 1:
                print(
                    "error: the database holds several servers; choose one with --guild: "
                    + ", ".join(str(g) for g in guilds),
                    file=sys.stderr,
                )
                return 2
            guild_id = guilds[0] if guilds else 0
        report = await coach.guild_report(guild_id)
        print(f"Server {guild_id}: {plural(report.stats.members, 'member')} with progress\n")
        print("Members per milestone")
        print(funnel_text(report.stats) or "  (no progress yet)")
        daily = [n for _, n in report.questions_per_day]
        print(f"\nQuestions per day, last {len(daily)} days ({sum(daily)} in all): {sparkline(daily)}")
        print("\nMost opened entries (30 days)")
        for title, opens in report.top_entries or [("(nothing opened yet)", 0)]:
            print(f"{opens:>5}  {title}")
        if args.png:
            args.png.write_bytes(await asyncio.to_thread(funnel_png, report.stats))
            print(f"\nFunnel chart written to {args.png}")
        return 0
    finally:
        await coach.close()


async def _gaps(args: argparse.Namespace) -> int:
    from bot.gaps import MAX_GROUPED, group_gaps
    from bot.storage import open_storage

    storage = await open_storage(load_settings().database_url)
    try:
        since = datetime.now(UTC) - timedelta(days=args.days)
        guilds = [args.guild] if args.guild is not None else await storage.guild_ids()
        questions = [q for guild in guilds for q in await storage.logged_questions(guild, since)]
    finally:
        await storage.close()
    groups = group_gaps(questions, limit=50)
    if not groups:
        print(f"No unanswered questions in the last {args.days} days.")
        return 0
    grouped = f"the newest {MAX_GROUPED:,} grouped" if len(questions) > MAX_GROUPED else "grouped"
    print(f"{len(questions)} unanswered questions in the last {args.days} days, {grouped}:\n")
    for gap in groups:
        closest = f"  (closest entry: {gap.best_entry_id})" if gap.best_entry_id else ""
        print(f"{gap.count:>4}x  {gap.example}{closest}")
        for variant in gap.variants[1:3]:
            print(f"        also: {variant}")
    return 0
