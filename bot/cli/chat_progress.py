"""Progress commands for ``python -m bot chat``: /roadmap, /done, /undo, /next, /track.

The terminal user is one member (``--member``, default ``terminal``) of a fixed local guild
(id 0), on the same services and database (``DATABASE_URL``) as the Discord bot. The chat
loop is synchronous, so the session keeps one event loop (``asyncio.Runner``) for the
storage's connection and runs each command's coroutine on it.

The ``render_*`` functions turn the services' results into plain text; they are pure, so
tests and other terminal commands can reuse them.
"""

from __future__ import annotations

import asyncio
import atexit
import hashlib
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.cli.chat import ANSWER_HOOKS, ChatSession, Handler, command
from bot.cli.render import wrap
from bot.coach import Coach
from bot.coaching.service import CoachingService
from bot.knowledge.models import Milestone
from bot.library import Librarian, Library
from bot.progress.errors import ProgressError
from bot.progress.results import (
    CompletionResult,
    MilestoneStatus,
    NextStep,
    ProgressSummary,
    TrackChoice,
    TrackProgress,
    UndoResult,
)
from bot.progress.service import ProgressService
from bot.search import Answer
from bot.settings import load_settings
from bot.storage import StorageError, open_storage
from bot.storage.protocol import CompletionRecord

LOCAL_GUILD_ID = 0
log = logging.getLogger(__name__)
STATE_KEY = "progress"
T = TypeVar("T")


def local_member_id(name: str) -> int:
    """The terminal's ``--member`` as a storage id: digits as they are, ``terminal`` is 0,
    any other name a stable 63-bit number (so each name keeps its own progress)."""
    if name.isdigit():
        return int(name)
    if name == "terminal":
        return 0
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big") >> 1


# -- rendering -----------------------------------------------------------------------------


def _day(record: CompletionRecord) -> str:
    return f"{record.completed_at:%d %b %Y}"


def progress_line(track: TrackProgress) -> str:
    return f"{track.track.title} [{track.track.id}]: {track.done}/{track.total} done ({track.percent}%)"


def _status_line(number: int, status: MilestoneStatus) -> str:
    mark = "[x]" if status.done else "[ ]"
    line = f"  {mark} {number}. {status.milestone.title}  [{status.milestone.id}]"
    if status.record is not None:
        line += f"  done {_day(status.record)}"
        if status.record.by_moderator:
            line += " by a moderator"
        if status.record.note:
            line += f": {status.record.note}"
    elif status.open_prerequisites:
        line += f"  (first: {', '.join(status.open_prerequisites)})"
    return line


def render_roadmap(summary: ProgressSummary, width: int = 88) -> str:
    current = summary.current
    chosen = "" if summary.track_chosen else " (the default; pick another with /track)"
    lines = [f"Your roadmap: {progress_line(current)}{chosen}", wrap(current.track.description, width), ""]
    lines += [_status_line(i, s) for i, s in enumerate(current.milestones, start=1)]
    others = [t for t in summary.tracks if t.track.id != summary.track.id]
    if others:
        lines += ["", "Other tracks:", *(f"  - {progress_line(t)}" for t in others)]
    if summary.retired:
        lines += [
            "",
            "Retired milestones (kept, not counted):",
            *(f"  - {r.milestone_id}  done {_day(r)}" for r in summary.retired),
        ]
    lines += [
        "",
        "/done N [note] ticks one off (N as numbered above), /undo N takes it back, "
        "/next shows what to do next.",
    ]
    return "\n".join(lines)


def _titles(milestones: tuple[Milestone, ...]) -> str:
    return ", ".join(f"{m.title} [{m.id}]" for m in milestones)


def render_completion(result: CompletionResult) -> str:
    name = f"{result.milestone.title} [{result.milestone.id}]"
    if result.already_done:
        text = f"{name} was already done (on {_day(result.record)}); nothing changed."
    else:
        text = f"Done: {name}. Well done!" + (f"\nNote: {result.record.note}" if result.record.note else "")
    if result.open_prerequisites:
        text += f"\nStill open before it: {_titles(result.open_prerequisites)}."
    return text


def render_undo(result: UndoResult) -> str:
    name = f"{result.milestone.title} [{result.milestone.id}]" if result.milestone else result.milestone_id
    return f"{name} is back to not done." if result.removed else f"{name} was not done; nothing changed."


def render_next(step: NextStep, width: int = 88) -> str:
    if step.milestone is None:
        return (
            f"You have completed every milestone of {step.track.title} ({step.done}/{step.total}). "
            "Congratulations!"
        )
    m = step.milestone
    lines = [
        f"Next on {step.track.title} ({step.done}/{step.total} done): {m.title} [{m.id}]",
        wrap(m.description, width),
        "",
        "Steps:",
        *(f"  - {s}" for s in m.steps),
    ]
    if step.open_prerequisites:
        lines += ["", f"It builds on: {_titles(step.open_prerequisites)}."]
    lines += ["", f"When it is done: /done {m.id} [note]"]
    return "\n".join(lines)


def render_track(choice: TrackChoice) -> str:
    name = f"{choice.track.title} [{choice.track.id}]"
    return f"You now follow {name}." if choice.changed else f"You already follow {name}."


def render_tracks(summary: ProgressSummary) -> str:
    lines = ["Tracks (/track ID to switch; your progress is kept):"]
    for track in summary.tracks:
        mark = "*" if track.track.id == summary.track.id else " "
        lines.append(f" {mark} {progress_line(track)}")
        lines.append(f"     {track.track.description}")
    return "\n".join(lines)


# -- the session's services ----------------------------------------------------------------


