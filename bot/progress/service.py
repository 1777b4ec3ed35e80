"""Progress services: the rules of milestones and tracks, on top of ``Storage``.

No Discord here: the bot's commands and ``python -m bot chat`` call the same methods and
render the returned values. Knowledge comes from a zero-argument provider, read once per
call, so a reload swaps it between calls and never in the middle of one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.knowledge.models import Knowledge, Milestone, Track
from bot.limits import NOTE_MAX_CHARS
from bot.progress.errors import NoteTooLong, UnknownMilestone, UnknownTrack
from bot.progress.results import (
    CompletionResult,
    GuildStats,
    MilestoneCount,
    MilestoneStatus,
    NextStep,
    ProgressSummary,
    TrackChoice,
    TrackProgress,
    UndoResult,
    WeekCount,
)
from bot.settings import DatabaseURL
from bot.storage import open_storage
from bot.storage.protocol import CompletionRecord, DeletedCounts, MemberProgress, Storage, utc_iso

EXPORT_FORMAT = "itpm-coach/member-export/1"
KnowledgeProvider = Callable[[], Knowledge]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def normalise_id(raw: str) -> str:
    """``" Earn PMP "`` -> ``"earn-pmp"``: people type ids the way they read titles."""
    return "-".join(raw.strip().lower().replace("_", " ").split())


def clean_note(note: str | None) -> str | None:
    if note is None or not note.strip():
        return None
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise NoteTooLong(len(note))
    return note


def resolve_milestone(knowledge: Knowledge, raw: str) -> Milestone:
    """Today's milestone for an id or a former id; ``UnknownMilestone`` names the closest ones."""
    current = knowledge.current_milestone_id(normalise_id(raw))
    if current is None:
        raise UnknownMilestone(raw, knowledge.milestones)
    return knowledge.milestones[current]


def resolve_track(knowledge: Knowledge, raw: str) -> Track:
    track = knowledge.tracks.get(normalise_id(raw))
    if track is None:
        raise UnknownTrack(raw, knowledge.tracks)
    return track


@dataclass(frozen=True, slots=True)
class _State:
    """A member's stored progress read against one knowledge snapshot."""

    knowledge: Knowledge
    track: Track
    track_chosen: bool
    records: dict[str, CompletionRecord]  # current milestone id -> its (earliest) record
    retired: tuple[CompletionRecord, ...]

    @classmethod
    def of(cls, knowledge: Knowledge, progress: MemberProgress) -> _State:
        records: dict[str, CompletionRecord] = {}
        retired = []
        for record in progress.completions:  # oldest first: the first record wins
            current = knowledge.current_milestone_id(record.milestone_id)
            if current is None:
                retired.append(record)
            else:
                records.setdefault(current, record)
        stored = progress.member.track_id if progress.member else None
        track = knowledge.tracks.get(stored) if stored else None
        return cls(knowledge, track or knowledge.default_track, track is not None, records, tuple(retired))

    def open_prerequisites(self, milestone: Milestone) -> tuple[str, ...]:
        return tuple(r for r in milestone.requires if r not in self.records)

    def track_progress(self, track: Track) -> TrackProgress:
        milestones = (self.knowledge.milestones[m] for m in track.milestones)
        return TrackProgress(
            track,
            tuple(MilestoneStatus(m, self.records.get(m.id), self.open_prerequisites(m)) for m in milestones),
        )


