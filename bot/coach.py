"""The application: knowledge in service, answers, progress and storage, behind one object.

The Discord bot and the terminal are both thin adapters over a ``Coach``; neither touches
storage or the loader directly. Nothing here imports discord.py.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TypeVar

from bot.analytics import Analytics
from bot.coaching.service import CoachingService
from bot.library import Librarian, Library
from bot.limits import QUESTION_MAX_CHARS
from bot.progress import ProgressService
from bot.progress.results import GuildStats
from bot.progress.rewards import reward_roles_for
from bot.reports import daily_series
from bot.search import Answer
from bot.settings import Settings
from bot.storage import Storage, open_storage, sqlite_path
from bot.storage.protocol import GuildSettings, LoggedQuestion, ProgressRow, UnansweredQuestion, VoteTally

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class GuildReport:
    stats: GuildStats
    questions_per_day: list[tuple[date, int]]
    top_entries: list[tuple[str, int]]


PRUNE_WINDOW = timedelta(hours=6)  # the question log is pruned once per window, by one process
JOB_HISTORY = timedelta(days=30)  # how long records of job runs are kept


def time_slot(moment: datetime, window: timedelta) -> str:
    """The window ``moment`` falls in, named by its UTC start (``2026-12-04T12:00``)."""
    seconds = int(window.total_seconds())
    start = datetime.fromtimestamp(int(moment.timestamp()) // seconds * seconds, UTC)
    return f"{start:%Y-%m-%dT%H:%M}"


class Coach:
    def __init__(self, librarian: Librarian, storage: Storage, *, gap_retention_days: int = 90) -> None:
        self.librarian = librarian
        self.storage = storage
        # Names this process in claims of work done once across processes.
        self.instance = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.progress = ProgressService(storage, lambda: librarian.knowledge)
        self.coaching = CoachingService(storage, lambda: librarian.knowledge, self.progress)
        self.gap_retention_days = gap_retention_days
        self.analytics = Analytics(storage)

    @classmethod
    async def open(cls, settings: Settings) -> Coach:
        """Load and index the knowledge, then open (and migrate) the database."""
        url = settings.database_url
        cache_dir = sqlite_path(url).parent if url.scheme == "sqlite" else None  # next to the SQLite file
        librarian = await Librarian.open(settings.knowledge_dir, cache_dir=cache_dir)
        storage = await open_storage(settings.database_url)
        return cls(librarian, storage, gap_retention_days=settings.gap_retention_days)

    @property
    def library(self) -> Library:
        """The knowledge and index in service; read it once per request for a consistent view."""
        return self.librarian.library

    async def record_open(self, guild_id: int, entry_id: str) -> None:
        """Count an opened entry; written later in a batch, so it never delays or fails a reply."""
        self.analytics.count_open(guild_id, entry_id, datetime.now(UTC).date())

    async def record_vote(self, guild_id: int, entry_id: str, member_id: int, up: bool) -> None:
        await self.storage.set_vote(guild_id, entry_id, member_id, 1 if up else -1, datetime.now(UTC))

    async def set_mention_opt_in(self, guild_id: int, member_id: int, enabled: bool) -> None:
        await self.storage.set_mention_opt_in(guild_id, member_id, enabled, datetime.now(UTC))

    async def reward_plan(self, guild_id: int, member_id: int) -> tuple[set[int], set[int]]:
        """(roles the member should hold, every reward role of the guild)."""
        roles = await self.storage.milestone_roles(guild_id)
        if not roles:
            return set(), set()
        settings = await self.storage.get_guild_settings(guild_id)
        progress = await self.storage.get_progress(guild_id, member_id)
        knowledge = self.library.knowledge
        current = {
            r.milestone_id: knowledge.current_milestone_id(r.milestone_id) for r in progress.completions
        }
        return reward_roles_for(progress.completions, roles, settings.reward_mode, current), set(
            roles.values()
        )

    async def record_question(self, guild_id: int, question: str, answer: Answer, *, member_id: int) -> None:
        """Count every question; keep the text of those not answered for /kb gaps, with a keyed
        hash of who asked (so ``/privacy delete`` removes it; moderators never see who).

        Both are written later in a batch (best effort), so they never delay or fail a reply.
        """
        now = datetime.now(UTC)
        self.analytics.count_question(guild_id, now.date())
        if answer.is_gap:
            best = answer.entry.id if answer.entry else None
            self.analytics.log_unanswered(
                UnansweredQuestion(
                    guild_id,
                    question[:QUESTION_MAX_CHARS],
                    answer.outcome.value,
                    best,
                    answer.confidence,
                    now,
                    member_id,
                )
            )

    async def guild_report(self, guild_id: int, days: int = 30) -> GuildReport:
        """Everything ``/coach stats`` and ``python -m bot stats`` show."""
        await self.analytics.flush()  # include what was counted in the last second
        today = datetime.now(UTC).date()
        start = today - timedelta(days=days - 1)
        stats = await self.progress.guild_stats(guild_id)
        per_day = daily_series(await self.storage.questions_per_day(guild_id, start), start, days)
        opens: dict[str, int] = {}
        for row in await self.storage.entry_opens(guild_id, start):
            opens[row.entry_id] = opens.get(row.entry_id, 0) + row.opens
        entries = self.library.knowledge.entries
        top = sorted(opens.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
        return GuildReport(
            stats, per_day, [(entries[e].title if e in entries else f"{e} (removed)", n) for e, n in top]
        )

    # -- what the Discord cogs and terminal commands read and change (they never touch storage)

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        return await self.storage.get_guild_settings(guild_id)

    async def save_guild_settings(self, settings: GuildSettings) -> None:
        await self.storage.save_guild_settings(settings)

    async def set_reward_role(self, guild_id: int, milestone_id: str, role_id: int | None) -> None:
        """Reward ``milestone_id`` with ``role_id`` (None removes the reward); permissions are
        checked by the caller, which knows the server's roles."""
        await self.storage.set_milestone_role(guild_id, milestone_id, role_id)

    async def mention_opt_in(self, guild_id: int, member_id: int) -> bool:
        return await self.storage.mention_opt_in(guild_id, member_id)

    async def members_with_progress(self, guild_id: int) -> list[int]:
        return await self.storage.member_ids(guild_id)

    async def progress_rows(self, guild_id: int) -> list[ProgressRow]:
        """Every completion of the guild, for the moderators' CSV export."""
        return await self.storage.guild_completions(guild_id)

    async def guild_ids(self) -> list[int]:
        return await self.storage.guild_ids()

    async def log_channels(self) -> dict[int, int]:
        return await self.storage.log_channels()

    async def unanswered_questions(self, guild_id: int, since: datetime) -> list[LoggedQuestion]:
        """The question log for ``/kb gaps``, including what was asked in the last second."""
        await self.analytics.flush()
        return await self.storage.logged_questions(guild_id, since)

    async def vote_tallies(self, guild_id: int) -> dict[str, VoteTally]:
        return await self.storage.vote_tallies(guild_id)

    async def prune_gaps(self) -> tuple[int | None, datetime]:
        """Forget unanswered questions older than the retention; (how many, the cut-off).

        Several processes may share the database: one of them prunes per window, the others
        get None."""
        now = datetime.now(UTC)
        before = now - timedelta(days=self.gap_retention_days)

        async def prune() -> int:
            await self.storage.forget_job_runs(now - JOB_HISTORY)
            return await self.storage.prune_questions(before)

        return await self.run_once("prune-gaps", time_slot(now, PRUNE_WINDOW), prune), before

    async def run_once(
        self, job: str, slot: str, work: Callable[[], Awaitable[T]], *, lease: timedelta = timedelta(hours=1)
    ) -> T | None:
        """Run ``work`` unless another process sharing the database claimed ``job`` for ``slot``
        (then None). A holder that dies mid-run loses the slot after ``lease``; a run that
        raises is not marked done, so another process may retry it then."""
        if not await self.storage.claim_job_run(job, slot, self.instance, datetime.now(UTC), lease):
            return None
        result = await work()
        await self.storage.finish_job_run(job, slot, self.instance, datetime.now(UTC))
        return result

    async def state(self, key: str) -> str | None:
        """A small value the bot keeps between runs (e.g. the command-tree hash)."""
        return await self.storage.get_state(key)

    async def set_state(self, key: str, value: str | None) -> None:
        await self.storage.set_state(key, value)

    async def close(self) -> None:
        await self.analytics.close()
        await self.storage.close()
