"""SQLite specifics: the interface is complete, queries use the keys, the driver's internals hold."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.storage.protocol import CompletionRecord, MemberRecord, Storage
from bot.storage.sql import PROGRESS_SQL as _PROGRESS_SQL
from bot.storage.sqlite import SqliteStorage

pytestmark = pytest.mark.sqlite_only


def test_sqlite_storage_implements_the_protocol() -> None:
    assert issubclass(SqliteStorage, Storage)


def test_the_aiosqlite_internals_we_rely_on_exist() -> None:
    """Each transaction runs on aiosqlite's thread in one hop (``_execute`` with the raw
    ``_conn``), and that thread is made a daemon (``_thread``): fail loudly on an upgrade."""
    conn = aiosqlite.connect(":memory:")
    assert hasattr(conn, "_thread") and callable(getattr(conn, "_execute", None))
    assert isinstance(aiosqlite.Connection.__dict__.get("_conn"), property)


async def test_reading_progress_uses_the_primary_keys(storage: SqliteStorage, db_path: Path) -> None:
    """A summary must stay a key lookup however big the guild gets (no scan of its completions)."""
    now = datetime.now(UTC)
    await storage.import_records(
        [MemberRecord(1, m, None, now, now) for m in range(50)],
        [CompletionRecord(1, m, f"m{i}", now, None, m) for m in range(50) for i in range(3)],
    )
    with sqlite3.connect(db_path) as conn:
        plan = " | ".join(row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {_PROGRESS_SQL}", (1, 7)))
    assert "SCAN" not in plan and "sqlite_autoindex_completions_1 (guild_id=? AND member_id=?)" in plan, plan


async def test_naive_timestamps_are_refused(storage: SqliteStorage) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        await storage.set_mention_opt_in(1, 7, True, datetime(2026, 1, 1))


async def test_wal_foreign_keys_and_busy_timeout_are_on(storage: SqliteStorage) -> None:
    conn = storage._conn
    assert conn is not None
    pragmas = {
        name: (await conn.execute_fetchall(f"PRAGMA {name}"))[0][0]
        for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
    }
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 5000, "synchronous": 1}
