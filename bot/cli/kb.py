"""``python -m bot kb ...``: the moderators' tools for the knowledge base."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.settings import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    kb = subparsers.add_parser("kb", help="check and evaluate the knowledge base")
    commands = kb.add_subparsers(title="kb commands", metavar="KB_COMMAND", required=True)
    check = commands.add_parser(
        "check", help="validate a knowledge directory (exit 1 on any error)",
        description="Validate every file of a knowledge directory and print one line per problem "
                    "(PATH:LINE: error|warning: message), then a summary line.")
    check.add_argument("directory", nargs="?", type=Path,
                       help="knowledge directory (default: KNOWLEDGE_DIR, or the repo's knowledge/)")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    directory = args.directory or load_settings().knowledge_dir
    result = load_knowledge(directory)
    for problem in result.problems:
        print(problem)
    print(result.summary())
    return 0 if result.ok else 1
