"""The coaching services on a real SQLite file, with a clock the tests move."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.coaching.service import CoachingError, CoachingService, DueMessage
from bot.progress.errors import UnknownMilestone
from bot.progress.service import ProgressService
from bot.storage.coaching import BuddyRequest
from bot.storage.sqlite import SqliteStorage
from tests.conftest import Clock, KnowledgeBox
from tests.factory import sample

G, ME, YOU, THEM = 1, 100, 200, 300
MONDAY_9_BERLIN_WINTER = datetime(2026, 3, 23, 8, tzinfo=UTC)


async def here(member_id: int) -> bool:
    return True


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 3, 18, 12, tzinfo=UTC))  # a Wednesday


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SqliteStorage]:
    store = await SqliteStorage.open(tmp_path / "coach.db")
    yield store
    await store.close()


def make_service(storage: SqliteStorage, clock: Clock) -> CoachingService:
    kb = KnowledgeBox(sample())
    return CoachingService(storage, kb, ProgressService(storage, kb, clock=clock), clock=clock)


@pytest.fixture
def coaching(storage: SqliteStorage, clock: Clock) -> CoachingService:
    return make_service(storage, clock)


async def run_until(
    coaching: CoachingService, clock: Clock, end: datetime, step: timedelta = timedelta(hours=1)
) -> list[tuple[datetime, DueMessage]]:
    """Poll the scheduler every ``step`` until ``end``, the way the bot's loop does."""
    sent = []
    while clock.now < end:
        clock.now += step
        sent += [(clock.now, m) for m in await coaching.claim_due()]
    return sent


async def test_weekly_check_ins_arrive_at_9_local_across_the_dst_change(
    coaching: CoachingService, clock: Clock
) -> None:
    await coaching.set_timezone(G, ME, "Europe/Berlin")
    record = await coaching.checkin_on(G, ME, "weekly", weekday=0, hour=9)
    assert record.next_due_at == MONDAY_9_BERLIN_WINTER
    sent = await run_until(coaching, clock, datetime(2026, 4, 7, tzinfo=UTC))
    local = [when.astimezone(ZoneInfo("Europe/Berlin")).strftime("%a %d %H") for when, _ in sent]
    assert local == ["Mon 23 09", "Mon 30 09", "Mon 06 09"]  # 30 March is after the change to summer time
    assert all(m.checkin is not None and m.member_id == ME for _, m in sent)


async def test_fortnightly_check_ins_skip_a_week(coaching: CoachingService, clock: Clock) -> None:
    await coaching.checkin_on(G, ME, "fortnightly", weekday=2, hour=18)
    sent = await run_until(coaching, clock, datetime(2026, 4, 20, tzinfo=UTC))
    assert [when.date() for when, _ in sent] == [date(2026, 3, 18), date(2026, 4, 1), date(2026, 4, 15)]


async def test_three_weeks_of_downtime_send_one_check_in_not_three(
    coaching: CoachingService, clock: Clock
) -> None:
    await coaching.checkin_on(G, ME, "weekly", weekday=0, hour=9)
    clock.now = datetime(2026, 4, 14, 10, tzinfo=UTC)  # back after three missed Mondays
    first = await coaching.claim_due()
    again = await coaching.claim_due()
    assert len(first) == 1 and again == []
    record = await coaching.checkin_settings(G, ME)
    assert record is not None and record.next_due_at == datetime(2026, 4, 20, 9, tzinfo=UTC)


async def test_snooze_skips_a_week_and_i_did_it_marks_the_next_milestone(
    coaching: CoachingService, clock: Clock
) -> None:
    await coaching.checkin_on(G, ME, "weekly", weekday=3, hour=9)  # Thursday 19 March
    sent = await run_until(coaching, clock, datetime(2026, 3, 19, 10, tzinfo=UTC))
    assert len(sent) == 1
    until = await coaching.snooze(G, ME)
    assert until == datetime(2026, 3, 26, 9, tzinfo=UTC)  # a week after the check-in that was sent
    more = await run_until(coaching, clock, datetime(2026, 3, 26, 10, tzinfo=UTC))
    assert [when.date() for when, _ in more] == [date(2026, 3, 26)]
    result = await coaching.did_it(G, ME)
    assert result.milestone.id == "a" and result.created
    assert (await coaching.did_it(G, ME)).milestone.id == "b"
    assert await coaching.streak(G, ME) == 2  # answered (snoozed) last week, progress this week
    clock.now = datetime(2026, 4, 8, tzinfo=UTC)
    assert await coaching.streak(G, ME) == 0  # a week with nothing ends it


