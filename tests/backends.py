"""The databases the storage contract tests run on: SQLite always, PostgreSQL when
``TEST_DATABASE_URL`` names a server (each test gets its own schema, dropped afterwards)."""

from __future__ import annotations

import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.storage.protocol import Storage
from bot.storage.sqlite import SqliteStorage

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", *(["postgresql"] if POSTGRES_URL else [])]
SKIP_REASON = "PostgreSQL contract tests skipped: set TEST_DATABASE_URL=postgresql://... to run them"


def with_params(url: str, **params: str) -> str:
    joined = "&".join(f"{k}={v}" for k, v in params.items())
    return f"{url}{'&' if '?' in url else '?'}{joined}"


@dataclass
class TestDatabase:
    """One fresh database of one backend: open storages on it and read every row back."""

    __test__ = False  # not a test class, despite its name

    kind: str
    path: Path  # SQLite's file
    schema: str = ""  # PostgreSQL's schema

    @property
    def url(self) -> str:
        """As ``DATABASE_URL`` would name it."""
        if self.kind == "sqlite":
            return f"sqlite:///{self.path}"
        return with_params(POSTGRES_URL, search_path=self.schema)

    async def open(self, **kwargs: Any) -> Storage:
        if self.kind == "sqlite":
            return await SqliteStorage.open(self.path, **kwargs)
        from bot.storage.postgres import PostgresStorage

        return await PostgresStorage.open(self.url, pool_size=kwargs.pop("pool_size", 3), **kwargs)

    async def tables(self) -> dict[str, list[dict[str, Any]]]:
        """Every row of every table, read directly (as an auditor would), not through Storage."""
        if self.kind == "sqlite":
            with sqlite3.connect(self.path) as conn:
                conn.row_factory = sqlite3.Row
                names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
                return {t: [dict(r) for r in conn.execute(f'SELECT * FROM "{t}"')] for t in names}
        import asyncpg

        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            names = [
                r[0]
                for r in await conn.fetch(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", self.schema
                )
            ]
            return {
                t: [dict(r) for r in await conn.fetch(f'SELECT * FROM "{self.schema}"."{t}"')] for t in names
            }
        finally:
            await conn.close()

    async def create(self) -> None:
        if self.kind == "postgresql":
            await self._admin(f'CREATE SCHEMA "{self.schema}"')

    async def drop(self) -> None:
        if self.kind == "postgresql":
            await self._admin(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')

    async def _admin(self, sql: str) -> None:
        import asyncpg

        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()


def new_database(kind: str, folder: Path) -> TestDatabase:
    return TestDatabase(kind, folder / "data" / "coach.db", f"coach_test_{uuid.uuid4().hex[:12]}")