@dataclass
class LocalProgress:
    """The application for this terminal (progress, coaching, the question log) on its own event loop."""

    runner: asyncio.Runner
    coach: Coach
    member_id: int

    @property
    def coaching(self) -> CoachingService:
        return self.coach.coaching

    def run(self, work: Callable[[ProgressService], Coroutine[Any, Any, T]]) -> T:
        return self.runner.run(work(self.coach.progress))

    def close(self) -> None:
        atexit.unregister(self.close)
        try:
            self.runner.run(self.coach.close())
        finally:
            self.runner.close()


async def _open(session: ChatSession) -> Coach:
    """The same application the bot runs, on the chat's knowledge and the configured database."""
    engine = session.engine
    library = Library(engine.knowledge, engine)
    return Coach(
        Librarian(load_settings().knowledge_dir, library), await open_storage(load_settings().database_url)
    )


def local_progress(session: ChatSession) -> LocalProgress:
    """The session's application, opened on first use (the database is created then)."""
    found = session.state.get(STATE_KEY)
    if isinstance(found, LocalProgress):
        return found
    runner = asyncio.Runner()
    try:
        coach = runner.run(_open(session))
    except BaseException:
        runner.close()
        raise
    progress = LocalProgress(runner, coach, local_member_id(session.member_id))
    atexit.register(progress.close)  # write what is pending and close the database when the chat ends
    session.state[STATE_KEY] = progress
    return progress


def record_question(session: ChatSession, question: str, answer: Answer) -> None:
    """Questions asked in the terminal count for ``stats`` and ``kb gaps`` under the terminal's
    server (id 0), as Discord's do under theirs; best effort: a database problem never stops a chat."""
    try:
        progress = local_progress(session)
        progress.runner.run(
            progress.coach.record_question(LOCAL_GUILD_ID, question, answer, member_id=progress.member_id)
        )
    except (StorageError, OSError) as exc:
        log.debug("chat question not recorded: %s", exc)


ANSWER_HOOKS.append(record_question)


def guarded(handler: Callable[[ChatSession, LocalProgress, str], None]) -> Handler:
    """Open the services, and turn errors a member can act on into one line instead of a traceback."""

    def run(session: ChatSession, args: str) -> None:
        try:
            handler(session, local_progress(session), args)
        except ProgressError as exc:
            text = str(exc)
            session.say(text[:1].upper() + text[1:])
        except StorageError as exc:
            session.say(f"error: {exc}")

    return run


# -- commands ------------------------------------------------------------------------------


@command("/roadmap", "/roadmap - your milestones on your track, and how far you are")
@guarded
def _roadmap(session: ChatSession, progress: LocalProgress, args: str) -> None:
    summary = progress.run(lambda s: s.summary(LOCAL_GUILD_ID, progress.member_id))
    session.say(render_roadmap(summary, session.width))


def split_milestone(args: str, summary: ProgressSummary) -> tuple[str, str]:
    """(milestone id, note) from what follows /done or /undo: the number /roadmap shows, the
    milestone's title, or its id; whatever follows is the note."""
    first, _, rest = args.partition(" ")
    shown = summary.current.milestones
    if first.isdigit() and 1 <= int(first) <= len(shown):
        return shown[int(first) - 1].milestone.id, rest.strip()
    folded = args.casefold()
    titled = [
        t.milestone
        for track in summary.tracks
        for t in track.milestones
        if folded == t.milestone.title.casefold() or folded.startswith(t.milestone.title.casefold() + " ")
    ]
    if titled:
        best = max(titled, key=lambda m: len(m.title))
        return best.id, args[len(best.title) :].strip()
    return first, rest.strip()


def milestone_and_rest(progress: LocalProgress, args: str) -> tuple[str, str]:
    return split_milestone(args, progress.run(lambda s: s.summary(LOCAL_GUILD_ID, progress.member_id)))


@command("/done", "/done N|ID|TITLE [note] - mark a milestone done (N as /roadmap numbers it), with a note")
@guarded
def _done(session: ChatSession, progress: LocalProgress, args: str) -> None:
    if not args:
        session.say(
            "Usage: /done N [note], for example /done 4 passed on 3 Nov "
            "(/roadmap numbers the milestones; their ids and titles work too)."
        )
        return
    milestone_id, note = milestone_and_rest(progress, args)
    session.say(
        render_completion(
            progress.run(lambda s: s.complete(LOCAL_GUILD_ID, progress.member_id, milestone_id, note or None))
        )
    )


@command("/undo", "/undo N|ID|TITLE - take a milestone back to not done")
@guarded
def _undo(session: ChatSession, progress: LocalProgress, args: str) -> None:
    if not args:
        session.say("Usage: /undo N, for example /undo 4 (/roadmap numbers the milestones)")
        return
    milestone_id, _ = milestone_and_rest(progress, args)
    session.say(render_undo(progress.run(lambda s: s.undo(LOCAL_GUILD_ID, progress.member_id, milestone_id))))


@command("/next", "/next - the next milestone to work on, and what to read for it")
@guarded
def _next(session: ChatSession, progress: LocalProgress, args: str) -> None:
    step = progress.run(lambda s: s.next_step(LOCAL_GUILD_ID, progress.member_id))
    session.say(render_next(step, session.width))
    if step.entries:
        session.offer(step.entries, "Read:")


@command("/track", "/track [ID] - list the tracks, or switch to another one")
@guarded
def _track(session: ChatSession, progress: LocalProgress, args: str) -> None:
    if args:
        session.say(
            render_track(progress.run(lambda s: s.choose_track(LOCAL_GUILD_ID, progress.member_id, args)))
        )
        return
    summary = progress.run(lambda s: s.summary(LOCAL_GUILD_ID, progress.member_id))
    session.say(render_tracks(summary))