async def test_goal_reminders_three_days_before_and_on_the_day(
    coaching: CoachingService, clock: Clock
) -> None:
    await coaching.set_goal(G, ME, "a", date(2026, 3, 25))
    sent = await run_until(coaching, clock, datetime(2026, 3, 27, tzinfo=UTC))
    days = [(when.date(), [g.milestone.id for g in m.reminders], m.checkin) for when, m in sent]
    assert days == [(date(2026, 3, 22), ["a"], None), (date(2026, 3, 25), ["a"], None)]


async def test_reminders_ride_inside_a_check_in_due_the_same_day(
    coaching: CoachingService, clock: Clock
) -> None:
    await coaching.checkin_on(G, ME, "weekly", weekday=6, hour=18)  # Sunday 22 March
    await coaching.set_goal(G, ME, "a", date(2026, 3, 25))
    sent = await run_until(coaching, clock, datetime(2026, 3, 23, tzinfo=UTC))
    assert len(sent) == 1
    when, message = sent[0]
    assert when.hour == 18 and message.checkin is not None
    assert [g.milestone.id for g in message.reminders] == ["a"]
    assert [g.milestone.id for g in message.checkin.reminders] == ["a"]


async def test_no_reminder_without_remind_or_once_done(coaching: CoachingService, clock: Clock) -> None:
    await coaching.set_goal(G, ME, "a", date(2026, 3, 25), remind=False)
    await coaching.set_goal(G, ME, "e", date(2026, 3, 25))
    await coaching._progress.complete(G, ME, "a")
    await coaching._progress.complete(G, ME, "e")
    assert await run_until(coaching, clock, datetime(2026, 3, 27, tzinfo=UTC)) == []
    goals = {g.milestone.id: g for g in await coaching.goals(G, ME)}
    assert goals["e"].done_on == date(2026, 3, 18) and not goals["e"].overdue


async def test_at_most_one_coaching_dm_a_day(coaching: CoachingService, clock: Clock) -> None:
    await coaching.checkin_on(G, ME, "weekly", weekday=2, hour=13)  # today, 13:00 UTC
    await coaching.checkin_on(2, ME, "weekly", weekday=2, hour=15)  # another server, same day
    sent = await run_until(coaching, clock, datetime(2026, 3, 19, 16, tzinfo=UTC))
    assert [(when.date(), m.guild_id) for when, m in sent] == [(date(2026, 3, 18), G), (date(2026, 3, 19), 2)]


async def test_goals_are_checked(coaching: CoachingService) -> None:
    with pytest.raises(CoachingError, match="in the past"):
        await coaching.set_goal(G, ME, "a", date(2026, 3, 1))
    with pytest.raises(CoachingError, match="five years"):
        await coaching.set_goal(G, ME, "a", date(2040, 1, 1))
    with pytest.raises(UnknownMilestone, match="unknown milestone 'zz': valid milestones: a, b"):
        await coaching.set_goal(G, ME, "zz", date(2026, 4, 1))
    view = await coaching.set_goal(G, ME, "old-d", date(2026, 4, 1))  # a former id works
    assert view.milestone.id == "d" and view.days_left == 14
    assert await coaching.clear_goal(G, ME, "d") and not await coaching.clear_goal(G, ME, "d")


async def test_closed_dms_turn_check_ins_off_everywhere_with_a_notice(coaching: CoachingService) -> None:
    await coaching.checkin_on(G, ME, "weekly", 0, 9)
    await coaching.checkin_on(2, ME, "weekly", 0, 9)
    assert await coaching.dm_closed(ME) == 2
    assert sorted(await coaching.pending_notices()) == [(G, ME), (2, ME)]
    record = await coaching.checkin_settings(G, ME)
    assert record is not None and not record.on and record.off_reason == "dm_closed"
    await coaching.notice_given(ME)
    assert await coaching.pending_notices() == []
    await coaching.checkin_on(G, ME, "weekly", 0, 9)  # turning them on again clears it
    assert (await coaching.checkin_settings(G, ME)).on  # type: ignore[union-attr]


