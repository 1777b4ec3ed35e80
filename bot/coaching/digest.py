"""The weekly community digest: what the server achieved and asked this week.

Members are named only if they opted into mentions; everyone else is counted. The digest
is content only: the Discord layer posts it with every mention disabled, so it never pings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from bot.knowledge.models import Knowledge

TOP_TOPICS = 5
MAX_NAMED = 15
MAX_ENTRIES_LISTED = 8


@dataclass(frozen=True, slots=True)
class WeekCompletion:
    member_id: int
    milestone_id: str
    opted_in: bool


@dataclass(frozen=True, slots=True)
class Digest:
    week_start: date
    named: tuple[tuple[int, str], ...]  # (member id, milestone title) of members who opted in
    unnamed_completions: int  # completions by members who did not opt in
    top_topics: tuple[tuple[str, int], ...]  # (entry title, opens) this week
    changed_entries: tuple[str, ...]  # titles of entries reviewed (new or updated) this week
    new_buddy_pairs: int

    @property
    def empty(self) -> bool:
        return not (
            self.named
            or self.unnamed_completions
            or self.top_topics
            or self.changed_entries
            or self.new_buddy_pairs
        )


def build_digest(
    knowledge: Knowledge,
    week_start: date,
    completions: Iterable[WeekCompletion],
    entry_opens: Mapping[str, int],
    new_buddy_pairs: int,
) -> Digest:
    """Everything the digest says, from this week's facts (``week_start`` is its Monday)."""
    named: list[tuple[int, str]] = []
    unnamed = 0
    for done in completions:
        current = knowledge.current_milestone_id(done.milestone_id)
        title = knowledge.milestones[current].title if current else done.milestone_id
        if done.opted_in:
            named.append((done.member_id, title))
        else:
            unnamed += 1
    opens = Counter({eid: n for eid, n in entry_opens.items() if eid in knowledge.entries and n > 0})
    topics = tuple((knowledge.entries[eid].title, n) for eid, n in opens.most_common(TOP_TOPICS))
    changed = tuple(sorted(e.title for e in knowledge.entries.values() if e.reviewed >= week_start))
    return Digest(week_start, tuple(named), unnamed, topics, changed, new_buddy_pairs)


def digest_lines(digest: Digest, name_of: Mapping[int, str]) -> list[str]:
    """The digest as Markdown lines; ``name_of`` gives each opted-in member's display text."""
    lines = [f"**This week in the community** (week of {digest.week_start:%d %b %Y})", ""]
    total = len(digest.named) + digest.unnamed_completions
    if total:
        lines.append(f"🎯 **{total} milestone{'s' if total != 1 else ''} completed**")
        for member_id, title in digest.named[:MAX_NAMED]:
            lines.append(f"- {name_of.get(member_id, 'a member')}: {title}")
        hidden = digest.unnamed_completions + max(0, len(digest.named) - MAX_NAMED)
        if hidden:
            lines.append(f"- and {hidden} more by members who keep their progress private")
    else:
        lines.append("🎯 No milestones completed this week: a good week to start one (`/next`).")
    if digest.top_topics:
        lines += ["", "📚 **Most read this week**"]
        lines += [f"- {title} ({n})" for title, n in digest.top_topics]
    if digest.changed_entries:
        lines += ["", "🆕 **New or updated in the knowledge base**"]
        lines += [f"- {title}" for title in digest.changed_entries[:MAX_ENTRIES_LISTED]]
        if len(digest.changed_entries) > MAX_ENTRIES_LISTED:
            lines.append(f"- and {len(digest.changed_entries) - MAX_ENTRIES_LISTED} more")
    if digest.new_buddy_pairs:
        pairs = digest.new_buddy_pairs
        lines += [
            "",
            f"🤝 {pairs} new study-buddy pair{'s' if pairs != 1 else ''} this week. Want one? `/buddy find`",
        ]
    return lines
