"""The terminal's progress commands, on the same services and a real database file."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.cli import chat_progress
from bot.cli.chat import COMMANDS, ChatSession, load_extensions
from bot.cli.common import open_engine
from bot.coach import Coach
from bot.knowledge.loader import load_or_raise
from bot.knowledge.models import Knowledge
from bot.settings import DEFAULT_KNOWLEDGE_DIR, load_settings
from tests.factory import sample


@dataclass
class FakeEngine:
    """The chat only needs ``knowledge`` from the engine for these commands."""

    knowledge: Knowledge


@pytest.fixture
def session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ChatSession]:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/chat.db")
    chat = ChatSession(FakeEngine(sample()), out=io.StringIO(), member_id="terminal")  # type: ignore[arg-type]
    yield chat
    found = chat.state.get(chat_progress.STATE_KEY)
    if isinstance(found, chat_progress.LocalProgress):
        found.close()


def said(session: ChatSession, *lines: str) -> str:
    out = session.out
    assert isinstance(out, io.StringIO)
    out.seek(0)
    out.truncate()
    for line in lines:
        session.handle(line)
    return out.getvalue()


def test_the_chat_loads_the_progress_commands() -> None:
    assert "chat_progress" in load_extensions()
    assert {"/roadmap", "/done", "/undo", "/next", "/track"} <= set(COMMANDS)


def test_roadmap_done_undo_next_track(session: ChatSession, tmp_path: Path) -> None:
    text = said(session, "/roadmap")
    assert "Your roadmap: Main [main]: 0/4 done (0%) (the default" in text
    assert "[ ] 2. B  [b]  (first: a)" in text

    text = said(session, "/done c passed on 3 Nov")
    assert "Done: C [c]. Well done!\nNote: passed on 3 Nov" in text
    assert "Still open before it: B [b]." in text
    assert "was already done" in said(session, "/done C")

    text = said(session, "/next")
    assert "Next on Main (1/4 done): A [a]" in text and "When it is done: /done a [note]" in text
    assert "1. Learn A  [learn-a]" in text and session.choices  # numbered, pickable entries

    assert "Unknown milestone 'cc': did you mean 'c'?" in said(session, "/done cc")
    assert "Usage: /done N [note]" in said(session, "/done")
    assert "C [c] is back to not done." in said(session, "/undo c")
    assert "was not done; nothing changed" in said(session, "/undo c")

    assert "You now follow Alt [alt]." in said(session, "/track alt")
    assert " * Alt [alt]: 0/3 done (0%)" in said(session, "/track")
    assert "Unknown track 'nope'" in said(session, "/track nope")
    assert "The note has 301 characters; keep it to 300" in said(session, "/done a " + "x" * 301)

    with sqlite3.connect(tmp_path / "chat.db") as conn:  # the same database the bot would use
        assert conn.execute("SELECT guild_id, member_id, track_id FROM members").fetchall() == [(0, 0, "alt")]


def test_members_named_in_the_terminal_keep_separate_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/chat.db")
    alice = ChatSession(FakeEngine(sample()), out=io.StringIO(), member_id="alice")  # type: ignore[arg-type]
    bob = ChatSession(FakeEngine(sample()), out=io.StringIO(), member_id="bob")  # type: ignore[arg-type]
    try:
        said(alice, "/done a")
        assert "0/4 done" in said(bob, "/roadmap")
        assert "1/4 done" in said(alice, "/roadmap")
    finally:
        for chat in (alice, bob):
            chat_progress.local_progress(chat).close()


def test_local_member_ids_are_stable() -> None:
    assert chat_progress.local_member_id("terminal") == 0
    assert chat_progress.local_member_id("1234") == 1234
    assert chat_progress.local_member_id("alice") == chat_progress.local_member_id("alice") < 2**63
    assert chat_progress.local_member_id("alice") != chat_progress.local_member_id("bob")


def test_storage_problems_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:hunter2@127.0.0.1:9/coach")  # nothing listens on 9
    chat = ChatSession(FakeEngine(sample()), out=io.StringIO())  # type: ignore[arg-type]
    text = said(chat, "/roadmap")
    assert text.startswith("error: the PostgreSQL server 127.0.0.1:9/coach did not answer")
    assert "hunter2" not in text and "Traceback" not in text  # one message, wrapped to the terminal


def test_done_and_undo_take_the_roadmap_number_or_the_title(session: ChatSession) -> None:
    text = said(session, "/done 2 finished it")  # /roadmap numbers main as a, b, c, d
    assert "Done: B [b]. Well done!\nNote: finished it" in text
    assert "B [b] is back to not done." in said(session, "/undo 2")
    assert "Unknown milestone '9'" in said(session, "/done 9")  # past the list: not a silent pick


def test_done_takes_a_multi_word_title_on_the_shipped_knowledge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/chat.db")
    knowledge = load_or_raise(DEFAULT_KNOWLEDGE_DIR)
    title = knowledge.milestones["understand-the-role"].title
    chat = ChatSession(FakeEngine(knowledge), out=io.StringIO())  # type: ignore[arg-type]
    try:
        text = said(chat, f"/done {title.upper()} read three entries")
        assert f"Done: {title} [understand-the-role]. Well done!\nNote: read three entries" in text
    finally:
        chat_progress.local_progress(chat).close()


def test_goal_and_checkin_now_in_the_terminal(session: ChatSession) -> None:
    assert "No goals yet" in said(session, "/goal")
    day = datetime.now(UTC).date() + timedelta(days=30)
    assert f"Goal set: B: target {day}, 30 days left" in said(session, f"/goal 2 {day}")
    assert "Usage: /goal N YYYY-MM-DD" in said(session, "/goal 2 soon")
    assert "within the next five years" in said(session, "/goal 2 2099-01-02")
    assert f"B: target {day}" in said(session, "/goal")
    text = said(session, "/checkin now")
    assert text.startswith("Check-in: Main [main]: 0/4 done (0%)") and "Next: A [a]" in text
    assert "Goal removed." in said(session, "/goal clear 2")
    assert "nothing changed" in said(session, "/goal clear b")


def test_chat_questions_reach_the_reports_under_the_terminal_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/chat.db")
    chat = ChatSession(open_engine(None), out=io.StringIO())  # type: ignore[arg-type]
    said(chat, "how much does the pmp exam cost", "how do i become a nurse")
    chat_progress.local_progress(chat).close()  # what the batch holds is written on close

    async def read() -> tuple[list[str], int]:
        coach = await Coach.open(
            load_settings({"DATABASE_URL": f"sqlite:///{tmp_path}/chat.db"}, dotenv_path=tmp_path / "none")
        )
        try:
            logged = await coach.unanswered_questions(0, datetime.now(UTC) - timedelta(days=1))
            report = await coach.guild_report(0)
            return [q.question for q in logged], sum(n for _, n in report.questions_per_day)
        finally:
            await coach.close()

    questions, asked = asyncio.run(read())
    assert questions == ["how do i become a nurse"] and asked == 2
