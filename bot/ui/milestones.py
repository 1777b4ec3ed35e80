"""Completing and undoing milestones from Discord: reply, reward roles, celebration.

Shared by ``/milestone done``, the "Mark milestone done" button and the moderators'
``/coach set-progress``, so all three behave the same.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import discord

from bot.progress.results import CompletionResult
from bot.ui.context import coach_of, guild_id_of
from bot.ui.progress import completion_embed, undo_embed
from bot.ui.text import NO_PINGS, ping_only

if TYPE_CHECKING:
    from bot.coach import Coach

log = logging.getLogger(__name__)


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


def role_problem(guild: discord.Guild, role: discord.Role | None) -> str | None:
    """Why the bot cannot hand out ``role``, in words a moderator can act on (None: it can)."""
    if role is None:
        return "The reward role no longer exists; a moderator can set another with `/coach reward`."
    me = guild.me
    if not me.guild_permissions.manage_roles:
        return "I need the **Manage Roles** permission to give reward roles."
    if role.is_default() or role.managed:
        return f"The role **{role.name}** is managed by Discord or an integration and can't be given out."
    if role >= me.top_role:
        return (
            f"The role **{role.name}** is above my highest role (**{me.top_role.name}**): "
            "move my role above it in Server Settings → Roles."
        )
    return None


async def sync_rewards(guild: discord.Guild, member: discord.Member, coach: Coach) -> RoleChanges:
    """Give and take reward roles so the member holds exactly what their progress earns."""
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
        if problem is None and role is not None:
            (changes.added if adding else changes.removed).append(role.name)
        else:
            changes.failed.append(problem or "")
    return changes


async def complete_and_reply(interaction: discord.Interaction, milestone_id: str, note: str | None) -> None:
    coach = coach_of(interaction)
    guild_id = guild_id_of(interaction)
    result = await coach.progress.complete(guild_id, interaction.user.id, milestone_id, note)
    summary = await coach.progress.summary(guild_id, interaction.user.id)
    await reply_then_reward(interaction, completion_embed(result, summary.current), interaction.user)
    if result.created and isinstance(interaction.user, discord.Member) and interaction.guild is not None:
        await celebrate(interaction.guild, interaction.user, result, coach)


async def undo_and_reply(interaction: discord.Interaction, milestone_id: str) -> None:
    coach = coach_of(interaction)
    guild_id = guild_id_of(interaction)
    result = await coach.progress.undo(guild_id, interaction.user.id, milestone_id)
    summary = await coach.progress.summary(guild_id, interaction.user.id)
    await reply_then_reward(interaction, undo_embed(result, summary.current), interaction.user)


async def reply_then_reward(interaction: discord.Interaction, embed: discord.Embed,
                            member: discord.Member | discord.User) -> None:
    """Answer at once (Discord's 3 s rule), then fix the member's reward roles and say what changed."""
    await interaction.response.send_message(embed=embed, ephemeral=True)
    if not isinstance(member, discord.Member) or interaction.guild is None:
        return
    changes = await sync_rewards(interaction.guild, member, coach_of(interaction))
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
