"""The small per-guild stores the Discord layer needs: settings, rewards, opt-ins, votes, counters, state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.storage.askers import QUESTION_LOG_CAP, TRIM_EVERY
from bot.storage.errors import StorageError
from bot.storage.protocol import (
    CompletionRecord,
    GuildSettings,
    Storage,
    UnansweredQuestion,
    Usage,
    VoteTally,
)

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


async def test_guild_settings_default_then_saved(storage: Storage) -> None:
    assert await storage.get_guild_settings(1) == GuildSettings(1, None, None, "stack")
    await storage.save_guild_settings(
        GuildSettings(1, announce_channel_id=10, log_channel_id=20, reward_mode="replace")
    )
    await storage.save_guild_settings(GuildSettings(2, log_channel_id=30))
    assert await storage.get_guild_settings(1) == GuildSettings(1, 10, 20, "replace")
    assert await storage.get_guild_settings(2) == GuildSettings(2, None, 30, "stack")
    with pytest.raises(ValueError, match="reward_mode"):
        GuildSettings(1, reward_mode="merge")  # type: ignore[arg-type]


async def test_milestone_roles(storage: Storage) -> None:
    await storage.set_milestone_role(1, "earn-pmp", 555)
    await storage.set_milestone_role(1, "earn-pmp", 556)  # replaced
    await storage.set_milestone_role(1, "understand-the-role", 557)
    await storage.set_milestone_role(2, "earn-pmp", 999)
    assert await storage.milestone_roles(1) == {"earn-pmp": 556, "understand-the-role": 557}
    await storage.set_milestone_role(1, "earn-pmp", None)
    assert await storage.milestone_roles(1) == {"understand-the-role": 557}
    assert await storage.milestone_roles(3) == {}


async def test_mention_opt_in_defaults_off(storage: Storage) -> None:
    assert not await storage.mention_opt_in(1, 7)
    await storage.set_mention_opt_in(1, 7, True, NOW)
    await storage.set_mention_opt_in(1, 7, True, NOW)
    assert await storage.mention_opt_in(1, 7)
    assert not await storage.mention_opt_in(2, 7)
    await storage.set_mention_opt_in(1, 7, False, NOW)
    assert not await storage.mention_opt_in(1, 7)


async def test_one_vote_per_member_per_entry(storage: Storage) -> None:
    await storage.set_vote(1, "pmp-fees", 7, 1, NOW)
    await storage.set_vote(1, "pmp-fees", 7, -1, NOW)  # changing the vote replaces it
    await storage.set_vote(1, "pmp-fees", 8, 1, NOW)
    await storage.set_vote(1, "capm", 8, 1, NOW)
    await storage.set_vote(2, "pmp-fees", 7, 1, NOW)
    assert await storage.vote_tallies(1) == {"capm": VoteTally(1, 0), "pmp-fees": VoteTally(1, 1)}
    assert (await storage.vote_tallies(2))["pmp-fees"].score == 1
    with pytest.raises(StorageError):  # the schema refuses anything but +1 and -1
        await storage.set_vote(1, "pmp-fees", 7, 2, NOW)
    assert await storage.vote_tallies(1) == {"capm": VoteTally(1, 0), "pmp-fees": VoteTally(1, 1)}


async def test_entry_open_counters_per_guild_per_day(storage: Storage) -> None:
    day1, day2 = date(2026, 11, 25), date(2026, 11, 26)
    for _ in range(3):
        await storage.record_usage(Usage(opens={(1, "pmp-fees", day1): 1}))
    await storage.record_usage(Usage(opens={(1, "pmp-fees", day2): 5}))
    await storage.record_usage(Usage(opens={(1, "capm", day2): 1}))
    await storage.record_usage(Usage(opens={(2, "capm", day2): 1}))
    opens = await storage.entry_opens(1, day1)
    assert [(o.day, o.entry_id, o.opens) for o in opens] == [
        (day1, "pmp-fees", 3),
        (day2, "capm", 1),
        (day2, "pmp-fees", 5),
    ]
    assert [o.entry_id for o in await storage.entry_opens(1, day2)] == ["capm", "pmp-fees"]
    with pytest.raises(ValueError):
        await storage.record_usage(Usage(opens={(1, "capm", day2): 0}))


async def test_bot_state(storage: Storage) -> None:
    assert await storage.get_state("command-tree-hash") is None
    await storage.set_state("command-tree-hash", "abc")
    await storage.set_state("command-tree-hash", "def")
    assert await storage.get_state("command-tree-hash") == "def"
    await storage.set_state("command-tree-hash", None)
    assert await storage.get_state("command-tree-hash") is None


async def test_guild_listings(storage: Storage) -> None:
    await storage.set_track(1, 30, "main", NOW)
    await storage.add_completion(CompletionRecord(1, 20, "b", NOW, None, 20))
    await storage.add_completion(CompletionRecord(1, 20, "a", NOW - timedelta(days=1), None, 20))
    await storage.add_completion(CompletionRecord(2, 20, "a", NOW, None, 20))
    await storage.save_guild_settings(GuildSettings(3, log_channel_id=33))
    await storage.save_guild_settings(GuildSettings(4, announce_channel_id=44))
    await storage.record_usage(Usage(questions={(5, NOW.date()): 1}))
    assert await storage.guild_ids() == [1, 2, 3, 4, 5]
    assert await storage.member_ids(1) == [20, 30]
    assert await storage.log_channels() == {3: 33}
    rows = await storage.guild_completions(1)
    assert [(r.member_id, r.track_id, r.milestone_id) for r in rows] == [(20, None, "a"), (20, None, "b")]
    assert rows[1].completed_at == "2026-11-26T12:00:00.000000Z"


async def test_questions_are_counted_and_unanswered_ones_logged(storage: Storage) -> None:
    for _ in range(3):
        await storage.record_usage(Usage(questions={(1, date(2026, 11, 26)): 1}))
    await storage.record_usage(Usage(questions={(1, date(2026, 11, 20)): 1}))
    await storage.record_usage(Usage(questions={(2, date(2026, 11, 26)): 1}))
    await storage.record_usage(Usage(questions={(2, date(2026, 11, 26)): 40}))  # a batch of counted questions
    assert await storage.questions_per_day(2, date(2026, 11, 26)) == {date(2026, 11, 26): 41}
    with pytest.raises(ValueError):
        await storage.record_usage(Usage(questions={(2, date(2026, 11, 26)): 0}))
    assert await storage.questions_per_day(1, date(2026, 11, 21)) == {date(2026, 11, 26): 3}
    old, new = NOW - timedelta(days=100), NOW
    await storage.record_usage(
        Usage(unanswered=[UnansweredQuestion(1, "pmp for nurses?", "unknown", None, 0.1, old, 7)])
    )
    await storage.record_usage(
        Usage(unanswered=[UnansweredQuestion(1, "x" * 1000, "suggest", "pmp-fees", 0.4, new, 7)])
    )
    await storage.record_usage(
        Usage(unanswered=[UnansweredQuestion(2, "other guild", "unknown", None, 0.0, new, 8)])
    )
    logged = await storage.logged_questions(1, old)
    assert [(q.outcome, q.best_entry_id, len(q.question)) for q in logged] == [
        ("unknown", None, 15),
        ("suggest", "pmp-fees", 1000),
    ]
    assert logged[1].asked_at == new
    assert len(await storage.logged_questions(1, new)) == 1
    assert await storage.prune_questions(NOW - timedelta(days=90)) == 1
    assert [q.question for q in await storage.logged_questions(1, old)] == ["x" * 1000]
    with pytest.raises(StorageError):  # the schema refuses longer ones; Coach cuts them first
        await storage.record_usage(
            Usage(unanswered=[UnansweredQuestion(1, "x" * 1001, "unknown", None, 0.0, new, 7)])
        )


async def test_usage_is_written_in_one_transaction_whole_or_not_at_all(storage: Storage) -> None:
    """The batcher sums a second of members' activity into one write; one refused item (a
    question longer than the schema allows) must not leave the rest half written."""
    day = NOW.date()
    refused = UnansweredQuestion(1, "x" * 1001, "unknown", None, 0.0, NOW, 7)
    with pytest.raises(StorageError):
        await storage.record_usage(Usage({(1, day): 2}, {(1, "capm", day): 3}, [refused]))
    assert await storage.questions_per_day(1, day) == {}
    assert await storage.entry_opens(1, day) == []
    assert await storage.logged_questions(1, NOW) == []
    asked = [UnansweredQuestion(g, f"q{g}", "unknown", None, 0.1, NOW, 7) for g in (1, 2)]
    await storage.record_usage(
        Usage({(1, day): 2, (2, day): 1}, {(1, "capm", day): 3, (1, "pmp-fees", day): 1}, asked)
    )
    assert await storage.questions_per_day(1, day) == {day: 2}
    assert await storage.questions_per_day(2, day) == {day: 1}
    assert [(o.entry_id, o.opens) for o in await storage.entry_opens(1, day)] == [
        ("capm", 3),
        ("pmp-fees", 1),
    ]
    assert [q.question for g in (1, 2) for q in await storage.logged_questions(g, NOW)] == ["q1", "q2"]


async def test_the_question_log_keeps_the_newest_questions_per_guild(storage: Storage) -> None:
    """Members fill this log: past the cap the oldest go, and other guilds are untouched."""
    await storage.record_usage(
        Usage(unanswered=[UnansweredQuestion(2, "elsewhere", "unknown", None, 0.0, NOW, 1)])
    )
    total = QUESTION_LOG_CAP + 250
    for i in range(total):
        await storage.record_usage(
            Usage(
                unanswered=[
                    UnansweredQuestion(1, f"q{i}", "unknown", None, 0.0, NOW + timedelta(seconds=i), i)
                ]
            )
        )
    kept = [q.question for q in await storage.logged_questions(1, NOW)]
    assert QUESTION_LOG_CAP <= len(kept) < QUESTION_LOG_CAP + TRIM_EVERY
    assert kept[-1] == f"q{total - 1}" and "q0" not in kept and "q200" not in kept
    assert kept == [f"q{i}" for i in range(total - len(kept), total)]  # exactly the newest
    assert [q.question for q in await storage.logged_questions(2, NOW)] == ["elsewhere"]
