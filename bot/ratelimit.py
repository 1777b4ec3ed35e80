"""In-memory rate limits for chatty commands: a per-key sliding window, and a "just posted" memory.

Kept out of Discord code so they are easy to test with a fake clock.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass
class SlidingWindow:
    """Allow at most ``limit`` events per ``per`` seconds for each key.

    Keys are kept in the order of their latest event, so forgetting idle keys only ever looks
    at the oldest ones: each call costs amortised O(1) however many members are active.
    """

    limit: int
    per: float
    clock: Callable[[], float] = time.monotonic
    _events: OrderedDict[Hashable, deque[float]] = field(default_factory=OrderedDict)

    def hit(self, key: Hashable) -> float:
        """Record an event; return 0 when allowed, else the seconds until the next is allowed."""
        now = self.clock()
        self._forget_idle(now)
        events = self._events.get(key)
        if events is None:
            events = self._events[key] = deque()
        while events and now - events[0] >= self.per:
            events.popleft()
        if len(events) >= self.limit:
            return self.per - (now - events[0])
        events.append(now)
        self._events.move_to_end(key)
        return 0.0

    def __len__(self) -> int:
        """How many keys are held in memory."""
        return len(self._events)

    def _forget_idle(self, now: float) -> None:
        while self._events:
            key, events = next(iter(self._events.items()))
            if events and now - events[-1] < self.per:
                return
            del self._events[key]


@dataclass
class RecentPosts(Generic[V]):
    """Remember what was posted where for ``ttl`` seconds (e.g. an entry in a channel).

    Oldest first, so expired posts are dropped from the front in amortised O(1).
    """

    ttl: float
    clock: Callable[[], float] = time.monotonic
    _posts: OrderedDict[Hashable, tuple[float, V]] = field(default_factory=OrderedDict)

    def get(self, key: Hashable) -> V | None:
        self._forget_expired(self.clock())
        found = self._posts.get(key)
        return None if found is None else found[1]

    def put(self, key: Hashable, value: V) -> None:
        now = self.clock()
        self._forget_expired(now)
        self._posts[key] = (now, value)
        self._posts.move_to_end(key)

    def __len__(self) -> int:
        """How many posts are held in memory."""
        return len(self._posts)

    def _forget_expired(self, now: float) -> None:
        while self._posts:
            key, (posted, _) = next(iter(self._posts.items()))
            if now - posted < self.ttl:
                return
            del self._posts[key]
