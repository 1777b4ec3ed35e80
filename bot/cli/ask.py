"""``python -m bot ask``: answer questions from the command line or standard input.

* ``ask "QUESTION"`` prints the reply as a member would read it;
* ``ask --json "QUESTION"`` prints one JSON object (the contract in ``Answer.to_json``);
* with no QUESTION, every line of standard input is a question, answered in turn after
  one load of the knowledge. With ``--json`` each line gets exactly one JSON line (blank
  lines too, so scripts can pair them up); the text mode skips blank lines.
"""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli.common import add_knowledge_option, open_engine, tolerant_stdio
from bot.cli.render import render
from bot.search import AnswerEngine


def register(subparsers: argparse._SubParsersAction) -> None:
    ask = subparsers.add_parser(
        "ask",
        help="answer a question from the knowledge base (offline)",
        description="Answer a question the way the bot would. Without QUESTION, answer each line "
        "of standard input.",
    )
    ask.add_argument("question", nargs="*", help="the question (quote it); omit to read standard input")
    ask.add_argument("--json", action="store_true", help="print one JSON object per question")
    add_knowledge_option(ask)
    ask.set_defaults(handler=run_ask)


def _reply(engine: AnswerEngine, question: str, as_json: bool) -> str:
    answer = engine.answer(question)
    if as_json:
        return json.dumps(answer.to_json(question))
    text, _ = render(answer, engine.knowledge)
    return text


def run_ask(args: argparse.Namespace) -> int:
    tolerant_stdio()
    engine = open_engine(args.knowledge)
    if engine is None:
        return 2
    if args.question:
        print(_reply(engine, " ".join(args.question), args.json))
        return 0
    if sys.stdin.isatty():  # a person at a terminal: say what is expected instead of waiting silently
        print(
            'Type a question and press Enter (Ctrl-D to finish), or run: python -m bot ask "your question"',
            file=sys.stderr,
        )
    first = True
    for line in sys.stdin:
        question = line.rstrip("\r\n")
        if not args.json and not question.strip():
            continue
        if not args.json and not first:
            print("\n" + "-" * 40)
        print(_reply(engine, question, args.json), flush=True)
        first = False
    return 0
