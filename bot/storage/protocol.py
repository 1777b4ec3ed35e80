"""The async storage interface the services use, and the plain records it speaks.

Backends (SQLite, PostgreSQL; both in ``bot.storage.sql``) implement ``Storage``; nothing here knows about a
driver. Ids are Discord snowflakes (64-bit ints), timestamps are timezone-aware UTC
``datetime`` objects, days are ``date`` objects (UTC). Every method either completes as a
whole or raises a ``StorageError`` (usually ``StorageUnavailable``) having written nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal, NamedTuple, Protocol, runtime_checkable

from bot.storage.coaching import CoachingStore

RewardMode = Literal["stack", "replace"]
REWARD_MODES: tuple[RewardMode, ...] = ("stack", "replace")
UTC_ISO_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_iso(moment: datetime) -> str:
    """The one text form of a timestamp, in storage and in exports: fixed width, so it sorts."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (use datetime.now(UTC))")
    return moment.astimezone(UTC).strftime(UTC_ISO_FORMAT)


@dataclass(frozen=True, slots=True)
class MemberRecord:
    """A member known in one guild; ``track_id`` None means the default track."""

    guild_id: int
    member_id: int
    track_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CompletionRecord:
    """One milestone a member completed, under the id it had at the time."""

    guild_id: int
    member_id: int
    milestone_id: str
    completed_at: datetime
    note: str | None = None
    # The member themself, a moderator's id, or None once that moderator's data was deleted.
    recorded_by: int | None = None

    @property
    def by_moderator(self) -> bool:
        return self.recorded_by != self.member_id


@dataclass(frozen=True, slots=True)
class MemberProgress:
    """Everything needed to show one member's progress, read in one consistent snapshot."""

    member: MemberRecord | None
    completions: tuple[CompletionRecord, ...]  # oldest first


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """``created`` False: the milestone was already done and ``record`` is the existing one.

    ``progress`` is the member's progress right after the call, read in the same
    transaction (so callers need no second round trip, and see exactly what was stored).
    """

    record: CompletionRecord
    created: bool
    progress: MemberProgress


@dataclass(frozen=True, slots=True)
class GuildSettings:
    guild_id: int
    announce_channel_id: int | None = None
    log_channel_id: int | None = None
    reward_mode: RewardMode = "stack"

    def __post_init__(self) -> None:
        if self.reward_mode not in REWARD_MODES:
            raise ValueError(
                f"reward_mode must be one of {', '.join(REWARD_MODES)}, got {self.reward_mode!r}"
            )


@dataclass(frozen=True, slots=True)
class VoteRecord:
    guild_id: int
    entry_id: str
    member_id: int
    vote: int  # +1 or -1
    voted_at: datetime


@dataclass(frozen=True, slots=True)
class VoteTally:
    up: int = 0
    down: int = 0

    @property
    def score(self) -> int:
        return self.up - self.down


@dataclass(frozen=True, slots=True)
class MentionOptIn:
    guild_id: int
    member_id: int
    opted_in_at: datetime


@dataclass(frozen=True, slots=True)
class EntryOpens:
    guild_id: int
    entry_id: str
    day: date
    opens: int


class ProgressRow(NamedTuple):
    """One completion of a guild's progress export (CSV): ids, and the time as UTC ISO text."""

    member_id: int
    track_id: str | None
    milestone_id: str
    completed_at: str


@dataclass(frozen=True, slots=True)
class LoggedQuestion:
    """A question the coach could not answer; who asked is never stored."""

    question: str
    outcome: str
    best_entry_id: str | None
    confidence: float
    asked_at: datetime


@dataclass(frozen=True, slots=True)
class UnansweredQuestion:
    """A question the coach could not answer, as asked; stored with a keyed hash of ``member_id``."""

    guild_id: int
    question: str
    outcome: str
    best_entry_id: str | None
    confidence: float
    at: datetime
    member_id: int


@dataclass(frozen=True, slots=True)
class Usage:
    """What members did since the last write, summed per UTC day; written in one transaction,
    because a transaction per item cost the bot as much CPU as a fifth of each answer."""

    questions: Mapping[tuple[int, date], int] = field(default_factory=dict)  # (guild, day): asked
    opens: Mapping[tuple[int, str, date], int] = field(default_factory=dict)  # (guild, entry, day): opened
    unanswered: Sequence[UnansweredQuestion] = ()

    @property
    def items(self) -> int:
        """How many counted things this holds (what a failed write loses)."""
        return sum(self.questions.values()) + sum(self.opens.values()) + len(self.unanswered)


@dataclass(frozen=True, slots=True)
class AskedQuestion:
    """A logged question the member asked (found through the keyed hash), for their export."""

    guild_id: int
    question: str
    asked_at: datetime


@dataclass(frozen=True, slots=True)
class MemberData:
    """Every stored row about one member (one guild or all), for export."""

    member_id: int
    members: tuple[MemberRecord, ...]
    completions: tuple[CompletionRecord, ...]
    # Completions this member recorded for other members as a moderator.
    recorded_for_others: tuple[CompletionRecord, ...]
    votes: tuple[VoteRecord, ...]
    mention_opt_ins: tuple[MentionOptIn, ...]
    questions: tuple[AskedQuestion, ...] = ()


@dataclass(frozen=True, slots=True)
class DeletedCounts:
    """Rows removed by a member deletion; ``anonymised``: records they made for others."""

    members: int = 0
    completions: int = 0
    votes: int = 0
    mention_opt_ins: int = 0
    anonymised: int = 0
    questions: int = 0  # logged unanswered questions
    coaching: int = 0  # goals, check-in settings, streak days, buddy requests and pairs

    @property
    def total(self) -> int:
        return (
            self.members
            + self.completions
            + self.votes
            + self.mention_opt_ins
            + self.anonymised
            + self.questions
            + self.coaching
        )


