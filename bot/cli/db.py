"""``python -m bot db status|migrate|copy``: the database, for operators and deploy scripts.

Each prints a few lines and exits 0, or prints one ``error:`` line and exits non-zero.
URLs are echoed as ``host:port/database`` or the SQLite path, never with a password.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from bot.settings import DatabaseURL, load_settings
from bot.storage import open_storage
from bot.storage.errors import StorageError
from bot.storage.schema import latest_version
from bot.storage.sql import SqlStorage


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="database status, migrations, and copying data between databases")
    commands = db.add_subparsers(title="db commands", metavar="DB_COMMAND", required=True)
    status = commands.add_parser("status", help="backend, schema version and row counts of DATABASE_URL")
    status.set_defaults(handler=lambda args: _run(_status()))
    migrate = commands.add_parser("migrate", help="apply pending migrations to DATABASE_URL and exit")
    migrate.set_defaults(handler=lambda args: _run(_migrate()))
    copy = commands.add_parser(
        "copy",
        help="copy every row from one database to another (an empty one)",
        description="Copy all stored data from SRC_URL to DST_URL (sqlite:///... or postgresql://..., either "
        "direction) in one transaction on the destination, then verify the row counts. Stop the bot first. "
        "The destination must be empty (it is created and migrated if needed).",
    )
    copy.add_argument("source", metavar="SRC_URL")
    copy.add_argument("destination", metavar="DST_URL")
    copy.set_defaults(handler=lambda args: _run(_copy(args.source, args.destination)))


def _run(command: Awaitable[int]) -> int:
    try:
        return asyncio.run(command)  # type: ignore[arg-type]
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


async def _opened(url: DatabaseURL, work: Callable[[SqlStorage], Awaitable[int]]) -> int:
    storage = await open_storage(url)
    assert isinstance(storage, SqlStorage)
    try:
        return await work(storage)
    finally:
        await storage.close()


def _print_counts(counts: dict[str, int]) -> None:
    width = max(map(len, counts))
    for table, rows in counts.items():
        print(f"  {table:<{width}}  {rows:>12,}")


async def _status() -> int:
    async def show(storage: SqlStorage) -> int:
        print(f"backend: {type(storage).__name__.removesuffix('Storage').lower()} ({storage.where})")
        print(f"schema version: {await storage.schema_version()} (this bot: {latest_version()})")
        print("rows:")
        _print_counts(await storage.table_counts())
        return 0

    return await _opened(load_settings().database_url, show)


async def _migrate() -> int:
    async def done(storage: SqlStorage) -> int:
        print(f"{storage.where}: schema version {await storage.schema_version()}, up to date")
        return 0

    return await _opened(load_settings().database_url, done)


async def _copy(source_url: str, destination_url: str) -> int:
    from bot.storage.copy import copy_database

    source, destination = DatabaseURL.parse(source_url), DatabaseURL.parse(destination_url)

    async def from_source(src: SqlStorage) -> int:
        async def into(dst: SqlStorage) -> int:
            copied = await copy_database(src, dst, on_table=lambda t, n: print(f"  {t:<16}  {n:>12,}"))
            print(
                f"done: {sum(copied.values()):,} rows copied from {src.where} to {dst.where} in one "
                "transaction; counts verified"
            )
            return 0

        return await _opened(destination, into)

    return await _opened(source, from_source)
