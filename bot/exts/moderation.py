"""Moderator commands under ``/coach``: configuration, role rewards and members' progress.

Hidden from members by ``default_permissions(manage_guild=True)`` and checked again at run
time, because server admins can override a command's default permissions.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.coaching.schedule import WEEKDAYS
from bot.exts._rewards import RoleChanges, reply_then_reward, role_problem, sync_rewards
from bot.limits import EMBED_FIELD
from bot.progress.errors import UnknownMilestone
from bot.reports import funnel_png, funnel_text, progress_csv, sparkline
from bot.ui.choices import milestone_autocomplete
from bot.ui.coaching import digest_embed
from bot.ui.context import guild_id_of, require_moderator
from bot.ui.embeds import COLOUR, notice
from bot.ui.progress import completion_embed, undo_embed
from bot.ui.text import clip, not_a_member

if TYPE_CHECKING:
    from bot.client import CoachBot


@app_commands.default_permissions(manage_guild=True)
class Moderation(commands.GroupCog, group_name="coach", group_description="Moderator tools for IT PM Coach"):
    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot

    digest = app_commands.Group(name="digest", description="A weekly community digest in a channel")

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        require_moderator(interaction)
        return True

    @digest.command(name="on", description="Post a weekly digest (never pings anyone)")
    @app_commands.describe(
        channel="Where to post it", day="Which day (UTC)", hour="Hour of the day, UTC (0-23)"
    )
    async def digest_on(
        self,
        interaction: discord.Interaction[CoachBot],
        channel: discord.TextChannel,
        day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "monday",
        hour: app_commands.Range[int, 0, 23] = 9,
    ) -> None:
        settings = await interaction.client.coach.coaching.digest_on(
            guild_id_of(interaction), channel.id, WEEKDAYS.index(day), hour
        )
        when = discord.utils.format_dt(settings.digest_next_at, "F") if settings.digest_next_at else "soon"
        await interaction.response.send_message(
            embed=notice(f"The weekly digest goes to {channel.mention}; the next one: {when}."),
            ephemeral=True,
        )

    @digest.command(name="off", description="Stop the weekly digest")
    async def digest_off(self, interaction: discord.Interaction[CoachBot]) -> None:
        stopped = await interaction.client.coach.coaching.digest_off(guild_id_of(interaction))
        text = "The weekly digest is off." if stopped else "The weekly digest was already off."
        await interaction.response.send_message(embed=notice(text), ephemeral=True)

    @digest.command(name="preview", description="See this week's digest now, privately")
    async def digest_preview(self, interaction: discord.Interaction[CoachBot]) -> None:
        digest = await interaction.client.coach.coaching.digest(guild_id_of(interaction))
        names = {member_id: f"<@{member_id}>" for member_id, _ in digest.named}
        await interaction.response.send_message(embed=digest_embed(digest, names), ephemeral=True)

    @app_commands.command(
        name="config", description="Set the announcement and log channels and how rewards work"
    )
    @app_commands.describe(
        announce_channel="Where milestone completions are celebrated",
        log_channel="Where knowledge reload reports go",
        reward_mode="stack: keep every reward role; replace: only the newest",
        buddy_channel="Where study buddies are introduced in private threads (default: by DM)",
        help_channel="Where members' 'I'm stuck' questions from check-ins are posted",
    )
    async def config(
        self,
        interaction: discord.Interaction[CoachBot],
        announce_channel: discord.TextChannel | None = None,
        log_channel: discord.TextChannel | None = None,
        reward_mode: Literal["stack", "replace"] | None = None,
        buddy_channel: discord.TextChannel | None = None,
        help_channel: discord.TextChannel | None = None,
    ) -> None:
        coach = interaction.client.coach
        coaching = await coach.coaching.configure(
            guild_id_of(interaction),
            buddy_channel_id=buddy_channel.id if buddy_channel else None,
            help_channel_id=help_channel.id if help_channel else None,
        )
        settings = await coach.guild_settings(guild_id_of(interaction))
        updated = dataclasses.replace(
            settings,
            announce_channel_id=announce_channel.id if announce_channel else settings.announce_channel_id,
            log_channel_id=log_channel.id if log_channel else settings.log_channel_id,
            reward_mode=reward_mode or settings.reward_mode,
        )
        if updated != settings:
            settings = updated
            await coach.save_guild_settings(settings)
        changed = bool(announce_channel or log_channel or reward_mode or buddy_channel or help_channel)
        lines = [
            f"Announcements: {f'<#{settings.announce_channel_id}>' if settings.announce_channel_id else 'off'}",
            f"Log channel: {f'<#{settings.log_channel_id}>' if settings.log_channel_id else 'none'}",
            f"Reward roles: {settings.reward_mode}",
            f"Buddy introductions: {f'<#{coaching.buddy_channel_id}>' if coaching.buddy_channel_id else 'by DM'}",
            f"Help channel: {f'<#{coaching.help_channel_id}>' if coaching.help_channel_id else 'none'}",
        ]
        if reward_mode is not None:
            lines.append("Run `/coach sync-roles` to apply the new reward mode to everyone.")
        title = "Settings saved" if changed else "Current settings"
        await interaction.response.send_message(embed=notice("\n".join(lines), title=title), ephemeral=True)

    @app_commands.command(name="reward", description="Give a role when members complete a milestone")
    @app_commands.describe(milestone="The milestone", role="The role to give (it is removed again on undo)")
    @app_commands.autocomplete(milestone=milestone_autocomplete)
    async def reward(
        self, interaction: discord.Interaction[CoachBot], milestone: str, role: discord.Role
    ) -> None:
        coach = interaction.client.coach
        if milestone not in coach.library.knowledge.milestones:
            raise UnknownMilestone(milestone, coach.library.knowledge.milestones)
        assert interaction.guild is not None and isinstance(interaction.user, discord.Member)
        problem = role_problem(interaction.guild, role, moderator=interaction.user)
        if problem is not None:
            await interaction.response.send_message(embed=notice(problem, ok=False), ephemeral=True)
            return
        await coach.set_reward_role(interaction.guild.id, milestone, role.id)
        title = coach.library.knowledge.milestones[milestone].title
        await interaction.response.send_message(
            embed=notice(
                f"Members who complete **{title}** now get {role.mention}. "
                "Run `/coach sync-roles` to give it to members who already completed it."
            ),
            ephemeral=True,
        )

    @app_commands.command(
        name="sync-roles", description="Re-apply reward roles to every member with progress"
    )
    async def sync_roles(self, interaction: discord.Interaction[CoachBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        coach = interaction.client.coach
        guild = interaction.guild
        assert guild is not None
        total = RoleChanges()
        missing = 0
        for member_id in await coach.members_with_progress(guild.id):
            try:
                member = guild.get_member(member_id) or await guild.fetch_member(member_id)
            except discord.NotFound:
                missing += 1
                continue
            changes = await sync_rewards(guild, member, coach)
            total.added += changes.added
            total.removed += changes.removed
            total.failed += changes.failed
        reasons = sorted(set(total.failed))
        text = (
            f"Roles added: **{len(total.added)}** · removed: **{len(total.removed)}** · "
            f"failed: **{len(total.failed)}**"
            + (f"\nMembers who left the server: {missing}" if missing else "")
        )
        if reasons:
            text += "\n\n" + "\n".join(f"⚠️ {r}" for r in reasons[:5])
        await interaction.followup.send(embed=notice(text, title="Reward roles synced"), ephemeral=True)

    @app_commands.command(name="set-progress", description="Set or clear a milestone for a member")
    @app_commands.describe(member="The member", milestone="The milestone", state="done or undo")
    @app_commands.autocomplete(milestone=milestone_autocomplete)
    async def set_progress(
        self,
        interaction: discord.Interaction[CoachBot],
        member: discord.Member | discord.User,
        milestone: str,
        state: Literal["done", "undo"],
    ) -> None:
        if not isinstance(member, discord.Member):
            await interaction.response.send_message(
                embed=notice(not_a_member(member), ok=False), ephemeral=True
            )
            return
        coach = interaction.client.coach
        guild_id = guild_id_of(interaction)
        if state == "done":
            result = await coach.progress.moderator_set(guild_id, interaction.user.id, member.id, milestone)
            summary = await coach.progress.summary(guild_id, member.id)
            embed = completion_embed(result, summary.current)
        else:
            undone = await coach.progress.moderator_clear(guild_id, interaction.user.id, member.id, milestone)
            summary = await coach.progress.summary(guild_id, member.id)
            embed = undo_embed(undone, summary.current)
        embed.title = f"For {discord.utils.escape_markdown(member.display_name)}"
        await reply_then_reward(interaction, embed, member)

    @app_commands.command(
        name="stats", description="Funnel of members per milestone, questions per day, top entries"
    )
    async def stats(self, interaction: discord.Interaction[CoachBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        coach = interaction.client.coach
        report = await coach.guild_report(guild_id_of(interaction))
        png = await asyncio.to_thread(funnel_png, report.stats)
        embed = discord.Embed(title="IT PM Coach statistics", colour=COLOUR)
        embed.add_field(
            name=f"Members per milestone ({report.stats.members} with progress)",
            inline=False,
            value=clip(f"```\n{funnel_text(report.stats) or 'no progress yet'}\n```", EMBED_FIELD),
        )
        daily = [n for _, n in report.questions_per_day]
        embed.add_field(
            name=f"Questions per day, last {len(daily)} days ({sum(daily)} in all)",
            inline=False,
            value=f"`{sparkline(daily)}`",
        )
        top = "\n".join(f"{n} × {clip(title, 80)}" for title, n in report.top_entries) or "nothing opened yet"
        embed.add_field(name="Most opened entries (30 days)", value=clip(top, EMBED_FIELD), inline=False)
        embed.set_image(url="attachment://funnel.png")
        await interaction.followup.send(
            embed=embed, file=discord.File(io.BytesIO(png), filename="funnel.png"), ephemeral=True
        )

    @app_commands.command(name="export", description="CSV of every member's progress in this server")
    async def export(self, interaction: discord.Interaction[CoachBot]) -> None:
        coach = interaction.client.coach
        text = progress_csv(await coach.progress_rows(guild_id_of(interaction)))
        await interaction.response.send_message(
            embed=notice("Progress of every member of this server: member id, track, milestone, date."),
            file=discord.File(io.BytesIO(text.encode()), filename=f"progress-{guild_id_of(interaction)}.csv"),
            ephemeral=True,
        )


async def setup(bot: CoachBot) -> None:
    await bot.add_cog(Moderation(bot))
