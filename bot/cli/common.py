"""What the terminal commands share: the ``--knowledge`` option and building the engine."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from bot.knowledge.loader import KnowledgeError, load_or_raise
from bot.search import AnswerEngine
from bot.settings import DatabaseURL, load_settings
from bot.storage import sqlite_path

MIN_WIDTH, MAX_WIDTH = 40, 100


def add_knowledge_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--knowledge",
        type=Path,
        metavar="DIR",
        default=None,
        help="knowledge directory (default: KNOWLEDGE_DIR, or the repo's knowledge/)",
    )


def open_engine(directory: Path | None) -> AnswerEngine | None:
    """Load and index the knowledge; on bad knowledge print why (one line each) and return None."""
    directory = directory or load_settings().knowledge_dir
    try:
        knowledge = load_or_raise(directory)
    except KnowledgeError as exc:
        print(
            f"error: the knowledge in {directory} has errors (run `python -m bot kb check {directory}`):",
            file=sys.stderr,
        )
        for problem in exc.result.errors[:20]:
            print(f"  {problem}", file=sys.stderr)
        return None
    return AnswerEngine.build(knowledge)


def tolerant_stdio() -> None:
    """Never crash on a terminal that cannot show a character or bytes that are not UTF-8."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="replace")


def terminal_width() -> int:
    """Columns to wrap text at: the terminal's (``COLUMNS`` wins), kept readable on very wide ones."""
    columns = shutil.get_terminal_size(fallback=(88, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def describe_database(url: DatabaseURL) -> str:
    """Which database is in use, for a start-up line: the SQLite file, never a password."""
    if url.scheme == "sqlite":
        return f"SQLite file {sqlite_path(url)}"
    return f"{url.scheme} database (DATABASE_URL)"
