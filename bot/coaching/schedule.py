"""When a member's check-ins and goal reminders fall due, in the member's own time zone.

A plan says "every week (or fortnight) on this weekday at this hour, local time". Due times
are computed in local time and only then turned into UTC, so a check-in at 09:00 stays at
09:00 across daylight-saving changes. After downtime the scheduler sends an overdue
check-in once and moves on to the next future slot of the same rhythm: a member who was
away three weeks gets one message, not three.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.errors import CoachError

Cadence = Literal["weekly", "fortnightly"]
CADENCES: tuple[Cadence, ...] = ("weekly", "fortnightly")
CADENCE_DAYS: dict[Cadence, int] = {"weekly": 7, "fortnightly": 14}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_ZONE = "UTC"
REMINDER_DAYS_BEFORE = 3


class ScheduleError(CoachError, ValueError):
    """A plan a member asked for that cannot be kept (unknown time zone, hour out of range...)."""


def zone_named(name: str) -> ZoneInfo:
    """The IANA time zone ``name`` (case as in the database: ``Europe/Berlin``)."""
    if name not in _zone_names():
        raise ScheduleError(
            f"Unknown time zone {name[:60]!r}: use a name like Europe/Berlin or America/New_York"
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # listed but unreadable: treat as unknown
        raise ScheduleError(f"Time zone {name!r} cannot be read on this server") from exc


_ZONES: frozenset[str] | None = None


def _zone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def matching_zones(text: str, limit: int = 25) -> list[str]:
    """Time zone names for autocomplete: those containing what was typed, shortest first."""
    wanted = text.strip().lower().replace(" ", "_")[:64]
    found = [z for z in _zone_names() if wanted in z.lower()]
    return sorted(found, key=lambda z: (not z.lower().startswith(wanted), len(z), z))[:limit]


@dataclass(frozen=True, slots=True)
class CheckinPlan:
    """A member's check-in rhythm: ``weekday`` 0 is Monday, ``hour`` 0-23 local time."""

    cadence: Cadence
    weekday: int
    hour: int
    zone: str = DEFAULT_ZONE

    def __post_init__(self) -> None:
        if self.cadence not in CADENCES:
            raise ScheduleError(f"Check-ins can be {' or '.join(CADENCES)}, not {self.cadence!r}")
        if not 0 <= self.weekday <= 6:
            raise ScheduleError("The day must be one of Monday to Sunday")
        if not 0 <= self.hour <= 23:
            raise ScheduleError("The hour must be from 0 to 23")
        zone_named(self.zone)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def at(self, day: date) -> datetime:
        """The check-in moment on local ``day``, in UTC. A local time skipped by a daylight-saving
        change (02:30 on the spring-forward night) is read with the offset before the change,
        so it lands an hour later on the clock, never on another day."""
        return datetime.combine(day, time(self.hour), tzinfo=self.tz).astimezone(UTC)

    def first_due(self, now: datetime) -> datetime:
        """The first slot strictly after ``now``: this week's if still ahead, else next week's."""
        local_today = now.astimezone(self.tz).date()
        day = local_today + timedelta(days=(self.weekday - local_today.weekday()) % 7)
        due = self.at(day)
        return due if due > now else self.at(day + timedelta(days=7))

    def following(self, due: datetime, now: datetime) -> datetime:
        """The slot after ``due`` (sent, snoozed past, or missed) that is still ahead of ``now``:
        same rhythm, same local hour, skipping every slot that downtime made stale."""
        step = CADENCE_DAYS[self.cadence]
        day = due.astimezone(self.tz).date()
        # bring ``day`` back onto the plan's weekday if the member changed it since
        day += timedelta(days=(self.weekday - day.weekday()) % 7)
        next_slot = self.at(day)
        while next_slot <= due or next_slot <= now:
            day += timedelta(days=step)
            next_slot = self.at(day)
        return next_slot

    def snoozed(self, due: datetime, now: datetime) -> datetime:
        """ "Snooze a week": the same local hour seven days after ``due`` (or after now, if later)."""
        base = max(due, now).astimezone(self.tz)
        return datetime.combine(base.date() + timedelta(days=7), time(self.hour), tzinfo=self.tz).astimezone(
            UTC
        )


def reminder_days(due: date) -> tuple[date, date]:
    """The days a goal is recalled: three days before, and the day itself."""
    return due - timedelta(days=REMINDER_DAYS_BEFORE), due


def reminder_due(goal_day: date, local_today: date, last_reminded: date | None) -> bool:
    """Whether a goal reminder is owed today: on or after a reminder day not yet covered.

    A reminder missed in downtime is sent once, late; nothing is sent after the goal's day.
    """
    if local_today > goal_day:
        return False
    owed = [d for d in reminder_days(goal_day) if d <= local_today]
    return bool(owed) and (last_reminded is None or last_reminded < owed[-1])


def days_left(goal_day: date, today: date) -> int:
    """Negative once the goal's day has passed."""
    return (goal_day - today).days
