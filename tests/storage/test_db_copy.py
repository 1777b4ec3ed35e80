"""``python -m bot db copy``: every row, either direction, one transaction, verified; ``db status``."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.storage.copy import DestinationNotEmpty, copy_database
from bot.storage.protocol import CompletionRecord, GuildSettings, Storage, UnansweredQuestion, Usage
from bot.storage.schema import latest_version
from bot.storage.sql import TABLES, SqlStorage
from bot.storage.sqlite import SqliteStorage
from tests.backends import TestDatabase

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
ME, MOD = 4242, 9090


async def fill(storage: Storage, members: int = 30) -> None:
    """A row in every table, with the awkward values: notes, NULLs, moderators, unicode."""
    for m in range(members):
        await storage.set_track(1, m, "main" if m % 2 else None, NOW)
        await storage.add_completion(CompletionRecord(1, m, "a", NOW + timedelta(seconds=m), "done ✓ 'q'", m))
    await storage.add_completion(CompletionRecord(2, ME, "b", NOW, None, MOD))
    await storage.save_guild_settings(GuildSettings(1, 10, 20, "replace"))
    await storage.set_milestone_role(1, "a", 777)
    await storage.set_mention_opt_in(1, ME, True, NOW)
    await storage.set_vote(1, "learn-a", ME, -1, NOW)
    await storage.record_usage(Usage(opens={(1, "learn-a", date(2026, 11, 26)): 3}))
    await storage.record_usage(Usage(questions={(1, date(2026, 11, 26)): 5}))
    await storage.record_usage(
        Usage(unanswered=[UnansweredQuestion(1, "how do I…?", "suggest", "learn-a", 0.4, NOW, ME)])
    )
    await storage.set_state("command-tree-hash:global:1", "abc")
    await storage.claim_job_run("prune-gaps", "2026-11-26T12:00", "host:1", NOW, timedelta(hours=1))


def rows(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {
        t: sorted((tuple(r.values()) for r in found), key=repr)
        for t, found in tables.items()
        if t != "schema_version"
    }


async def test_the_copy_knows_every_table(database: TestDatabase, storage: Storage) -> None:
    assert set(TABLES) == set(await database.tables()) - {"schema_version"}


async def test_copy_to_and_from_each_backend_keeps_every_row(database: TestDatabase, tmp_path: Path) -> None:
    source = await SqliteStorage.open(tmp_path / "source.db")
    await fill(source)
    destination = await database.open()
    back = await SqliteStorage.open(tmp_path / "back.db")
    try:
        copied = await copy_database(source, destination, page_rows=7)  # several pages per table
        assert copied["completions"] == 31 and copied["question_log"] == 1 and copied["bot_state"] == 2
        await copy_database(destination, back)  # and the other way
        original = rows(await TestDatabase("sqlite", tmp_path / "source.db").tables())
        assert rows(await database.tables()) == original
        assert rows(await TestDatabase("sqlite", tmp_path / "back.db").tables()) == original
        # The copy deletes a member's logged questions: it carried the key of who asked.
        assert (await destination.delete_member(ME)).questions == 1
    finally:
        for storage in (source, destination, back):
            await storage.close()


async def test_a_destination_with_data_is_refused_untouched(database: TestDatabase, tmp_path: Path) -> None:
    source = await SqliteStorage.open(tmp_path / "source.db")
    await fill(source, members=2)
    destination = await database.open()
    try:
        await destination.set_track(9, 9, None, NOW)
        with pytest.raises(DestinationNotEmpty, match="members: 1"):
            await copy_database(source, destination)
        assert (await destination.table_counts())["completions"] == 0
    finally:
        await source.close()
        await destination.close()


async def test_a_failed_copy_leaves_the_destination_empty(database: TestDatabase, tmp_path: Path) -> None:
    source = await SqliteStorage.open(tmp_path / "source.db")
    await fill(source)
    destination = await database.open()

    def fail_after_completions(table: str, _rows: int) -> None:
        if table == "completions":
            raise OSError("disk unplugged")

    try:
        with pytest.raises(OSError):
            await copy_database(source, destination, on_table=fail_after_completions)
        counts = await destination.table_counts()
        assert counts["members"] == counts["completions"] == 0 and counts["bot_state"] == 1
        assert isinstance(destination, SqlStorage)
        await copy_database(source, destination)  # and it can be retried
    finally:
        await source.close()
        await destination.close()


def cli(*args: str, database_url: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "DATABASE_URL": database_url or "sqlite:///unused.db"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


async def test_the_cli_copies_prints_counts_and_refuses_a_second_copy(
    database: TestDatabase, tmp_path: Path
) -> None:
    source = await SqliteStorage.open(tmp_path / "source.db")
    await fill(source)
    await source.close()
    source_url = f"sqlite:///{tmp_path / 'source.db'}"
    first = cli("copy", source_url, database.url)
    assert first.returncode == 0, first.stderr
    assert "  completions" in first.stdout and "31" in first.stdout and "counts verified" in first.stdout
    again = cli("copy", source_url, database.url)
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.count("\n") == 1 and "already holds data" in again.stderr
    status = cli("status", database_url=database.url)
    version = latest_version()
    assert status.returncode == 0 and f"schema version: {version} (this bot: {version})" in status.stdout
    assert "completions" in status.stdout and "31" in status.stdout


def test_migrate_and_bad_urls_are_one_line(tmp_path: Path) -> None:
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrated = cli("migrate", database_url=fresh)
    assert migrated.returncode == 0 and f"schema version {latest_version()}, up to date" in migrated.stdout
    bad = cli("copy", "mysql://u:hunter2@db/x", fresh)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "hunter2" not in bad.stderr
