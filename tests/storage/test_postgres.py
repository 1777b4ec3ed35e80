"""PostgreSQL's own promises: the server going away gives clear errors and the bot recovers
by itself when it returns; concurrent writers are serialised without errors."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.storage.errors import StorageUnavailable, Unavailable
from bot.storage.postgres import PostgresStorage
from bot.storage.protocol import CompletionRecord, UnansweredQuestion, Usage
from tests.backends import POSTGRES_URL, SKIP_REASON, TestDatabase, new_database
from tests.storage.proxy import Relay
from tests.storage.test_integrity import burst_then_kill, stored_of

if not POSTGRES_URL:
    pytest.skip(SKIP_REASON, allow_module_level=True)
GUILD = 3


def done(member: int, milestone: str = "m1") -> CompletionRecord:
    return CompletionRecord(GUILD, member, milestone, datetime.now(UTC), None, member)


@pytest.fixture
async def schema(tmp_path: Path) -> AsyncIterator[TestDatabase]:
    db = new_database("postgresql", tmp_path)
    await db.create()
    yield db
    await db.drop()


async def test_server_away_gives_clear_errors_then_service_resumes_without_restart(
    schema: TestDatabase,
) -> None:
    target = urlsplit(POSTGRES_URL)
    relay = Relay(target.hostname or "127.0.0.1", target.port or 5432)
    await relay.start()
    url = schema.url.replace(f"{target.hostname}:{target.port or 5432}", f"127.0.0.1:{relay.port}", 1)
    storage = await PostgresStorage.open(url, pool_size=3)
    try:
        await storage.add_completion(done(1))
        await relay.cut()  # the server restarts: connections drop, new ones are refused
        started = time.perf_counter()
        results = await asyncio.gather(
            *(storage.add_completion(done(m)) for m in range(2, 8)), return_exceptions=True
        )
        assert time.perf_counter() - started < 5
        assert all(isinstance(r, StorageUnavailable) and r.reason is Unavailable.UNREACHABLE for r in results)
        assert f"127.0.0.1:{relay.port}" in str(results[0]) and "did not answer" in str(results[0])
        await relay.start()  # back: the same storage object serves again
        assert (await storage.add_completion(done(9))).created
        assert (await storage.get_progress(GUILD, 1)).completions[0].milestone_id == "m1"
        assert [(await storage.get_progress(GUILD, m)).member for m in range(2, 8)] == [None] * 6
    finally:
        await storage.close()
        await relay.cut()


async def test_concurrent_duplicate_completions_store_one_and_raise_nothing(schema: TestDatabase) -> None:
    """Serializable transactions conflict under load; retries must hide that from callers."""
    storage = await schema.open(pool_size=8)
    try:
        calls = [storage.add_completion(done(m % 20, f"m{m % 3}"), aliases=("old",)) for m in range(300)]
        outcomes = await asyncio.gather(*calls)
        assert sum(o.created for o in outcomes) == 20 * 3
        for member in range(20):
            assert len((await storage.get_progress(GUILD, member)).completions) == 3
    finally:
        await storage.close()


async def test_two_processes_migrating_at_once_apply_each_migration_once(schema: TestDatabase) -> None:
    first, second = await asyncio.gather(schema.open(), schema.open())
    try:
        assert await first.schema_version() == await second.schema_version() > 0
        assert await first.get_state("question-log-asker-key") == await second.get_state(
            "question-log-asker-key"
        )
    finally:
        await first.close()
        await second.close()


async def test_sigkill_of_a_bot_process_loses_no_acknowledged_completion(schema: TestDatabase) -> None:
    acked: list[tuple[int, str]] = []
    for _round in range(2):
        burst_then_kill(schema.url, acked)
    storage = await schema.open()
    try:
        assert set(acked) <= await stored_of(storage, acked)
    finally:
        await storage.close()


async def test_privacy_delete_in_one_process_removes_what_another_wrote(schema: TestDatabase) -> None:
    """Shard processes share the database: "delete everything" in any of them is global."""
    shard0, shard1 = await schema.open(), await schema.open()
    try:
        await shard0.add_completion(CompletionRecord(10, 42, "m1", datetime.now(UTC), "hi", 42))
        await shard1.add_completion(CompletionRecord(11, 42, "m1", datetime.now(UTC), None, 42))
        await shard1.record_usage(
            Usage(unanswered=[UnansweredQuestion(11, "why?", "unknown", None, 0.0, datetime.now(UTC), 42)])
        )
        counts = await shard0.delete_member(42)
        assert (counts.members, counts.completions, counts.questions) == (2, 2, 1)
        assert (await shard1.export_member(42)).members == ()
    finally:
        await shard0.close()
        await shard1.close()
