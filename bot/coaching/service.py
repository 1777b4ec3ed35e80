"""Coaching services: goals, check-ins, reminders, streaks, buddies and the weekly digest.

The Discord layer and the terminal call these and render what they return; the scheduler
asks ``claim_due`` for the work that fell due and sends it. Everything is opt-in: nothing
here reaches a member who did not ask for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coaching.buddies import BuddySeeker, choose_buddy
from bot.coaching.digest import Digest, WeekCompletion, build_digest
from bot.coaching.schedule import (
    DEFAULT_ZONE,
    REMINDER_DAYS_BEFORE,
    Cadence,
    CheckinPlan,
    days_left,
    reminder_due,
    zone_named,
)
from bot.coaching.streaks import streak_weeks, week_of
from bot.knowledge.models import Entry, Knowledge, Milestone
from bot.progress.errors import ProgressError
from bot.progress.results import CompletionResult, NextStep, ProgressSummary
from bot.progress.service import ProgressService, resolve_milestone
from bot.storage.coaching import (
    BuddyPair,
    BuddyRequest,
    CheckinRecord,
    Claim,
    GoalRecord,
    GuildCoaching,
    Shards,
)
from bot.storage.protocol import Storage

GOAL_HORIZON_DAYS = 5 * 366
SOON_DAYS = 7
STREAK_LOOKBACK_WEEKS = 104
DUE_BATCH = 500
DM_CLOSED = "dm_closed"
BY_MEMBER = "member"


def plan_of(record: CheckinRecord) -> CheckinPlan:
    """The rhythm a stored check-in row describes (the schema allows only the two cadences)."""
    cadence: Cadence = "fortnightly" if record.cadence == "fortnightly" else "weekly"
    return CheckinPlan(cadence, record.weekday, record.hour, record.zone)


class CoachingError(ProgressError):
    """A coaching request the member can fix; the message says how."""


@dataclass(frozen=True, slots=True)
class GoalView:
    milestone: Milestone
    due_on: date
    remind: bool
    days_left: int  # negative when overdue
    done_on: date | None  # the day the milestone was completed, if it was

    @property
    def overdue(self) -> bool:
        return self.done_on is None and self.days_left < 0


@dataclass(frozen=True, slots=True)
class CheckinContent:
    """Everything a check-in shows (the same for the DM and ``/checkin now``)."""

    guild_id: int
    member_id: int
    summary: ProgressSummary
    next_step: NextStep
    goals_soon: tuple[GoalView, ...]
    reminders: tuple[GoalView, ...]  # goals recalled in this check-in (3 days before, or the day)
    suggested: Entry | None
    streak: int


@dataclass(frozen=True, slots=True)
class DueMessage:
    """A DM the scheduler owes a member: a check-in (with any goal reminders), or reminders alone."""

    guild_id: int
    member_id: int
    checkin: CheckinContent | None
    reminders: tuple[GoalView, ...]


@dataclass(frozen=True, slots=True)
class DueDigest:
    guild_id: int
    channel_id: int
    digest: Digest


@dataclass(frozen=True, slots=True)
class BuddyOutcome:
    pair: BuddyPair | None  # None: the member now waits for someone to ask
    already: bool = False  # the member already had this buddy


class CoachingService:
    """One per process, over the process's ``Storage`` and progress services."""

    def __init__(
        self,
        storage: Storage,
        knowledge: Callable[[], Knowledge],
        progress: ProgressService,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._storage = storage
        self._knowledge = knowledge
        self._progress = progress
        self._clock = clock

    def now(self) -> datetime:
        return self._clock()

    async def _zone(self, guild_id: int, member_id: int) -> ZoneInfo:
        record = await self._storage.checkin_of(guild_id, member_id)
        return ZoneInfo(record.zone if record else DEFAULT_ZONE)

    async def local_today(self, guild_id: int, member_id: int) -> date:
        return self.now().astimezone(await self._zone(guild_id, member_id)).date()

    # ------------------------------------------------------------------ goals

    async def set_goal(
        self, guild_id: int, member_id: int, milestone: str, due_on: date, remind: bool = True
    ) -> GoalView:
        target = resolve_milestone(self._knowledge(), milestone)
        today = await self.local_today(guild_id, member_id)
        if due_on < today:
            raise CoachingError(f"{due_on:%Y-%m-%d} is in the past: pick a date from today on")
        if (due_on - today).days > GOAL_HORIZON_DAYS:
            raise CoachingError("Pick a date within the next five years")
        await self._storage.set_goal(
            GoalRecord(guild_id, member_id, target.id, due_on, remind, None, self.now())
        )
        return next(g for g in await self.goals(guild_id, member_id) if g.milestone.id == target.id)

    async def clear_goal(self, guild_id: int, member_id: int, milestone: str) -> bool:
        knowledge = self._knowledge()
        target = resolve_milestone(knowledge, milestone)
        return bool(
            await self._storage.clear_goal(guild_id, member_id, knowledge.milestone_ids_of(target.id))
        )

    async def goals(self, guild_id: int, member_id: int) -> list[GoalView]:
        """The member's goals on current milestones, soonest first, with days left and done dates."""
        knowledge = self._knowledge()
        records = await self._storage.goals_of(guild_id, member_id)
        if not records:
            return []
        summary = await self._progress.summary(guild_id, member_id)
        done = {
            s.milestone.id: s.record.completed_at.date()
            for t in summary.tracks
            for s in t.milestones
            if s.record is not None
        }
        today = await self.local_today(guild_id, member_id)
        views = []
        for goal in records:
            current = knowledge.current_milestone_id(goal.milestone_id)
            if current is not None:
                views.append(
                    GoalView(
                        knowledge.milestones[current],
                        goal.due_on,
                        goal.remind,
                        days_left(goal.due_on, today),
                        done.get(current),
                    )
                )
        return views

    # ------------------------------------------------------------------ check-ins

    async def checkin_on(
        self, guild_id: int, member_id: int, cadence: Cadence, weekday: int, hour: int
    ) -> CheckinRecord:
        """Turn check-ins on (or change their rhythm); the member's time zone is kept."""
        existing = await self._storage.checkin_of(guild_id, member_id)
        plan = CheckinPlan(cadence, weekday, hour, existing.zone if existing else DEFAULT_ZONE)
        record = CheckinRecord(
            guild_id,
            member_id,
            cadence,
            weekday,
            hour,
            plan.zone,
            plan.first_due(self.now()),
            existing.last_sent_at if existing else None,
            None,
            False,
        )
        await self._storage.save_checkin(record, self.now())
        await self._storage.set_dm_closed(member_id, False)  # they expect DMs now: try again
        return record

    async def set_timezone(self, guild_id: int, member_id: int, zone: str) -> CheckinRecord:
        zone_named(zone)
        existing = await self._storage.checkin_of(guild_id, member_id)
        if existing is None:  # remember the zone; check-ins stay off until asked for
            record = CheckinRecord(guild_id, member_id, "weekly", 0, 9, zone, None, None, BY_MEMBER, False)
        else:
            plan = replace(plan_of(existing), zone=zone)
            next_due = plan.first_due(self.now()) if existing.on else None
            record = replace(existing, zone=zone, next_due_at=next_due)
        await self._storage.save_checkin(record, self.now())
        return record

    async def checkin_off(self, guild_id: int, member_id: int) -> bool:
        return bool(await self._storage.stop_checkins(guild_id, member_id, BY_MEMBER, notice=False))

    async def checkin_settings(self, guild_id: int, member_id: int) -> CheckinRecord | None:
        return await self._storage.checkin_of(guild_id, member_id)

    async def checkin(
        self, guild_id: int, member_id: int, reminders: Sequence[GoalView] = ()
    ) -> CheckinContent:
        """What a check-in shows right now."""
        knowledge = self._knowledge()
        summary = await self._progress.summary(guild_id, member_id)
        step = await self._progress.next_step(guild_id, member_id)
        goals = await self.goals(guild_id, member_id)
        soon = tuple(g for g in goals if g.done_on is None and g.days_left <= SOON_DAYS)
        today = await self.local_today(guild_id, member_id)
        entries = step.entries or tuple(knowledge.entries.values())
        suggested = entries[week_of(today).toordinal() // 7 % len(entries)] if entries else None
        return CheckinContent(
            guild_id,
            member_id,
            summary,
            step,
            soon,
            tuple(reminders),
            suggested,
            await self.streak(guild_id, member_id),
        )

    async def did_it(self, guild_id: int, member_id: int) -> CompletionResult:
        """ "I did it": mark the next milestone done, under the same rules as ``/milestone done``."""
        step = await self._progress.next_step(guild_id, member_id)
        if step.milestone is None:
            raise CoachingError(f"Every milestone of {step.track.title} is already done. Congratulations!")
        result = await self._progress.complete(guild_id, member_id, step.milestone.id)
        await self._storage.record_activity(guild_id, member_id, await self.local_today(guild_id, member_id))
        return result

    async def snooze(self, guild_id: int, member_id: int) -> datetime:
        """ "Snooze a week": the next check-in a week after the one due (or after now)."""
        record = await self._storage.checkin_of(guild_id, member_id)
        if record is None or not record.on or record.next_due_at is None:
            raise CoachingError(
                "Your check-ins are off, so there is nothing to snooze. `/checkin on` starts them."
            )
        plan = plan_of(record)
        # the slot due next was already moved on when this check-in was sent: snooze from the one sent
        sent = record.last_sent_at or self.now()
        until = plan.snoozed(sent, self.now())
        await self._storage.move_checkin(guild_id, member_id, max(until, record.next_due_at))
        await self._storage.record_activity(guild_id, member_id, await self.local_today(guild_id, member_id))
        return max(until, record.next_due_at)

    async def stuck(self, guild_id: int, member_id: int) -> tuple[NextStep, int | None]:
        """The entries for the milestone the member is on, and the server's help channel (if set)."""
        await self._storage.record_activity(guild_id, member_id, await self.local_today(guild_id, member_id))
        step = await self._progress.next_step(guild_id, member_id)
        return step, (await self._storage.guild_coaching(guild_id)).help_channel_id

    async def dm_closed(self, member_id: int) -> int:
        """The member's DMs are closed: check-ins off everywhere; tell them at their next command."""
        await self._storage.set_dm_closed(member_id, True)
        return await self._storage.stop_checkins(None, member_id, DM_CLOSED, notice=True)

    async def pending_notices(self) -> list[tuple[int, int]]:
        return await self._storage.pending_notices()

    async def notice_given(self, member_id: int) -> None:
        await self._storage.clear_notice(member_id)

    async def streak(self, guild_id: int, member_id: int) -> int:
        today = await self.local_today(guild_id, member_id)
        since = today - timedelta(weeks=STREAK_LOOKBACK_WEEKS)
        return streak_weeks(await self._storage.activity_days(guild_id, member_id, since), today)

    # ------------------------------------------------------------------ the scheduler's work

    async def claim_due(self, shards: Shards | None = None, limit: int = DUE_BATCH) -> list[DueMessage]:
        """Check-ins and goal reminders of these shards' servers due now, claimed by this process
        (each exactly once, whichever process asks)."""
        now = self.now()
        out: list[DueMessage] = []
        checked_in: set[tuple[int, int]] = set()
        for record in await self._storage.due_checkins(now, limit, shards):
            if record.next_due_at is None:
                continue
            plan = plan_of(record)
            claim = await self._storage.claim_checkin(record, plan.following(record.next_due_at, now), now)
            if claim is not Claim.SEND:
                continue
            reminders = await self._claim_reminders(record.guild_id, record.member_id, standalone=False)
            content = await self.checkin(record.guild_id, record.member_id, reminders)
            out.append(DueMessage(record.guild_id, record.member_id, content, reminders))
            checked_in.add((record.guild_id, record.member_id))
        today = now.date()
        window = await self._storage.goals_due_between(
            today - timedelta(days=1), today + timedelta(days=REMINDER_DAYS_BEFORE + 1), limit, shards
        )
        members = {(g.guild_id, g.member_id) for g in window} - checked_in
        for guild_id, member_id in sorted(members):
            if not await self._checkin_later_today(guild_id, member_id):
                reminders = await self._claim_reminders(guild_id, member_id, standalone=True)
                if reminders:
                    out.append(DueMessage(guild_id, member_id, None, reminders))
        return out

    async def _checkin_later_today(self, guild_id: int, member_id: int) -> bool:
        """A check-in due later today will carry the reminders, so they wait for it."""
        record = await self._storage.checkin_of(guild_id, member_id)
        if record is None or record.next_due_at is None:
            return False
        zone = ZoneInfo(record.zone)
        return record.next_due_at.astimezone(zone).date() == self.now().astimezone(zone).date()

    async def _claim_reminders(
        self, guild_id: int, member_id: int, *, standalone: bool
    ) -> tuple[GoalView, ...]:
        today = await self.local_today(guild_id, member_id)
        views = {g.milestone.id: g for g in await self.goals(guild_id, member_id)}
        claimed: list[GoalView] = []
        for goal in await self._storage.goals_of(guild_id, member_id):
            view = views.get(self._knowledge().current_milestone_id(goal.milestone_id) or "")
            if view is None or view.done_on is not None or not goal.remind:
                continue
            if not reminder_due(goal.due_on, today, goal.reminded_on):
                continue
            claim = await self._storage.claim_reminder(goal, today, standalone=standalone and not claimed)
            if claim is Claim.SEND:
                claimed.append(view)
            elif claim is Claim.POSTPONED:
                break  # the member already had today's DM: the rest wait for tomorrow too
        return tuple(claimed)

    # ------------------------------------------------------------------ buddies

    async def find_buddy(
        self, guild_id: int, member_id: int, still_here: Callable[[int], Awaitable[bool]]
    ) -> BuddyOutcome:
        """Pair the member with a waiting member of the server, or leave them waiting.

        ``still_here`` tells whether a candidate is still in the server (only Discord knows);
        members who left lose their place, members whose DMs are closed are skipped.
        """
        active = await self._storage.active_pair(guild_id, member_id)
        if active is not None:
            return BuddyOutcome(active, already=True)
        step = await self._progress.next_step(guild_id, member_id)
        milestone_id = step.milestone.id if step.milestone else None
        now = self.now()
        await self._storage.request_buddy(BuddyRequest(guild_id, member_id, milestone_id, now))
        await self._storage.set_dm_closed(member_id, False)
        track = step.track.milestones
        seeker = BuddySeeker(member_id, milestone_id, now)
        for _ in range(5):  # a few tries: candidates can leave or be taken while we look
            waiting = [r for r in await self._storage.buddy_requests(guild_id) if r.member_id != member_id]
            closed = await self._storage.dm_closed_among([r.member_id for r in waiting])
            pool = [BuddySeeker(r.member_id, r.milestone_id, r.requested_at) for r in waiting]
            chosen = choose_buddy(seeker, pool, track, unreachable=closed)
            if chosen is None:
                return BuddyOutcome(None)
            if not await still_here(chosen.member_id):
                await self._storage.cancel_buddy_request(guild_id, chosen.member_id)
                continue
            pair = await self._storage.pair_buddies(guild_id, member_id, chosen.member_id, now)
            if pair is not None:
                return BuddyOutcome(pair)
        return BuddyOutcome(None)

    async def buddy_intro_failed(self, pair: BuddyPair, unreachable: int) -> None:
        """The introduction could not reach ``unreachable`` (DMs closed): undo the pair, and put the
        other member back in the queue."""
        await self._storage.end_pair(pair, self.now())
        await self._storage.set_dm_closed(unreachable, True)
        other = pair.other(unreachable)
        step = await self._progress.next_step(pair.guild_id, other)
        await self._storage.request_buddy(
            BuddyRequest(pair.guild_id, other, step.milestone.id if step.milestone else None, pair.paired_at)
        )

    async def set_pair_thread(self, pair: BuddyPair, thread_id: int) -> None:
        await self._storage.set_pair_thread(pair, thread_id)

    async def leave_buddy(self, guild_id: int, member_id: int) -> BuddyPair | bool:
        """End the member's pair (returned), or take them out of the queue (True), or nothing (False)."""
        pair = await self._storage.active_pair(guild_id, member_id)
        if pair is not None:
            await self._storage.end_pair(pair, self.now())
            return pair
        return bool(await self._storage.cancel_buddy_request(guild_id, member_id))

    # ------------------------------------------------------------------ server settings and the digest

    async def guild_settings(self, guild_id: int) -> GuildCoaching:
        return await self._storage.guild_coaching(guild_id)

    async def configure(
        self, guild_id: int, *, buddy_channel_id: int | None = None, help_channel_id: int | None = None
    ) -> GuildCoaching:
        """Set the channels moderators chose (None keeps the current one)."""
        current = await self._storage.guild_coaching(guild_id)
        updated = replace(
            current,
            buddy_channel_id=buddy_channel_id or current.buddy_channel_id,
            help_channel_id=help_channel_id or current.help_channel_id,
        )
        await self._storage.save_guild_coaching(updated)
        return updated

    async def digest_on(self, guild_id: int, channel_id: int, weekday: int, hour: int) -> GuildCoaching:
        plan = CheckinPlan("weekly", weekday, hour, DEFAULT_ZONE)
        current = await self._storage.guild_coaching(guild_id)
        updated = replace(
            current,
            digest_channel_id=channel_id,
            digest_weekday=weekday,
            digest_hour=hour,
            digest_next_at=plan.first_due(self.now()),
        )
        await self._storage.save_guild_coaching(updated)
        return updated

    async def digest_off(self, guild_id: int) -> bool:
        current = await self._storage.guild_coaching(guild_id)
        if current.digest_next_at is None:
            return False
        await self._storage.save_guild_coaching(replace(current, digest_channel_id=None, digest_next_at=None))
        return True

    async def digest(self, guild_id: int) -> Digest:
        """This week's digest (the last seven days) as it would be posted now."""
        knowledge = self._knowledge()
        now = self.now()
        since = now - timedelta(days=7)
        completions = [
            WeekCompletion(m, ms, o) for m, ms, o in await self._storage.week_completions(guild_id, since)
        ]
        opens: dict[str, int] = {}
        for row in await self._storage.entry_opens(guild_id, since.date()):
            opens[row.entry_id] = opens.get(row.entry_id, 0) + row.opens
        pairs = await self._storage.pairs_since(guild_id, since)
        return build_digest(knowledge, since.date(), completions, opens, pairs)

    async def claim_due_digests(self, shards: Shards | None = None) -> list[DueDigest]:
        """Digests due now that this process claimed; after downtime, one per server, not one per week missed."""
        now = self.now()
        out = []
        for settings in await self._storage.due_digests(now, DUE_BATCH, shards):
            if settings.digest_channel_id is None:
                continue
            if (
                settings.digest_next_at is None
                or settings.digest_weekday is None
                or settings.digest_hour is None
            ):
                continue
            plan = CheckinPlan("weekly", settings.digest_weekday, settings.digest_hour, DEFAULT_ZONE)
            if await self._storage.claim_digest(settings, plan.following(settings.digest_next_at, now)):
                out.append(
                    DueDigest(
                        settings.guild_id, settings.digest_channel_id, await self.digest(settings.guild_id)
                    )
                )
        return out
