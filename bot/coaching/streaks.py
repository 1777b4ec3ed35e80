"""Streaks: weeks in a row in which a member made progress or answered a check-in.

Weeks are ISO weeks (Monday to Sunday) in the member's own time zone. The current week
keeps a streak alive while it is still running: a member active every week until last
week has not lost the streak on Monday morning.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta


def week_of(day: date) -> date:
    """The Monday that starts ``day``'s week."""
    return day - timedelta(days=day.weekday())


def streak_weeks(active_days: Iterable[date], today: date) -> int:
    """How many weeks in a row, ending this week or last week, had at least one active day."""
    weeks = {week_of(day) for day in active_days if day <= today}
    current = week_of(today)
    if current not in weeks:
        current -= timedelta(days=7)
    count = 0
    while current in weeks:
        count += 1
        current -= timedelta(days=7)
    return count
