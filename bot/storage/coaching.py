"""What the coaching loop stores (goals, check-ins, streak activity, buddies, digest settings):
the records and the interface; ``bot.storage.coaching_sql`` implements it for both backends."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

# (shard count, the shard ids this process runs): the scheduler's work is claimed per shard
Shards = tuple[int, frozenset[int]]


@dataclass(frozen=True, slots=True)
class GoalRecord:
    guild_id: int
    member_id: int
    milestone_id: str
    due_on: date
    remind: bool
    reminded_on: date | None
    set_at: datetime


@dataclass(frozen=True, slots=True)
class CheckinRecord:
    """A member's check-in settings in one guild; ``next_due_at`` None means check-ins are off."""

    guild_id: int
    member_id: int
    cadence: str
    weekday: int
    hour: int
    zone: str
    next_due_at: datetime | None
    last_sent_at: datetime | None
    off_reason: str | None
    notice_pending: bool

    @property
    def on(self) -> bool:
        return self.next_due_at is not None


@dataclass(frozen=True, slots=True)
class BuddyPair:
    guild_id: int
    member_a: int
    member_b: int
    paired_at: datetime
    thread_id: int | None
    ended_at: datetime | None

    def other(self, member_id: int) -> int:
        return self.member_b if member_id == self.member_a else self.member_a


@dataclass(frozen=True, slots=True)
class BuddyRequest:
    guild_id: int
    member_id: int
    milestone_id: str | None
    requested_at: datetime


@dataclass(frozen=True, slots=True)
class GuildCoaching:
    guild_id: int
    buddy_channel_id: int | None = None
    help_channel_id: int | None = None
    digest_channel_id: int | None = None
    digest_weekday: int | None = None
    digest_hour: int | None = None
    digest_next_at: datetime | None = None


class Claim(enum.Enum):
    """What claiming a due check-in or reminder gave this process."""

    SEND = "send"  # it is ours to send now
    POSTPONED = "postponed"  # the member already had a coaching DM today: moved to tomorrow
    TAKEN = "taken"  # another process (or an earlier run) already handled it


class CoachingStore(Protocol):
    """What the coaching services need from storage; both backends have it through ``CoachingStorage``."""

    async def set_goal(self, goal: GoalRecord) -> None: ...

    async def clear_goal(self, guild_id: int, member_id: int, milestone_ids: Sequence[str]) -> int: ...

    async def goals_of(self, guild_id: int, member_id: int) -> list[GoalRecord]: ...

    async def goals_due_between(
        self, first: date, last: date, limit: int, shards: Shards | None = None
    ) -> list[GoalRecord]:
        """Goals with reminders on whose day falls in ``first..last`` and not yet recalled on it."""
        ...

    async def claim_reminder(self, goal: GoalRecord, day: date, *, standalone: bool) -> Claim:
        """Mark ``goal`` recalled on ``day``; a standalone reminder also takes the member's DM of the day."""
        ...

    async def save_checkin(self, record: CheckinRecord, at: datetime) -> None:
        """Insert or replace a member's check-in settings (turning them on clears any notice)."""
        ...

    async def checkin_of(self, guild_id: int, member_id: int) -> CheckinRecord | None: ...

    async def due_checkins(
        self, now: datetime, limit: int, shards: Shards | None = None
    ) -> list[CheckinRecord]: ...

    async def claim_checkin(self, record: CheckinRecord, next_due: datetime, now: datetime) -> Claim:
        """Move a due check-in to ``next_due`` if it is still due as read; take the member's DM of the day."""
        ...

    async def move_checkin(self, guild_id: int, member_id: int, next_due: datetime) -> bool:
        """Snooze or reschedule a check-in that is on; False when check-ins are off."""
        ...

    async def stop_checkins(
        self, guild_id: int | None, member_id: int, reason: str, *, notice: bool
    ) -> int: ...

    async def pending_notices(self) -> list[tuple[int, int]]:
        """(guild, member) pairs to tell, at their next command, that their check-ins were turned off."""
        ...

    async def clear_notice(self, member_id: int) -> int: ...

    async def set_dm_closed(self, member_id: int, closed: bool) -> None: ...

    async def dm_closed_among(self, member_ids: Sequence[int]) -> set[int]: ...

    async def record_activity(self, guild_id: int, member_id: int, day: date) -> None: ...

    async def activity_days(self, guild_id: int, member_id: int, since: date) -> list[date]:
        """Days with progress or an answered check-in (UTC days for completions)."""
        ...

    async def request_buddy(self, request: BuddyRequest) -> None: ...

    async def buddy_requests(self, guild_id: int, limit: int = 500) -> list[BuddyRequest]: ...

    async def cancel_buddy_request(self, guild_id: int, member_id: int) -> int: ...

    async def pair_buddies(self, guild_id: int, seeker: int, buddy: int, at: datetime) -> BuddyPair | None:
        """Pair two waiting members, both requests still open; None if either was taken meanwhile."""
        ...

    async def set_pair_thread(self, pair: BuddyPair, thread_id: int) -> None: ...

    async def active_pair(self, guild_id: int, member_id: int) -> BuddyPair | None: ...

    async def end_pair(self, pair: BuddyPair, at: datetime) -> bool: ...

    async def pairs_since(self, guild_id: int, since: datetime) -> int: ...

    async def guild_coaching(self, guild_id: int) -> GuildCoaching: ...

    async def save_guild_coaching(self, settings: GuildCoaching) -> None: ...

    async def due_digests(
        self, now: datetime, limit: int, shards: Shards | None = None
    ) -> list[GuildCoaching]: ...

    async def claim_digest(self, settings: GuildCoaching, next_at: datetime) -> bool: ...

    async def week_completions(self, guild_id: int, since: datetime) -> list[tuple[int, str, bool]]:
        """(member, milestone, opted into mentions) for every completion since ``since``."""
        ...

    async def export_coaching(
        self, member_id: int, guild_id: int | None = None
    ) -> dict[str, list[dict[str, Any]]]: ...

    async def delete_coaching(self, member_id: int, guild_id: int | None = None) -> int:
        """Remove every coaching row about the member; pairs they were in are deleted for both."""
        ...
