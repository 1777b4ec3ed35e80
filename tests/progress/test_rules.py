"""The model rules of the issue: tracks, completion, undo, progress, next step, statistics."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.progress.errors import NoteTooLong, UnknownMilestone, UnknownTrack
from bot.progress.service import ProgressService
from bot.storage.protocol import CompletionRecord, Storage
from tests.conftest import Clock, KnowledgeBox
from tests.factory import knowledge, milestone, sample

G, OTHER_G, M, MOD = 10, 11, 100, 900


async def test_new_member_follows_the_first_declared_track(service: ProgressService) -> None:
    summary = await service.summary(G, M)
    assert summary.track.id == "main"
    assert not summary.track_chosen
    assert [(t.track.id, t.done, t.total, t.percent) for t in summary.tracks] == [
        ("main", 0, 4, 0),
        ("alt", 0, 3, 0),
    ]
    assert summary.retired == ()


async def test_choose_track(service: ProgressService) -> None:
    choice = await service.choose_track(G, M, "alt")
    assert (choice.track.id, choice.previous_track_id, choice.changed) == ("alt", None, True)
    again = await service.choose_track(G, M, " ALT ")
    assert (again.previous_track_id, again.changed) == ("alt", False)
    summary = await service.summary(G, M)
    assert summary.track.id == "alt" and summary.track_chosen


async def test_unknown_track_names_the_closest(service: ProgressService) -> None:
    with pytest.raises(UnknownTrack) as err:
        await service.choose_track(G, M, "mian")
    assert err.value.suggestions == ("main",)
    assert str(err.value) == "unknown track 'mian': did you mean 'main'?"


async def test_unknown_milestone_names_the_closest_or_lists_valid_ids(
    service: ProgressService,
) -> None:
    with pytest.raises(UnknownMilestone) as err:
        await service.complete(G, M, "dd")
    assert err.value.suggestions == ("d",)
    assert str(err.value) == "unknown milestone 'dd': did you mean 'd'?"
    with pytest.raises(UnknownMilestone) as err:
        await service.complete(G, M, "zzzzzz")
    assert err.value.suggestions == ()
    assert str(err.value) == "unknown milestone 'zzzzzz': valid milestones: a, b, c, d, e"


async def test_complete_is_idempotent_and_keeps_the_first_record(
    service: ProgressService, storage: Storage
) -> None:
    first = await service.complete(G, M, "a", "passed CAPM on 3 Nov")
    assert first.created and not first.already_done
    assert first.record.note == "passed CAPM on 3 Nov" and first.record.recorded_by == M
    second = await service.complete(G, M, "a", "another note")
    assert second.already_done
    assert second.record == first.record
    assert len((await storage.get_progress(G, M)).completions) == 1


async def test_complete_out_of_order_reports_open_prerequisites(service: ProgressService) -> None:
    result = await service.complete(G, M, "c")
    assert result.created
    assert [m.id for m in result.open_prerequisites] == ["b"]
    await service.complete(G, M, "b")
    assert [m.id for m in (await service.complete(G, M, "c")).open_prerequisites] == []
    assert [m.id for m in (await service.complete(G, M, "b")).open_prerequisites] == ["a"]


async def test_ids_are_forgiving_about_case_and_spaces(service: ProgressService) -> None:
    k = knowledge([milestone("earn-pmp")], {"t": ["earn-pmp"]})
    service._knowledge = KnowledgeBox(k)
    assert (await service.complete(G, M, "  Earn PMP ")).milestone.id == "earn-pmp"


async def test_note_limit(service: ProgressService, storage: Storage) -> None:
    with pytest.raises(NoteTooLong) as err:
        await service.complete(G, M, "a", "x" * 301)
    assert err.value.length == 301
    assert (await storage.get_progress(G, M)).member is None  # nothing written
    assert (await service.complete(G, M, "a", "é" * 300)).record.note == "é" * 300
    assert (await service.complete(G, M, "b", "   ")).record.note is None


async def test_undo(service: ProgressService) -> None:
    await service.complete(G, M, "a")
    undone = await service.undo(G, M, "a")
    assert undone.removed and undone.milestone is not None and undone.milestone.id == "a"
    assert not (await service.undo(G, M, "a")).removed
    assert (await service.summary(G, M)).current.done == 0
    with pytest.raises(UnknownMilestone):
        await service.undo(G, M, "nope")


async def test_progress_counts_against_current_knowledge(service: ProgressService) -> None:
    for mid in ("a", "b", "e"):
        await service.complete(G, M, mid)
    summary = await service.summary(G, M)
    main, alt = summary.tracks
    assert (main.done, main.total, main.percent) == (2, 4, 50)
    assert (alt.done, alt.total, alt.percent) == (2, 3, 66)
    statuses = {s.milestone.id: s for s in main.milestones}
    assert statuses["a"].done and not statuses["c"].done
    assert statuses["c"].open_prerequisites == ()
    assert statuses["a"].record is not None and statuses["a"].record.milestone_id == "a"


async def test_retired_milestone_keeps_its_record_but_does_not_count(
    service: ProgressService, kb: KnowledgeBox, storage: Storage
) -> None:
    await service.complete(G, M, "a")
    await service.complete(G, M, "c", "kept")
    kb.value = knowledge([milestone("a"), milestone("b", requires=["a"])], {"main": ["a", "b"]})
    summary = await service.summary(G, M)
    assert (summary.current.done, summary.current.total) == (1, 2)
    assert [(r.milestone_id, r.note) for r in summary.retired] == [("c", "kept")]
    assert len((await storage.get_progress(G, M)).completions) == 2  # not deleted
    # The member can still clear a retired record by its stored id.
    assert (await service.undo(G, M, "c")).removed
    assert (await service.summary(G, M)).retired == ()
    # ...and it comes back as counted if the milestone returns.
    kb.value = sample()
    await service.complete(G, M, "c")
    assert (await service.summary(G, M)).current.done == 2


async def test_renamed_milestone_records_follow_formerly(
    service: ProgressService, kb: KnowledgeBox, storage: Storage, clock: Clock
) -> None:
    # Stored under the old id before the rename.
    await storage.add_completion(CompletionRecord(G, M, "old-d", clock(), "before rename", M))
    summary = await service.summary(G, M)
    status = next(s for s in summary.current.milestones if s.milestone.id == "d")
    assert status.done and status.record is not None and status.record.note == "before rename"
    assert summary.retired == ()
    # Completing under the new id (or the old one) is "already done", and undo clears both.
    assert (await service.complete(G, M, "d")).already_done
    assert (await service.complete(G, M, "old-d")).already_done
    assert (await service.undo(G, M, "d")).removed
    assert (await storage.get_progress(G, M)).completions == ()


async def test_stored_track_that_disappeared_falls_back_to_default(
    service: ProgressService, kb: KnowledgeBox
) -> None:
    await service.choose_track(G, M, "alt")
    kb.value = knowledge(list(sample().milestones.values()), {"main": ["a", "b"]})
    summary = await service.summary(G, M)
    assert summary.track.id == "main" and not summary.track_chosen


async def test_moderator_set_and_clear(service: ProgressService) -> None:
    result = await service.moderator_set(G, MOD, M, "a", "verified certificate")
    assert result.record.recorded_by == MOD and result.record.by_moderator
    own = await service.complete(G, M, "b")
    assert not own.record.by_moderator
    assert (await service.moderator_clear(G, MOD, M, "a")).removed
    assert [s.done for s in (await service.summary(G, M)).current.milestones] == [
        False,
        True,
        False,
        False,
    ]


async def test_guilds_are_isolated(service: ProgressService) -> None:
    await service.complete(G, M, "a")
    await service.choose_track(G, M, "alt")
    other = await service.summary(OTHER_G, M)
    assert other.current.done == 0 and other.track.id == "main"
    assert (await service.complete(OTHER_G, M, "a")).created  # not "already done"
    await service.undo(OTHER_G, M, "a")
    assert (await service.summary(G, M)).current.done == 1
    stats = await service.guild_stats(OTHER_G)
    assert stats.members == 1 and sum(c.members for c in stats.per_milestone) == 0


async def test_next_step_rule(service: ProgressService) -> None:
    step = await service.next_step(G, M)
    assert step.milestone is not None and step.milestone.id == "a"
    assert [e.id for e in step.entries] == ["learn-a", "more-a"]  # `learn`, then entries naming it
    assert step.open_prerequisites == () and (step.done, step.total) == (0, 4)
    await service.complete(G, M, "a")
    assert (await service.next_step(G, M)).milestone.id == "b"  # type: ignore[union-attr]
    # c is next in order but blocked by b; d is ready.
    await service.complete(G, M, "b")
    await service.undo(G, M, "a")
    step = await service.next_step(G, M)
    assert step.milestone is not None and step.milestone.id == "a"
    await service.complete(G, M, "a")
    await service.complete(G, M, "d")
    assert (await service.next_step(G, M)).milestone.id == "c"  # type: ignore[union-attr]
    await service.complete(G, M, "c")
    done = await service.next_step(G, M)
    assert done.milestone is None and (done.done, done.total) == (4, 4)


async def test_next_step_falls_back_to_first_not_done_when_all_are_blocked(
    service: ProgressService, kb: KnowledgeBox
) -> None:
    kb.value = knowledge(
        [milestone("x", requires=["y"]), milestone("y", requires=["z"]), milestone("z")],
        {"t": ["x", "y"]},
    )
    step = await service.next_step(G, M)
    assert step.milestone is not None and step.milestone.id == "x"
    assert [m.id for m in step.open_prerequisites] == ["y"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(done=st.sets(st.sampled_from("abcde")))
async def test_next_step_matches_the_rule_for_any_progress(storage: Storage, done: set[str]) -> None:
    """Reference implementation of the issue's sentence, against the service."""
    member = hash(frozenset(done)) & 0xFFFFFFF  # fresh member per example
    k = sample()
    service = ProgressService(storage, lambda: k)
    for mid in done:
        await service.complete(G, member, mid)
    track = [k.milestones[m] for m in k.default_track.milestones]
    not_done = [m for m in track if m.id not in done]
    ready = [m for m in not_done if all(r in done for r in m.requires)]
    expected = (ready or not_done or [None])[0]
    got = (await service.next_step(G, member)).milestone
    assert got == expected
    summary = await service.summary(G, member)
    assert summary.current.done == len(done & set(k.default_track.milestones))
    for mid in done:
        await service.undo(G, member, mid)


async def test_guild_stats(service: ProgressService, storage: Storage, clock: Clock) -> None:
    await service.complete(G, 1, "a")
    await service.complete(G, 2, "a")
    await service.complete(G, 2, "d")
    # A member with records under both the old and the new id counts once.
    await storage.add_completion(CompletionRecord(G, 3, "old-d", clock(), None, 3))
    await storage.add_completion(CompletionRecord(G, 3, "d", clock(), None, 3))
    await storage.add_completion(CompletionRecord(G, 3, "gone", clock() - timedelta(weeks=3), None, 3))
    await service.choose_track(G, 4, "alt")
    await service.complete(OTHER_G, 1, "b")  # another guild: not counted
    stats = await service.guild_stats(G, weeks=4)
    assert stats.members == 4
    per_milestone = {c.milestone.id: c.members for c in stats.per_milestone}
    assert per_milestone == {"a": 2, "b": 0, "c": 0, "d": 2, "e": 0}
    assert stats.retired == {"gone": 1}
    assert len(stats.per_week) == 4
    assert [w.week_start.weekday() for w in stats.per_week] == [0, 0, 0, 0]
    assert [w.completions for w in stats.per_week] == [1, 0, 0, 5]  # 3 weeks ago, then this week
