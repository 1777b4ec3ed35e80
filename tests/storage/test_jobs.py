"""Work done once across processes sharing a database: claims of job runs (pruning now,
scheduled jobs later)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.coach import time_slot
from bot.storage.protocol import Storage, UnansweredQuestion, Usage
from tests.backends import TestDatabase

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)


async def test_a_run_is_claimed_once_and_taken_over_only_after_its_lease(storage: Storage) -> None:
    assert await storage.claim_job_run("digest", "guild-1:2026-W49", "a", NOW, HOUR)
    assert not await storage.claim_job_run("digest", "guild-1:2026-W49", "b", NOW + HOUR / 2, HOUR)
    assert await storage.claim_job_run("digest", "guild-2:2026-W49", "b", NOW, HOUR)  # another slot
    # "a" died without finishing: once its lease ends, "b" takes the run over; "a" lost it.
    assert await storage.claim_job_run("digest", "guild-1:2026-W49", "b", NOW + HOUR, HOUR)
    assert not await storage.finish_job_run("digest", "guild-1:2026-W49", "a", NOW + 2 * HOUR)
    assert await storage.finish_job_run("digest", "guild-1:2026-W49", "b", NOW + 2 * HOUR)
    # A finished run is never taken again, however old.
    assert not await storage.claim_job_run("digest", "guild-1:2026-W49", "c", NOW + 100 * HOUR, HOUR)
    assert await storage.forget_job_runs(NOW + HOUR / 2) == 1  # guild-2's claim, made at NOW
    assert await storage.claim_job_run("digest", "guild-2:2026-W49", "c", NOW + 3 * HOUR, HOUR)


async def test_concurrent_claims_from_two_connections_have_one_winner(database: TestDatabase) -> None:
    first, second = await database.open(), await database.open()
    try:
        wins = await asyncio.gather(
            *(
                store.claim_job_run("prune", f"slot-{n % 5}", f"holder-{i}", NOW, HOUR)
                for n in range(40)
                for i, store in enumerate((first, second))
            )
        )
        assert sum(wins) == 5
    finally:
        await first.close()
        await second.close()


def test_time_slots_name_the_window() -> None:
    assert time_slot(datetime(2026, 12, 4, 17, 59, tzinfo=UTC), timedelta(hours=6)) == "2026-12-04T12:00"
    assert time_slot(datetime(2026, 12, 4, 18, 0, tzinfo=UTC), timedelta(hours=6)) == "2026-12-04T18:00"


async def test_two_bot_processes_prune_the_question_log_once(
    database: TestDatabase, storage: Storage
) -> None:
    await storage.record_usage(
        Usage(
            unanswered=[
                UnansweredQuestion(1, "old", "unknown", None, 0.0, datetime.now(UTC) - timedelta(days=400), 1)
            ]
        )
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.storage.subprocs", "prune", database.url],
            cwd=REPO,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    for proc in procs:  # both prune at (nearly) the same instant
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    outputs = sorted(proc.communicate(timeout=60)[0].strip() for proc in procs)
    assert outputs == ["pruned 1", "pruned None"]  # the other process left the window's run alone
