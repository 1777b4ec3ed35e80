"""What the progress services return: plain, immutable values the Discord layer and the
terminal render however they like (no formatting decisions are made here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.knowledge.models import Entry, Milestone, Track
from bot.storage.protocol import CompletionRecord


@dataclass(frozen=True, slots=True)
class MilestoneStatus:
    milestone: Milestone
    record: CompletionRecord | None
    # Ids of prerequisites not done yet (whether or not this milestone is done).
    open_prerequisites: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return self.record is not None


@dataclass(frozen=True, slots=True)
class TrackProgress:
    track: Track
    milestones: tuple[MilestoneStatus, ...]

    @property
    def total(self) -> int:
        return len(self.milestones)

    @property
    def done(self) -> int:
        return sum(1 for s in self.milestones if s.done)

    @property
    def percent(self) -> int:
        """Rounded down, so 100 means everything is done."""
        return self.done * 100 // self.total if self.total else 0


@dataclass(frozen=True, slots=True)
class ProgressSummary:
    guild_id: int
    member_id: int
    track: Track
    # False: the member never chose a track (or theirs was removed) and follows the default.
    track_chosen: bool
    tracks: tuple[TrackProgress, ...]  # every track, in declaration order
    # Records of milestones that no longer exist: kept, shown, never counted.
    retired: tuple[CompletionRecord, ...]

    @property
    def current(self) -> TrackProgress:
        return next(t for t in self.tracks if t.track.id == self.track.id)


@dataclass(frozen=True, slots=True)
class CompletionResult:
    milestone: Milestone
    record: CompletionRecord
    # False: it was already done; ``record`` is the earlier one, left unchanged.
    created: bool
    open_prerequisites: tuple[Milestone, ...]

    @property
    def already_done(self) -> bool:
        return not self.created


@dataclass(frozen=True, slots=True)
class UndoResult:
    milestone_id: str
    milestone: Milestone | None  # None: a retired milestone's record was removed
    removed: bool  # False: it was not done, nothing changed


@dataclass(frozen=True, slots=True)
class NextStep:
    track: Track
    milestone: Milestone | None  # None: the whole track is done
    entries: tuple[Entry, ...]
    # Non-empty only when every remaining milestone still has open prerequisites.
    open_prerequisites: tuple[Milestone, ...]
    done: int
    total: int


@dataclass(frozen=True, slots=True)
class TrackChoice:
    track: Track
    previous_track_id: str | None
    changed: bool


@dataclass(frozen=True, slots=True)
class MilestoneCount:
    milestone: Milestone
    members: int


@dataclass(frozen=True, slots=True)
class WeekCount:
    week_start: date  # a Monday (UTC)
    completions: int


@dataclass(frozen=True, slots=True)
class GuildStats:
    guild_id: int
    members: int
    per_milestone: tuple[MilestoneCount, ...]  # declaration order
    retired: dict[str, int]  # retired milestone id -> members holding a record
    per_week: tuple[WeekCount, ...]  # oldest first, weeks without completions included
