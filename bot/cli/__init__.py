"""The terminal adapter: ``python -m bot <command>``.

Each command module exposes ``register(subparsers)``, which adds its parser and sets
``handler`` (``args -> exit status``). Errors an operator can fix (settings, knowledge)
print one line and exit non-zero; they never show a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from bot.settings import SettingsError

COMMAND_MODULES = (
    "bot.cli.run",
    "bot.cli.kb",
    "bot.cli.reports",
    "bot.cli.ask",
    "bot.cli.chat",
    "bot.cli.db",
)


def _program_name() -> str:
    """What the user typed: ``itpm-coach`` for the console script, ``python -m bot`` otherwise."""
    invoked = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return invoked if invoked.startswith("itpm-coach") else "python -m bot"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description="IT PM Coach: a Discord bot that coaches members into IT project management.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. `python -m bot ask ... | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
