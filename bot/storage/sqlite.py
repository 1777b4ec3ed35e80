"""The SQLite backend (aiosqlite): one connection per process, every call atomic.

Why it is built this way:

- One ``SqliteStorage`` owns one connection; aiosqlite runs it on its own worker thread.
- Each call is one function run on that thread in a single hop: ``BEGIN IMMEDIATE``, the
  statements, ``COMMIT`` (or ``ROLLBACK`` on any error). A transaction therefore cannot be
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
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.storage.errors import SchemaError, StorageError, StorageUnavailable, Unavailable
from bot.storage.protocol import (
    REWARD_MODES,
    AddOutcome,
    CompletionRecord,
    DeletedCounts,
    EntryOpens,
    GuildSettings,
    LoggedQuestion,
    MemberData,
    MemberProgress,
    MemberRecord,
    MentionOptIn,
    ProgressRow,
    VoteRecord,
    VoteTally,
    utc_iso,
)
from bot.storage.schema import Migration, load_migrations

log = logging.getLogger(__name__)
T = TypeVar("T")
Db = sqlite3.Connection

DEFAULT_BUSY_TIMEOUT = 5.0
_COMPLETION_COLUMNS = "guild_id, member_id, milestone_id, completed_at, note, recorded_by"
_MEMBER_COLUMNS = "guild_id, member_id, track_id, created_at, updated_at"
_WRITE = "BEGIN IMMEDIATE"  # several statements that must all happen, or none
_SNAPSHOT = "BEGIN"  # several reads that must agree with each other
_PROGRESS_SQL = (
    # One statement: the member row and their completions are one snapshot. No ORDER BY:
    # it lures SQLite onto the time index instead of the primary key.
    "SELECT m.guild_id, m.member_id, m.track_id, m.created_at, m.updated_at, "
    "c.guild_id, c.member_id, c.milestone_id, c.completed_at, c.note, c.recorded_by "
    "FROM members m LEFT JOIN completions c ON c.guild_id = m.guild_id AND c.member_id = m.member_id "
    "WHERE m.guild_id = ? AND m.member_id = ?")


# -- rows <-> records (these run on the worker thread too) --------------------------------------

def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _completion(row: Sequence[Any]) -> CompletionRecord:
    return CompletionRecord(row[0], row[1], row[2], _dt(row[3]), row[4], row[5])


def _completion_params(c: CompletionRecord) -> tuple[Any, ...]:
    return (c.guild_id, c.member_id, c.milestone_id, utc_iso(c.completed_at), c.note, c.recorded_by)


def _member(row: Sequence[Any]) -> MemberRecord:
    return MemberRecord(row[0], row[1], row[2], _dt(row[3]), _dt(row[4]))


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


def _scope(member_id: int, guild_id: int | None, column: str = "member_id") -> tuple[str, tuple[int, ...]]:
    """``WHERE`` clause and parameters for one member in one guild, or in all guilds."""
    if guild_id is None:
        return f"{column} = ?", (member_id,)
    return f"{column} = ? AND guild_id = ?", (member_id, guild_id)


def _read_progress(db: Db, guild_id: int, member_id: int) -> MemberProgress:
    rows = db.execute(_PROGRESS_SQL, (guild_id, member_id)).fetchall()
    if not rows:
        return MemberProgress(None, ())
    rows.sort(key=lambda row: (row[8] or "", row[7] or ""))
    return MemberProgress(_member(rows[0][:5]),
                          tuple(_completion(row[5:]) for row in rows if row[7] is not None))


def _one(db: Db, sql: str, params: Sequence[Any] = ()) -> Any:
    """The first column of the first row, or None."""
    row = db.execute(sql, params).fetchone()
    return None if row is None else row[0]


def _split_statements(script: str) -> list[str]:
    """Split a migration into statements (so they can run inside our own transaction)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n\t;"):
                statements.append(buffer.strip())
            buffer = ""
    if any(line.strip() and not line.strip().startswith("--") for line in buffer.splitlines()):
        raise SchemaError(f"migration ends with an unterminated statement: {buffer.strip()[:60]!r}")
    return statements


