"""Every storage method, written once in SQL both SQLite and PostgreSQL run.

A call's work is a *body*: a generator that yields statements (``Exec``, ``Fetch``,
``Many``) and receives each result. A backend only decides how to drive a body inside one
transaction: SQLite runs it whole on its connection's thread (one hop per call),
PostgreSQL awaits each statement on a pooled connection and re-runs the body after a
serialization failure. So a new storage method is one body here, and both backends have it.

The SQL is the common subset: ``?`` placeholders (the PostgreSQL backend numbers them),
``INSERT ... ON CONFLICT``, text timestamps in one sortable format (``utc_iso``), ``LIMIT
... OFFSET``. What differs is small and sits in the backends: how a transaction starts
and retries, and ``_migration_lock`` (one migrating process at a time).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Generator, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import UTC, date, datetime, timedelta
from functools import partial
from itertools import islice
from typing import Any, NamedTuple, Protocol, TypeVar

from bot.storage.askers import ASKER_KEY_STATE, QUESTION_LOG_CAP, TrimSchedule, asker_hash, new_asker_key
from bot.storage.errors import SchemaError
from bot.storage.protocol import (
    AddOutcome,
    AskedQuestion,
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
    Usage,
    VoteRecord,
    VoteTally,
    utc_iso,
)
from bot.storage.schema import Migration, load_migrations

log = logging.getLogger(__name__)
T = TypeVar("T")


class Exec(NamedTuple):
    """Run one statement; the body receives the number of rows it changed."""

    sql: str
    params: Sequence[Any] = ()


class Fetch(NamedTuple):
    """Run a query; the body receives its rows as tuples."""

    sql: str
    params: Sequence[Any] = ()


class Many(NamedTuple):
    """Run one statement for each parameter row; the body receives None."""

    sql: str
    rows: Iterable[Sequence[Any]]


Statement = Exec | Fetch | Many
Body = Generator[Statement, Any, T]
Work = Callable[[], Body[T]]


class BulkWriter(Protocol):
    """Loads whole tables inside one open transaction (see ``SqlStorage.bulk_writer``)."""

    async def insert(self, table: str, rows: list[tuple[Any, ...]]) -> None:
        """Insert rows given in ``TABLES[table]`` column order."""
        ...

    async def clear(self, table: str) -> None: ...


IMPORT_BATCH = 10_000
COMPLETION_COLUMNS = "guild_id, member_id, milestone_id, completed_at, note, recorded_by"
MEMBER_COLUMNS = "guild_id, member_id, track_id, created_at, updated_at"
PROGRESS_SQL = (
    # One statement: the member row and their completions are one snapshot. No ORDER BY:
    # it lures SQLite onto the time index instead of the primary key.
    "SELECT m.guild_id, m.member_id, m.track_id, m.created_at, m.updated_at, "
    "c.guild_id, c.member_id, c.milestone_id, c.completed_at, c.note, c.recorded_by "
    "FROM members m LEFT JOIN completions c ON c.guild_id = m.guild_id AND c.member_id = m.member_id "
    "WHERE m.guild_id = ? AND m.member_id = ?"
)
# Every table holding data, parents first, with its columns and a unique key to page through
# it in order (question_log has none: it is capped per guild, so it is read in one go).
# ``db copy`` and ``db status`` use this; a test checks it names every table of the schema.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "members": (("guild_id", "member_id", "track_id", "created_at", "updated_at"), ("guild_id", "member_id")),
    "completions": (
        ("guild_id", "member_id", "milestone_id", "completed_at", "note", "recorded_by"),
        ("guild_id", "member_id", "milestone_id"),
    ),
    "guild_settings": (
        ("guild_id", "announce_channel_id", "log_channel_id", "reward_mode", "updated_at"),
        ("guild_id",),
    ),
    "milestone_roles": (("guild_id", "milestone_id", "role_id"), ("guild_id", "milestone_id")),
    "mention_opt_ins": (("guild_id", "member_id", "opted_in_at"), ("guild_id", "member_id")),
    "entry_votes": (
        ("guild_id", "entry_id", "member_id", "vote", "voted_at"),
        ("guild_id", "entry_id", "member_id"),
    ),
    "entry_opens": (("guild_id", "entry_id", "day", "opens"), ("guild_id", "entry_id", "day")),
    "question_counts": (("guild_id", "day", "questions"), ("guild_id", "day")),
    "question_log": (
        ("guild_id", "question", "outcome", "best_entry_id", "confidence", "asked_at", "asker"),
        (),
    ),
    "bot_state": (("key", "value", "updated_at"), ("key",)),
    "job_runs": (("job", "slot", "holder", "claimed_at", "lease_until", "finished_at"), ("job", "slot")),
    # the coaching loop (migration 0006)
    "goals": (
        ("guild_id", "member_id", "milestone_id", "due_on", "remind", "reminded_on", "set_at"),
        ("guild_id", "member_id", "milestone_id"),
    ),
    "checkins": (
        (
            "guild_id",
            "member_id",
            "cadence",
            "weekday",
            "hour",
            "zone",
            "next_due_at",
            "last_sent_at",
            "off_reason",
            "notice_pending",
            "updated_at",
        ),
        ("guild_id", "member_id"),
    ),
    "coaching_dms": (("member_id", "last_dm_on", "dm_closed"), ("member_id",)),
    "coaching_activity": (("guild_id", "member_id", "day"), ("guild_id", "member_id", "day")),
    "buddy_requests": (("guild_id", "member_id", "milestone_id", "requested_at"), ("guild_id", "member_id")),
    "buddy_pairs": (
        ("guild_id", "member_a", "member_b", "paired_at", "thread_id", "ended_at"),
        ("guild_id", "member_a", "member_b"),
    ),
    "guild_coaching": (
        (
            "guild_id",
            "buddy_channel_id",
            "help_channel_id",
            "digest_channel_id",
            "digest_weekday",
            "digest_hour",
            "digest_next_at",
            "updated_at",
        ),
        ("guild_id",),
    ),
}
_ADD_COMPLETION_SQL = (
    # One statement checks and inserts; the casts give PostgreSQL the parameters' types.
    f"INSERT INTO completions ({COMPLETION_COLUMNS}) SELECT CAST(? AS BIGINT), CAST(? AS BIGINT), "
    "CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT) WHERE NOT EXISTS (SELECT 1 FROM "
    "completions WHERE guild_id = ? AND member_id = ? AND milestone_id IN ({ids}))"
)
SCHEMA_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, "
    "name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


# -- rows <-> records ---------------------------------------------------------------------------


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _completion(row: Sequence[Any]) -> CompletionRecord:
    return CompletionRecord(row[0], row[1], row[2], _dt(row[3]), row[4], row[5])


def _completion_params(c: CompletionRecord) -> tuple[Any, ...]:
    return (c.guild_id, c.member_id, c.milestone_id, utc_iso(c.completed_at), c.note, c.recorded_by)


def _member(row: Sequence[Any]) -> MemberRecord:
    return MemberRecord(row[0], row[1], row[2], _dt(row[3]), _dt(row[4]))


def batched(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


def insert_sql(table: str) -> str:
    """``INSERT`` of one row of ``table`` in ``TABLES`` column order."""
    columns = TABLES[table][0]
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_placeholders(len(columns))})"


def _scope(member_id: int, guild_id: int | None, column: str = "member_id") -> tuple[str, tuple[int, ...]]:
    """``WHERE`` clause and parameters for one member in one guild, or in all guilds."""
    if guild_id is None:
        return f"{column} = ?", (member_id,)
    return f"{column} = ? AND guild_id = ?", (member_id, guild_id)


def split_statements(script: str) -> list[str]:
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


# -- bodies used by several methods -------------------------------------------------------------


def _exec(sql: str, params: Sequence[Any] = ()) -> Body[int]:
    return (yield Exec(sql, params))


def _fetch(sql: str, params: Sequence[Any] = ()) -> Body[list[Any]]:
    return (yield Fetch(sql, params))


def _scalar(sql: str, params: Sequence[Any] = ()) -> Body[Any]:
    """The first column of the first row, or None."""
    rows = yield Fetch(sql, params)
    return rows[0][0] if rows else None


def _read_progress(guild_id: int, member_id: int) -> Body[MemberProgress]:
    rows = yield Fetch(PROGRESS_SQL, (guild_id, member_id))
    if not rows:
        return MemberProgress(None, ())
    rows = sorted(rows, key=lambda row: (row[8] or "", row[7] or ""))
    return MemberProgress(
        _member(rows[0][:5]), tuple(_completion(row[5:]) for row in rows if row[7] is not None)
    )


def _current_version() -> Body[int]:
    return int((yield from _scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version")))


class SqlStorage:
    """``Storage`` over any driver that can run a body in one transaction (see the module doc)."""

    where: str  # names the database in messages (a path, or host:port/db without the password)

    def __init__(self) -> None:
        self._asker_key = ""  # set by _open_schema, once migrations made bot_state
        self._trims = TrimSchedule()

    async def _run(
        self, work: Work[T], *, write: bool = False, single: bool = False, queue: Hashable = None
    ) -> T:
        """Run the body in one transaction (a snapshot when it only reads); backends implement it.

        ``single``: the body runs exactly one statement, which is atomic on its own, so a
        backend may skip BEGIN and COMMIT (two round trips to a server). ``queue``: calls
        with the same key would wait on each other's row locks; a pooled backend queues
        them in the process instead, so they do not hold connections others could use."""
        raise NotImplementedError

    def _migration_lock(self) -> AbstractAsyncContextManager[None]:
        """Held while migrating, so two processes starting at once migrate one after the other."""
        return nullcontext()

    async def _write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One statement in its own transaction; returns the number of rows it changed."""
        return await self._run(partial(_exec, sql, params), write=True, single=True)

    async def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return await self._run(partial(_fetch, sql, params), single=True)

    # ------------------------------------------------------------------ migrations

    async def schema_version(self) -> int:
        return await self._run(_current_version)

    async def _open_schema(self, migrations: Sequence[Migration] | None) -> None:
        """Configure the connection, migrate to ``migrations`` (default: all shipped; tests pass
        a prefix to build an old schema), then load the asker key once the schema is complete.
        On any failure the storage is closed again."""
        try:
            await self._configure()
            await self.migrate(load_migrations() if migrations is None else migrations)
            if migrations is None:
                await self.reload_asker_key()
        except BaseException:
            await self.close()
            raise

    async def _configure(self) -> None:
        """Backend set-up before migrating (SQLite's pragmas)."""

    async def close(self) -> None:
        raise NotImplementedError

    async def reload_asker_key(self) -> None:
        """Read (making it on first use) the key for who asked; again after ``db copy``."""
        self._asker_key = await self._run(self._load_asker_key, write=True)

    async def migrate(self, migrations: Sequence[Migration]) -> None:
        """Apply the migrations this database lacks, each in its own transaction, in order;
        refuse a database written by a newer bot or with a different migration history."""
        async with self._migration_lock():
            await self._migrate(migrations)

    async def _migrate(self, migrations: Sequence[Migration]) -> None:
        def applied() -> Body[list[tuple[int, str]]]:
            yield Exec(SCHEMA_VERSION_TABLE)
            return [
                tuple(r) for r in (yield Fetch("SELECT version, name FROM schema_version ORDER BY version"))
            ]

        done = await self._run(applied, write=True)
        known = {m.version: m.name for m in migrations}
        newest = max(known, default=0)
        if done and done[-1][0] > newest:
            raise SchemaError(
                f"the database {self.where} has schema version {done[-1][0]}, newer than this bot knows "
                f"(up to {newest}): it was written by a newer version of the bot. Upgrade the bot (or "
                "restore a backup); refusing to open it so nothing gets corrupted"
            )
        for version, name in done:
            if known.get(version) != name:
                raise SchemaError(
                    f"the database {self.where} applied migration {version:04d}_{name}, but "
                    f"this bot ships {version:04d}_{known.get(version)}; refusing to open it"
                )
        for migration in (m for m in migrations if m.version not in {v for v, _ in done}):

            def apply(migration: Migration = migration) -> Body[bool]:
                # Another process may have applied it while we waited for the lock.
                if (yield from _current_version()) >= migration.version:
                    return False
                for statement in split_statements(migration.sql):
                    yield Exec(statement)
                yield Exec(
                    "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                    (migration.version, migration.name, utc_iso(datetime.now(UTC))),
                )
                return True

            if await self._run(apply, write=True):
                log.info("applied migration %04d_%s to %s", migration.version, migration.name, self.where)

    @staticmethod
    def _load_asker_key() -> Body[str]:
        """This database's key for hashing who asked a logged question (made on first open)."""
        yield Exec(
            "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING",
            (ASKER_KEY_STATE, new_asker_key(), utc_iso(datetime.now(UTC))),
        )
        return str((yield from _scalar("SELECT value FROM bot_state WHERE key = ?", (ASKER_KEY_STATE,))))

    # ------------------------------------------------------------------ whole tables (db copy, db status)

    async def table_counts(self) -> dict[str, int]:
        """Rows per data table, in one snapshot."""

        def count() -> Body[dict[str, int]]:
            counts = {}
            for table in TABLES:
                counts[table] = int((yield from _scalar(f"SELECT COUNT(*) FROM {table}")))
            return counts

        return await self._run(count)

    async def read_table(self, table: str, after: Sequence[Any] | None, limit: int) -> list[tuple[Any, ...]]:
        """Up to ``limit`` rows of ``table`` following the key ``after`` (None: from the start),
        in key order; a table without a key comes whole."""
        columns, key = TABLES[table]
        select = f"SELECT {', '.join(columns)} FROM {table}"
        if not key:
            return [tuple(r) for r in await self._rows(select)] if after is None else []
        where = "" if after is None else f" WHERE ({', '.join(key)}) > ({_placeholders(len(key))})"
        return [
            tuple(r)
            for r in await self._rows(
                f"{select}{where} ORDER BY {', '.join(key)} LIMIT ?", (*(after or ()), limit)
            )
        ]

    def bulk_writer(self) -> AbstractAsyncContextManager[BulkWriter]:
        """One transaction held open across awaits for loading many rows (``db copy``):
        ``async with storage.bulk_writer() as bulk: await bulk.insert(table, rows)``; commits
        at the end, rolls everything back on any error."""
        raise NotImplementedError

    # ------------------------------------------------------------------ progress

    async def get_progress(self, guild_id: int, member_id: int) -> MemberProgress:
        return await self._run(partial(_read_progress, guild_id, member_id), single=True)

    async def set_track(self, guild_id: int, member_id: int, track_id: str | None, at: datetime) -> None:
        stamp = utc_iso(at)
        await self._write(
            f"INSERT INTO members ({MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, member_id) DO UPDATE SET track_id = excluded.track_id, "
            "updated_at = excluded.updated_at",
            (guild_id, member_id, track_id, stamp, stamp),
        )

    async def add_completion(self, record: CompletionRecord, aliases: Sequence[str] = ()) -> AddOutcome:
        ids = (record.milestone_id, *aliases)
        params = _completion_params(record)
        owner = (record.guild_id, record.member_id)

        def add() -> Body[AddOutcome]:
            # The no-op update locks the member's row (PostgreSQL), so concurrent calls for one
            # member run one after the other and the check below sees the others' rows.
            yield Exec(
                f"INSERT INTO members ({MEMBER_COLUMNS}) VALUES (?, ?, NULL, ?, ?) "
                "ON CONFLICT (guild_id, member_id) DO UPDATE SET track_id = members.track_id",
                (*owner, params[3], params[3]),
            )
            inserted = (
                yield Exec(_ADD_COMPLETION_SQL.format(ids=_placeholders(len(ids))), (*params, *owner, *ids))
            ) == 1
            progress = yield from _read_progress(*owner)
            existing = record if inserted else next(c for c in progress.completions if c.milestone_id in ids)
            return AddOutcome(existing, inserted, progress)

        return await self._run(add, write=True, queue=owner)

    async def remove_completions(self, guild_id: int, member_id: int, milestone_ids: Sequence[str]) -> int:
        if not milestone_ids:
            return 0
        return await self._write(
            f"DELETE FROM completions WHERE guild_id = ? AND member_id = ? "
            f"AND milestone_id IN ({_placeholders(len(milestone_ids))})",
            (guild_id, member_id, *milestone_ids),
        )

    async def import_records(
        self, members: Iterable[MemberRecord], completions: Iterable[CompletionRecord]
    ) -> None:
        member_rows = (
            (m.guild_id, m.member_id, m.track_id, utc_iso(m.created_at), utc_iso(m.updated_at))
            for m in members
        )
        completion_rows = (_completion_params(c) for c in completions)

        def load() -> Body[None]:
            # In batches: each statement stays well within a server's statement timeout.
            for batch in batched(member_rows, IMPORT_BATCH):
                yield Many(
                    f"INSERT INTO members ({MEMBER_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT (guild_id, member_id) DO NOTHING",
                    batch,
                )
            for batch in batched(completion_rows, IMPORT_BATCH):
                yield Many(
                    f"INSERT INTO completions ({COMPLETION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (guild_id, member_id, milestone_id) DO NOTHING",
                    batch,
                )

        await self._run(load, write=True)

    # ------------------------------------------------------------------ statistics

    async def count_members(self, guild_id: int) -> int:
        return await self._run(
            partial(_scalar, "SELECT COUNT(*) FROM members WHERE guild_id = ?", (guild_id,)), single=True
        )

    async def count_members_by_milestone(
        self, guild_id: int, aliases: Mapping[str, str] | None = None
    ) -> dict[str, int]:
        group, params = "milestone_id", []
        if aliases:
            group = f"CASE milestone_id {' '.join('WHEN ? THEN ?' for _ in aliases)} ELSE milestone_id END"
            params = [x for pair in aliases.items() for x in pair]
        rows = await self._rows(
            "SELECT grp, COUNT(DISTINCT member_id) FROM "
            f"(SELECT {group} AS grp, member_id FROM completions WHERE guild_id = ?) AS t GROUP BY grp",
            (*params, guild_id),
        )
        return dict(rows)

    async def completions_per_day(self, guild_id: int, since: date) -> dict[date, int]:
        rows = await self._rows(
            "SELECT substr(completed_at, 1, 10), COUNT(*) FROM completions "
            "WHERE guild_id = ? AND completed_at >= ? GROUP BY substr(completed_at, 1, 10)",
            (guild_id, since.isoformat()),
        )
        return {date.fromisoformat(day): count for day, count in rows}

    # ------------------------------------------------------------------ privacy

    def _asked_by(self, member_id: int, guild_id: int | None) -> tuple[str, tuple[Any, ...]]:
        where, params = _scope(member_id, guild_id, "asker")
        return where, (asker_hash(self._asker_key, member_id), *params[1:])

    async def export_member(self, member_id: int, guild_id: int | None = None) -> MemberData:
        where, params = _scope(member_id, guild_id)
        by_where, by_params = _scope(member_id, guild_id, "recorded_by")
        asked_where, asked_params = self._asked_by(member_id, guild_id)

        def export() -> Body[MemberData]:
            members = yield Fetch(
                f"SELECT {MEMBER_COLUMNS} FROM members WHERE {where} ORDER BY guild_id", params
            )
            completions = yield Fetch(
                f"SELECT {COMPLETION_COLUMNS} FROM completions WHERE {where} "
                "ORDER BY guild_id, completed_at, milestone_id",
                params,
            )
            for_others = yield Fetch(
                f"SELECT {COMPLETION_COLUMNS} FROM completions WHERE {by_where} "
                "AND member_id <> ? ORDER BY guild_id, completed_at, member_id",
                (*by_params, member_id),
            )
            votes = yield Fetch(
                "SELECT guild_id, entry_id, member_id, vote, voted_at FROM entry_votes "
                f"WHERE {where} ORDER BY guild_id, entry_id",
                params,
            )
            opt_ins = yield Fetch(
                f"SELECT guild_id, member_id, opted_in_at FROM mention_opt_ins WHERE {where} "
                "ORDER BY guild_id",
                params,
            )
            questions = yield Fetch(
                f"SELECT guild_id, question, asked_at FROM question_log WHERE {asked_where} "
                "ORDER BY guild_id, asked_at",
                asked_params,
            )
            return MemberData(
                member_id=member_id,
                members=tuple(_member(r) for r in members),
                completions=tuple(_completion(r) for r in completions),
                recorded_for_others=tuple(_completion(r) for r in for_others),
                votes=tuple(VoteRecord(r[0], r[1], r[2], r[3], _dt(r[4])) for r in votes),
                mention_opt_ins=tuple(MentionOptIn(r[0], r[1], _dt(r[2])) for r in opt_ins),
                questions=tuple(AskedQuestion(r[0], r[1], _dt(r[2])) for r in questions),
            )

        return await self._run(export)

    async def delete_member(self, member_id: int, guild_id: int | None = None) -> DeletedCounts:
        where, params = _scope(member_id, guild_id)
        by_where, by_params = _scope(member_id, guild_id, "recorded_by")
        asked_where, asked_params = self._asked_by(member_id, guild_id)

        def delete() -> Body[DeletedCounts]:
            anonymised = yield Exec(
                f"UPDATE completions SET recorded_by = NULL WHERE {by_where} AND member_id <> ?",
                (*by_params, member_id),
            )
            return DeletedCounts(
                anonymised=anonymised,
                completions=(yield Exec(f"DELETE FROM completions WHERE {where}", params)),
                members=(yield Exec(f"DELETE FROM members WHERE {where}", params)),
                votes=(yield Exec(f"DELETE FROM entry_votes WHERE {where}", params)),
                mention_opt_ins=(yield Exec(f"DELETE FROM mention_opt_ins WHERE {where}", params)),
                questions=(yield Exec(f"DELETE FROM question_log WHERE {asked_where}", asked_params)),
            )

        return await self._run(delete, write=True)

    # ------------------------------------------------------------------ guild features

    async def get_guild_settings(self, guild_id: int) -> GuildSettings:
        rows = await self._rows(
            "SELECT announce_channel_id, log_channel_id, reward_mode FROM guild_settings WHERE guild_id = ?",
            (guild_id,),
        )
        return GuildSettings(guild_id, *rows[0]) if rows else GuildSettings(guild_id)

    async def save_guild_settings(self, settings: GuildSettings) -> None:
        await self._write(
            "INSERT INTO guild_settings (guild_id, announce_channel_id, log_channel_id, reward_mode, "
            "updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (guild_id) DO UPDATE SET "
            "announce_channel_id = excluded.announce_channel_id, log_channel_id = excluded.log_channel_id, "
            "reward_mode = excluded.reward_mode, updated_at = excluded.updated_at",
            (
                settings.guild_id,
                settings.announce_channel_id,
                settings.log_channel_id,
                settings.reward_mode,
                utc_iso(datetime.now(UTC)),
            ),
        )

    async def set_milestone_role(self, guild_id: int, milestone_id: str, role_id: int | None) -> None:
        if role_id is None:
            await self._write(
                "DELETE FROM milestone_roles WHERE guild_id = ? AND milestone_id = ?",
                (guild_id, milestone_id),
            )
        else:
            await self._write(
                "INSERT INTO milestone_roles (guild_id, milestone_id, role_id) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, milestone_id) DO UPDATE SET role_id = excluded.role_id",
                (guild_id, milestone_id, role_id),
            )

    async def milestone_roles(self, guild_id: int) -> dict[str, int]:
        return dict(
            await self._rows(
                "SELECT milestone_id, role_id FROM milestone_roles WHERE guild_id = ? ORDER BY milestone_id",
                (guild_id,),
            )
        )

    async def set_mention_opt_in(self, guild_id: int, member_id: int, enabled: bool, at: datetime) -> None:
        if enabled:
            await self._write(
                "INSERT INTO mention_opt_ins (guild_id, member_id, opted_in_at) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, member_id) DO NOTHING",
                (guild_id, member_id, utc_iso(at)),
            )
        else:
            await self._write(
                "DELETE FROM mention_opt_ins WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
            )

    async def mention_opt_in(self, guild_id: int, member_id: int) -> bool:
        return bool(
            await self._rows(
                "SELECT 1 FROM mention_opt_ins WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
            )
        )

    async def log_channels(self) -> dict[int, int]:
        return dict(
            await self._rows(
                "SELECT guild_id, log_channel_id FROM guild_settings "
                "WHERE log_channel_id IS NOT NULL ORDER BY guild_id"
            )
        )

    async def guild_ids(self) -> list[int]:
        rows = await self._rows(
            "SELECT guild_id FROM members UNION SELECT guild_id FROM guild_settings "
            "UNION SELECT guild_id FROM question_counts ORDER BY guild_id"
        )
        return [g for (g,) in rows]

    async def member_ids(self, guild_id: int) -> list[int]:
        return [
            m
            for (m,) in await self._rows(
                "SELECT member_id FROM members WHERE guild_id = ? ORDER BY member_id", (guild_id,)
            )
        ]

    async def guild_completions(self, guild_id: int) -> list[ProgressRow]:
        rows = await self._rows(
            "SELECT c.member_id, m.track_id, c.milestone_id, c.completed_at FROM completions c "
            "JOIN members m ON m.guild_id = c.guild_id AND m.member_id = c.member_id "
            "WHERE c.guild_id = ? ORDER BY c.member_id, c.completed_at, c.milestone_id",
            (guild_id,),
        )
        return [ProgressRow(*row) for row in rows]

    # ------------------------------------------------------------------ questions

    async def questions_per_day(self, guild_id: int, since: date) -> dict[date, int]:
        rows = await self._rows(
            "SELECT day, questions FROM question_counts WHERE guild_id = ? AND day >= ? ORDER BY day",
            (guild_id, since.isoformat()),
        )
        return {date.fromisoformat(day): n for day, n in rows}

    async def record_usage(self, usage: Usage) -> None:
        if any(n < 1 for n in (*usage.questions.values(), *usage.opens.values())):
            raise ValueError("counts must be at least 1")
        questions = [(guild_id, day.isoformat(), n) for (guild_id, day), n in usage.questions.items()]
        opens = [(guild_id, entry, day.isoformat(), n) for (guild_id, entry, day), n in usage.opens.items()]
        key = self._asker_key
        logged = [
            (
                q.guild_id,
                q.question,
                q.outcome,
                q.best_entry_id,
                q.confidence,
                utc_iso(q.at),
                asker_hash(key, q.member_id),
            )
            for q in usage.unanswered
        ]
        trims = {q.guild_id for q in usage.unanswered if self._trims.due(q.guild_id)}

        def record() -> Body[None]:
            if questions:
                yield Many(
                    "INSERT INTO question_counts (guild_id, day, questions) VALUES (?, ?, ?) "
                    "ON CONFLICT (guild_id, day) DO UPDATE "
                    "SET questions = question_counts.questions + excluded.questions",
                    questions,
                )
            if opens:
                yield Many(
                    "INSERT INTO entry_opens (guild_id, entry_id, day, opens) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (guild_id, entry_id, day) DO UPDATE SET opens = entry_opens.opens + excluded.opens",
                    opens,
                )
            if logged:
                yield Many(
                    "INSERT INTO question_log (guild_id, question, outcome, best_entry_id, confidence, "
                    "asked_at, asker) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    logged,
                )
            # keep the newest QUESTION_LOG_CAP per guild: members cannot grow the log without bound
            for guild_id in sorted(trims):
                yield Exec(
                    "DELETE FROM question_log WHERE guild_id = ? AND asked_at < (SELECT asked_at "
                    "FROM question_log WHERE guild_id = ? ORDER BY asked_at DESC LIMIT 1 OFFSET ?)",
                    (guild_id, guild_id, QUESTION_LOG_CAP - 1),
                )

        if questions or opens or logged:
            await self._run(record, write=True)

    async def logged_questions(self, guild_id: int, since: datetime) -> list[LoggedQuestion]:
        rows = await self._rows(
            "SELECT question, outcome, best_entry_id, confidence, asked_at FROM question_log "
            "WHERE guild_id = ? AND asked_at >= ? ORDER BY asked_at",
            (guild_id, utc_iso(since)),
        )
        return [
            LoggedQuestion(q, outcome, best, confidence, _dt(at)) for q, outcome, best, confidence, at in rows
        ]

    async def prune_questions(self, before: datetime) -> int:
        return await self._write("DELETE FROM question_log WHERE asked_at < ?", (utc_iso(before),))

    # ------------------------------------------------------------------ feedback

    async def set_vote(self, guild_id: int, entry_id: str, member_id: int, vote: int, at: datetime) -> None:
        await self._write(
            "INSERT INTO entry_votes (guild_id, entry_id, member_id, vote, voted_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, entry_id, member_id) DO UPDATE SET vote = excluded.vote, "
            "voted_at = excluded.voted_at",
            (guild_id, entry_id, member_id, vote, utc_iso(at)),
        )

    async def vote_tallies(self, guild_id: int) -> dict[str, VoteTally]:
        rows = await self._rows(
            "SELECT entry_id, SUM(CASE WHEN vote > 0 THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN vote < 0 THEN 1 ELSE 0 END) FROM entry_votes WHERE guild_id = ? "
            "GROUP BY entry_id ORDER BY entry_id",
            (guild_id,),
        )
        return {entry_id: VoteTally(up, down) for entry_id, up, down in rows}

    async def entry_opens(self, guild_id: int, since: date) -> list[EntryOpens]:
        rows = await self._rows(
            "SELECT entry_id, day, opens FROM entry_opens WHERE guild_id = ? "
            "AND day >= ? ORDER BY day, entry_id",
            (guild_id, since.isoformat()),
        )
        return [
            EntryOpens(guild_id, entry_id, date.fromisoformat(day), opens) for entry_id, day, opens in rows
        ]

    # ------------------------------------------------------------------ jobs run once across processes

    async def claim_job_run(self, job: str, slot: str, holder: str, at: datetime, lease: timedelta) -> bool:
        # Inserted, or taken over from a holder whose lease ended without finishing: 1 row.
        return (
            await self._write(
                "INSERT INTO job_runs (job, slot, holder, claimed_at, lease_until, finished_at) "
                "VALUES (?, ?, ?, ?, ?, NULL) ON CONFLICT (job, slot) DO UPDATE SET holder = excluded.holder, "
                "claimed_at = excluded.claimed_at, lease_until = excluded.lease_until "
                "WHERE job_runs.finished_at IS NULL AND job_runs.lease_until <= excluded.claimed_at",
                (job, slot, holder, utc_iso(at), utc_iso(at + lease)),
            )
            == 1
        )

    async def finish_job_run(self, job: str, slot: str, holder: str, at: datetime) -> bool:
        return (
            await self._write(
                "UPDATE job_runs SET finished_at = ? WHERE job = ? AND slot = ? AND holder = ? "
                "AND finished_at IS NULL",
                (utc_iso(at), job, slot, holder),
            )
            == 1
        )

    async def forget_job_runs(self, before: datetime) -> int:
        return await self._write("DELETE FROM job_runs WHERE claimed_at < ?", (utc_iso(before),))

    # ------------------------------------------------------------------ bot state

    async def get_state(self, key: str) -> str | None:
        return await self._run(
            partial(_scalar, "SELECT value FROM bot_state WHERE key = ?", (key,)), single=True
        )

    async def set_state(self, key: str, value: str | None) -> None:
        if value is None:
            await self._write("DELETE FROM bot_state WHERE key = ?", (key,))
        else:
            await self._write(
                "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, value, utc_iso(datetime.now(UTC))),
            )
