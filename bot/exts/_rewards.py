"""Completing and undoing milestones from Discord: reply, reward roles, celebration (a helper
module of the extensions, not an extension: nothing to load).

Shared by ``/milestone done``, the "Mark milestone done" button and the moderators'
``/coach set-progress``, so all three behave the same.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot.progress.results import CompletionResult
from bot.progress.rewards import (
    AssignerFacts,
    Refusal,
    RoleFacts,
    RoleRefusal,
    dangerous_permissions,
    reward_refusal,
)
from bot.ratelimit import RecentPosts
from bot.ui.context import guild_id_of
from bot.ui.embeds import notice
from bot.ui.progress import completion_embed, undo_embed
from bot.ui.text import NO_PINGS, ping_only

if TYPE_CHECKING:
    from bot.client import CoachBot
    from bot.coach import Coach

log = logging.getLogger(__name__)

# Warnings about dangerous reward roles already posted, so sync-roles does not post one per member.
_warned = RecentPosts[bool](3600.0)


@dataclass
class RoleChanges:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = []
        if self.added:
            parts.append("🏅 New role: " + ", ".join(self.added))
        if self.removed:
            parts.append("Removed role: " + ", ".join(self.removed))
        if self.failed:
            parts.append("⚠️ " + " ".join(self.failed))
        return "\n".join(parts)


def role_facts(role: discord.Role) -> RoleFacts:
    return RoleFacts(
        role.name, role.permissions.value, (role.position, -role.id), role.is_default(), role.managed
    )


def assigner_facts(member: discord.Member) -> AssignerFacts:
    top = member.top_role
    return AssignerFacts(
        member.guild_permissions.value, (top.position, -top.id), member.id == member.guild.owner_id
    )


def role_problem(
    guild: discord.Guild, role: discord.Role | None, moderator: discord.Member | None = None
) -> str | None:
    """Why ``role`` cannot be a reward, in words a moderator can act on (None: it can).

    With ``moderator`` (setting a reward) they must be able to assign the role themselves;
    the bot must always be able to. Asked again at every grant, so a role edited since is
    judged as it is now.
    """
    if role is None:
        return "The reward role no longer exists; a moderator can set another with `/coach reward`."
    for assigner in (moderator, guild.me):
        if assigner is not None:
            refusal = reward_refusal(role_facts(role), assigner_facts(assigner))
            if refusal is not None:
                return refusal_text(refusal, role, assigner, by_bot=assigner.id == guild.me.id)
    return None


def refusal_text(refusal: RoleRefusal, role: discord.Role, assigner: discord.Member, *, by_bot: bool) -> str:
    name = discord.utils.escape_markdown(role.name)
    top = discord.utils.escape_markdown(assigner.top_role.name)
    match refusal.reason:
        case Refusal.EVERYONE:
            return "@everyone can't be a reward: every member already has it."
        case Refusal.MANAGED:
            return f"The role **{name}** is managed by Discord or an integration and can't be given out."
        case Refusal.DANGEROUS:
            return (
                f"The role **{name}** has moderator powers ({', '.join(refusal.permissions)}), so it "
                "can't be a reward: a reward role must not let members moderate, change the server "
                "or ping everyone."
            )
        case Refusal.NO_MANAGE_ROLES if by_bot:
            return "I need the **Manage Roles** permission to give reward roles."
        case Refusal.NO_MANAGE_ROLES:
            return "You need the **Manage Roles** permission to make a role a reward."
        case Refusal.NOT_BELOW if by_bot:
            return (
                f"The role **{name}** is above my highest role (**{top}**): "
                "move my role above it in Server Settings → Roles."
            )
        case _:
            return (
                f"The role **{name}** is not below your highest role (**{top}**): "
                "you can only make rewards of roles you could assign yourself."
            )


async def sync_rewards(guild: discord.Guild, member: discord.Member, coach: Coach) -> RoleChanges:
    """Give and take reward roles so the member holds exactly what their progress earns.

    A role that fails the reward rule now is neither given nor taken, and the moderators'
    log channel hears about it.
    """
    want, reward_ids = await coach.reward_plan(guild.id, member.id)
    changes = RoleChanges()
    if not reward_ids:
        return changes
    have = {r.id for r in member.roles} & reward_ids
    for role_id, adding in [*((r, True) for r in want - have), *((r, False) for r in have - want)]:
        role = guild.get_role(role_id)
        problem = role_problem(guild, role)
        if problem is None and role is not None:
            try:
                if adding:
                    await member.add_roles(role, reason="IT PM Coach milestone reward")
                else:
                    await member.remove_roles(role, reason="IT PM Coach milestone reward")
            except discord.HTTPException as exc:
                problem = f"Discord refused to change the role **{role.name}** ({exc.text or exc.status})."
        elif role is not None and dangerous_permissions(role.permissions.value):
            await warn_moderators(guild, role, member, coach)
        if problem is None and role is not None:
            (changes.added if adding else changes.removed).append(role.name)
        else:
            changes.failed.append(problem or "")
    return changes


async def warn_moderators(
    guild: discord.Guild, role: discord.Role, member: discord.Member, coach: Coach
) -> None:
    """Tell the log channel that a reward role has become dangerous (once an hour per role and permissions)."""
    key = (guild.id, role.id, role.permissions.value)
    if _warned.get(key):
        return
    _warned.put(key, True)
    settings = await coach.guild_settings(guild.id)
    channel = guild.get_channel(settings.log_channel_id) if settings.log_channel_id else None
    log.warning("reward role %s of guild %s has dangerous permissions; not granted", role.id, guild.id)
    if not isinstance(channel, discord.abc.Messageable):
        return
    who = discord.utils.escape_markdown(member.display_name)
    text = (
        f"I did not give or take {role.mention} for **{who}**: the role now has moderator powers "
        f"({', '.join(dangerous_permissions(role.permissions.value))}). Remove those permissions "
        "or choose another reward with `/coach reward`."
    )
    try:
        await channel.send(
            embed=notice(text, title="Reward role withheld", ok=False), allowed_mentions=NO_PINGS
        )
    except discord.HTTPException as exc:
        log.warning("could not warn the log channel %s of guild %s: %s", channel.id, guild.id, exc)


async def complete_and_reply(
    interaction: discord.Interaction[CoachBot], milestone_id: str, note: str | None
) -> None:
    coach = interaction.client.coach
    guild_id = guild_id_of(interaction)
    result = await coach.progress.complete(guild_id, interaction.user.id, milestone_id, note)
    summary = await coach.progress.summary(guild_id, interaction.user.id)
    await reply_then_reward(interaction, completion_embed(result, summary.current), interaction.user)
    if result.created and isinstance(interaction.user, discord.Member) and interaction.guild is not None:
        await celebrate(interaction.guild, interaction.user, result, coach)


async def undo_and_reply(interaction: discord.Interaction[CoachBot], milestone_id: str) -> None:
    coach = interaction.client.coach
    guild_id = guild_id_of(interaction)
    result = await coach.progress.undo(guild_id, interaction.user.id, milestone_id)
    summary = await coach.progress.summary(guild_id, interaction.user.id)
    await reply_then_reward(interaction, undo_embed(result, summary.current), interaction.user)


async def reply_then_reward(
    interaction: discord.Interaction[CoachBot], embed: discord.Embed, member: discord.Member | discord.User
) -> None:
    """Answer at once (Discord's 3 s rule), then fix the member's reward roles and say what changed."""
    await interaction.response.send_message(embed=embed, ephemeral=True)
    if not isinstance(member, discord.Member) or interaction.guild is None:
        return
    changes = await sync_rewards(interaction.guild, member, interaction.client.coach)
    if changes.describe():
        embed.add_field(name="Roles", value=changes.describe(), inline=False)
        await interaction.edit_original_response(embed=embed)


async def celebrate(
    guild: discord.Guild, member: discord.Member, result: CompletionResult, coach: Coach
) -> None:
    """Post in the announcement channel; the member is pinged only if they opted in."""
    settings = await coach.guild_settings(guild.id)
    channel = guild.get_channel(settings.announce_channel_id) if settings.announce_channel_id else None
    if not isinstance(channel, discord.abc.Messageable):
        return
    opted_in = await coach.mention_opt_in(guild.id, member.id)
    who = (
        member.mention
        if opted_in
        else discord.utils.escape_mentions(discord.utils.escape_markdown(member.display_name))
    )
    try:
        await channel.send(
            f"🎉 {who} just completed **{result.milestone.title}**! Cheer them on.",
            allowed_mentions=ping_only(member) if opted_in else NO_PINGS,
        )
    except discord.HTTPException as exc:
        log.warning("could not announce in channel %s of guild %s: %s", channel.id, guild.id, exc)