def _in_transaction(db: Db, begin: str | None, work: Callable[[Db], T]) -> T:
    """Run ``work`` (on the worker thread) inside one transaction: all of it, or none of it."""
    if begin is None:
        return work(db)
    db.execute(begin)
    try:
        result = work(db)
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


class _Rollback(Exception):
    """Raised by a transaction's work to end it with ROLLBACK instead of COMMIT."""


class SqliteStorage:
    """``Storage`` on one SQLite file. Build it with ``await SqliteStorage.open(path)``."""

    def __init__(self, conn: aiosqlite.Connection, path: Path, busy_timeout: float) -> None:
        self._conn: aiosqlite.Connection | None = conn
        self._path = path
        self._busy_timeout = busy_timeout
        self._lock = asyncio.Lock()
        self._waiting = 0  # callers queued on the lock

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    async def open(cls, path: Path | str, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
                   migrations: Sequence[Migration] | None = None) -> SqliteStorage:
        """Open (creating it and its folder if needed) and migrate the database.

        ``migrations`` defaults to every shipped migration; tests pass a prefix to build
        an old schema.
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageUnavailable(
                Unavailable.CANNOT_OPEN, f"cannot create the database folder {path.parent}: {exc.strerror}",
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
        try:
            await storage._configure()
            await storage._migrate(load_migrations() if migrations is None else migrations)
        except BaseException:
            await storage.close()
            raise
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

        mode = await self._run(configure)
        if mode.lower() != "wal":
            log.warning("could not switch %s to WAL (journal mode is %s)", self._path, mode)

        def probe(db: Db) -> None:  # fail now, clearly, rather than on a member's first command
            db.execute("CREATE TABLE _write_probe (x INTEGER)")
            raise _Rollback

        await self._run(probe, _WRITE)

    # ------------------------------------------------------------------ migrations

    async def schema_version(self) -> int:
        return await self._run(_current_version)

    async def _migrate(self, migrations: Sequence[Migration]) -> None:
        def applied(db: Db) -> list[tuple[int, str]]:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, "
                       "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            return db.execute("SELECT version, name FROM schema_version ORDER BY version").fetchall()

        done = await self._run(applied, _WRITE)
        known = {m.version: m.name for m in migrations}
        newest = max(known, default=0)
        if done and done[-1][0] > newest:
            raise SchemaError(
                f"the database {self._path} has schema version {done[-1][0]}, newer than this bot knows "
                f"(up to {newest}): it was written by a newer version of the bot. Upgrade the bot (or "
                "restore a backup); refusing to open it so nothing gets corrupted")
        for version, name in done:
            if known.get(version) != name:
                raise SchemaError(f"the database {self._path} applied migration {version:04d}_{name}, but "
                                  f"this bot ships {version:04d}_{known.get(version)}; refusing to open it")
        for migration in (m for m in migrations if m.version not in {v for v, _ in done}):

            def apply(db: Db, migration: Migration = migration) -> bool:
                # Another process may have applied it while we waited for the write lock.
                if _current_version(db) >= migration.version:
                    return False
                for statement in _split_statements(migration.sql):
                    db.execute(statement)
                db.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                           (migration.version, migration.name, utc_iso(datetime.now(UTC))))
                return True

            if await self._run(apply, _WRITE):
                log.info("applied migration %04d_%s to %s", migration.version, migration.name, self._path)

    # ------------------------------------------------------------------ running calls

    async def _run(self, work: Callable[[Db], T], begin: str | None = None) -> T:
        """Run ``work`` on the connection's thread, alone, in one transaction when ``begin``."""
        self._require_open()
        await self._acquire()
        try:
            conn = self._require_open()
            return await _in_worker(conn, _in_transaction, begin, work)
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
                Unavailable.LOCKED, f"the database {self._path} is busy: a call waited more than "
                f"{self._busy_timeout:g} s for the previous ones to finish") from None
        finally:
            self._waiting -= 1

    def _require_open(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StorageUnavailable(Unavailable.CLOSED, f"the database {self._path} is closed")
        return self._conn

    async def _write(self, sql: str, params: Sequence[Any]) -> int:
        """One statement in its own transaction; returns the number of rows it changed."""
        return await self._run(lambda db: db.execute(sql, params).rowcount, _WRITE)

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return await self._run(lambda db: db.execute(sql, params).fetchall())

    # ------------------------------------------------------------------ progress

    async def get_progress(self, guild_id: int, member_id: int) -> MemberProgress:
        return await self._run(lambda db: _read_progress(db, guild_id, member_id))

    async def set_track(self, guild_id: int, member_id: int, track_id: str | None, at: datetime) -> None:
        stamp = utc_iso(at)
        await self._write(
            f"INSERT INTO members ({_MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, member_id) DO UPDATE SET track_id = excluded.track_id, "
            "updated_at = excluded.updated_at",
            (guild_id, member_id, track_id, stamp, stamp))

    async def add_completion(self, record: CompletionRecord, aliases: Sequence[str] = ()) -> AddOutcome:
        ids = (record.milestone_id, *aliases)
        params = _completion_params(record)
        owner = (record.guild_id, record.member_id)

        def add(db: Db) -> AddOutcome:
            db.execute(f"INSERT INTO members ({_MEMBER_COLUMNS}) VALUES (?, ?, NULL, ?, ?) "
                       "ON CONFLICT (guild_id, member_id) DO NOTHING", (*owner, params[3], params[3]))
            inserted = db.execute(
                f"INSERT INTO completions ({_COMPLETION_COLUMNS}) SELECT ?, ?, ?, ?, ?, ? "
                "WHERE NOT EXISTS (SELECT 1 FROM completions WHERE guild_id = ? AND member_id = ? "
                f"AND milestone_id IN ({_placeholders(len(ids))}))", (*params, *owner, *ids)).rowcount == 1
            progress = _read_progress(db, *owner)
            existing = record if inserted else next(c for c in progress.completions if c.milestone_id in ids)
            return AddOutcome(existing, inserted, progress)

        return await self._run(add, _WRITE)

    async def remove_completions(self, guild_id: int, member_id: int, milestone_ids: Sequence[str]) -> int:
        if not milestone_ids:
            return 0
        return await self._write(
            f"DELETE FROM completions WHERE guild_id = ? AND member_id = ? "
            f"AND milestone_id IN ({_placeholders(len(milestone_ids))})",
            (guild_id, member_id, *milestone_ids))

    async def import_records(self, members: Iterable[MemberRecord],
                             completions: Iterable[CompletionRecord]) -> None:
        def load(db: Db) -> None:
            db.executemany(
                f"INSERT INTO members ({_MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, member_id) DO NOTHING",
                ((m.guild_id, m.member_id, m.track_id, utc_iso(m.created_at), utc_iso(m.updated_at))
                 for m in members))
            db.executemany(
                f"INSERT INTO completions ({_COMPLETION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (guild_id, member_id, milestone_id) DO NOTHING",
                (_completion_params(c) for c in completions))

        await self._run(load, _WRITE)

    # ------------------------------------------------------------------ statistics

    async def count_members(self, guild_id: int) -> int:
        return await self._run(lambda db: _one(db, "SELECT COUNT(*) FROM members WHERE guild_id = ?",
                                               (guild_id,)))

    async def count_members_by_milestone(self, guild_id: int,
                                         aliases: Mapping[str, str] | None = None) -> dict[str, int]:
        group, params = "milestone_id", []
        if aliases:
            group = f"CASE milestone_id {' '.join('WHEN ? THEN ?' for _ in aliases)} ELSE milestone_id END"
            params = [x for pair in aliases.items() for x in pair]
        rows = await self._rows(
            "SELECT grp, COUNT(DISTINCT member_id) FROM "
            f"(SELECT {group} AS grp, member_id FROM completions WHERE guild_id = ?) AS t GROUP BY grp",
            (*params, guild_id))
        return dict(rows)

    async def completions_per_day(self, guild_id: int, since: date) -> dict[date, int]:
        rows = await self._rows(
            "SELECT substr(completed_at, 1, 10), COUNT(*) FROM completions "
            "WHERE guild_id = ? AND completed_at >= ? GROUP BY substr(completed_at, 1, 10)",
            (guild_id, since.isoformat()))
        return {date.fromisoformat(day): count for day, count in rows}

    # ------------------------------------------------------------------ privacy

    async def export_member(self, member_id: int, guild_id: int | None = None) -> MemberData:
        where, params = _scope(member_id, guild_id)
        by_where, by_params = _scope(member_id, guild_id, "recorded_by")

        def export(db: Db) -> MemberData:
            def rows(sql: str, args: Sequence[Any] = params) -> list[Any]:
                return db.execute(sql, args).fetchall()

            return MemberData(
                member_id=member_id,
                members=tuple(_member(r) for r in rows(
                    f"SELECT {_MEMBER_COLUMNS} FROM members WHERE {where} ORDER BY guild_id")),
                completions=tuple(_completion(r) for r in rows(
                    f"SELECT {_COMPLETION_COLUMNS} FROM completions WHERE {where} "
                    "ORDER BY guild_id, completed_at, milestone_id")),
                recorded_for_others=tuple(_completion(r) for r in rows(
                    f"SELECT {_COMPLETION_COLUMNS} FROM completions WHERE {by_where} AND member_id <> ? "
                    "ORDER BY guild_id, completed_at, member_id", (*by_params, member_id))),
                votes=tuple(VoteRecord(r[0], r[1], r[2], r[3], _dt(r[4])) for r in rows(
                    "SELECT guild_id, entry_id, member_id, vote, voted_at FROM entry_votes "
                    f"WHERE {where} ORDER BY guild_id, entry_id")),
                mention_opt_ins=tuple(MentionOptIn(r[0], r[1], _dt(r[2])) for r in rows(
                    f"SELECT guild_id, member_id, opted_in_at FROM mention_opt_ins WHERE {where} "
                    "ORDER BY guild_id")),
            )

        return await self._run(export, _SNAPSHOT)

    async def delete_member(self, member_id: int, guild_id: int | None = None) -> DeletedCounts:
        where, params = _scope(member_id, guild_id)
        by_where, by_params = _scope(member_id, guild_id, "recorded_by")

        def delete(db: Db) -> DeletedCounts:
            def count(sql: str, args: Sequence[Any] = params) -> int:
                return db.execute(sql, args).rowcount

            return DeletedCounts(
                anonymised=count(f"UPDATE completions SET recorded_by = NULL WHERE {by_where} "
                                 "AND member_id <> ?", (*by_params, member_id)),
                completions=count(f"DELETE FROM completions WHERE {where}"),
                members=count(f"DELETE FROM members WHERE {where}"),
                votes=count(f"DELETE FROM entry_votes WHERE {where}"),
                mention_opt_ins=count(f"DELETE FROM mention_opt_ins WHERE {where}"),
            )

        return await self._run(delete, _WRITE)

    # ------------------------------------------------------------------ guild features

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        rows = await self._rows("SELECT announce_channel_id, log_channel_id, reward_mode FROM guild_settings "
                                "WHERE guild_id = ?", (guild_id,))
        return GuildSettings(guild_id, *rows[0]) if rows else GuildSettings(guild_id)

    async def save_guild_settings(self, settings: GuildSettings) -> None:
        if settings.reward_mode not in REWARD_MODES:
            raise ValueError(f"reward_mode must be one of {', '.join(REWARD_MODES)}, "
                             f"got {settings.reward_mode!r}")
        await self._write(
            "INSERT INTO guild_settings (guild_id, announce_channel_id, log_channel_id, reward_mode, "
            "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET "
            "announce_channel_id = excluded.announce_channel_id, log_channel_id = excluded.log_channel_id, "
            "reward_mode = excluded.reward_mode, updated_at = excluded.updated_at",
            (settings.guild_id, settings.announce_channel_id, settings.log_channel_id, settings.reward_mode,
             utc_iso(datetime.now(UTC))))

    async def set_milestone_role(self, guild_id: int, milestone_id: str, role_id: int | None) -> None:
        if role_id is None:
            await self._write("DELETE FROM milestone_roles WHERE guild_id = ? AND milestone_id = ?",
                              (guild_id, milestone_id))
        else:
            await self._write(
                "INSERT INTO milestone_roles (guild_id, milestone_id, role_id) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, milestone_id) DO UPDATE SET role_id = excluded.role_id",
                (guild_id, milestone_id, role_id))

    async def milestone_roles(self, guild_id: int) -> dict[str, int]:
        return dict(await self._rows("SELECT milestone_id, role_id FROM milestone_roles WHERE guild_id = ? "
                                     "ORDER BY milestone_id", (guild_id,)))

    async def set_mention_opt_in(self, guild_id: int, member_id: int, enabled: bool, at: datetime) -> None:
        if enabled:
            await self._write(
                "INSERT INTO mention_opt_ins (guild_id, member_id, opted_in_at) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, member_id) DO NOTHING", (guild_id, member_id, utc_iso(at)))
        else:
            await self._write("DELETE FROM mention_opt_ins WHERE guild_id = ? AND member_id = ?",
                              (guild_id, member_id))

    async def mention_opt_in(self, guild_id: int, member_id: int) -> bool:
        return bool(await self._rows("SELECT 1 FROM mention_opt_ins WHERE guild_id = ? AND member_id = ?",
                                     (guild_id, member_id)))

    async def log_channels(self) -> dict[int, int]:
        return dict(await self._rows("SELECT guild_id, log_channel_id FROM guild_settings "
                                     "WHERE log_channel_id IS NOT NULL ORDER BY guild_id"))

    async def guild_ids(self) -> list[int]:
        rows = await self._rows("SELECT guild_id FROM members UNION SELECT guild_id FROM guild_settings "
                                "UNION SELECT guild_id FROM question_counts ORDER BY guild_id")
        return [g for (g,) in rows]

    async def member_ids(self, guild_id: int) -> list[int]:
        return [m for (m,) in await self._rows("SELECT member_id FROM members WHERE guild_id = ? "
                                               "ORDER BY member_id", (guild_id,))]

    async def guild_completions(self, guild_id: int) -> list[ProgressRow]:
        rows = await self._rows(
            "SELECT c.member_id, m.track_id, c.milestone_id, c.completed_at FROM completions c "
            "JOIN members m ON m.guild_id = c.guild_id AND m.member_id = c.member_id "
            "WHERE c.guild_id = ? ORDER BY c.member_id, c.completed_at, c.milestone_id", (guild_id,))
        return [ProgressRow(*row) for row in rows]

    # ------------------------------------------------------------------ questions

    async def count_question(self, guild_id: int, day: date, n: int = 1) -> None:
        if n < 1:
            raise ValueError("n must be at least 1")
        await self._write(
            "INSERT INTO question_counts (guild_id, day, questions) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, day) DO UPDATE SET questions = question_counts.questions + excluded.questions",
            (guild_id, day.isoformat(), n))

    async def questions_per_day(self, guild_id: int, since: date) -> dict[date, int]:
        rows = await self._rows("SELECT day, questions FROM question_counts WHERE guild_id = ? AND day >= ? "
                                "ORDER BY day", (guild_id, since.isoformat()))
        return {date.fromisoformat(day): n for day, n in rows}

    async def log_question(self, guild_id: int, question: str, outcome: str, best_entry_id: str | None,
                           confidence: float, at: datetime) -> None:
        await self._write(
            "INSERT INTO question_log (guild_id, question, outcome, best_entry_id, confidence, asked_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", (guild_id, question[:1000], outcome, best_entry_id, confidence,
                                          utc_iso(at)))

    async def logged_questions(self, guild_id: int, since: datetime) -> list[LoggedQuestion]:
        rows = await self._rows(
            "SELECT question, outcome, best_entry_id, confidence, asked_at FROM question_log "
            "WHERE guild_id = ? AND asked_at >= ? ORDER BY asked_at", (guild_id, utc_iso(since)))
        return [LoggedQuestion(q, outcome, best, confidence, _dt(at))
                for q, outcome, best, confidence, at in rows]

    async def prune_questions(self, before: datetime) -> int:
        return await self._write("DELETE FROM question_log WHERE asked_at < ?", (utc_iso(before),))

    # ------------------------------------------------------------------ feedback

    async def set_vote(self, guild_id: int, entry_id: str, member_id: int, vote: int, at: datetime) -> None:
        if vote not in (1, -1):
            raise ValueError(f"a vote is +1 or -1, got {vote!r}")
        await self._write(
            "INSERT INTO entry_votes (guild_id, entry_id, member_id, vote, voted_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, entry_id, member_id) DO UPDATE SET vote = excluded.vote, "
            "voted_at = excluded.voted_at", (guild_id, entry_id, member_id, vote, utc_iso(at)))

    async def clear_vote(self, guild_id: int, entry_id: str, member_id: int) -> bool:
        return bool(await self._write(
            "DELETE FROM entry_votes WHERE guild_id = ? AND entry_id = ? AND member_id = ?",
            (guild_id, entry_id, member_id)))

    async def get_vote(self, guild_id: int, entry_id: str, member_id: int) -> int | None:
        rows = await self._rows("SELECT vote FROM entry_votes WHERE guild_id = ? AND entry_id = ? "
                                "AND member_id = ?", (guild_id, entry_id, member_id))
        return rows[0][0] if rows else None

    async def vote_tallies(self, guild_id: int) -> dict[str, VoteTally]:
        rows = await self._rows(
            "SELECT entry_id, SUM(CASE WHEN vote > 0 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN vote < 0 THEN 1 ELSE 0 END) FROM entry_votes WHERE guild_id = ? "
            "GROUP BY entry_id ORDER BY entry_id", (guild_id,))
        return {entry_id: VoteTally(up, down) for entry_id, up, down in rows}

    async def count_entry_open(self, guild_id: int, entry_id: str, day: date, n: int = 1) -> None:
        if n < 1:
            raise ValueError("n must be at least 1")
        await self._write(
            "INSERT INTO entry_opens (guild_id, entry_id, day, opens) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, entry_id, day) DO UPDATE SET opens = entry_opens.opens + excluded.opens",
            (guild_id, entry_id, day.isoformat(), n))

    async def entry_opens(self, guild_id: int, since: date) -> list[EntryOpens]:
        rows = await self._rows("SELECT entry_id, day, opens FROM entry_opens WHERE guild_id = ? "
                                "AND day >= ? ORDER BY day, entry_id", (guild_id, since.isoformat()))
        return [EntryOpens(guild_id, entry_id, date.fromisoformat(day), opens)
                for entry_id, day, opens in rows]

    # ------------------------------------------------------------------ bot state

    async def get_state(self, key: str) -> str | None:
        rows = await self._rows("SELECT value FROM bot_state WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    async def set_state(self, key: str, value: str | None) -> None:
        if value is None:
            await self._write("DELETE FROM bot_state WHERE key = ?", (key,))
        else:
            await self._write(
                "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, value, utc_iso(datetime.now(UTC))))


async def _in_worker(conn: aiosqlite.Connection, fn: Callable[..., T], *args: Any) -> T:
    """Call ``fn(sqlite3_connection, *args)`` on the connection's own thread, in one hop."""
    return await conn._execute(fn, conn._conn, *args)


def _current_version(db: Db) -> int:
    return int(_one(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version"))


def _translate(exc: sqlite3.Error, path: Path, busy_timeout: float) -> StorageError:
    """A driver error as a backend-neutral one whose message tells the operator what to do."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StorageUnavailable(Unavailable.LOCKED, (
            f"the database {path} is locked by another process (waited {busy_timeout:g} s); "
            "is a second copy of the bot or a database tool holding it?"))
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return StorageUnavailable(Unavailable.READ_ONLY, (
            f"the database {path} is read-only: give the bot write permission on the file and its folder"))
    if name.startswith("SQLITE_FULL") or "full" in text:
        return StorageUnavailable(Unavailable.FULL, (
            f"the disk holding the database {path} is full: nothing was saved; free some space"))
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return StorageUnavailable(Unavailable.CORRUPT, (
            f"the database {path} is damaged or not a database ({text}); restore a backup"))
    if name.startswith("SQLITE_CANTOPEN"):
        return StorageUnavailable(Unavailable.CANNOT_OPEN, f"cannot open the database {path} ({text})")
    if name.startswith("SQLITE_IOERR"):
        return StorageUnavailable(Unavailable.IO, f"disk I/O error on the database {path} ({text})")
    return StorageError(f"database error on {path}: {text}")
