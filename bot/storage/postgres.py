"""The PostgreSQL backend (asyncpg): a connection pool, every call one transaction.

Why it is built this way:

- Every method's SQL is shared with SQLite (``bot.storage.sql``); this module only drives
  a call's body on a pooled connection, numbering the ``?`` placeholders as ``$1, $2...``.
- Writes run ``READ COMMITTED``: every statement sees what others committed, and a call
  that checks before it writes (``add_completion``) first locks the member's row with its
  upsert, so concurrent calls for one member run one after the other, as on SQLite's
  single writer, without serialization failures under load (``SERIALIZABLE`` failed most
  of 200 concurrent completions). A deadlock or serialization failure re-runs the whole
  body (a few times, with a short random pause), so callers never see one. Reads run
  ``REPEATABLE READ READ ONLY``: one snapshot per call.
- The server going away (stopped, restarting, unreachable) becomes ``StorageUnavailable``
  for the calls in flight; the pool replaces dead connections on the next call, so the bot
  recovers by itself when the server is back, without a restart.
- Migrations take a session advisory lock named after the schema, so processes starting
  together migrate one after the other; each migration is one transaction (PostgreSQL's
  DDL is transactional), so a failed one leaves nothing behind.
- Messages name the server as ``host:port/database``, never the password.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections.abc import AsyncIterator, Awaitable, Hashable, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit

import asyncpg

from bot.storage.coaching_sql import CoachingStorage
from bot.storage.errors import StorageError, StorageUnavailable, Unavailable
from bot.storage.schema import Migration
from bot.storage.sql import TABLES, BulkWriter, Exec, Fetch, Many, Work

T = TypeVar("T")

DEFAULT_POOL_SIZE = 20
CALL_TIMEOUT = 10.0  # seconds one statement, or waiting for a pooled connection, may take
RETRIES = 8  # re-runs of a body after a serialization failure or a deadlock
_ROWCOUNT = re.compile(r"(\d+)$")


@lru_cache(maxsize=1024)
def numbered(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2, ...`` (our SQL has no ``?`` in literals)."""
    parts = sql.split("?")
    return "".join(part + (f"${i}" if i < len(parts) else "") for i, part in enumerate(parts, 1))


def describe(url: str) -> str:
    """``host:port/database`` of a PostgreSQL URL, for messages (no user, no password)."""
    parts = urlsplit(url)
    try:
        port: int | str = parts.port or 5432
    except ValueError:  # not a number: asyncpg will refuse the URL with its own message
        port = "?"
    return f"{parts.hostname or 'localhost'}:{port}{parts.path or '/'}"


