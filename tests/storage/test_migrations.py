"""Versioned schema: ordered migrations, upgrades keep every row, reruns are no-ops, newer DBs refused."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.progress.service import ProgressService
from bot.settings import DatabaseURL
from bot.storage import SchemaError, StorageUnavailable, Unavailable, open_storage
from bot.storage.postgres import numbered
from bot.storage.schema import Migration, latest_version, load_migrations
from bot.storage.sql import split_statements as _split_statements
from bot.storage.sqlite import SqliteStorage
from tests.factory import sample


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (the test reads the file directly, as an auditor would)."""
    with sqlite3.connect(path) as conn:
        query = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        tables = [r[0] for r in conn.execute(query)]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}


def test_shipped_migrations_are_numbered_without_gaps() -> None:
    migrations = load_migrations()
    assert [m.version for m in migrations] == list(range(1, len(migrations) + 1))
    assert [m.name for m in migrations[:2]] == ["progress", "guild_features"]
    assert latest_version() == len(migrations)


async def test_upgrade_from_first_migration_keeps_every_row(db_path: Path) -> None:
    first = load_migrations()[:1]
    old = await SqliteStorage.open(db_path, migrations=first)
    assert await old.schema_version() == 1
    service = ProgressService(old, sample)
    for guild in (1, 2):
        for member in range(20):
            await service.choose_track(guild, member, ["main", "alt"][member % 2])
            for mid in "abcde"[: member % 6]:
                await service.complete(guild, member, mid, f"note {guild}/{member}/{mid}", by=member + 1000)
    await old.close()
    before = dump(db_path)
    assert len(before["completions"]) == 2 * sum(m % 6 for m in range(20))

    new = await SqliteStorage.open(db_path)
    try:
        assert await new.schema_version() == latest_version()
        assert (await ProgressService(new, sample).summary(2, 4)).current.done == 4
        await new.set_state("sync-hash", "abc")  # the new tables work
    finally:
        await new.close()
    after = dump(db_path)
    for table, rows in before.items():
        if table != "schema_version":
            assert after[table] == rows, table
    assert [r[:2] for r in after["schema_version"]] == [(m.version, m.name) for m in load_migrations()]


async def test_running_migrations_twice_is_a_no_op(db_path: Path) -> None:
    await (await SqliteStorage.open(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        schema = conn.execute("SELECT * FROM sqlite_master ORDER BY name").fetchall()
    before = dump(db_path)
    for _ in range(2):
        await (await SqliteStorage.open(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT * FROM sqlite_master ORDER BY name").fetchall() == schema
    assert dump(db_path) == before  # same versions, same applied_at


async def test_a_failing_migration_leaves_nothing_behind(db_path: Path) -> None:
    await (await SqliteStorage.open(db_path)).close()
    broken = Migration(
        latest_version() + 1,
        "broken",
        "CREATE TABLE half_done (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
    )
    before = dump(db_path)
    with pytest.raises(Exception, match="no_such_table"):
        await SqliteStorage.open(db_path, migrations=(*load_migrations(), broken))
    assert dump(db_path) == before  # no half_done table, version unchanged


async def test_newer_schema_is_refused_untouched(db_path: Path) -> None:
    await (await SqliteStorage.open(db_path)).close()
    future = latest_version() + 5
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (?, 'from_the_future', ?)", (future, "2030-01-01"))
    before = dump(db_path)
    with pytest.raises(SchemaError) as err:
        await SqliteStorage.open(db_path)
    message = str(err.value)
    assert f"schema version {future}" in message and f"up to {latest_version()}" in message
    assert "newer version of the bot" in message
    assert dump(db_path) == before


async def test_a_different_migration_under_a_known_number_is_refused(db_path: Path) -> None:
    await (await SqliteStorage.open(db_path)).close()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE schema_version SET name = 'renamed' WHERE version = 1")
    with pytest.raises(SchemaError, match="0001_renamed"):
        await SqliteStorage.open(db_path)


def test_statement_splitter_handles_comments_and_semicolons_in_strings() -> None:
    script = (
        "-- a comment; with a semicolon\nCREATE TABLE t (x TEXT DEFAULT 'a;b');\n\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  DELETE FROM t;\nEND;\n-- trailing\n"
    )
    assert len(_split_statements(script)) == 2
    with pytest.raises(SchemaError):
        _split_statements("CREATE TABLE t (x)\n")


async def test_open_storage_creates_the_data_folder(tmp_path: Path) -> None:
    store = await open_storage(DatabaseURL.parse("sqlite:///data/sub/coach.db"), base=tmp_path)
    try:
        assert (tmp_path / "data" / "sub" / "coach.db").is_file()
        await store.set_track(1, 2, "main", datetime.now(UTC))
    finally:
        await store.close()
    with sqlite3.connect(tmp_path / "data" / "sub" / "coach.db") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_an_unreachable_postgresql_server_is_a_clear_error() -> None:
    with pytest.raises(StorageUnavailable) as err:
        await open_storage(DatabaseURL.parse("postgres://user:secret@127.0.0.1:9/coach?sslmode=disable"))
    assert err.value.reason is Unavailable.CANNOT_OPEN
    assert "127.0.0.1:9/coach did not answer" in str(err.value) and "secret" not in str(err.value)


def test_placeholders_are_numbered_for_postgresql() -> None:
    assert numbered("SELECT ? WHERE a = ? AND b IN (?, ?)") == "SELECT $1 WHERE a = $2 AND b IN ($3, $4)"
