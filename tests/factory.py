"""Small, hand-built knowledge snapshots for progress tests (no YAML, no shipped content)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from bot.knowledge.models import Area, Entry, Knowledge, Milestone, Track


def milestone(
    mid: str,
    *,
    requires: Iterable[str] = (),
    formerly: Iterable[str] = (),
    learn: Iterable[str] = (),
) -> Milestone:
    return Milestone(
        id=mid,
        title=mid.replace("-", " ").title(),
        description=f"About {mid}.",
        steps=(f"Do {mid}",),
        learn=tuple(learn),
        requires=tuple(requires),
        formerly=tuple(formerly),
    )


def entry(eid: str, *, milestone_id: str | None = None) -> Entry:
    return Entry(
        id=eid,
        title=eid.replace("-", " ").title(),
        area="role",
        questions=(f"what is {eid}",),
        answer=f"All about {eid}.",
        links=(),
        reviewed=date(2026, 11, 1),
        milestone=milestone_id,
    )


def knowledge(
    milestones: Iterable[Milestone], tracks: dict[str, Iterable[str]], entries: Iterable[Entry] = ()
) -> Knowledge:
    return Knowledge(
        areas={"role": Area("role", "The role", "What the job is.")},
        entries={e.id: e for e in entries},
        milestones={m.id: m for m in milestones},
        tracks={tid: Track(tid, tid.title(), f"The {tid} track.", tuple(ms)) for tid, ms in tracks.items()},
        synonyms=(),
        version="test",
        loaded_at=datetime(2026, 11, 26, tzinfo=UTC),
    )


def sample() -> Knowledge:
    """a -> b -> c chain, d (formerly old-d), e needs a; two tracks sharing milestones."""
    return knowledge(
        [
            milestone("a", learn=["learn-a"]),
            milestone("b", requires=["a"]),
            milestone("c", requires=["b"]),
            milestone("d", formerly=["old-d"]),
            milestone("e", requires=["a"]),
        ],
        {"main": ["a", "b", "c", "d"], "alt": ["d", "a", "e"]},
        [entry("learn-a"), entry("teaches-b", milestone_id="b"), entry("more-a", milestone_id="a")],
    )
