"""Progress commands: ``/roadmap``, ``/track choose``, ``/milestone ...``, ``/next``, ``/progress``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.exts._rewards import complete_and_reply, undo_and_reply
from bot.limits import CHOICE_NAME, MAX_CHOICES, NOTE_MAX_CHARS
from bot.progress.errors import UnknownTrack
from bot.ui.choices import milestone_autocomplete, ranked
from bot.ui.coaching import goal_label, goals_field, streak_text
from bot.ui.context import guild_id_of, is_moderator
from bot.ui.embeds import notice
from bot.ui.entries import MarkDoneButton, OpenEntryButton
from bot.ui.progress import next_embed, roadmap_embed, summary_embed
from bot.ui.text import clip

if TYPE_CHECKING:
    from bot.client import CoachBot


class Roadmap(commands.Cog):
    track = app_commands.Group(name="track", description="Choose the career track you follow")
    milestone = app_commands.Group(name="milestone", description="Mark your milestones done or not done")

    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot

    # -- autocomplete --------------------------------------------------------------------

    async def track_choices(
        self, interaction: discord.Interaction[CoachBot], current: str
    ) -> list[app_commands.Choice[str]]:
        tracks = ranked(
            current, interaction.client.coach.library.knowledge.tracks.values(), lambda t: (t.id, t.title)
        )
        return [
            app_commands.Choice(name=clip(t.title, CHOICE_NAME), value=t.id) for t in tracks[:MAX_CHOICES]
        ]

    # -- commands ------------------------------------------------------------------------

    @app_commands.command(name="roadmap", description="Your roadmap: milestones, progress and next step")
    @app_commands.describe(track="Another track to look at (default: yours)")
    @app_commands.autocomplete(track=track_choices)
    async def roadmap(self, interaction: discord.Interaction[CoachBot], track: str | None = None) -> None:
        coach = interaction.client.coach
        guild_id = guild_id_of(interaction)
        summary = await coach.progress.summary(guild_id, interaction.user.id)
        shown = summary.current
        if track:
            found = next((t for t in summary.tracks if t.track.id == track), None)
            if found is None:
                raise UnknownTrack(track, coach.library.knowledge.tracks)
            shown = found
        step = (
            await coach.progress.next_step(guild_id, interaction.user.id)
            if shown is summary.current
            else None
        )
        goals = {
            g.milestone.id: goal_label(g) for g in await coach.coaching.goals(guild_id, interaction.user.id)
        }
        await interaction.response.send_message(embed=roadmap_embed(shown, step, goals=goals), ephemeral=True)

    @track.command(name="choose", description="Choose the career track you follow")
    @app_commands.describe(track="The track to follow")
    @app_commands.autocomplete(track=track_choices)
    async def track_choose(self, interaction: discord.Interaction[CoachBot], track: str) -> None:
        coach = interaction.client.coach
        choice = await coach.progress.choose_track(guild_id_of(interaction), interaction.user.id, track)
        summary = await coach.progress.summary(guild_id_of(interaction), interaction.user.id)
        step = await coach.progress.next_step(guild_id_of(interaction), interaction.user.id)
        text = (
            f"You now follow **{choice.track.title}**."
            if choice.changed
            else f"You already follow **{choice.track.title}**."
        )
        await interaction.response.send_message(
            content=text, embed=roadmap_embed(summary.current, step), ephemeral=True
        )

    @milestone.command(name="done", description="Mark a milestone as done")
    @app_commands.describe(
        milestone="The milestone (start typing)", note="Optional note, e.g. 'passed CAPM on 3 Nov'"
    )
    @app_commands.autocomplete(milestone=milestone_autocomplete)
    async def milestone_done(
        self,
        interaction: discord.Interaction[CoachBot],
        milestone: str,
        note: app_commands.Range[str, 1, NOTE_MAX_CHARS] | None = None,
    ) -> None:
        await complete_and_reply(interaction, milestone, note)

    @milestone.command(name="undo", description="Set a milestone back to not done")
    @app_commands.describe(milestone="The milestone (start typing)")
    @app_commands.autocomplete(milestone=milestone_autocomplete)
    async def milestone_undo(self, interaction: discord.Interaction[CoachBot], milestone: str) -> None:
        await undo_and_reply(interaction, milestone)

    @milestone.command(name="mentions", description="Be mentioned when your milestones are celebrated")
    @app_commands.describe(on="True: mention me in celebrations; False: just my name (default)")
    async def milestone_mentions(self, interaction: discord.Interaction[CoachBot], on: bool) -> None:
        await interaction.client.coach.set_mention_opt_in(guild_id_of(interaction), interaction.user.id, on)
        text = (
            "Celebrations of your milestones will mention you."
            if on
            else "Celebrations of your milestones will show your name without pinging you."
        )
        await interaction.response.send_message(embed=notice(text), ephemeral=True)

    @app_commands.command(name="next", description="Your next step, with its checklist and what to read")
    async def next(self, interaction: discord.Interaction[CoachBot]) -> None:
        coach = interaction.client.coach
        step = await coach.progress.next_step(guild_id_of(interaction), interaction.user.id)
        goals = {
            g.milestone.id: goal_label(g)
            for g in await coach.coaching.goals(guild_id_of(interaction), interaction.user.id)
        }
        view = discord.ui.View(timeout=None)
        for entry in step.entries[:3]:
            view.add_item(OpenEntryButton(entry.id, entry.title))
        if step.milestone is not None:
            view.add_item(MarkDoneButton(step.milestone.id))
        goal = goals.get(step.milestone.id) if step.milestone else None
        await interaction.response.send_message(embed=next_embed(step, goal), view=view, ephemeral=True)

    @app_commands.command(name="progress", description="See your progress (moderators: anyone's)")
    @app_commands.describe(member="Another member (moderators only)")
    async def progress(
        self, interaction: discord.Interaction[CoachBot], member: discord.Member | discord.User | None = None
    ) -> None:
        # A User (not a Member) is someone outside the server: moderators may still read the
        # progress of members who left, it is kept until they delete it.
        target = member or interaction.user
        if target.id != interaction.user.id and not is_moderator(interaction):
            await interaction.response.send_message(
                embed=notice(
                    "You can see your own progress; other members' progress is for moderators.", ok=False
                ),
                ephemeral=True,
            )
            return
        coach = interaction.client.coach
        summary = await coach.progress.summary(guild_id_of(interaction), target.id)
        who = (
            "you" if target.id == interaction.user.id else discord.utils.escape_markdown(target.display_name)
        )
        guild_id = guild_id_of(interaction)
        goals = goals_field(await coach.coaching.goals(guild_id, target.id))
        streak = streak_text(await coach.coaching.streak(guild_id, target.id))
        await interaction.response.send_message(
            embed=summary_embed(summary, who, goals=goals, streak=streak), ephemeral=True
        )


async def setup(bot: CoachBot) -> None:
    await bot.add_cog(Roadmap(bot))
