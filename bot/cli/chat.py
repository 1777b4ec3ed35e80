"""``python -m bot chat``: try the coach offline in a terminal, on the shipped knowledge.

Type a question to get an answer (or a numbered pick-list), a number to open one of the
numbered entries, or a slash command. Ctrl-D, Ctrl-C or ``/quit`` leave (exit status 0).

Adding commands (for example the progress commands /roadmap, /done, /undo, /next,
/track) needs no change to this file. Create a module ``bot/cli/chat_<name>.py``; every
such module is imported when the chat starts, and registers its commands with the
``command`` decorator::

    from bot.cli.chat import ChatSession, command

    @command("/done", "/done MILESTONE - tick off a milestone")
    def done(session: ChatSession, args: str) -> None:
        session.say(f"Ticked off {args}")

A handler receives the session and the text after the command name. The session gives
``say()``, ``show_entry()``, ``offer()`` (numbered choices the member can pick by
number), the ``engine`` (and ``engine.knowledge``), ``member_id`` (the pretend member of
this terminal, ``--member``) and ``state``, a dict where a module may keep its own
objects under its own key. A handler may raise ``EndChat`` to leave. The order of
``/help`` is the registration order; a later registration of the same name replaces the
earlier one, so a module can also override a built-in command.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TextIO

import bot.cli
from bot.cli.common import (
    add_knowledge_option,
    describe_database,
    open_engine,
    terminal_width,
    tolerant_stdio,
)
from bot.cli.render import WIDTH, choice_label, entry_text, fit, numbered, related_entries, render, wrap
from bot.knowledge.models import Area, Entry
from bot.search import Answer, AnswerEngine
from bot.settings import load_settings

Handler = Callable[["ChatSession", str], None]
PICK_HINT = "Type a number to open one of these."
EXTENSION_PREFIX = "chat_"
HISTORY_FILE = Path.home() / ".local" / "state" / "itpm-coach" / "chat_history"
HISTORY_LINES = 500


class EndChat(Exception):
    """Raised by a command to leave the chat."""


@dataclass(frozen=True, slots=True)
class ChatCommand:
    name: str
    help: str
    handler: Handler


COMMANDS: dict[str, ChatCommand] = {}
# Called after every answered question (an extension records it for the moderators' reports).
ANSWER_HOOKS: list[Callable[[ChatSession, str, Answer], None]] = []


def command(name: str, help_line: str) -> Callable[[Handler], Handler]:
    """Register a chat command ``name`` (starting with "/") with its one-line help."""
    if not name.startswith("/") or " " in name:
        raise ValueError(f"a chat command is one word starting with '/', got {name!r}")

    def decorate(handler: Handler) -> Handler:
        COMMANDS[name.lower()] = ChatCommand(name.lower(), help_line, handler)
        return handler

    return decorate


@dataclass
class ChatSession:
    """One terminal conversation: the engine, where to write, and the numbered choices."""

    engine: AnswerEngine
    out: TextIO = field(default_factory=lambda: sys.stdout)
    member_id: str = "terminal"
    width: int = WIDTH
    choices: list[Entry | Area] = field(default_factory=list)
    state: dict[str, object] = field(default_factory=dict)

    def say(self, text: str = "") -> None:
        print(fit(text, self.width), file=self.out, flush=True)

    def offer(self, items: Iterable[Entry | Area], heading: str) -> None:
        """Show numbered choices the member can open by typing their number."""
        self.choices = list(items)
        labels = [
            choice_label(i) if isinstance(i, Entry) else f"{i.emoji} {i.title}".strip() for i in self.choices
        ]
        self.say("\n".join([heading, *numbered(labels), "", PICK_HINT]))

    def show_entry(self, entry: Entry) -> None:
        lines = entry_text(entry, self.width)
        related = related_entries(entry, self.engine.knowledge)
        self.choices = [*related]
        if related:
            lines += ["", "Related:", *numbered([choice_label(e) for e in related]), "", PICK_HINT]
        self.say("\n".join(lines))

    def ask(self, text: str) -> None:
        answer = self.engine.answer(text)
        text_out, numbered_entries = render(
            answer, self.engine.knowledge, width=self.width, pick_hint=PICK_HINT
        )
        self.choices = [*numbered_entries]
        self.say(text_out)
        for hook in ANSWER_HOOKS:
            hook(self, text, answer)

    def pick(self, number: int) -> None:
        if not 1 <= number <= len(self.choices):
            self.say(
                f"Pick a number from 1 to {len(self.choices)}."
                if self.choices
                else "There is nothing numbered to pick yet: ask a question or type /topics."
            )
            return
        chosen = self.choices[number - 1]
        if isinstance(chosen, Area):
            self.offer(self.engine.knowledge.entries_in_area(chosen.id), f"{chosen.title}:")
        else:
            self.show_entry(chosen)

    def handle(self, line: str) -> None:
        """One line of input: a command, a number, or a question."""
        text = line.strip()
        if not text:
            return
        if text.startswith("/"):
            name, _, args = text.partition(" ")
            found = COMMANDS.get(name.lower())
            if found is None:
                self.say(f"Unknown command {name}. Type /help for the list.")
            else:
                found.handler(self, args.strip())
        elif text.isdigit():
            self.pick(int(text))
        else:
            self.ask(text)


# -- built-in commands ---------------------------------------------------------------------


@command("/help", "/help - this list")
def _help(session: ChatSession, args: str) -> None:
    session.say(
        "\n".join(
            [
                "Ask any question about getting into IT project management, or:",
                *(f"  {c.help}" for c in COMMANDS.values()),
                "  a number - open one of the numbered entries",
            ]
        )
    )


@command("/topics", "/topics - browse the areas and their entries")
def _topics(session: ChatSession, args: str) -> None:
    areas = list(session.engine.knowledge.areas.values())
    if args:
        wanted = args.lower()
        match = [a for a in areas if wanted in (a.id, a.title.lower())]
        if match:
            session.offer(session.engine.knowledge.entries_in_area(match[0].id), f"{match[0].title}:")
            return
    session.offer(areas, "Topics:")


@command("/open", "/open ID - open an entry by id, alias or title (typos are fine)")
def _open(session: ChatSession, args: str) -> None:
    if not args:
        session.say("Usage: /open ID (for example /open pmp-fees)")
        return
    named = session.engine.entry_named(args)
    if named is not None:
        session.show_entry(named)
        return
    clear = session.engine.clear_name_match(args)  # "pmp fess" opens the PMP fees entry at once
    if clear is not None:
        session.show_entry(clear)
        return
    found = session.engine.lookup(args, limit=5)
    if len(found) == 1:
        session.show_entry(found[0])
    elif found:
        session.offer(found, f"No entry is called {args!r}. Did you mean:")
    else:
        session.say(f"No entry matches {args!r}. Try /topics.")


@command("/quit", "/quit - leave (Ctrl-D works too)")
def _quit(session: ChatSession, args: str) -> None:
    raise EndChat


COMMANDS["/exit"] = ChatCommand("/exit", "/exit - leave", _quit)


def load_extensions() -> list[str]:
    """Import every ``bot.cli.chat_*`` module so it can register its commands."""
    loaded = []
    for module in pkgutil.iter_modules(bot.cli.__path__):
        if module.name.startswith(EXTENSION_PREFIX):
            importlib.import_module(f"bot.cli.{module.name}")
            loaded.append(module.name)
    return loaded


# -- the loop ------------------------------------------------------------------------------


def welcome(session: ChatSession) -> str:
    knowledge = session.engine.knowledge
    return wrap(
        f"IT PM Coach, offline. {len(knowledge.entries)} entries in {len(knowledge.areas)} topics.\n"
        "Ask a question in your own words, type a number to open a numbered entry, /topics to "
        "browse, /open ID to open an entry, /help for all commands. Ctrl-D or /quit to leave.\n"
        f"Your progress and questions are kept in the {describe_database(load_settings().database_url)}.",
        session.width,
    )


def run_loop(session: ChatSession, lines: Iterable[str]) -> None:
    """Read lines until they run out or a command ends the chat."""
    session.say(welcome(session) + "\n")
    for line in lines:
        try:
            session.handle(line)
        except EndChat:
            break
        session.say()


def typed_lines(prompt: str, history: Path) -> Iterator[str]:
    """Lines typed at a terminal, with line editing and history kept between chats (readline)."""
    readline: ModuleType | None
    try:
        import readline
    except ImportError:  # e.g. Windows without pyreadline: plain input() still works
        readline = None
    if readline is not None:
        with contextlib.suppress(OSError):
            readline.read_history_file(history)
        readline.set_history_length(HISTORY_LINES)
    try:
        while True:
            try:
                yield input(prompt)
            except EOFError:
                return
    finally:
        if readline is not None:
            with contextlib.suppress(OSError):
                history.parent.mkdir(parents=True, exist_ok=True)
                readline.write_history_file(history)


def register(subparsers: argparse._SubParsersAction) -> None:
    chat = subparsers.add_parser(
        "chat",
        help="talk to the coach in the terminal (no Discord needed)",
        description="An offline chat with the coach on the shipped knowledge.",
    )
    add_knowledge_option(chat)
    chat.add_argument(
        "--member",
        default="terminal",
        help="who you are in this chat, for commands that keep progress (default: terminal)",
    )
    chat.set_defaults(handler=run_chat)


def run_chat(args: argparse.Namespace) -> int:
    tolerant_stdio()
    engine = open_engine(args.knowledge)
    if engine is None:
        return 2
    load_extensions()
    session = ChatSession(engine, member_id=args.member, width=terminal_width())
    interactive = sys.stdin.isatty()
    lines = typed_lines("you> ", HISTORY_FILE) if interactive else sys.stdin
    with contextlib.suppress(KeyboardInterrupt):
        run_loop(session, lines)
    session.say("\nBye!" if interactive else "Bye!")
    return 0
