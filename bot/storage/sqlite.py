"""The SQLite backend (aiosqlite): one connection per process, every call atomic.

Why it is built this way:

- One ``SqliteStorage`` owns one connection; aiosqlite runs it on its own worker thread.
- Each call's body (see ``bot.storage.sql``, which holds every method's SQL) runs whole on
  that thread in a single hop: ``BEGIN IMMEDIATE``, the statements, ``COMMIT`` (or
  ``ROLLBACK`` on any error). A transaction therefore cannot be
  interleaved with another call, interrupted half-way by a cancelled caller, or left open:
  nothing is ever half-written. One thread round trip per call instead of one per
  statement also doubles the completions per second. (aiosqlite has no public "run this
  function on the connection's thread"; ``_in_worker`` uses its ``_execute``, pinned by
  ``aiosqlite<0.23`` and checked by a test.)
- Writes are serialised by ``self._lock`` (an ``asyncio.Lock``, FIFO, so calls run in call
  order) and by explicit transactions; ``BEGIN IMMEDIATE`` takes SQLite's write lock up
  front, so a transaction never fails half-way on a lock upgrade.
- WAL journal with ``synchronous=NORMAL``: a committed call survives the process being
  killed at any instant (SIGKILL-tested); an OS crash or power cut may lose the last
  commits but never corrupts the file. Readers in other processes never block us.
- ``busy_timeout`` bounds how long a call waits for another process's lock, and waiting
  for our own lock is bounded by the same timeout: the caller gets ``StorageUnavailable``
  instead of hanging.
- Timestamps are stored as UTC ISO-8601 text in one fixed, sortable format
  (``2025-11-03T14:05:09.123456Z``, see ``utc_iso``) and days as ``YYYY-MM-DD``: readable
  in a dump, comparable as strings, portable to PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Hashable, Sequence
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.storage.coaching_sql import CoachingStorage
from bot.storage.errors import StorageError, StorageUnavailable, Unavailable
from bot.storage.schema import Migration
from bot.storage.sql import Body, BulkWriter, Exec, Fetch, Many, Work, insert_sql

log = logging.getLogger(__name__)
T = TypeVar("T")
Db = sqlite3.Connection

DEFAULT_BUSY_TIMEOUT = 5.0
_WRITE = "BEGIN IMMEDIATE"  # several statements that must all happen, or none
_SNAPSHOT = "BEGIN"  # several reads that must agree with each other


def _drive(db: Db, *, work: Work[T]) -> T:
    """Run a body's statements on this connection, handing each result back to it."""
    body = work()
    try:
        step = next(body)
        while True:
            if isinstance(step, Exec):
                result: Any = db.execute(step.sql, step.params).rowcount
            elif isinstance(step, Fetch):
                result = db.execute(step.sql, step.params).fetchall()
            else:
                assert isinstance(step, Many)
                result = db.executemany(step.sql, step.rows) and None
            step = body.send(result)
    except StopIteration as done:
        return done.value


def _one(db: Db, sql: str) -> Any:
    row = db.execute(sql).fetchone()
    return None if row is None else row[0]


def _in_transaction(
    db: Db, begin: str | None, work: Callable[[Db], T], before_commit: Callable[[], None] = lambda: None
) -> T:
    """Run ``work`` (on the worker thread) inside one transaction: all of it, or none of it.

    ``before_commit`` may raise to roll the transaction back at the last moment."""
    if begin is None:
        return work(db)
    db.execute(begin)
    try:
        result = work(db)
        before_commit()
    except BaseException:
        if db.in_transaction:  # SQLite already rolled back after some errors (e.g. SQLITE_FULL)
            db.execute("ROLLBACK")
        raise
    try:
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return result


def _commit(db: Db, before_commit: Callable[[], None]) -> None:
    before_commit()
    db.execute("COMMIT")


def _rollback(db: Db) -> None:
    if db.in_transaction:
        db.execute("ROLLBACK")


class _SqliteBulk:
    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        await _in_worker(self._conn, Db.executemany, insert_sql(table), rows)

    async def clear(self, table: str) -> None:
        await _in_worker(self._conn, Db.execute, f"DELETE FROM {table}")


class _Rollback(Exception):
    """Raised by a transaction's work to end it with ROLLBACK instead of COMMIT."""