async def test_two_processes_never_send_the_same_check_in(tmp_path: Path, clock: Clock) -> None:
    first = await SqliteStorage.open(tmp_path / "coach.db")
    second = await SqliteStorage.open(tmp_path / "coach.db")
    try:
        a, b = make_service(first, clock), make_service(second, clock)
        for member in range(1, 201):
            await a.checkin_on(G, member, "weekly", 2, 13)
        clock.now = datetime(2026, 3, 18, 13, 30, tzinfo=UTC)
        got_a, got_b = await asyncio.gather(a.claim_due(limit=1000), b.claim_due(limit=1000))
        members = [m.member_id for m in got_a + got_b]
        assert sorted(members) == list(range(1, 201))
    finally:
        await first.close()
        await second.close()


async def test_a_process_only_claims_the_servers_of_its_shards(
    coaching: CoachingService, clock: Clock
) -> None:
    on_shard_0, on_shard_1 = 2 << 22, (3 << 22) + 12345  # Discord: shard = (guild_id >> 22) % count
    await coaching.checkin_on(on_shard_0, ME, "weekly", 2, 13)
    await coaching.checkin_on(on_shard_1, YOU, "weekly", 2, 13)
    await coaching.digest_on(on_shard_0, 5, 2, 13)
    await coaching.digest_on(on_shard_1, 6, 2, 13)
    clock.now = datetime(2026, 3, 18, 13, 30, tzinfo=UTC)
    assert [m.guild_id for m in await coaching.claim_due((2, frozenset({1})))] == [on_shard_1]
    assert [d.guild_id for d in await coaching.claim_due_digests((2, frozenset({1})))] == [on_shard_1]
    assert [m.guild_id for m in await coaching.claim_due((2, frozenset({0, 1})))] == [on_shard_0]
    assert [d.guild_id for d in await coaching.claim_due_digests((2, frozenset({0})))] == [on_shard_0]


async def test_buddies_pair_on_the_same_milestone_and_never_with_who_left(
    coaching: CoachingService, clock: Clock
) -> None:
    await coaching._progress.complete(G, THEM, "a")  # THEM is on b; YOU and ME are on a
    assert (await coaching.find_buddy(G, THEM, here)).pair is None
    assert (await coaching.find_buddy(G, YOU, here)).pair is not None  # nearest: THEM
    await coaching.leave_buddy(G, YOU)
    assert (await coaching.find_buddy(G, 400, here)).pair is None  # 400 waits, on a
    gone = {400}

    async def present(member_id: int) -> bool:
        return member_id not in gone

    outcome = await coaching.find_buddy(G, ME, present)
    assert outcome.pair is None  # 400 left the server: not paired, and out of the queue
    assert [r.member_id for r in await coaching._storage.buddy_requests(G)] == [ME]
    await coaching.dm_closed(500)
    await coaching._storage.request_buddy(BuddyRequest(G, 500, "a", clock.now))
    assert (await coaching.find_buddy(G, ME, here)).pair is None  # 500's DMs are closed
    pair = (await coaching.find_buddy(G, 600, here)).pair
    assert pair is not None and {pair.member_a, pair.member_b} == {ME, 600}
    again = await coaching.find_buddy(G, ME, here)
    assert again.already and again.pair == pair


async def test_digest_is_claimed_once_after_downtime(coaching: CoachingService, clock: Clock) -> None:
    await coaching.digest_on(G, channel_id=77, weekday=0, hour=10)
    await coaching._progress.complete(G, ME, "a")
    clock.now = datetime(2026, 4, 15, tzinfo=UTC)  # three Mondays later
    due = await coaching.claim_due_digests()
    assert [(d.guild_id, d.channel_id) for d in due] == [(G, 77)]
    assert await coaching.claim_due_digests() == []
    assert (await coaching.guild_settings(G)).digest_next_at == datetime(2026, 4, 20, 10, tzinfo=UTC)
    assert await coaching.digest_off(G) and not await coaching.digest_off(G)


async def test_two_members_racing_for_one_buddy_never_share_them(tmp_path: Path, clock: Clock) -> None:
    first = await SqliteStorage.open(tmp_path / "coach.db")
    second = await SqliteStorage.open(tmp_path / "coach.db")
    try:
        a, b = make_service(first, clock), make_service(second, clock)
        assert (await a.find_buddy(G, THEM, here)).pair is None  # THEM waits
        got = await asyncio.gather(a.find_buddy(G, ME, here), b.find_buddy(G, YOU, here))
        pairs = [o.pair for o in got if o.pair is not None]
        assert len(pairs) == 1 and THEM in (pairs[0].member_a, pairs[0].member_b)
        waiting = [r.member_id for r in await first.buddy_requests(G)]
        assert len(waiting) == 1 and waiting[0] in (ME, YOU)  # the other one waits, not paired twice
    finally:
        await first.close()
        await second.close()
