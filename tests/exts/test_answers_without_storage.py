"""Answers never depend on analytics writes (issue #10, finding 7).

With the disk full, ``/ask`` and ``/topic`` still answer; the question and open counters
are written after the reply, in batches, and a failure is logged once a minute, not once
per question.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.analytics import WARN_EVERY, Analytics
from bot.storage import StorageError
from bot.storage.protocol import UnansweredQuestion, Usage
from bot.storage.sqlite import SqliteStorage
from tests.exts.conftest import RunBot
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember

PMP_FEES = "how much does the pmp exam cost"


async def fill_the_disk(storage: SqliteStorage) -> None:
    """Cap the file at its current size, then use up the room left in every table the
    counters write to, so that no new row fits anywhere."""
    conn = storage._conn
    assert conn is not None
    pages = (await conn.execute_fetchall("PRAGMA page_count"))[0][0]
    await conn.execute(f"PRAGMA max_page_count = {pages}")
    day, at = date(2000, 1, 1), datetime(2000, 1, 1, tzinfo=UTC)
    fillers = (
        lambda n: storage.set_state(f"filler-{n}", "x" * 200),
        lambda n: storage.record_usage(Usage(questions={(10**9 + n, day): 1})),
        lambda n: storage.record_usage(Usage(opens={(10**9 + n, "filler", day): 1})),
        lambda n: storage.record_usage(
            Usage(unanswered=[UnansweredQuestion(10**9, f"filler {n}", "unknown", None, 0.0, at, n)])
        ),
    )
    for fill in fillers:
        with pytest.raises(StorageError):
            for n in range(10_000):
                await fill(n)


def analytics_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.analytics" and r.levelno >= logging.WARNING]


@pytest.mark.sqlite_only
async def test_ask_and_topic_answer_when_the_disk_is_full(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    async with run_coach() as bot:
        await fill_the_disk(bot.coach.storage)  # type: ignore[arg-type]
        asked = await (await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)).final_message()
        assert "$575" in asked.embeds[0]["description"]
        unknown = await (
            await fake_discord.slash(guild, alice, "ask", question="what's the weather in Paris tomorrow")
        ).final_message()
        assert unknown.embeds[0]["title"] == "I don't have an answer for that"
        opened = await (await fake_discord.slash(guild, alice, "topic", name="capm-overview")).final_message()
        assert opened.embeds[0]["title"] == bot.coach.library.knowledge.entries["capm-overview"].title
        await bot.coach.analytics.flush()
        await bot.coach.analytics.flush()
    assert len(analytics_warnings(caplog)) == 1


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[SqliteStorage]:
    store = await SqliteStorage.open(tmp_path / "coach.db")
    yield store
    await store.close()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_failed_counter_writes_are_logged_once_a_minute(
    storage: SqliteStorage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    clock = Clock()
    analytics = Analytics(storage, clock=clock)
    try:
        await fill_the_disk(storage)
        day = date(2026, 12, 4)
        for second in range(59):
            clock.now = float(second)
            for guild_id in range(20):  # each a new row: none fits on the full disk
                analytics.count_question(guild_id, day)
                analytics.count_open(guild_id, "pmp-fees", day)
            analytics.log_unanswered(
                UnansweredQuestion(1, "weather?", "unknown", None, 0.1, datetime.now(UTC), member_id=5)
            )
            await analytics.flush()
        assert len(analytics_warnings(caplog)) == 1
        assert "41 question/open counts" in analytics_warnings(caplog)[0].getMessage()
        clock.now = WARN_EVERY + 1
        analytics.count_question(99, day)
        await analytics.flush()
        assert len(analytics_warnings(caplog)) == 2
        assert "2379 question/open counts" in analytics_warnings(caplog)[1].getMessage()
    finally:
        await analytics.close()


async def test_counts_are_summed_and_written_in_the_background(storage: SqliteStorage) -> None:
    analytics = Analytics(storage, flush_seconds=0.05)
    day = date(2026, 12, 4)
    try:
        for _ in range(250):
            analytics.count_question(7, day)
            analytics.count_open(7, "capm-overview", day)
        assert await storage.questions_per_day(7, day) == {}  # nothing written on the answer path
        for _ in range(100):
            if await storage.questions_per_day(7, day):
                break
            await asyncio.sleep(0.01)
        assert await storage.questions_per_day(7, day) == {day: 250}
        assert [(o.entry_id, o.opens) for o in await storage.entry_opens(7, day)] == [("capm-overview", 250)]
    finally:
        await analytics.close()


async def test_a_flush_is_one_write_however_many_things_were_counted(
    storage: SqliteStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transaction per entry opened or question logged cost the bot about 0.3 ms of CPU per
    /ask under load (docs/benchmarks.md); a second of activity is one transaction."""
    writes: list[Usage] = []
    record = storage.record_usage

    async def counted(usage: Usage) -> None:
        writes.append(usage)
        await record(usage)

    monkeypatch.setattr(storage, "record_usage", counted)
    analytics = Analytics(storage)
    day = date(2026, 12, 5)
    try:
        for n in range(60):
            analytics.count_question(n % 3, day)
            analytics.count_open(n % 3, f"entry-{n}", day)
            analytics.log_unanswered(
                UnansweredQuestion(n % 3, f"q{n}", "unknown", None, 0.1, datetime.now(UTC), n)
            )
        await analytics.flush()
        assert len(writes) == 1 and writes[0].items == 180
        since = datetime(2026, 1, 1, tzinfo=UTC)
        opens = [o.opens for g in range(3) for o in await storage.entry_opens(g, day)]
        logged = [q for g in range(3) for q in await storage.logged_questions(g, since)]
        assert (sum(opens), len(logged)) == (60, 60)
    finally:
        await analytics.close()
