"""Another module can add chat commands without touching the chat loop."""

from __future__ import annotations

import io

import pytest

from bot.cli import chat
from bot.cli.chat import COMMANDS, ChatSession, EndChat, command, run_loop
from bot.search import AnswerEngine
from tests.search.conftest import engine  # noqa: F401 - the shared fixture


@pytest.fixture
def registry():
    saved = dict(COMMANDS)
    yield COMMANDS
    COMMANDS.clear()
    COMMANDS.update(saved)


def test_registered_command_runs_and_shows_in_help(engine: AnswerEngine, registry) -> None:  # noqa: F811
    @command("/roadmap", "/roadmap - your milestones")
    def roadmap(session: ChatSession, args: str) -> None:
        session.state["seen"] = args
        session.say(f"roadmap for {session.member_id}")

    out = io.StringIO()
    session = ChatSession(engine, out=out, member_id="ada")
    run_loop(session, ["/help\n", "/roadmap now\n", "/quit\n", "/roadmap never\n"])
    text = out.getvalue()
    assert "/roadmap - your milestones" in text and "roadmap for ada" in text
    assert session.state["seen"] == "now"


def test_end_chat_from_a_command(engine: AnswerEngine, registry) -> None:  # noqa: F811
    @command("/bye", "/bye - leave")
    def bye(session: ChatSession, args: str) -> None:
        raise EndChat

    out = io.StringIO()
    run_loop(ChatSession(engine, out=out), ["/bye\n", "pmp fees\n"])
    assert "PMP exam cost" not in out.getvalue()


def test_bad_command_names_are_refused() -> None:
    with pytest.raises(ValueError):
        command("roadmap", "no slash")


def test_extensions_are_discovered() -> None:
    assert isinstance(chat.load_extensions(), list)


def test_open_with_a_typo_opens_the_obvious_entry(engine: AnswerEngine) -> None:  # noqa: F811
    out = io.StringIO()
    session = ChatSession(engine, out=out)
    session.handle("/open pmp fess")
    assert engine.knowledge.entries["pmp-fees"].title in out.getvalue()
    assert "Did you mean" not in out.getvalue()
