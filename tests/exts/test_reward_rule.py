"""The reward-role rule on its own (no Discord): what may be a reward, and who may set it."""

from __future__ import annotations

import discord
import pytest

from bot.progress.rewards import (
    DANGEROUS_PERMISSIONS,
    AssignerFacts,
    Refusal,
    RoleFacts,
    reward_refusal,
)

MANAGE_ROLES = discord.Permissions(manage_roles=True).value
SAFE = discord.Permissions(send_messages=True, embed_links=True, change_nickname=True).value
MODERATOR = AssignerFacts(permissions=MANAGE_ROLES, top_rank=(10, -1))


def role(permissions: int = SAFE, position: int = 5, **flags: bool) -> RoleFacts:
    return RoleFacts("Reward", permissions, (position, -99), **flags)


def reason(refusal: object) -> Refusal | None:
    return getattr(refusal, "reason", None)


def test_the_dangerous_bits_are_discord_pys_own() -> None:
    """Every named permission maps to the bit discord.py uses for it (a typo would let a role through)."""
    names = {
        "Administrator": "administrator",
        "Manage Server": "manage_guild",
        "Manage Roles": "manage_roles",
        "Manage Channels": "manage_channels",
        "Manage Webhooks": "manage_webhooks",
        "Manage Messages": "manage_messages",
        "Manage Threads": "manage_threads",
        "Manage Nicknames": "manage_nicknames",
        "Manage Expressions": "manage_expressions",
        "Manage Events": "manage_events",
        "Kick Members": "kick_members",
        "Ban Members": "ban_members",
        "Moderate Members": "moderate_members",
        "Mute Members": "mute_members",
        "Deafen Members": "deafen_members",
        "Move Members": "move_members",
        "Mention @everyone, @here and All Roles": "mention_everyone",
    }
    assert {
        name: discord.Permissions(**{attr: True}).value for name, attr in names.items()
    } == DANGEROUS_PERMISSIONS


@pytest.mark.parametrize("name", sorted(DANGEROUS_PERMISSIONS))
def test_a_role_with_any_dangerous_permission_is_refused_to_everyone(name: str) -> None:
    dangerous = role(SAFE | DANGEROUS_PERMISSIONS[name])
    owner = AssignerFacts(permissions=0, top_rank=(0, 0), owner=True)
    for assigner in (MODERATOR, owner):
        refusal = reward_refusal(dangerous, assigner)
        assert refusal is not None and refusal.reason is Refusal.DANGEROUS and refusal.permissions == (name,)


def test_everyone_and_managed_roles_are_refused_even_to_the_owner() -> None:
    owner = AssignerFacts(permissions=0, top_rank=(0, 0), owner=True)
    assert reason(reward_refusal(role(everyone=True, position=0), owner)) is Refusal.EVERYONE
    assert reason(reward_refusal(role(managed=True), owner)) is Refusal.MANAGED


def test_the_assigner_needs_manage_roles_or_administrator() -> None:
    assert reason(reward_refusal(role(), AssignerFacts(SAFE, (10, -1)))) is Refusal.NO_MANAGE_ROLES
    admin = discord.Permissions(administrator=True).value
    assert reward_refusal(role(), AssignerFacts(admin, (10, -1))) is None
    assert reward_refusal(role(), MODERATOR) is None


def test_the_role_must_rank_strictly_below_the_assigners_top_role() -> None:
    assert reason(reward_refusal(role(position=10), MODERATOR)) is None  # same position, newer role: lower
    assert reason(reward_refusal(RoleFacts("Old", SAFE, (10, -1)), MODERATOR)) is Refusal.NOT_BELOW  # itself
    assert reason(reward_refusal(role(position=11), MODERATOR)) is Refusal.NOT_BELOW
    owner = AssignerFacts(permissions=0, top_rank=(0, 0), owner=True)
    assert reward_refusal(role(position=11), owner) is None
