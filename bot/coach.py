"""The application: knowledge in service, answers, progress and storage, behind one object.

The Discord bot and the terminal are both thin adapters over a ``Coach``; neither touches
storage or the loader directly. Nothing here imports discord.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.analytics import Analytics, UnansweredQuestion
from bot.library import Librarian, Library
from bot.progress import ProgressService
from bot.progress.results import GuildStats
from bot.progress.rewards import reward_roles_for
from bot.reports import daily_series
from bot.search import Answer, Outcome
from bot.settings import Settings
from bot.storage import Storage, open_storage
from bot.storage.protocol import LoggedQuestion


@dataclass(frozen=True, slots=True)
class GuildReport:
    stats: GuildStats
    questions_per_day: list[tuple[date, int]]
    top_entries: list[tuple[str, int]]


class Coach:
    def __init__(self, librarian: Librarian, storage: Storage, *, gap_retention_days: int = 90) -> None:
        self.librarian = librarian
        self.storage = storage
        self.progress = ProgressService(storage, lambda: librarian.knowledge)
        self.gap_retention_days = gap_retention_days
        self.analytics = Analytics(storage)

    @classmethod
    async def open(cls, settings: Settings) -> Coach:
        """Load and index the knowledge, then open (and migrate) the database."""
        database = settings.database_url.path
        cache_dir = database.parent if database is not None else None  # next to the SQLite file
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

    async def record_question(self, guild_id: int, question: str, answer: Answer) -> None:
        """Count every question; keep the text of those not answered (never who asked) for /kb gaps.

        Both are written later in a batch (best effort), so they never delay or fail a reply.
        """
        now = datetime.now(UTC)
        self.analytics.count_question(guild_id, now.date())
        if answer.outcome is not Outcome.ANSWER:
            best = answer.entry.id if answer.entry else None
            self.analytics.log_unanswered(
                UnansweredQuestion(
                    guild_id, question[:1000], answer.outcome.value, best, answer.confidence, now
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

    async def unanswered_questions(self, guild_id: int, since: datetime) -> list[LoggedQuestion]:
        """The question log for ``/kb gaps``, including what was asked in the last second."""
        await self.analytics.flush()
        return await self.storage.logged_questions(guild_id, since)

    async def close(self) -> None:
        await self.analytics.close()
        await self.storage.close()
