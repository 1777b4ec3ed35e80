"""Ranking autocomplete choices for short, fixed lists (tracks, milestones)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from rapidfuzz import fuzz

T = TypeVar("T")
MIN_SCORE = 60.0


def name_score(current: str, *names: str) -> float:
    """How well typed text matches an id or title (100 for an empty query: list everything)."""
    needle = current.strip().lower()
    if not needle:
        return 100.0
    return max(100.0 if needle in n.lower() else fuzz.WRatio(needle, n.lower()) for n in names)


def ranked(current: str, items: Iterable[T], names: Callable[[T], tuple[str, ...]]) -> list[T]:
    """Items that match ``current``, best first; declaration order among equals (and when empty)."""
    scored = [(name_score(current, *names(item)), position, item) for position, item in enumerate(items)]
    return [item for score, _, item in sorted(scored, key=lambda s: (-s[0], s[1])) if score >= MIN_SCORE]
