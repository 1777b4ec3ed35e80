"""In-memory rate limits for chatty commands: a per-key sliding window, and a "just posted" memory.

Kept out of Discord code so they are easy to test with a fake clock.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass
class SlidingWindow:
    """Allow at most ``limit`` events per ``per`` seconds for each key."""

    limit: int
    per: float
    clock: Callable[[], float] = time.monotonic
    _events: dict[Hashable, deque[float]] = field(default_factory=dict)

    def hit(self, key: Hashable) -> float:
        """Record an event; return 0 when allowed, else the seconds until the next is allowed."""
        now = self.clock()
        events = self._events.setdefault(key, deque())
        while events and now - events[0] >= self.per:
            events.popleft()
        if len(events) >= self.limit:
            return self.per - (now - events[0])
        events.append(now)
        if len(self._events) > 10_000:
            self._prune(now)
        return 0.0

    def _prune(self, now: float) -> None:
        for key in [k for k, ev in self._events.items() if not ev or now - ev[-1] >= self.per]:
            del self._events[key]


@dataclass
class RecentPosts(Generic[V]):
    """Remember what was posted where for ``ttl`` seconds (e.g. an entry in a channel)."""

    ttl: float
    clock: Callable[[], float] = time.monotonic
    _posts: dict[Hashable, tuple[float, V]] = field(default_factory=dict)

    def get(self, key: Hashable) -> V | None:
        found = self._posts.get(key)
        if found is None:
            return None
        if self.clock() - found[0] >= self.ttl:
            del self._posts[key]
            return None
        return found[1]

    def put(self, key: Hashable, value: V) -> None:
        now = self.clock()
        if len(self._posts) > 10_000:
            self._posts = {k: v for k, v in self._posts.items() if now - v[0] < self.ttl}
        self._posts[key] = (now, value)
