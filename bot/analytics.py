"""Question and entry-open counters, written in batches after the replies, best effort.

Counting must never delay or break an answer: with the disk full or the database gone a
member still gets the answer. So the answer path only adds to in-memory tallies here, and a
background task writes them (summed per day, one transaction) once a second, or sooner when many are
waiting. A failed write drops that batch and is logged at most once a minute with how much
was lost, not once per question. Nothing here imports discord.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable
from datetime import date

from bot.storage import Storage
from bot.storage.protocol import UnansweredQuestion, Usage

log = logging.getLogger(__name__)

FLUSH_SECONDS = 1.0
FLUSH_ITEMS = 500  # pending items that trigger a write before the second is up
WARN_EVERY = 60.0  # seconds between two log lines about failed writes
MAX_PENDING_LOG = 5_000  # unanswered questions kept while the database refuses writes


class Analytics:
    """In-process batcher in front of the storage's counters and question log."""

    def __init__(
        self,
        storage: Storage,
        *,
        flush_seconds: float = FLUSH_SECONDS,
        flush_items: int = FLUSH_ITEMS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.storage = storage
        self.flush_seconds = flush_seconds
        self.flush_items = flush_items
        self.clock = clock
        self._questions: Counter[tuple[int, date]] = Counter()
        self._opens: Counter[tuple[int, str, date]] = Counter()
        self._unanswered: list[UnansweredQuestion] = []
        self._pending = 0
        self._due = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._writing = asyncio.Lock()
        self._lost = 0
        self._last_warning: float | None = None

    def count_question(self, guild_id: int, day: date) -> None:
        self._questions[guild_id, day] += 1
        self._added()

    def count_open(self, guild_id: int, entry_id: str, day: date) -> None:
        self._opens[guild_id, entry_id, day] += 1
        self._added()

    def log_unanswered(self, question: UnansweredQuestion) -> None:
        if len(self._unanswered) < MAX_PENDING_LOG:
            self._unanswered.append(question)
        else:
            self._lost += 1
        self._added()

    def _added(self) -> None:
        self._pending += 1
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="analytics-flush")
        if self._pending >= self.flush_items:
            self._due.set()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._due.wait(), self.flush_seconds)
            self._due.clear()
            await asyncio.shield(self.flush())  # close() waits for a batch in flight

    async def flush(self) -> None:
        """Write everything counted so far; a failure loses this batch, never raises."""
        async with self._writing:
            await self._write_batch()

    async def _write_batch(self) -> None:
        usage = Usage(self._questions, self._opens, self._unanswered)
        self._questions, self._opens, self._unanswered, self._pending = Counter(), Counter(), [], 0
        try:
            await self.storage.record_usage(usage)
        except Exception as error:  # best effort: whatever the backend raised, the answers stand
            log.debug("analytics write failed: %s", error)
            self._lost += usage.items
        if self._lost and (self._last_warning is None or self.clock() - self._last_warning >= WARN_EVERY):
            self._last_warning = self.clock()
            log.warning(
                "could not store %d question/open counts or logged questions (answers are unaffected); "
                "next report in %d s at the earliest",
                self._lost,
                WARN_EVERY,
            )
            self._lost = 0

    async def close(self) -> None:
        """Stop the background task and write what is still pending."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.flush()
