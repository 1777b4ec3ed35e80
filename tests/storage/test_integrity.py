"""Integrity under concurrency, crashes and a hostile disk: nothing lost, nothing half-written, no hang."""

from __future__ import annotations

import asyncio
import ctypes
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.progress.service import ProgressService
from bot.storage.errors import StorageError, StorageUnavailable, Unavailable
from bot.storage.protocol import CompletionRecord, Storage
from bot.storage.sqlite import SqliteStorage
from tests.factory import knowledge, milestone

pytestmark = pytest.mark.sqlite_only

REPO = Path(__file__).resolve().parents[2]
GUILD = 7
MILESTONES = [f"m{i}" for i in range(10)]


def wide_knowledge():  # ten independent milestones, one track
    return knowledge([milestone(m) for m in MILESTONES], {"main": MILESTONES})


def child(*args: str, **kwargs) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.storage.subprocs", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def integrity(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


async def state(storage: SqliteStorage, members: range) -> dict[int, set[tuple[str, str | None]]]:
    result = {}
    for member in members:
        progress = await storage.get_progress(GUILD, member)
        result[member] = {(c.milestone_id, c.note) for c in progress.completions}
    return result


async def test_concurrent_completions_and_undos_equal_sequential(tmp_path: Path) -> None:
    rng = random.Random(5)
    members = range(200)
    ops = [
        (rng.choice(["done", "done", "undo"]), rng.choice(members), rng.choice(MILESTONES), f"n{i}")
        for i in range(1000)
    ]

    async def apply(service: ProgressService, op: tuple[str, int, str, str]) -> None:
        kind, member, mid, note = op
        if kind == "done":
            await service.complete(GUILD, member, mid, note)
        else:
            await service.undo(GUILD, member, mid)

    sequential = await SqliteStorage.open(tmp_path / "seq.db")
    concurrent = await SqliteStorage.open(tmp_path / "con.db")
    try:
        for op in ops:
            await apply(ProgressService(sequential, wide_knowledge), op)
        service = ProgressService(concurrent, wide_knowledge)
        await asyncio.gather(*(apply(service, op) for op in ops))
        expected = await state(sequential, members)
        assert await state(concurrent, members) == expected
        assert sum(len(v) for v in expected.values()) > 300  # the test exercised something
    finally:
        await sequential.close()
        await concurrent.close()
    assert integrity(tmp_path / "con.db") == "ok"


def burst_then_kill(target: str, acked: list[tuple[int, str]]) -> None:
    """Run a writer child on ``target`` (SQLite path or PostgreSQL URL), SIGKILL it at a random
    instant, and add to ``acked`` every completion it acknowledged before dying."""
    proc = child("burst", target)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    target_count = len(acked) + random.randint(200, 800)
    while len(acked) < target_count:
        line = proc.stdout.readline()
        assert line.startswith("ack "), line
        _, member, mid = line.split()
        acked.append((int(member), mid))
    proc.send_signal(signal.SIGKILL)
    rest, _ = proc.communicate(timeout=10)
    for line in rest.split("\n")[:-1]:  # whole lines printed after a call returned, before the kill
        if line.startswith("ack "):
            _, member, mid = line.split()
            acked.append((int(member), mid))
    assert proc.returncode == -signal.SIGKILL


async def stored_of(storage: Storage, acked: list[tuple[int, str]]) -> set[tuple[int, str]]:
    stored: set[tuple[int, str]] = set()
    for member in {m for m, _ in acked}:
        progress = await storage.get_progress(GUILD, member)
        stored |= {(member, c.milestone_id) for c in progress.completions}
    return stored


async def test_sigkill_during_a_burst_loses_no_acknowledged_completion(db_path: Path) -> None:
    acked: list[tuple[int, str]] = []
    for _round in range(3):  # each round kills the writer at a different instant
        burst_then_kill(str(db_path), acked)
        assert integrity(db_path) == "ok"
        storage = await SqliteStorage.open(db_path)
        try:
            assert set(acked) <= await stored_of(storage, acked)
        finally:
            await storage.close()
        # The child's next round restarts numbering, so members repeat: acks stay valid.