class SqliteStorage(CoachingStorage):
    """``Storage`` on one SQLite file. Build it with ``await SqliteStorage.open(path)``."""

    def __init__(self, conn: aiosqlite.Connection, path: Path, busy_timeout: float) -> None:
        super().__init__()
        self._conn: aiosqlite.Connection | None = conn
        self._path = path
        self.where = str(path)
        self._busy_timeout = busy_timeout
        self._lock = asyncio.Lock()
        self._waiting = 0  # callers queued on the lock
        self._identity = _file_identity(path)
        self._gone_logged = False

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    async def open(
        cls,
        path: Path | str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        migrations: Sequence[Migration] | None = None,
    ) -> SqliteStorage:
        """Open (creating it and its folder if needed) and migrate the database.

        ``migrations`` defaults to every shipped migration; tests pass a prefix to build
        an old schema.
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(
                Unavailable.CANNOT_OPEN,
                f"cannot create the database folder {path.parent}: {exc.strerror}",
            ) from exc
        try:
            pending = aiosqlite.connect(path, isolation_level=None, timeout=busy_timeout)
            # A daemon worker: a storage someone forgot to close must not keep the process
            # alive at exit (an unfinished transaction is simply rolled back by SQLite).
            pending._thread.daemon = True
            conn = await pending
        except sqlite3.Error as exc:
            raise _translate(exc, path, busy_timeout) from exc
        storage = cls(conn, path, busy_timeout)
        await storage._open_schema(migrations)
        return storage

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            async with self._lock:
                await conn.close()

    @property
    def path(self) -> Path:
        return self._path

    async def _configure(self) -> None:
        def configure(db: Db) -> str:
            db.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            db.execute("PRAGMA foreign_keys = ON")
            mode = str(_one(db, "PRAGMA journal_mode = WAL"))
            db.execute("PRAGMA synchronous = NORMAL")
            return mode

        mode = await self._on_thread(configure)
        if mode.lower() != "wal":
            log.warning("could not switch %s to WAL (journal mode is %s)", self._path, mode)

        def probe() -> Body[None]:  # fail now, clearly, rather than on a member's first command
            yield Exec("CREATE TABLE _write_probe (x INTEGER)")
            raise _Rollback

        await self._run(probe, write=True)

    # ------------------------------------------------------------------ running calls

    async def _run(
        self, work: Work[T], *, write: bool = False, single: bool = False, queue: Hashable = None
    ) -> T:  # one connection: calls are already queued
        # A write always gets a transaction: the file check must run before its COMMIT.
        begin = _WRITE if write else (None if single else _SNAPSHOT)
        return await self._on_thread(partial(_drive, work=work), begin)

    async def _on_thread(self, fn: Callable[[Db], T], begin: str | None = None) -> T:
        """Run ``fn`` on the connection's thread, alone, in one transaction when ``begin``."""
        self._require_open()
        await self._acquire()
        try:
            conn = self._require_open()
            check = self._check_file if begin == _WRITE else (lambda: None)
            return await _in_worker(conn, _in_transaction, begin, fn, check)
        except _Rollback:
            return None  # type: ignore[return-value]
        except sqlite3.Error as exc:
            raise _translate(exc, self._path, self._busy_timeout) from exc
        finally:
            self._lock.release()

    async def _acquire(self) -> None:
        """Take our lock, waiting at most the busy timeout (FIFO, so calls run in call order)."""
        if not self._lock.locked() and not self._waiting:
            await self._lock.acquire()  # free and nobody queued: returns at once, no timer needed
            return
        self._waiting += 1
        try:
            async with asyncio.timeout(self._busy_timeout):
                await self._lock.acquire()
        except TimeoutError:
            raise StorageUnavailable(
                Unavailable.LOCKED,
                f"the database {self._path} is busy: a call waited more than "
                f"{self._busy_timeout:g} s for the previous ones to finish",
            ) from None
        finally:
            self._waiting -= 1

    def _check_file(self) -> None:
        """Refuse to commit when the file at our path is no longer the one we write to.

        Deleted or replaced under a running bot, commits would land in an orphaned inode
        (or the old file) and vanish at the next start, so no write may be acknowledged.
        Runs on the worker thread right before COMMIT: a stat, a few microseconds.
        """
        if _file_identity(self._path) == self._identity:
            return
        message = (
            f"the database file {self._path} was deleted or replaced while the bot was running: "
            "refusing to save anything (it would be lost); restore the file and restart the bot"
        )
        if not self._gone_logged:
            self._gone_logged = True
            log.critical(message)
        raise StorageUnavailable(Unavailable.GONE, message)

    @asynccontextmanager
    async def bulk_writer(self) -> AsyncIterator[BulkWriter]:
        self._require_open()
        await self._acquire()
        try:
            conn = self._require_open()
            await _in_worker(conn, Db.execute, _WRITE)
            try:
                yield _SqliteBulk(conn)
                await _in_worker(conn, _commit, self._check_file)
            except BaseException:
                await _in_worker(conn, _rollback)
                raise
        except sqlite3.Error as exc:
            raise _translate(exc, self._path, self._busy_timeout) from exc
        finally:
            self._lock.release()

    def _require_open(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StorageUnavailable(Unavailable.CLOSED, f"the database {self._path} is closed")
        return self._conn


async def _in_worker(conn: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """Call ``fn(sqlite3_connection, *args)`` on the connection's own thread, in one hop."""
    return await conn._execute(fn, conn._conn, *args)


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at ``path``; None when nothing is there."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _translate(exc: sqlite3.Error, path: Path, busy_timeout: float) -> StorageError:
    """A driver error as a backend-neutral one whose message tells the operator what to do."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StorageUnavailable(
            Unavailable.LOCKED,
            (
                f"the database {path} is locked by another process (waited {busy_timeout:g} s); "
                "is a second copy of the bot or a database tool holding it?"
            ),
        )
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return StorageUnavailable(
            Unavailable.READ_ONLY,
            (f"the database {path} is read-only: give the bot write permission on the file and its folder"),
        )
    if name.startswith("SQLITE_FULL") or "full" in text:
        return StorageUnavailable(
            Unavailable.FULL,
            (f"the disk holding the database {path} is full: nothing was saved; free some space"),
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return StorageUnavailable(
            Unavailable.CORRUPT,
            (f"the database {path} is damaged or not a database ({text}); restore a backup"),
        )
    if name.startswith("SQLITE_CANTOPEN"):
        return StorageUnavailable(Unavailable.CANNOT_OPEN, f"cannot open the database {path} ({text})")
    if name.startswith("SQLITE_IOERR"):
        return StorageUnavailable(Unavailable.IO, f"disk I/O error on the database {path} ({text})")
    return StorageError(f"database error on {path}: {text}")
