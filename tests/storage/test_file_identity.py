"""A database file deleted or replaced under a running bot: writes are refused, never acknowledged."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.storage.errors import StorageUnavailable, Unavailable
from bot.storage.protocol import CompletionRecord
from bot.storage.sqlite import SqliteStorage

pytestmark = pytest.mark.sqlite_only

GUILD = 1


def done(member: int) -> CompletionRecord:
    return CompletionRecord(GUILD, member, "m1", datetime.now(UTC), None, member)


async def test_a_deleted_database_file_refuses_the_next_write(
    storage: SqliteStorage, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    await storage.add_completion(done(1))
    db_path.unlink()
    with caplog.at_level(logging.CRITICAL, "bot.storage"), pytest.raises(StorageUnavailable) as err:
        await storage.add_completion(done(2))
    assert err.value.reason is Unavailable.GONE and str(db_path) in str(err.value)
    assert any(
        r.levelno == logging.CRITICAL and "deleted or replaced" in r.getMessage() for r in caplog.records
    )
    with pytest.raises(StorageUnavailable):  # and every write after it
        await storage.set_state("k", "v")


async def test_a_replaced_database_file_refuses_the_next_write(storage: SqliteStorage, db_path: Path) -> None:
    await storage.add_completion(done(1))
    copy = db_path.with_name("copy.db")
    shutil.copyfile(db_path, copy)
    copy.replace(db_path)  # same name, another file (a restore over a running bot)
    with pytest.raises(StorageUnavailable) as err:
        await storage.add_completion(done(2))
    assert err.value.reason is Unavailable.GONE
    await storage.close()
    reopened = await SqliteStorage.open(db_path)
    try:  # nothing of the refused call reached the file the next start opens
        assert (await reopened.get_progress(GUILD, 2)).member is None
        assert (await reopened.get_progress(GUILD, 1)).member is not None
    finally:
        await reopened.close()
