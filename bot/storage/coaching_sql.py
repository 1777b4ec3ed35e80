"""The coaching methods, written once for both backends as bodies of statements (see
``bot.storage.sql``).

Work that must happen once across processes (a check-in, a goal reminder, a digest) is
claimed by compare-and-set: a process moves the row's due time from the value it read to
the next one, and only the process whose UPDATE changed a row sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.storage.coaching import (
    BuddyPair,
    BuddyRequest,
    CheckinRecord,
    Claim,
    GoalRecord,
    GuildCoaching,
    Shards,
)
from bot.storage.protocol import utc_iso
from bot.storage.sql import Body, Exec, Fetch, SqlStorage

GOAL_COLUMNS = "guild_id, member_id, milestone_id, due_on, remind, reminded_on, set_at"
CHECKIN_COLUMNS = (
    "guild_id, member_id, cadence, weekday, hour, zone, next_due_at, last_sent_at, off_reason, notice_pending"
)
GUILD_COACHING_COLUMNS = (
    "guild_id, buddy_channel_id, help_channel_id, digest_channel_id, digest_weekday, "
    "digest_hour, digest_next_at"
)
PAIR_COLUMNS = "guild_id, member_a, member_b, paired_at, thread_id, ended_at"


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class _Taken(Exception):
    """Another transaction took what this one was about to claim: roll back, claim nothing."""


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _goal(row: Sequence[Any]) -> GoalRecord:
    return GoalRecord(
        row[0],
        row[1],
        row[2],
        date.fromisoformat(row[3]),
        bool(row[4]),
        _day(row[5]),
        datetime.fromisoformat(row[6]),
    )


def _checkin(row: Sequence[Any]) -> CheckinRecord:
    return CheckinRecord(
        row[0], row[1], row[2], row[3], row[4], row[5], _dt(row[6]), _dt(row[7]), row[8], bool(row[9])
    )


def _pair(row: Sequence[Any]) -> BuddyPair:
    return BuddyPair(row[0], row[1], row[2], datetime.fromisoformat(row[3]), row[4], _dt(row[5]))


def _guild_coaching(row: Sequence[Any]) -> GuildCoaching:
    return GuildCoaching(row[0], row[1], row[2], row[3], row[4], row[5], _dt(row[6]))


def _shard_clause(shards: Shards | None) -> tuple[str, tuple[int, ...]]:
    """Only the guilds of these shards (Discord routes guild ``g`` to shard ``(g >> 22) % count``)."""
    if shards is None:
        return "", ()
    count, ids = shards
    return f" AND ((guild_id / 4194304) % ?) IN ({', '.join('?' * len(ids))})", (count, *sorted(ids))


def _member_scope(
    member_id: int, guild_id: int | None, column: str = "member_id"
) -> tuple[str, tuple[int, ...]]:
    if guild_id is None:
        return f"{column} = ?", (member_id,)
    return f"{column} = ? AND guild_id = ?", (member_id, guild_id)


def _one_dm_a_day(member_id: int, day: date) -> Body[bool]:
    """Take today's coaching DM for the member; False if one was already taken today."""
    changed = yield Exec(
        "INSERT INTO coaching_dms (member_id, last_dm_on) VALUES (?, ?) ON CONFLICT (member_id) DO UPDATE "
        "SET last_dm_on = excluded.last_dm_on "
        "WHERE coaching_dms.last_dm_on IS NULL OR coaching_dms.last_dm_on < excluded.last_dm_on",
        (member_id, day.isoformat()),
    )
    return bool(changed)


