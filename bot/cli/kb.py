"""``python -m bot kb ...``: the moderators' tools for the knowledge base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.common import add_knowledge_option, open_engine, tolerant_stdio
from bot.cli.reports import register_gaps
from bot.knowledge.loader import load_knowledge
from bot.search.evaluation import FAILURE_LISTINGS, EvalFileError, evaluate, format_report, load_items
from bot.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    kb = subparsers.add_parser("kb", help="check and evaluate the knowledge base")
    commands = kb.add_subparsers(title="kb commands", metavar="KB_COMMAND", required=True)
    check = commands.add_parser(
        "check",
        help="validate a knowledge directory (exit 1 on any error)",
        description="Validate every file of a knowledge directory and print one line per problem "
        "(PATH:LINE: error|warning: message), then a summary line.",
    )
    check.add_argument(
        "directory",
        nargs="?",
        type=Path,
        help="knowledge directory (default: KNOWLEDGE_DIR, or the repo's knowledge/)",
    )
    check.set_defaults(handler=run_check)
    evaluate = commands.add_parser(
        "eval",
        help="measure the answer engine on a question file",
        description="Answer every question of FILE (a YAML list of {q, topic, expect_any}) and print "
        "top-1 and top-3 accuracy, the out-of-scope refusal rate, the in-scope false-refusal "
        "rate, and each failure.",
    )
    evaluate.add_argument("file", type=Path, help="question file, e.g. tests/eval/questions.yaml")
    evaluate.add_argument(
        "--failures",
        choices=FAILURE_LISTINGS,
        default="all",
        help="which failures to list: all (default), tune (not those of the measure-only split), none",
    )
    add_knowledge_option(evaluate)
    evaluate.set_defaults(handler=run_eval)
    register_gaps(commands)


def run_eval(args: argparse.Namespace) -> int:
    tolerant_stdio()
    try:
        items = load_items(args.file)
    except EvalFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = open_engine(args.knowledge)
    if engine is None:
        return 2
    report = evaluate(engine.answer, items)
    print(f"{len(engine.knowledge.entries)} entries (knowledge {engine.knowledge.version})")
    print("\n".join(format_report(report, str(args.file), args.failures)))
    return 0


def run_check(args: argparse.Namespace) -> int:
    directory = args.directory or load_settings().knowledge_dir
    result = load_knowledge(directory)
    for problem in result.problems:
        print(problem)
    print(result.summary())
    return 0 if result.ok else 1