class KeyedLocks:
    """An ``asyncio.Lock`` per key, alive only while someone holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, key: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


class PostgresStorage(CoachingStorage):
    """``Storage`` on a PostgreSQL database. Build it with ``await PostgresStorage.open(url)``."""

    def __init__(self, pool: asyncpg.Pool, where: str) -> None:
        super().__init__()
        self._pool: asyncpg.Pool | None = pool
        self.where = where
        self._queues = KeyedLocks()

    @classmethod
    async def open(
        cls, url: str, *, pool_size: int = DEFAULT_POOL_SIZE, migrations: Sequence[Migration] | None = None
    ) -> PostgresStorage:
        """Connect (``postgresql://`` or ``postgres://``; ``?sslmode=`` and other libpq
        parameters honoured) and migrate. Other query parameters (e.g. ``search_path``)
        become server settings of every connection."""
        where = describe(url)
        try:
            pool = await asyncpg.create_pool(
                url.replace("postgres://", "postgresql://", 1),
                min_size=1,
                max_size=pool_size,
                timeout=CALL_TIMEOUT,
                command_timeout=CALL_TIMEOUT,
                reset=_keep_session,
            )
        except Exception as exc:
            raise _translate(exc, where, opening=True) from None
        storage = cls(pool, where)
        await storage._open_schema(migrations)
        return storage

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await pool.close()

    def _require_open(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StorageUnavailable(Unavailable.CLOSED, f"the database {self.where} is closed")
        return self._pool

    # ------------------------------------------------------------------ running calls

    async def _run(
        self, work: Work[T], *, write: bool = False, single: bool = False, queue: Hashable = None
    ) -> T:
        if queue is None:
            return await self._run_now(work, write, single)
        async with self._queues.hold(queue):
            return await self._run_now(work, write, single)

    async def _run_now(self, work: Work[T], write: bool, single: bool) -> T:
        isolation = "read_committed" if write else "repeatable_read"
        for attempt in range(RETRIES + 1):
            try:
                async with self._require_open().acquire(timeout=CALL_TIMEOUT) as conn:
                    if single:
                        return await _drive(conn, work)
                    async with conn.transaction(isolation=isolation, readonly=not write):
                        return await _drive(conn, work)
            except (asyncpg.SerializationError, asyncpg.DeadlockDetectedError) as exc:
                if attempt == RETRIES:
                    raise StorageUnavailable(
                        Unavailable.LOCKED,
                        (
                            f"the database {self.where} is too busy: a call conflicted with others "
                            f"{RETRIES + 1} times; nothing was saved, try again"
                        ),
                    ) from exc
                await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))
            except StorageError:
                raise
            except Exception as exc:
                if isinstance(exc, (AssertionError, TypeError, ValueError)) and not _is_driver(exc):
                    raise  # our own bug or a caller's bad argument: not the database's fault
                raise _translate(exc, self.where) from exc
        raise AssertionError("unreachable")

    @asynccontextmanager
    async def bulk_writer(self) -> AsyncIterator[BulkWriter]:
        failed_inside = False  # the caller's own error passes through untranslated
        try:
            async with (
                self._require_open().acquire(timeout=CALL_TIMEOUT) as conn,
                conn.transaction(isolation="repeatable_read"),
            ):
                try:
                    yield _PostgresBulk(conn, self.where)
                except BaseException:
                    failed_inside = True
                    raise
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            if failed_inside:
                raise
            raise _translate(exc, self.where) from exc

    @asynccontextmanager
    async def _migration_lock(self) -> AsyncIterator[None]:
        key = "SELECT hashtext('itpm-coach migrations ' || current_schema())"
        try:
            async with self._require_open().acquire(timeout=CALL_TIMEOUT) as conn:
                await conn.execute(f"SELECT pg_advisory_lock(({key}))")
                try:
                    yield
                finally:
                    try:
                        await conn.execute(f"SELECT pg_advisory_unlock(({key}))")
                    except BaseException:
                        conn.terminate()  # the lock ends with the session, not in the pool
                        raise
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise _translate(exc, self.where) from exc


class _PostgresBulk:
    def __init__(self, conn: asyncpg.Connection, where: str) -> None:
        self._conn = conn
        self._where = where

    async def insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        # COPY: an order of magnitude faster than INSERTs (the one bulk path that differs).
        await self._translated(
            self._conn.copy_records_to_table(table, records=rows, columns=list(TABLES[table][0]))
        )

    async def clear(self, table: str) -> None:
        await self._translated(self._conn.execute(f"DELETE FROM {table}"))

    async def _translated(self, call: Awaitable[object]) -> None:
        try:
            await call
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
            raise _translate(exc, self._where) from exc


async def _keep_session(conn: asyncpg.Connection) -> None:
    """The pool's reset on release: nothing beyond asyncpg's rollback of an open transaction.

    asyncpg's default runs ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``,
    one more round trip per call (a sixth for a completion). Our calls leave none of that
    behind: no SET, cursors or LISTEN, and the migration lock is released (or its
    connection closed) by ``_migration_lock``.
    """


async def _drive(conn: asyncpg.Connection, work: Work[T]) -> T:
    """Run a body's statements on this connection, handing each result back to it."""
    body = work()
    try:
        step = next(body)
        while True:
            if isinstance(step, Exec):
                status = await (
                    conn.execute(numbered(step.sql), *step.params) if step.params else conn.execute(step.sql)
                )
                match = _ROWCOUNT.search(status)
                result: Any = int(match[1]) if match else 0
            elif isinstance(step, Fetch):
                result = [tuple(r) for r in await conn.fetch(numbered(step.sql), *step.params)]
            else:
                assert isinstance(step, Many)
                await conn.executemany(numbered(step.sql), step.rows)
                result = None
            step = body.send(result)
    except StopIteration as done:
        return done.value


def _is_driver(exc: BaseException) -> bool:
    return isinstance(exc, (asyncpg.PostgresError, asyncpg.InterfaceError))


def _translate(exc: BaseException, where: str, *, opening: bool = False) -> StorageError:
    """A driver error as a backend-neutral one whose message tells the operator what to do."""
    unreachable = isinstance(
        exc,
        (
            OSError,
            TimeoutError,
            asyncpg.PostgresConnectionError,
            asyncpg.exceptions.OperatorInterventionError,
        ),
    ) or (isinstance(exc, asyncpg.InterfaceError) and "closed" in str(exc))
    if unreachable:
        reason = Unavailable.CANNOT_OPEN if opening else Unavailable.UNREACHABLE
        return StorageUnavailable(
            reason,
            (
                f"the PostgreSQL server {where} did not answer ({type(exc).__name__}: {exc}); "
                "is it running and reachable? The bot reconnects by itself when it is back"
            ),
        )
    if isinstance(exc, asyncpg.exceptions.DiskFullError):
        return StorageUnavailable(Unavailable.FULL, f"the disk of the PostgreSQL server {where} is full")
    if isinstance(exc, asyncpg.exceptions.InsufficientResourcesError):
        return StorageUnavailable(Unavailable.IO, f"the PostgreSQL server {where} is out of resources: {exc}")
    if isinstance(
        exc, (asyncpg.exceptions.ReadOnlySQLTransactionError, asyncpg.exceptions.InsufficientPrivilegeError)
    ):
        return StorageUnavailable(
            Unavailable.READ_ONLY,
            (
                f"the PostgreSQL database {where} refuses writes ({exc}): check the user's privileges, "
                "or whether this is a read-only replica"
            ),
        )
    if isinstance(
        exc,
        (
            asyncpg.exceptions.InvalidCatalogNameError,
            asyncpg.exceptions.InvalidAuthorizationSpecificationError,
            asyncpg.exceptions.InvalidPasswordError,
        ),
    ):
        return StorageUnavailable(
            Unavailable.CANNOT_OPEN, f"cannot open the PostgreSQL database {where}: {exc}"
        )
    return StorageError(f"database error on {where}: {type(exc).__name__}: {exc}")
