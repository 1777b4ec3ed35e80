"""Study-buddy matching: who a member who asked for a buddy is paired with.

Only members of the same server who also asked are candidates. The best one works on the
same milestone; failing that, the nearest milestone on the seeker's track; among equals,
whoever has waited longest. Members who left the server or closed their DMs are never
chosen; the caller says who those are, since only Discord knows.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class BuddySeeker:
    member_id: int
    milestone_id: str | None  # the member's current (next open) milestone; None when all done
    waiting_since: datetime


def milestone_distance(track: Sequence[str], mine: str | None, theirs: str | None) -> int:
    """How far apart two current milestones are on ``track`` (its milestone ids in order)."""
    if mine == theirs:
        return 0
    far = len(track) + 1
    if mine not in track or theirs not in track:
        return far
    return abs(track.index(mine) - track.index(theirs))


def choose_buddy(
    seeker: BuddySeeker,
    candidates: Sequence[BuddySeeker],
    track: Sequence[str],
    unreachable: Collection[int] = (),
) -> BuddySeeker | None:
    """The candidate to pair ``seeker`` with, or None when nobody suitable is waiting."""
    eligible = [c for c in candidates if c.member_id != seeker.member_id and c.member_id not in unreachable]
    if not eligible:
        return None
    return min(
        eligible,
        key=lambda c: (
            milestone_distance(track, seeker.milestone_id, c.milestone_id),
            c.waiting_since,
            c.member_id,
        ),
    )
