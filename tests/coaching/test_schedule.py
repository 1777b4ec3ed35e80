"""Check-in slots in the member's time zone, across daylight-saving changes and downtime."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.coaching.schedule import (
    CheckinPlan,
    ScheduleError,
    days_left,
    matching_zones,
    reminder_due,
)

BERLIN_MONDAY_9 = CheckinPlan("weekly", weekday=0, hour=9, zone="Europe/Berlin")


def test_weekly_check_in_keeps_the_local_hour_across_the_spring_change() -> None:
    # Berlin moves from UTC+1 to UTC+2 on Sunday 29 March 2026
    first = BERLIN_MONDAY_9.first_due(datetime(2026, 3, 18, 12, tzinfo=UTC))
    assert first == datetime(2026, 3, 23, 8, tzinfo=UTC)  # 09:00 CET
    second = BERLIN_MONDAY_9.following(first, now=first)
    assert second == datetime(2026, 3, 30, 7, tzinfo=UTC)  # 09:00 CEST: an hour earlier in UTC
    assert second.astimezone(BERLIN_MONDAY_9.tz).hour == 9


def test_fortnightly_check_in_across_the_autumn_change_in_new_york() -> None:
    plan = CheckinPlan("fortnightly", weekday=4, hour=18, zone="America/New_York")
    first = plan.first_due(datetime(2026, 10, 20, tzinfo=UTC))
    assert first == datetime(2026, 10, 23, 22, tzinfo=UTC)  # Friday 18:00 EDT
    second = plan.following(first, now=first)
    assert second == datetime(2026, 11, 6, 23, tzinfo=UTC)  # two weeks on, 18:00 EST
    assert (second - first) == timedelta(days=14, hours=1)


def test_a_local_hour_skipped_by_the_clock_change_lands_an_hour_later_the_same_day() -> None:
    plan = CheckinPlan("weekly", weekday=6, hour=2, zone="Europe/Berlin")  # 02:00 does not exist on 29 March
    due = plan.first_due(datetime(2026, 3, 28, tzinfo=UTC))
    local = due.astimezone(plan.tz)
    assert local.date() == date(2026, 3, 29) and local.hour == 3


def test_three_weeks_of_downtime_give_one_overdue_check_in_then_the_rhythm_resumes() -> None:
    due = datetime(2026, 1, 5, 8, tzinfo=UTC)  # Monday 09:00 Berlin
    back = due + timedelta(days=21, hours=5)  # the bot was down for three weeks
    # the scheduler sends the overdue one once, then asks for the next slot after now
    following = BERLIN_MONDAY_9.following(due, now=back)
    assert following == datetime(2026, 2, 2, 8, tzinfo=UTC)
    assert following > back


def test_fortnightly_rhythm_survives_downtime_on_the_same_parity() -> None:
    plan = CheckinPlan("fortnightly", weekday=0, hour=9, zone="UTC")
    due = datetime(2026, 1, 5, 9, tzinfo=UTC)
    following = plan.following(due, now=due + timedelta(days=20))
    assert following == datetime(2026, 2, 2, 9, tzinfo=UTC)  # 4 weeks after due, not 3


def test_changing_the_day_moves_the_next_slot_to_that_day() -> None:
    due = datetime(2026, 1, 5, 9, tzinfo=UTC)  # a Monday
    plan = CheckinPlan("weekly", weekday=2, hour=9, zone="UTC")
    assert plan.following(due, now=due) == datetime(2026, 1, 7, 9, tzinfo=UTC)


def test_snooze_is_a_week_after_the_slot_at_the_same_local_hour() -> None:
    due = datetime(2026, 3, 23, 8, tzinfo=UTC)
    assert BERLIN_MONDAY_9.snoozed(due, now=due + timedelta(minutes=5)) == datetime(
        2026, 3, 30, 7, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cadence": "daily"}, "weekly or fortnightly"),
        ({"weekday": 7}, "Monday to Sunday"),
        ({"hour": 24}, "from 0 to 23"),
        ({"zone": "Mars/Olympus"}, "Unknown time zone"),
        ({"zone": "../../etc/passwd"}, "Unknown time zone"),
        ({"zone": "x" * 10_000}, "Unknown time zone"),
    ],
)
def test_bad_plans_are_refused_with_a_clear_message(kwargs: dict[str, object], message: str) -> None:
    base: dict[str, object] = {"cadence": "weekly", "weekday": 0, "hour": 9, "zone": "UTC"}
    with pytest.raises(ScheduleError, match=message) as caught:
        CheckinPlan(**{**base, **kwargs})  # type: ignore[arg-type]
    assert len(str(caught.value)) < 200


def test_zone_autocomplete_prefers_names_that_start_with_the_text() -> None:
    assert matching_zones("europe/ber")[0] == "Europe/Berlin"
    assert "America/New_York" in matching_zones("new york")
    assert len(matching_zones("")) == 25
    assert matching_zones("a" * 5000) == []


def test_goal_reminders_three_days_before_and_on_the_day_once_each() -> None:
    goal = date(2026, 6, 10)
    assert not reminder_due(goal, date(2026, 6, 6), None)
    assert reminder_due(goal, date(2026, 6, 7), None)
    assert not reminder_due(goal, date(2026, 6, 8), date(2026, 6, 7))
    assert reminder_due(goal, date(2026, 6, 10), date(2026, 6, 7))
    assert not reminder_due(goal, date(2026, 6, 10), date(2026, 6, 10))
    assert not reminder_due(goal, date(2026, 6, 11), date(2026, 6, 7))  # past: nothing more


def test_a_reminder_missed_in_downtime_is_sent_once_late() -> None:
    goal = date(2026, 6, 10)
    assert reminder_due(goal, date(2026, 6, 9), None)
    assert not reminder_due(goal, date(2026, 6, 9), date(2026, 6, 9))


def test_days_left_goes_negative_when_overdue() -> None:
    assert days_left(date(2026, 6, 10), date(2026, 6, 7)) == 3
    assert days_left(date(2026, 6, 10), date(2026, 6, 12)) == -2