class CoachingStorage(SqlStorage):
    """``SqlStorage`` with the coaching methods; the backends derive from this."""

    # ------------------------------------------------------------------ goals

    async def set_goal(self, goal: GoalRecord) -> None:
        await self._write(
            f"INSERT INTO goals ({GOAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, NULL, ?) "
            "ON CONFLICT (guild_id, member_id, milestone_id) DO UPDATE SET due_on = excluded.due_on, "
            "remind = excluded.remind, reminded_on = NULL, set_at = excluded.set_at",
            (
                goal.guild_id,
                goal.member_id,
                goal.milestone_id,
                goal.due_on.isoformat(),
                int(goal.remind),
                utc_iso(goal.set_at),
            ),
        )

    async def clear_goal(self, guild_id: int, member_id: int, milestone_ids: Sequence[str]) -> int:
        marks = ", ".join("?" * len(milestone_ids))
        return await self._write(
            f"DELETE FROM goals WHERE guild_id = ? AND member_id = ? AND milestone_id IN ({marks})",
            (guild_id, member_id, *milestone_ids),
        )

    async def goals_of(self, guild_id: int, member_id: int) -> list[GoalRecord]:
        rows = await self._rows(
            f"SELECT {GOAL_COLUMNS} FROM goals WHERE guild_id = ? AND member_id = ? "
            "ORDER BY due_on, milestone_id",
            (guild_id, member_id),
        )
        return [_goal(r) for r in rows]

    async def goals_due_between(
        self, first: date, last: date, limit: int, shards: Shards | None = None
    ) -> list[GoalRecord]:
        """Goals with reminders on whose day falls in ``first..last`` and not yet recalled on it."""
        in_shards, shard_params = _shard_clause(shards)
        rows = await self._rows(
            f"SELECT {GOAL_COLUMNS} FROM goals WHERE remind = 1 AND due_on >= ? AND due_on <= ? "
            f"AND (reminded_on IS NULL OR reminded_on < due_on){in_shards} "
            "ORDER BY due_on, guild_id, member_id LIMIT ?",
            (first.isoformat(), last.isoformat(), *shard_params, limit),
        )
        return [_goal(r) for r in rows]

    async def claim_reminder(self, goal: GoalRecord, day: date, *, standalone: bool) -> Claim:
        """Mark ``goal`` recalled on ``day``; a standalone reminder also takes the member's DM of the day."""
        before = goal.reminded_on.isoformat() if goal.reminded_on else None

        def claim() -> Body[Claim]:
            changed = yield Exec(
                "UPDATE goals SET reminded_on = ? WHERE guild_id = ? AND member_id = ? AND milestone_id = ? "
                "AND due_on = ? AND COALESCE(reminded_on, '') = ?",
                (
                    day.isoformat(),
                    goal.guild_id,
                    goal.member_id,
                    goal.milestone_id,
                    goal.due_on.isoformat(),
                    before or "",
                ),
            )
            if not changed:
                return Claim.TAKEN
            if standalone and not (yield from _one_dm_a_day(goal.member_id, day)):
                yield Exec(
                    "UPDATE goals SET reminded_on = ? WHERE guild_id = ? AND member_id = ? "
                    "AND milestone_id = ?",
                    (before, goal.guild_id, goal.member_id, goal.milestone_id),
                )
                return Claim.POSTPONED
            return Claim.SEND

        result: Claim = await self._run(claim, write=True)
        return result

    # ------------------------------------------------------------------ check-ins

    async def save_checkin(self, record: CheckinRecord, at: datetime) -> None:
        """Insert or replace a member's check-in settings (turning them on clears any notice)."""
        await self._write(
            f"INSERT INTO checkins ({CHECKIN_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id, member_id) DO UPDATE SET cadence = excluded.cadence, "
            "weekday = excluded.weekday, hour = excluded.hour, zone = excluded.zone, "
            "next_due_at = excluded.next_due_at, off_reason = excluded.off_reason, "
            "notice_pending = excluded.notice_pending, updated_at = excluded.updated_at",
            (
                record.guild_id,
                record.member_id,
                record.cadence,
                record.weekday,
                record.hour,
                record.zone,
                utc_iso(record.next_due_at) if record.next_due_at else None,
                utc_iso(record.last_sent_at) if record.last_sent_at else None,
                record.off_reason,
                int(record.notice_pending),
                utc_iso(at),
            ),
        )

    async def checkin_of(self, guild_id: int, member_id: int) -> CheckinRecord | None:
        rows = await self._rows(
            f"SELECT {CHECKIN_COLUMNS} FROM checkins WHERE guild_id = ? AND member_id = ?",
            (guild_id, member_id),
        )
        return _checkin(rows[0]) if rows else None

    async def due_checkins(
        self, now: datetime, limit: int, shards: Shards | None = None
    ) -> list[CheckinRecord]:
        in_shards, shard_params = _shard_clause(shards)
        rows = await self._rows(
            f"SELECT {CHECKIN_COLUMNS} FROM checkins WHERE next_due_at IS NOT NULL "
            f"AND next_due_at <= ?{in_shards} ORDER BY next_due_at LIMIT ?",
            (utc_iso(now), *shard_params, limit),
        )
        return [_checkin(r) for r in rows]

    async def claim_checkin(self, record: CheckinRecord, next_due: datetime, now: datetime) -> Claim:
        """Move a due check-in to ``next_due`` if it is still due as read; take the member's DM of the day."""
        due = record.next_due_at
        if due is None:
            return Claim.TAKEN
        expected = utc_iso(due)
        key = (record.guild_id, record.member_id)

        def claim() -> Body[Claim]:
            changed = yield Exec(
                "UPDATE checkins SET next_due_at = ?, last_sent_at = ? WHERE guild_id = ? "
                "AND member_id = ? AND next_due_at = ?",
                (utc_iso(next_due), utc_iso(now), *key, expected),
            )
            if not changed:
                return Claim.TAKEN
            if not (yield from _one_dm_a_day(record.member_id, now.date())):
                tomorrow = utc_iso(max(due, now) + timedelta(days=1))
                yield Exec(
                    "UPDATE checkins SET next_due_at = ?, last_sent_at = ? WHERE guild_id = ? "
                    "AND member_id = ?",
                    (tomorrow, utc_iso(record.last_sent_at) if record.last_sent_at else None, *key),
                )
                return Claim.POSTPONED
            return Claim.SEND

        result: Claim = await self._run(claim, write=True)
        return result

    async def move_checkin(self, guild_id: int, member_id: int, next_due: datetime) -> bool:
        """Snooze or reschedule a check-in that is on; False when check-ins are off."""
        return bool(
            await self._write(
                "UPDATE checkins SET next_due_at = ? WHERE guild_id = ? AND member_id = ? AND next_due_at IS NOT NULL",
                (utc_iso(next_due), guild_id, member_id),
            )
        )

    async def stop_checkins(self, guild_id: int | None, member_id: int, reason: str, *, notice: bool) -> int:
        where, params = _member_scope(member_id, guild_id)
        return await self._write(
            f"UPDATE checkins SET next_due_at = NULL, off_reason = ?, notice_pending = ? WHERE {where} "
            "AND next_due_at IS NOT NULL",
            (reason, int(notice), *params),
        )

    async def pending_notices(self) -> list[tuple[int, int]]:
        """(guild, member) pairs to tell, at their next command, that their check-ins were turned off."""
        rows = await self._rows("SELECT guild_id, member_id FROM checkins WHERE notice_pending = 1")
        return [(r[0], r[1]) for r in rows]

    async def clear_notice(self, member_id: int) -> int:
        return await self._write(
            "UPDATE checkins SET notice_pending = 0 WHERE member_id = ? AND notice_pending = 1", (member_id,)
        )

    async def set_dm_closed(self, member_id: int, closed: bool) -> None:
        await self._write(
            "INSERT INTO coaching_dms (member_id, dm_closed) VALUES (?, ?) ON CONFLICT (member_id) DO UPDATE "
            "SET dm_closed = excluded.dm_closed",
            (member_id, int(closed)),
        )

    async def dm_closed_among(self, member_ids: Sequence[int]) -> set[int]:
        if not member_ids:
            return set()
        marks = ", ".join("?" * len(member_ids))
        rows = await self._rows(
            f"SELECT member_id FROM coaching_dms WHERE dm_closed = 1 AND member_id IN ({marks})",
            tuple(member_ids),
        )
        return {r[0] for r in rows}

    # ------------------------------------------------------------------ streaks

    async def record_activity(self, guild_id: int, member_id: int, day: date) -> None:
        await self._write(
            "INSERT INTO coaching_activity (guild_id, member_id, day) VALUES (?, ?, ?) "
            "ON CONFLICT (guild_id, member_id, day) DO NOTHING",
            (guild_id, member_id, day.isoformat()),
        )

    async def activity_days(self, guild_id: int, member_id: int, since: date) -> list[date]:
        """Days with progress or an answered check-in (UTC days for completions)."""
        rows = await self._rows(
            "SELECT day FROM coaching_activity WHERE guild_id = ? AND member_id = ? AND day >= ? "
            "UNION SELECT substr(completed_at, 1, 10) FROM completions WHERE guild_id = ? AND member_id = ? "
            "AND completed_at >= ?",
            (guild_id, member_id, since.isoformat(), guild_id, member_id, since.isoformat()),
        )
        return sorted(date.fromisoformat(r[0]) for r in rows)

    # ------------------------------------------------------------------ buddies

    async def request_buddy(self, request: BuddyRequest) -> None:
        await self._write(
            "INSERT INTO buddy_requests (guild_id, member_id, milestone_id, requested_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id, member_id) DO UPDATE SET milestone_id = excluded.milestone_id",
            (request.guild_id, request.member_id, request.milestone_id, utc_iso(request.requested_at)),
        )

    async def buddy_requests(self, guild_id: int, limit: int = 500) -> list[BuddyRequest]:
        rows = await self._rows(
            "SELECT guild_id, member_id, milestone_id, requested_at FROM buddy_requests "
            "WHERE guild_id = ? ORDER BY requested_at LIMIT ?",
            (guild_id, limit),
        )
        return [BuddyRequest(r[0], r[1], r[2], datetime.fromisoformat(r[3])) for r in rows]

    async def cancel_buddy_request(self, guild_id: int, member_id: int) -> int:
        return await self._write(
            "DELETE FROM buddy_requests WHERE guild_id = ? AND member_id = ?", (guild_id, member_id)
        )

    async def pair_buddies(self, guild_id: int, seeker: int, buddy: int, at: datetime) -> BuddyPair | None:
        """Pair two waiting members, both requests still open; None if either was taken meanwhile.

        Both requests are deleted first: only a transaction that deletes both may pair them, so
        two processes (or two clicks) can never pair the same member twice."""
        a, b = sorted((seeker, buddy))

        def pair() -> Body[BuddyPair]:
            deleted = yield Exec(
                "DELETE FROM buddy_requests WHERE guild_id = ? AND member_id IN (?, ?)", (guild_id, a, b)
            )
            if deleted != 2:
                raise _Taken  # rolls the deletion back
            yield Exec(
                f"INSERT INTO buddy_pairs ({PAIR_COLUMNS}) VALUES (?, ?, ?, ?, NULL, NULL) "
                "ON CONFLICT (guild_id, member_a, member_b) DO UPDATE SET paired_at = excluded.paired_at, "
                "ended_at = NULL, thread_id = NULL",
                (guild_id, a, b, utc_iso(at)),
            )
            return BuddyPair(guild_id, a, b, at, None, None)

        try:
            result: BuddyPair = await self._run(pair, write=True)
        except _Taken:
            return None
        return result

    async def set_pair_thread(self, pair: BuddyPair, thread_id: int) -> None:
        await self._write(
            "UPDATE buddy_pairs SET thread_id = ? WHERE guild_id = ? AND member_a = ? AND member_b = ?",
            (thread_id, pair.guild_id, pair.member_a, pair.member_b),
        )

    async def active_pair(self, guild_id: int, member_id: int) -> BuddyPair | None:
        rows = await self._rows(
            f"SELECT {PAIR_COLUMNS} FROM buddy_pairs WHERE guild_id = ? AND ended_at IS NULL "
            "AND (member_a = ? OR member_b = ?)",
            (guild_id, member_id, member_id),
        )
        return _pair(rows[0]) if rows else None

    async def end_pair(self, pair: BuddyPair, at: datetime) -> bool:
        return bool(
            await self._write(
                "UPDATE buddy_pairs SET ended_at = ? WHERE guild_id = ? AND member_a = ? AND member_b = ? "
                "AND ended_at IS NULL",
                (utc_iso(at), pair.guild_id, pair.member_a, pair.member_b),
            )
        )

    async def pairs_since(self, guild_id: int, since: datetime) -> int:
        rows = await self._rows(
            "SELECT COUNT(*) FROM buddy_pairs WHERE guild_id = ? AND paired_at >= ?",
            (guild_id, utc_iso(since)),
        )
        return int(rows[0][0])

    # ------------------------------------------------------------------ guild settings and the digest

    async def guild_coaching(self, guild_id: int) -> GuildCoaching:
        rows = await self._rows(
            f"SELECT {GUILD_COACHING_COLUMNS} FROM guild_coaching WHERE guild_id = ?", (guild_id,)
        )
        return _guild_coaching(rows[0]) if rows else GuildCoaching(guild_id)

    async def save_guild_coaching(self, settings: GuildCoaching) -> None:
        await self._write(
            f"INSERT INTO guild_coaching ({GUILD_COACHING_COLUMNS}, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET buddy_channel_id = excluded.buddy_channel_id, "
            "help_channel_id = excluded.help_channel_id, digest_channel_id = excluded.digest_channel_id, "
            "digest_weekday = excluded.digest_weekday, digest_hour = excluded.digest_hour, "
            "digest_next_at = excluded.digest_next_at, updated_at = excluded.updated_at",
            (
                settings.guild_id,
                settings.buddy_channel_id,
                settings.help_channel_id,
                settings.digest_channel_id,
                settings.digest_weekday,
                settings.digest_hour,
                utc_iso(settings.digest_next_at) if settings.digest_next_at else None,
                utc_iso(datetime.now(UTC)),
            ),
        )

    async def due_digests(
        self, now: datetime, limit: int, shards: Shards | None = None
    ) -> list[GuildCoaching]:
        in_shards, shard_params = _shard_clause(shards)
        rows = await self._rows(
            f"SELECT {GUILD_COACHING_COLUMNS} FROM guild_coaching WHERE digest_next_at "
            f"IS NOT NULL AND digest_next_at <= ?{in_shards} ORDER BY digest_next_at LIMIT ?",
            (utc_iso(now), *shard_params, limit),
        )
        return [_guild_coaching(r) for r in rows]

    async def claim_digest(self, settings: GuildCoaching, next_at: datetime) -> bool:
        if settings.digest_next_at is None:
            return False
        return bool(
            await self._write(
                "UPDATE guild_coaching SET digest_next_at = ? WHERE guild_id = ? AND digest_next_at = ?",
                (utc_iso(next_at), settings.guild_id, utc_iso(settings.digest_next_at)),
            )
        )

    async def week_completions(self, guild_id: int, since: datetime) -> list[tuple[int, str, bool]]:
        """(member, milestone, opted into mentions) for every completion since ``since``."""
        rows = await self._rows(
            "SELECT c.member_id, c.milestone_id, CASE WHEN o.member_id IS NULL THEN 0 ELSE 1 END "
            "FROM completions c LEFT JOIN mention_opt_ins o ON o.guild_id = c.guild_id AND o.member_id = c.member_id "
            "WHERE c.guild_id = ? AND c.completed_at >= ? ORDER BY c.completed_at",
            (guild_id, utc_iso(since)),
        )
        return [(r[0], r[1], bool(r[2])) for r in rows]

    # ------------------------------------------------------------------ privacy

    async def export_coaching(
        self, member_id: int, guild_id: int | None = None
    ) -> dict[str, list[dict[str, Any]]]:
        where, params = _member_scope(member_id, guild_id)
        pair_where = "(member_a = ? OR member_b = ?)" + ("" if guild_id is None else " AND guild_id = ?")
        pair_params = (member_id, member_id) + (() if guild_id is None else (guild_id,))

        def export() -> Body[dict[str, list[dict[str, Any]]]]:
            tables = {
                "goals": (f"SELECT {GOAL_COLUMNS} FROM goals WHERE {where}", params),
                "checkins": (f"SELECT {CHECKIN_COLUMNS}, updated_at FROM checkins WHERE {where}", params),
                "coaching_activity": (
                    f"SELECT guild_id, member_id, day FROM coaching_activity WHERE {where}",
                    params,
                ),
                "buddy_requests": (
                    f"SELECT guild_id, member_id, milestone_id, requested_at FROM buddy_requests "
                    f"WHERE {where}",
                    params,
                ),
                "buddy_pairs": (f"SELECT {PAIR_COLUMNS} FROM buddy_pairs WHERE {pair_where}", pair_params),
                "coaching_dms": (
                    "SELECT member_id, last_dm_on FROM coaching_dms WHERE member_id = ?",
                    (member_id,),
                ),
            }
            out: dict[str, list[dict[str, Any]]] = {}
            for table, (sql, args) in tables.items():
                columns = [c.strip() for c in sql.split("SELECT ", 1)[1].split(" FROM ", 1)[0].split(",")]
                rows = yield Fetch(sql + " ORDER BY 1, 2", args)
                out[table] = [dict(zip(columns, row, strict=True)) for row in rows]
            return out

        result: dict[str, list[dict[str, Any]]] = await self._run(export)
        return result

    async def delete_coaching(self, member_id: int, guild_id: int | None = None) -> int:
        """Remove every coaching row about the member; pairs they were in are deleted for both."""
        where, params = _member_scope(member_id, guild_id)
        pair_where = "(member_a = ? OR member_b = ?)" + ("" if guild_id is None else " AND guild_id = ?")
        pair_params = (member_id, member_id) + (() if guild_id is None else (guild_id,))

        def delete() -> Body[int]:
            removed = 0
            for table in ("goals", "checkins", "coaching_activity", "buddy_requests"):
                removed += yield Exec(f"DELETE FROM {table} WHERE {where}", params)
            removed += yield Exec(f"DELETE FROM buddy_pairs WHERE {pair_where}", pair_params)
            if guild_id is None:
                removed += yield Exec("DELETE FROM coaching_dms WHERE member_id = ?", (member_id,))
            return removed

        result: int = await self._run(delete, write=True)
        return result