def _drop_dac_override() -> None:
    """Make root obey file permissions in the child (PR_CAPBSET_DROP, CAP_DAC_OVERRIDE)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(24, 1, 0, 0, 0) != 0:
        os._exit(97)


async def test_read_only_database_file_fails_fast_and_clearly(db_path: Path) -> None:
    store = await SqliteStorage.open(db_path)
    await store.set_state("before", "kept")
    await store.close()
    db_path.chmod(0o444)
    before = db_path.read_bytes()
    try:
        proc = child(
            "open",
            str(db_path),
            "1.0",
            preexec_fn=_drop_dac_override if os.geteuid() == 0 else None,
        )
        out, _ = proc.communicate(timeout=30)
        if proc.returncode == 97:
            pytest.skip("cannot drop root's permission override here")
    finally:
        db_path.chmod(0o644)
    kind, reason, seconds, message = out.strip().split(" ", 3)
    assert (kind, reason) == ("error", Unavailable.READ_ONLY.value)
    assert float(seconds) < 1.0
    assert "read-only" in message and str(db_path) in message
    assert db_path.read_bytes() == before


async def test_full_disk_gives_a_typed_error_and_writes_nothing(storage: SqliteStorage) -> None:
    service = ProgressService(storage, wide_knowledge)
    conn = storage._conn
    assert conn is not None
    pages = (await conn.execute_fetchall("PRAGMA page_count"))[0][0]
    await conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
    written: list[int] = []
    with pytest.raises(StorageUnavailable) as err:
        for member in range(100_000):  # each call adds a member row and a completion
            await service.complete(GUILD, member, "m1", "x" * 300)
            written.append(member)
    assert err.value.reason is Unavailable.FULL and "full" in str(err.value)
    failed = len(written)
    assert (await storage.get_progress(GUILD, failed)).member is None  # neither row of the failed call
    assert len(await state(storage, range(failed))) == failed
    await conn.execute("PRAGMA max_page_count = 1073741823")  # space freed: it works again
    assert (await service.complete(GUILD, failed, "m1")).created
    assert (await storage.get_progress(GUILD, 0)).completions[0].milestone_id == "m1"


async def test_failure_in_the_middle_of_a_call_rolls_it_back(storage: SqliteStorage) -> None:
    """The member row is inserted, then the completion insert fails: neither may remain."""
    conn = storage._conn
    assert conn is not None

    def deny_completion_inserts(action: int, table: str | None, *_: object) -> int:
        return (
            sqlite3.SQLITE_DENY
            if action == sqlite3.SQLITE_INSERT and table == "completions"
            else sqlite3.SQLITE_OK
        )

    await conn.set_authorizer(deny_completion_inserts)
    with pytest.raises(StorageError):
        await storage.add_completion(CompletionRecord(GUILD, 1, "m1", datetime.now(UTC), None, 1))
    await conn.set_authorizer(None)
    assert (await storage.get_progress(GUILD, 1)).member is None
    retry = await storage.add_completion(CompletionRecord(GUILD, 1, "m1", datetime.now(UTC), None, 1))
    assert retry.created


@contextmanager
def locked_by_other_process(path: Path) -> Iterator[None]:
    with child("hold-lock", str(path)) as proc:  # leaving it closes the child's output pipe too
        assert proc.stdout is not None and proc.stdin is not None
        try:
            assert proc.stdout.readline().strip() == "locked"
            yield
        finally:
            proc.stdin.close()
            proc.wait(timeout=10)


async def test_database_locked_by_another_process(db_path: Path) -> None:
    storage = await SqliteStorage.open(db_path, busy_timeout=0.5)
    try:
        service = ProgressService(storage, wide_knowledge)
        await service.complete(GUILD, 1, "m1")
        with locked_by_other_process(db_path):
            start = time.monotonic()
            results = await asyncio.gather(
                *(service.complete(GUILD, m, "m2") for m in range(1, 6)), return_exceptions=True
            )
            elapsed = time.monotonic() - start
            assert all(isinstance(r, StorageUnavailable) and r.reason is Unavailable.LOCKED for r in results)
            assert "locked by another process" in str(results[0])
            assert elapsed < 5 * 0.5 + 1.5  # bounded, never a hang
            # WAL: reading still works while another process writes.
            assert [c.milestone_id for c in (await storage.get_progress(GUILD, 1)).completions] == ["m1"]
        assert [c.milestone_id for c in (await storage.get_progress(GUILD, 1)).completions] == ["m1"]
        assert (await storage.get_progress(GUILD, 2)).member is None
        assert (await service.complete(GUILD, 2, "m2")).created  # lock released: works again
    finally:
        await storage.close()


async def test_single_call_on_a_locked_database_fails_within_the_busy_timeout(
    db_path: Path,
) -> None:
    storage = await SqliteStorage.open(db_path, busy_timeout=0.5)
    try:
        with locked_by_other_process(db_path):
            start = time.monotonic()
            with pytest.raises(StorageUnavailable):
                await storage.set_track(GUILD, 1, "main", datetime.now(UTC))
            assert 0.4 < time.monotonic() - start < 1.5
    finally:
        await storage.close()


async def test_opening_a_locked_database_fails_clearly(db_path: Path) -> None:
    await (await SqliteStorage.open(db_path)).close()
    with locked_by_other_process(db_path):
        proc = child("open", str(db_path), "0.5")
        out, _ = proc.communicate(timeout=30)
    kind, reason, seconds, _message = out.strip().split(" ", 3)
    assert (kind, reason) == ("error", "locked") and float(seconds) < 2.0


async def test_cancelled_calls_are_all_or_nothing(storage: SqliteStorage) -> None:
    service = ProgressService(storage, wide_knowledge)
    tasks = [asyncio.create_task(service.complete(GUILD, m, "m3", "n")) for m in range(50)]
    await asyncio.sleep(0.002)
    for task in tasks[::2]:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for member in range(50):
        progress = await storage.get_progress(GUILD, member)
        # Either the whole call happened (member + completion) or nothing did.
        assert (progress.member is None) == (progress.completions == ())
    assert (await service.complete(GUILD, 999, "m3")).created  # the connection is still healthy


async def test_closed_storage_raises_a_typed_error(db_path: Path) -> None:
    storage = await SqliteStorage.open(db_path)
    await storage.close()
    await storage.close()  # idempotent
    with pytest.raises(StorageUnavailable) as err:
        await storage.get_progress(GUILD, 1)
    assert err.value.reason is Unavailable.CLOSED