class ProgressService:
    """One per process, sharing the process's ``Storage``."""

    def __init__(
        self,
        storage: Storage,
        knowledge: KnowledgeProvider,
        *,
        clock: Callable[[], datetime] = _utc_now,
        owns_storage: bool = False,
    ) -> None:
        """``owns_storage``: ``close()`` closes the storage too (a terminal without a ``Coach``)."""
        self._storage = storage
        self._knowledge = knowledge
        self._clock = clock
        self._owns_storage = owns_storage

    @classmethod
    async def open(cls, database_url: DatabaseURL, knowledge: KnowledgeProvider) -> ProgressService:
        """A service with its own database connection, for a terminal without a ``Coach``;
        ``close()`` closes it."""
        return cls(await open_storage(database_url), knowledge, owns_storage=True)

    async def close(self) -> None:
        if self._owns_storage:
            await self._storage.close()

    # ------------------------------------------------------------------ the member's own actions

    async def choose_track(self, guild_id: int, member_id: int, track_id: str) -> TrackChoice:
        track = resolve_track(self._knowledge(), track_id)
        progress = await self._storage.get_progress(guild_id, member_id)
        previous = progress.member.track_id if progress.member else None
        if previous != track.id:
            await self._storage.set_track(guild_id, member_id, track.id, self._clock())
        return TrackChoice(track, previous, changed=previous != track.id)

    async def complete(
        self,
        guild_id: int,
        member_id: int,
        milestone_id: str,
        note: str | None = None,
        *,
        by: int | None = None,
    ) -> CompletionResult:
        """Mark done (idempotent); ``by`` is the moderator's id when it is not the member."""
        knowledge = self._knowledge()
        milestone = resolve_milestone(knowledge, milestone_id)
        record = CompletionRecord(
            guild_id,
            member_id,
            milestone.id,
            self._clock(),
            clean_note(note),
            member_id if by is None else by,
        )
        outcome = await self._storage.add_completion(record, aliases=milestone.formerly)
        state = _State.of(knowledge, outcome.progress)
        open_ids = state.open_prerequisites(milestone)
        return CompletionResult(
            milestone, outcome.record, outcome.created, tuple(knowledge.milestones[m] for m in open_ids)
        )

    async def undo(self, guild_id: int, member_id: int, milestone_id: str) -> UndoResult:
        """Back to not done. A retired milestone's record can be removed by its stored id."""
        knowledge = self._knowledge()
        try:
            milestone: Milestone | None = resolve_milestone(knowledge, milestone_id)
        except UnknownMilestone:
            state = _State.of(knowledge, await self._storage.get_progress(guild_id, member_id))
            if normalise_id(milestone_id) not in {r.milestone_id for r in state.retired}:
                raise
            milestone = None
        ids = knowledge.milestone_ids_of(milestone.id) if milestone else (normalise_id(milestone_id),)
        removed = await self._storage.remove_completions(guild_id, member_id, ids)
        return UndoResult(ids[0], milestone, removed > 0)

    # ------------------------------------------------------------------ moderators

    async def moderator_set(
        self, guild_id: int, moderator_id: int, member_id: int, milestone_id: str, note: str | None = None
    ) -> CompletionResult:
        """Recorded as done by the moderator (permissions are checked by the caller)."""
        return await self.complete(guild_id, member_id, milestone_id, note, by=moderator_id)

    async def moderator_clear(
        self, guild_id: int, moderator_id: int, member_id: int, milestone_id: str
    ) -> UndoResult:
        """The member's undo, done for them (``moderator_id`` is for the caller's audit log)."""
        return await self.undo(guild_id, member_id, milestone_id)

    # ------------------------------------------------------------------ reading progress

    async def summary(self, guild_id: int, member_id: int) -> ProgressSummary:
        state = await self._state(guild_id, member_id)
        return ProgressSummary(
            guild_id,
            member_id,
            state.track,
            state.track_chosen,
            tuple(state.track_progress(t) for t in state.knowledge.tracks.values()),
            state.retired,
        )

    async def next_step(self, guild_id: int, member_id: int) -> NextStep:
        """The first milestone of the track not done whose prerequisites are all done, else the
        first not done at all (people do things in other orders)."""
        state = await self._state(guild_id, member_id)
        progress = state.track_progress(state.track)
        remaining = [s for s in progress.milestones if not s.done]
        ready = next((s for s in remaining if not s.open_prerequisites), None)
        chosen = ready or (remaining[0] if remaining else None)
        if chosen is None:
            return NextStep(state.track, None, (), (), progress.done, progress.total)
        blocked = () if ready else tuple(state.knowledge.milestones[m] for m in chosen.open_prerequisites)
        entries = tuple(state.knowledge.entries_for_milestone(chosen.milestone.id))
        return NextStep(state.track, chosen.milestone, entries, blocked, progress.done, progress.total)

    async def _state(self, guild_id: int, member_id: int) -> _State:
        knowledge = self._knowledge()
        return _State.of(knowledge, await self._storage.get_progress(guild_id, member_id))

    # ------------------------------------------------------------------ guilds

    async def guild_stats(self, guild_id: int, weeks: int = 12) -> GuildStats:
        """Members per milestone (former ids counted under today's id) and completions per week."""
        knowledge = self._knowledge()
        aliases = {old: m.id for m in knowledge.milestones.values() for old in m.formerly}
        counts = await self._storage.count_members_by_milestone(guild_id, aliases)
        this_week = _week_start(self._clock().date())
        first_week = this_week - timedelta(weeks=max(weeks, 1) - 1)
        per_week = dict.fromkeys((first_week + timedelta(weeks=i) for i in range(max(weeks, 1))), 0)
        for day, n in (await self._storage.completions_per_day(guild_id, first_week)).items():
            if (week := _week_start(day)) in per_week:
                per_week[week] += n
        return GuildStats(
            guild_id=guild_id,
            members=await self._storage.count_members(guild_id),
            per_milestone=tuple(
                MilestoneCount(m, counts.get(m.id, 0)) for m in knowledge.milestones.values()
            ),
            retired={mid: n for mid, n in sorted(counts.items()) if mid not in knowledge.milestones},
            per_week=tuple(WeekCount(w, n) for w, n in per_week.items()),
        )

    # ------------------------------------------------------------------ privacy

    async def export(self, member_id: int, guild_id: int | None = None) -> dict[str, Any]:
        """Everything stored about the member (one guild or all), as JSON-ready data.

        Ids are strings, as in Discord's own API (JavaScript cannot hold 64-bit ints);
        timestamps are UTC ISO-8601.
        """
        knowledge = self._knowledge()
        data = await self._storage.export_member(member_id, guild_id)
        guild_ids = sorted(
            {m.guild_id for m in data.members}
            | {c.guild_id for c in data.completions}
            | {v.guild_id for v in data.votes}
            | {o.guild_id for o in data.mention_opt_ins}
            | {q.guild_id for q in data.questions}
        )
        guilds = []
        for gid in guild_ids:
            member = next((m for m in data.members if m.guild_id == gid), None)
            opt_in = next((o for o in data.mention_opt_ins if o.guild_id == gid), None)
            guilds.append(
                {
                    "guild_id": str(gid),
                    "track_id": member.track_id if member else None,
                    "first_seen": utc_iso(member.created_at) if member else None,
                    "track_changed": utc_iso(member.updated_at) if member else None,
                    "completions": [
                        _export_completion(knowledge, c) for c in data.completions if c.guild_id == gid
                    ],
                    "mention_opt_in": {
                        "enabled": opt_in is not None,
                        "since": utc_iso(opt_in.opted_in_at) if opt_in else None,
                    },
                    "feedback_votes": [
                        {"entry_id": v.entry_id, "vote": v.vote, "voted_at": utc_iso(v.voted_at)}
                        for v in data.votes
                        if v.guild_id == gid
                    ],
                    "unanswered_questions": [
                        {"question": q.question, "asked_at": utc_iso(q.asked_at)}
                        for q in data.questions
                        if q.guild_id == gid
                    ],
                }
            )
        return {
            "format": EXPORT_FORMAT,
            "member_id": str(member_id),
            "scope": "all guilds" if guild_id is None else f"guild {guild_id}",
            "exported_at": utc_iso(self._clock()),
            "guilds": guilds,
            "recorded_for_other_members": [
                {
                    "guild_id": str(c.guild_id),
                    "member_id": str(c.member_id),
                    "milestone_id": c.milestone_id,
                    "completed_at": utc_iso(c.completed_at),
                }
                for c in data.recorded_for_others
            ],
            "coaching": {
                table: [
                    {
                        k: str(v) if k.endswith(("_id", "member_a", "member_b")) and v is not None else v
                        for k, v in row.items()
                    }
                    for row in rows
                ]
                for table, rows in (await self._storage.export_coaching(member_id, guild_id)).items()
            },
        }

    async def delete(self, member_id: int, guild_id: int | None = None) -> DeletedCounts:
        """Erase the member's data in one guild or everywhere; milestones they recorded for
        others as a moderator stay, without their id. Coaching data (goals, check-ins, buddies,
        streaks) goes too; a buddy pair is removed for both members."""
        counts = await self._storage.delete_member(member_id, guild_id)
        return replace(counts, coaching=await self._storage.delete_coaching(member_id, guild_id))


def _week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _export_completion(knowledge: Knowledge, record: CompletionRecord) -> dict[str, Any]:
    current = knowledge.current_milestone_id(record.milestone_id)
    return {
        "milestone_id": record.milestone_id,
        "current_milestone_id": current,
        "title": knowledge.milestones[current].title if current else None,
        "retired": current is None,
        "completed_at": utc_iso(record.completed_at),
        "note": record.note,
        "recorded_by": _recorder(record),
        "recorded_by_id": None if record.recorded_by is None else str(record.recorded_by),
    }


def _recorder(record: CompletionRecord) -> str:
    if record.recorded_by is None:
        return "a moderator (since deleted)"
    return "moderator" if record.by_moderator else "self"
