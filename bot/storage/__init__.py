"""Durable storage behind one async interface (``Storage``); no SQL outside this package.

Open it once per process with ``open_storage(settings.database_url)`` and share the
instance: it owns the database connection (SQLite) or connection pool (PostgreSQL).
"""

from __future__ import annotations

from pathlib import Path

from bot.settings import REPO_ROOT, DatabaseURL
from bot.storage.errors import NotSupported, SchemaError, StorageError, StorageUnavailable, Unavailable
from bot.storage.protocol import Storage
from bot.storage.sqlite import DEFAULT_BUSY_TIMEOUT, SqliteStorage

__all__ = [
    "NotSupported",
    "SchemaError",
    "Storage",
    "StorageError",
    "StorageUnavailable",
    "Unavailable",
    "open_storage",
    "sqlite_path",
]


def sqlite_path(url: DatabaseURL, base: Path | None = None) -> Path:
    """Where a ``sqlite:///`` URL points: relative paths are relative to ``base``, by default
    the project folder, never the working directory: started from another folder, the bot
    must find the same database, not quietly create an empty one."""
    if url.path is None:
        raise ValueError("not a SQLite URL")
    return url.path if url.path.is_absolute() else (base or REPO_ROOT) / url.path


async def open_storage(
    url: DatabaseURL, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, base: Path | None = None
) -> Storage:
    """Open (creating and migrating it if needed) the database the URL names."""
    if url.scheme == "sqlite":
        return await SqliteStorage.open(sqlite_path(url, base), busy_timeout=busy_timeout)
    if url.scheme == "postgresql":
        from bot.storage.postgres import PostgresStorage  # asyncpg is only imported when used

        return await PostgresStorage.open(url.raw.reveal())
    raise NotSupported(f"DATABASE_URL scheme {url.scheme!r} is not supported")
