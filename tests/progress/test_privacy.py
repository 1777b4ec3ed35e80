"""Export holds everything stored about a member; delete removes it, per guild or everywhere."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.coaching.service import CoachingService
from bot.progress.service import EXPORT_FORMAT, ProgressService
from bot.storage.protocol import CompletionRecord, GuildSettings, Storage, UnansweredQuestion, Usage
from tests.backends import TestDatabase, new_database
from tests.conftest import Clock

ME, OTHER, MOD = 4242, 5151, 9090
ASKER = 712_345_678_901_234_567  # a real Discord id's length
G1, G2, G3 = 1, 2, 3
PERSON_COLUMNS = ("member_id", "recorded_by", "member_a", "member_b")


async def populate(service: ProgressService, storage: Storage, clock: Clock) -> None:
    """Touch every table, for ME, for OTHER and for guild-level data."""
    for guild in (G1, G2):
        await service.choose_track(guild, ME, "alt")
        await service.complete(guild, ME, "a", f"passed in guild {guild}")
        await service.moderator_set(guild, MOD, ME, "d", "checked by a mod")
        await service.complete(guild, OTHER, "a")
        await storage.set_vote(guild, "learn-a", ME, 1, clock())
        await storage.set_vote(guild, "learn-a", OTHER, -1, clock())
        await storage.set_mention_opt_in(guild, ME, True, clock())
        await storage.record_usage(Usage(opens={(guild, "learn-a", date(2026, 11, 26)): 1}))
        await storage.record_usage(
            Usage(
                unanswered=[
                    UnansweredQuestion(guild, f"my question in {guild}", "unknown", None, 0.1, clock(), ME)
                ]
            )
        )
        await storage.record_usage(
            Usage(
                unanswered=[UnansweredQuestion(guild, "their question", "unknown", None, 0.1, clock(), OTHER)]
            )
        )
    await storage.add_completion(CompletionRecord(G1, ME, "retired-one", clock(), "old", ME))
    await service.moderator_set(G1, ME, OTHER, "b")  # ME acting as a moderator
    await service.moderator_set(G3, ME, OTHER, "b")
    await storage.save_guild_settings(GuildSettings(G1, 123, 456, "replace"))
    await storage.set_milestone_role(G1, "a", 777)
    await storage.set_state("sync-hash", "abc")
    # the coaching loop: a goal, check-ins, a streak day, a buddy pair and a waiting request
    coaching = CoachingService(storage, service._knowledge, service, clock=clock)
    for guild in (G1, G2):
        await coaching.set_goal(guild, ME, "b", date(2027, 1, 15))
        await coaching.set_timezone(guild, ME, "Europe/Berlin")
        await coaching.checkin_on(guild, ME, "weekly", 0, 9)
        await coaching.snooze(guild, ME)
    await coaching.set_goal(G1, OTHER, "b", date(2027, 1, 15))
    await coaching.find_buddy(G1, OTHER, still_here)
    assert (await coaching.find_buddy(G1, ME, still_here)).pair is not None
    await coaching.find_buddy(G2, ME, still_here)  # waits: nobody else asked there
    await coaching.dm_closed(ME)


async def rows_about(database: TestDatabase, member: int, guild: int | None = None) -> list[dict[str, Any]]:
    """Every row of every table that names the member, found generically (new tables included)."""
    return [
        {"table": table, **row}
        for table, rows in (await database.tables()).items()
        for row in rows
        if any(row.get(c) == member for c in PERSON_COLUMNS)
        and (guild is None or row.get("guild_id") == guild)
    ]


async def still_here(member_id: int) -> bool:
    return True


async def asked(storage: Storage, guild: int) -> list[str]:
    return [q.question for q in await storage.logged_questions(guild, datetime(2000, 1, 1, tzinfo=UTC))]


def scalars(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(scalars(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(scalars(v) for v in value)) if value else set()
    return {str(value)}


async def test_export_contains_everything_stored_about_the_member(
    service: ProgressService, storage: Storage, clock: Clock, database: TestDatabase
) -> None:
    await populate(service, storage, clock)
    export = await service.export(ME)
    assert json.loads(json.dumps(export)) == export  # JSON-serialisable as it is
    assert export["format"] == EXPORT_FORMAT and export["member_id"] == str(ME)
    values = scalars(export)
    rows = await rows_about(database, ME)
    assert {r["table"] for r in rows} == {
        "members",
        "completions",
        "entry_votes",
        "mention_opt_ins",
        "goals",
        "checkins",
        "coaching_activity",
        "coaching_dms",
        "buddy_pairs",
        "buddy_requests",
    }
    for row in rows:
        missing = {k: v for k, v in row.items() if k != "table" and v is not None and str(v) not in values}
        assert not missing, (row, missing)
    assert [g["guild_id"] for g in export["guilds"]] == [str(G1), str(G2)]
    g1 = export["guilds"][0]
    assert g1["track_id"] == "alt" and g1["mention_opt_in"]["enabled"]
    assert {(c["milestone_id"], c["recorded_by"], c["retired"]) for c in g1["completions"]} == {
        ("a", "self", False),
        ("d", "moderator", False),
        ("retired-one", "self", True),
    }
    assert [(v["entry_id"], v["vote"]) for v in g1["feedback_votes"]] == [("learn-a", 1)]
    assert [q["question"] for q in g1["unanswered_questions"]] == [f"my question in {G1}"]
    assert {(r["guild_id"], r["member_id"]) for r in export["recorded_for_other_members"]} == {
        (str(G1), str(OTHER)),
        (str(G3), str(OTHER)),
    }
    # Nothing about anyone else leaks in (OTHER appears only as the person ME recorded for).
    assert all(c["recorded_by_id"] in (str(ME), str(MOD)) for g in export["guilds"] for c in g["completions"])


async def test_export_of_one_guild(
    service: ProgressService, storage: Storage, clock: Clock, database: TestDatabase
) -> None:
    await populate(service, storage, clock)
    export = await service.export(ME, G2)
    assert [g["guild_id"] for g in export["guilds"]] == [str(G2)]
    assert export["recorded_for_other_members"] == []
    values = scalars(export)
    for row in await rows_about(database, ME, G2):
        assert all(str(v) in values for k, v in row.items() if k != "table" and v is not None), row


async def test_export_of_an_unknown_member_is_empty(service: ProgressService) -> None:
    export = await service.export(1)
    assert export["guilds"] == [] and export["recorded_for_other_members"] == []


async def test_delete_in_one_guild(
    service: ProgressService, storage: Storage, clock: Clock, database: TestDatabase
) -> None:
    await populate(service, storage, clock)
    counts = await service.delete(ME, G1)
    assert (counts.members, counts.completions, counts.votes, counts.mention_opt_ins) == (
        1,
        3,
        1,
        1,
    )
    assert counts.anonymised == 1  # the milestone ME recorded for OTHER in G1
    assert counts.questions == 1
    assert counts.coaching == 4  # goal, check-in settings, streak day, buddy pair (G1 only)
    assert await asked(storage, G1) == ["their question"]
    assert await asked(storage, G2) == [f"my question in {G2}", "their question"]
    assert await rows_about(database, ME, G1) == []
    assert await rows_about(database, ME, G2) != []  # the other guild is untouched
    assert (await service.summary(G2, ME)).track.id == "alt"
    assert [g.milestone_id for g in await storage.goals_of(G1, OTHER)] == ["b"]  # OTHER keeps their goal
    assert await storage.active_pair(G1, OTHER) is None  # the pair is gone for both
    other = (await storage.get_progress(G1, OTHER)).completions
    assert {(c.milestone_id, c.recorded_by) for c in other} == {("a", OTHER), ("b", None)}
    g3 = (await storage.get_progress(G3, OTHER)).completions
    assert [c.recorded_by for c in g3] == [ME]  # recorded in another guild: kept
    # Guild-level and anonymous data stay.
    assert (await storage.get_guild_settings(G1)).reward_mode == "replace"
    assert (await storage.vote_tallies(G1))["learn-a"].down == 1
    assert [o.opens for o in await storage.entry_opens(G1, date(2026, 1, 1))] == [1]


async def test_delete_in_all_guilds(
    service: ProgressService, storage: Storage, clock: Clock, database: TestDatabase
) -> None:
    await populate(service, storage, clock)
    counts = await service.delete(ME)
    assert counts.members == 2 and counts.anonymised == 2 and counts.questions == 2
    assert await asked(storage, G1) == await asked(storage, G2) == ["their question"]
    assert await rows_about(database, ME) == []
    assert (await service.export(ME))["guilds"] == []
    assert (await service.export(ME))["recorded_for_other_members"] == []
    assert (await storage.get_progress(G1, OTHER)).member is not None
    assert (await service.delete(ME)).total == 0  # idempotent


async def test_export_after_moderator_deletion_says_who_is_unknown(
    service: ProgressService,
) -> None:
    await service.moderator_set(G1, MOD, ME, "a")
    await service.delete(MOD)
    completion = (await service.export(ME))["guilds"][0]["completions"][0]
    assert completion["recorded_by"] == "a moderator (since deleted)"
    assert completion["recorded_by_id"] is None


async def test_who_asked_is_a_keyed_hash_unique_to_the_database(
    storage: Storage, database: TestDatabase, backend: str, tmp_path: Path
) -> None:
    """Moderators reading the log (or a dump) never see the member id, nor a hash anyone
    could recompute from it without this database's key. The asker has a snowflake-sized id: a
    four-digit one turns up inside a random 64-digit hex hash about once in a thousand runs."""
    await storage.record_usage(
        Usage(unanswered=[UnansweredQuestion(G1, "hello?", "unknown", None, 0.0, datetime.now(UTC), ASKER)])
    )
    other_db = new_database(backend, tmp_path / "other")
    await other_db.create()
    try:
        other = await other_db.open()
        await other.record_usage(
            Usage(
                unanswered=[UnansweredQuestion(G1, "hello?", "unknown", None, 0.0, datetime.now(UTC), ASKER)]
            )
        )
        await other.close()
        stored = [row["asker"] for db in (database, other_db) for row in (await db.tables())["question_log"]]
    finally:
        await other_db.drop()
    assert len(stored) == 2 and stored[0] != stored[1]
    assert all(str(ASKER) not in key and len(key) == 64 for key in stored)
    assert hashlib.sha256(str(ASKER).encode()).hexdigest() not in stored
