"""Streaks, buddy matching and the weekly digest, on plain values and the shipped knowledge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.coaching.buddies import BuddySeeker, choose_buddy
from bot.coaching.digest import WeekCompletion, build_digest, digest_lines
from bot.coaching.streaks import streak_weeks
from bot.knowledge.loader import load_or_raise
from bot.settings import DEFAULT_KNOWLEDGE_DIR


def test_streak_counts_weeks_in_a_row_and_survives_until_the_week_ends() -> None:
    wednesday = date(2026, 12, 2)
    days = [wednesday - timedelta(weeks=w) for w in (1, 2, 3)] + [date(2026, 10, 1)]
    assert streak_weeks(days, wednesday) == 3  # this week not yet active: the streak is still alive
    assert streak_weeks([*days, wednesday], wednesday) == 4
    assert streak_weeks([wednesday - timedelta(weeks=2)], wednesday) == 0  # a gap week ends it
    assert streak_weeks([wednesday + timedelta(days=3)], wednesday) == 0  # the future does not count
    assert streak_weeks([], wednesday) == 0


T0 = datetime(2026, 12, 1, tzinfo=UTC)
TRACK = ("a", "b", "c", "d", "e")


def seeker(member_id: int, milestone: str | None, minutes: int = 0) -> BuddySeeker:
    return BuddySeeker(member_id, milestone, T0 + timedelta(minutes=minutes))


def test_buddy_on_the_same_milestone_first_then_the_nearest_then_the_longest_waiting() -> None:
    me = seeker(1, "c", 99)
    far, near_late, near_early, same = (
        seeker(2, "a"),
        seeker(3, "d", 5),
        seeker(4, "b", 1),
        seeker(5, "c", 50),
    )
    assert choose_buddy(me, [far, near_late, near_early, same], TRACK) == same
    assert choose_buddy(me, [far, near_late, near_early], TRACK) == near_early
    assert choose_buddy(me, [far], TRACK) == far
    assert choose_buddy(me, [seeker(6, "other-track-milestone"), far], TRACK) == far


def test_buddy_is_never_someone_unreachable_or_oneself() -> None:
    me = seeker(1, "c")
    assert choose_buddy(me, [me, seeker(2, "c")], TRACK, unreachable={2}) is None
    assert choose_buddy(me, [], TRACK) is None


def test_digest_names_only_members_who_opted_in_and_counts_the_rest() -> None:
    knowledge = load_or_raise(DEFAULT_KNOWLEDGE_DIR)
    milestone_id = next(iter(knowledge.milestones))
    entry_id = next(iter(knowledge.entries))
    digest = build_digest(
        knowledge,
        date(2026, 11, 30),
        [
            WeekCompletion(1, milestone_id, True),
            WeekCompletion(2, milestone_id, False),
            WeekCompletion(3, "retired-one", False),
        ],
        {entry_id: 4, "no-such-entry": 9},
        new_buddy_pairs=1,
    )
    text = "\n".join(digest_lines(digest, {1: "<@1>"}))
    assert "3 milestones completed" in text
    assert f"<@1>: {knowledge.milestones[milestone_id].title}" in text
    assert "<@2>" not in text and "and 2 more by members who keep their progress private" in text
    assert f"{knowledge.entries[entry_id].title} (4)" in text and "no-such-entry" not in text
    assert "1 new study-buddy pair this week" in text


def test_an_empty_week_still_reads_well() -> None:
    knowledge = load_or_raise(DEFAULT_KNOWLEDGE_DIR)
    digest = build_digest(knowledge, date(2099, 1, 5), [], {}, 0)
    assert digest.empty
    assert "No milestones completed this week" in "\n".join(digest_lines(digest, {}))
