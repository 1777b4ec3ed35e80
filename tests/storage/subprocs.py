"""Child processes for the integrity tests: ``python -m tests.storage.subprocs ROLE DB ...``.

- ``burst DB``: complete milestones as fast as possible from several tasks, printing
  ``ack MEMBER MILESTONE`` after each call has returned, until killed. DB is a SQLite
  path or a ``postgresql://`` URL.
- ``prune URL``: open a ``Coach`` on DATABASE_URL=URL, wait for ``go`` on stdin, prune the
  question log once and print ``pruned N``.
- ``hold-lock DB``: take SQLite's write lock, print ``locked``, hold it until stdin closes.
- ``open DB TIMEOUT``: try to open the storage and write; print ``ok`` or the typed error
  (``error REASON SECONDS MESSAGE``).
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.storage.errors import StorageUnavailable
from bot.storage.protocol import CompletionRecord, Storage
from bot.storage.sqlite import SqliteStorage

WRITERS = 8
GUILD = 7


async def open_path_or_url(target: str) -> Storage:
    if target.startswith("postgres"):
        from bot.storage.postgres import PostgresStorage

        return await PostgresStorage.open(target, pool_size=4)
    return await SqliteStorage.open(target)


async def burst(target: str) -> None:
    storage = await open_path_or_url(target)
    print("ready", flush=True)

    async def writer(worker: int) -> None:
        n = 0
        while True:
            member, milestone = worker * 1_000_000 + n // 10, f"m{n % 10}"
            await storage.add_completion(
                CompletionRecord(GUILD, member, milestone, datetime.now(UTC), f"note {n}", member)
            )
            sys.stdout.write(f"ack {member} {milestone}\n")
            sys.stdout.flush()
            n += 1

    await asyncio.gather(*(writer(w) for w in range(WRITERS)))


def hold_lock(path: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    conn.execute("CREATE TABLE IF NOT EXISTS held_by_other_process (x INTEGER)")
    print("locked", flush=True)
    sys.stdin.read()  # until the parent closes our stdin or kills us
    conn.execute("ROLLBACK")


async def try_open(path: str, timeout: float) -> None:
    start = time.monotonic()
    try:
        storage = await SqliteStorage.open(path, busy_timeout=timeout)
        try:
            await storage.set_state("probe", "written")
        finally:
            await storage.close()
    except StorageUnavailable as exc:
        print(f"error {exc.reason} {time.monotonic() - start:.3f} {exc}", flush=True)
        return
    print("ok", flush=True)


async def prune(url: str) -> None:
    from bot.coach import Coach
    from bot.settings import load_settings

    coach = await Coach.open(load_settings({"DATABASE_URL": url}, dotenv_path=Path("/nonexistent")))
    try:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        removed, _ = await coach.prune_gaps()
        print(f"pruned {removed}", flush=True)
    finally:
        await coach.close()


def main(argv: list[str]) -> None:
    role, path = argv[0], argv[1]
    if role == "burst":
        asyncio.run(burst(path))
    elif role == "hold-lock":
        hold_lock(path)
    elif role == "prune":
        asyncio.run(prune(path))
    elif role == "open":
        asyncio.run(try_open(path, float(argv[2])))
    else:
        raise SystemExit(f"unknown role {role}")


if __name__ == "__main__":
    main(sys.argv[1:])
