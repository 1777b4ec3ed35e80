"""Which reward roles a member should hold, from their completions and the guild's rules.

Pure logic, shared by completion, undo and ``/coach sync-roles``: Discord code only applies
the difference between this answer and the roles the member has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.storage.protocol import CompletionRecord, RewardMode


def reward_roles_for(
    completions: Iterable[CompletionRecord],
    roles: Mapping[str, int],
    mode: RewardMode,
    current_id: Mapping[str, str | None] | None = None,
) -> set[int]:
    """Role ids the member should hold.

    ``roles`` maps milestone ids to role ids; ``current_id`` maps stored milestone ids to
    today's (so renamed milestones keep their reward). In ``stack`` mode every earned role is
    held; in ``replace`` mode only the role of the most recently completed rewarded milestone.
    """
    earned: list[tuple[str, int]] = []
    for record in completions:
        milestone_id = (
            current_id.get(record.milestone_id, record.milestone_id) if current_id else record.milestone_id
        )
        if milestone_id is not None and milestone_id in roles:
            earned.append((record.completed_at.isoformat(), roles[milestone_id]))
    if not earned:
        return set()
    if mode == "replace":
        return {max(earned)[1]}
    return {role for _, role in earned}
