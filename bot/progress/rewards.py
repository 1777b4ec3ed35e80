"""Which reward roles a member should hold, and which roles may be rewards at all.

Pure logic, shared by completion, undo and ``/coach sync-roles``: Discord code only applies
the difference between this answer and the roles the member has, and asks
``reward_refusal`` before setting or granting a role.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

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


# Discord permission bits (https://discord.com/developers/docs/topics/permissions) that let a
# member moderate others, change the server or ping everyone. A reward role must carry none.
ADMINISTRATOR = 1 << 3
MANAGE_ROLES = 1 << 28
DANGEROUS_PERMISSIONS: dict[str, int] = {
    "Administrator": ADMINISTRATOR,
    "Manage Server": 1 << 5,
    "Manage Roles": MANAGE_ROLES,
    "Manage Channels": 1 << 4,
    "Manage Webhooks": 1 << 29,
    "Manage Messages": 1 << 13,
    "Manage Threads": 1 << 34,
    "Manage Nicknames": 1 << 27,
    "Manage Expressions": 1 << 30,
    "Manage Events": 1 << 33,
    "Kick Members": 1 << 1,
    "Ban Members": 1 << 2,
    "Moderate Members": 1 << 40,
    "Mute Members": 1 << 22,
    "Deafen Members": 1 << 23,
    "Move Members": 1 << 24,
    "Mention @everyone, @here and All Roles": 1 << 17,
}


@dataclass(frozen=True, slots=True)
class RoleFacts:
    """What the reward rule needs to know about a role.

    ``rank`` orders roles as Discord does: by position, and at equal positions the older role
    (smaller id) ranks higher, hence ``(position, -id)``.
    """

    name: str
    permissions: int
    rank: tuple[int, int]
    everyone: bool = False
    managed: bool = False


@dataclass(frozen=True, slots=True)
class AssignerFacts:
    """Who would hand the role out: the moderator setting a reward, or the bot granting it."""

    permissions: int
    top_rank: tuple[int, int]
    owner: bool = False


class Refusal(enum.Enum):
    EVERYONE = "everyone"
    MANAGED = "managed"
    DANGEROUS = "dangerous"
    NO_MANAGE_ROLES = "no manage roles"
    NOT_BELOW = "not below"


@dataclass(frozen=True, slots=True)
class RoleRefusal:
    reason: Refusal
    permissions: tuple[str, ...] = ()
    """The dangerous permissions the role carries (for ``Refusal.DANGEROUS``)."""


def dangerous_permissions(permissions: int) -> tuple[str, ...]:
    return tuple(name for name, bit in DANGEROUS_PERMISSIONS.items() if permissions & bit)


def reward_refusal(role: RoleFacts, assigner: AssignerFacts) -> RoleRefusal | None:
    """Why ``assigner`` may not hand out ``role`` as a milestone reward (None: it may).

    The one rule for both setting a reward (assigner: the moderator, then the bot) and
    granting it (assigner: the bot, with the role's permissions as they are at that moment).
    The role itself must be safe whoever asks; then the assigner needs Manage Roles and the
    role strictly below their highest role, as Discord requires, unless they own the server.
    """
    if role.everyone:
        return RoleRefusal(Refusal.EVERYONE)
    if role.managed:
        return RoleRefusal(Refusal.MANAGED)
    dangerous = dangerous_permissions(role.permissions)
    if dangerous:
        return RoleRefusal(Refusal.DANGEROUS, dangerous)
    if assigner.owner:
        return None
    if not assigner.permissions & (MANAGE_ROLES | ADMINISTRATOR):
        return RoleRefusal(Refusal.NO_MANAGE_ROLES)
    if role.rank >= assigner.top_rank:
        return RoleRefusal(Refusal.NOT_BELOW)
    return None