class ProgressStore(Protocol):
    async def get_progress(self, guild_id: int, member_id: int) -> MemberProgress:
        """The member row (None if never seen) and all their completions, oldest first."""
        ...

    async def set_track(self, guild_id: int, member_id: int, track_id: str | None, at: datetime) -> None: ...

    async def add_completion(self, record: CompletionRecord, aliases: Sequence[str] = ()) -> AddOutcome:
        """Store a completion unless the member already has it under its id or an alias."""
        ...

    async def remove_completions(self, guild_id: int, member_id: int, milestone_ids: Sequence[str]) -> int:
        """Remove the member's records stored under any of these ids; returns how many."""
        ...

    async def import_records(
        self, members: Iterable[MemberRecord], completions: Iterable[CompletionRecord]
    ) -> None:
        """Bulk insert (existing rows are kept): moving data between backends, seeding benchmarks."""
        ...


class StatsStore(Protocol):
    async def count_members(self, guild_id: int) -> int: ...

    async def count_members_by_milestone(
        self, guild_id: int, aliases: Mapping[str, str] | None = None
    ) -> dict[str, int]:
        """Distinct members per milestone id; ids in ``aliases`` are counted under their target."""
        ...

    async def completions_per_day(self, guild_id: int, since: date) -> dict[date, int]:
        """Completions recorded on each UTC day from ``since`` on (days without any are absent)."""
        ...


class PrivacyStore(Protocol):
    async def export_member(self, member_id: int, guild_id: int | None = None) -> MemberData: ...

    async def delete_member(self, member_id: int, guild_id: int | None = None) -> DeletedCounts:
        """Delete everything about the member; records they made for others lose their name."""
        ...


class GuildStore(Protocol):
    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        """The stored settings, or the defaults for a guild that never set any."""
        ...

    async def save_guild_settings(self, settings: GuildSettings) -> None: ...

    async def set_milestone_role(self, guild_id: int, milestone_id: str, role_id: int | None) -> None:
        """Reward ``milestone_id`` with ``role_id``; None removes the reward."""
        ...

    async def milestone_roles(self, guild_id: int) -> dict[str, int]: ...

    async def set_mention_opt_in(
        self, guild_id: int, member_id: int, enabled: bool, at: datetime
    ) -> None: ...

    async def mention_opt_in(self, guild_id: int, member_id: int) -> bool: ...

    async def log_channels(self) -> dict[int, int]:
        """Guild id -> log channel id, for every guild that set one."""
        ...

    async def guild_ids(self) -> list[int]:
        """Guilds the database holds anything for (progress, settings, questions), ascending."""
        ...

    async def member_ids(self, guild_id: int) -> list[int]:
        """Members of the guild with any progress (a track or a completion), ascending."""
        ...

    async def guild_completions(self, guild_id: int) -> list[ProgressRow]:
        """Every completion in the guild with the member's track, by member then time."""
        ...


class FeedbackStore(Protocol):
    async def set_vote(self, guild_id: int, entry_id: str, member_id: int, vote: int, at: datetime) -> None:
        """Record +1 or -1, replacing the member's earlier vote on the entry."""
        ...

    async def vote_tallies(self, guild_id: int) -> dict[str, VoteTally]: ...

    async def entry_opens(self, guild_id: int, since: date) -> list[EntryOpens]: ...


class QuestionStore(Protocol):
    async def record_usage(self, usage: Usage) -> None:
        """Add the question and entry-open counts (each at least 1) and keep the unanswered
        questions' text (at most 1,000 characters each) for moderators, with a keyed hash of who
        asked (never the id) so the member's deletion can remove it; the newest
        ``QUESTION_LOG_CAP`` per guild are kept. One transaction: all of it is written, or none."""
        ...

    async def questions_per_day(self, guild_id: int, since: date) -> dict[date, int]:
        """Questions asked on each UTC day from ``since`` on (days without any are absent)."""
        ...

    async def logged_questions(self, guild_id: int, since: datetime) -> list[LoggedQuestion]:
        """Logged questions asked at or after ``since``, oldest first."""
        ...

    async def prune_questions(self, before: datetime) -> int:
        """Forget logged questions (all guilds) asked before ``before``; returns how many."""
        ...


class JobStore(Protocol):
    """Runs of work that must happen once across all processes sharing the database
    (pruning now; scheduled check-ins and digests later)."""

    async def claim_job_run(self, job: str, slot: str, holder: str, at: datetime, lease: timedelta) -> bool:
        """True if ``holder`` now owns ``job``'s run for ``slot`` (a time window, or e.g. a guild
        and a week): nobody claimed it, or its holder's lease ended before it finished."""
        ...

    async def finish_job_run(self, job: str, slot: str, holder: str, at: datetime) -> bool:
        """Mark the run done, so it is never taken over; False if ``holder`` lost the claim."""
        ...

    async def forget_job_runs(self, before: datetime) -> int:
        """Delete records of runs claimed before ``before``; returns how many."""
        ...


class StateStore(Protocol):
    async def get_state(self, key: str) -> str | None: ...

    async def set_state(self, key: str, value: str | None) -> None:
        """Store a value; None deletes the key."""
        ...


@runtime_checkable
class Storage(
    ProgressStore,
    StatsStore,
    PrivacyStore,
    GuildStore,
    FeedbackStore,
    QuestionStore,
    JobStore,
    StateStore,
    CoachingStore,
    Protocol,
):
    """Everything the bot stores. One instance per process owns the database connection."""

    async def close(self) -> None: ...

    async def schema_version(self) -> int: ...
