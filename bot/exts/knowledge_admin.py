"""``/kb``: moderators reload, preview and inspect the knowledge base, and read the gaps.

Also runs the automatic reload: every ``KNOWLEDGE_POLL_SECONDS`` it compares the files'
modification times and sizes with the last load, and reloads when they changed. Loading
and indexing run in a worker thread; the swap is one attribute assignment.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.gaps import MAX_GROUPED, group_gaps
from bot.knowledge.preview import check_draft
from bot.knowledge.problems import Problem, left_out
from bot.library import ReloadOutcome
from bot.limits import EMBED_DESCRIPTION, EMBED_FIELD, EMBED_TOTAL
from bot.ui.context import guild_id_of, require_moderator
from bot.ui.embeds import COLOUR, entry_embed, notice
from bot.ui.entries import disable, entry_view
from bot.ui.text import NO_PINGS, clip

if TYPE_CHECKING:
    from bot.client import CoachBot
    from bot.coach import Coach

log = logging.getLogger(__name__)
LISTED_PROBLEMS = 15


def problems_block(problems: Sequence[Problem], total: int, limit: int) -> str:
    """The problem lines that fit in ``limit`` characters as a code block, then how many
    more there were (a reload can find hundreds of thousands)."""
    shown: list[str] = []
    used = len("```\n\n```\n") + len(left_out(total))
    for problem in problems[:LISTED_PROBLEMS]:
        line = str(problem)
        if used + len(line) + 1 > limit:
            break
        shown.append(line)
        used += len(line) + 1
    return ("```\n" + "\n".join(shown) + "\n```\n" + left_out(total - len(shown))).rstrip()


async def reload_report(coach: Coach, outcome: ReloadOutcome, guild_id: int | None) -> discord.Embed:
    """What a reload did, for a moderator or a log channel."""
    if not outcome.ok:
        return discord.Embed(
            title="Reload failed: still serving the last good version",
            colour=discord.Colour.red(),
            description=problems_block(outcome.problems, outcome.total, EMBED_DESCRIPTION),
        )
    diff = outcome.diff
    lines = [f"Version in service: `{outcome.version}`"]
    for label, ids in (
        ("Entries added", diff.entries_added),
        ("Entries removed", diff.entries_removed),
        ("Entries changed", diff.entries_changed),
        ("Milestones added", diff.milestones_added),
        ("Milestones removed", diff.milestones_removed),
        ("Tracks added", diff.tracks_added),
        ("Tracks removed", diff.tracks_removed),
    ):
        if ids:
            lines.append(f"**{label}** ({len(ids)}): " + ", ".join(f"`{i}`" for i in ids[:20]))
    if diff.empty:
        lines.append("No entries, milestones or tracks changed.")
    if guild_id is not None:
        retired = (await coach.progress.guild_stats(guild_id)).retired
        if retired:
            lines.append(
                "**Progress records on retired milestones** (kept, not counted): "
                + ", ".join(f"`{m}` ({n})" for m, n in retired.items())
            )
    embed = discord.Embed(
        title="Knowledge reloaded", colour=COLOUR, description=clip("\n".join(lines), EMBED_DESCRIPTION)
    )
    if outcome.problems:
        embed.add_field(
            name="Warnings", value=problems_block(outcome.problems, outcome.total, EMBED_FIELD), inline=False
        )
    return embed


class DraftModal(discord.ui.Modal, title="Preview a knowledge entry"):
    draft: discord.ui.TextInput[DraftModal] = discord.ui.TextInput(
        label="Entry YAML",
        style=discord.TextStyle.paragraph,
        max_length=4000,
        placeholder="id: my-entry\ntitle: ...\narea: certifications\nquestions:\n  - ...",
    )

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        coach = interaction.client.coach
        await interaction.response.defer(ephemeral=True, thinking=True)
        result = await asyncio.to_thread(check_draft, coach.librarian.directory, self.draft.value)
        problems = result.problems
        summary = notice(
            problems_block(problems, len(problems), EMBED_DESCRIPTION)
            if problems
            else "No problems: `kb check` would accept it.",
            title=f"Validation of {result.path}",
            ok=result.ok and not problems,
        )
        embeds = [summary]
        view = discord.utils.MISSING
        if result.entry is not None and result.knowledge is not None:
            embeds.append(entry_embed(result.entry, result.knowledge))
            view = entry_view(result.entry, result.knowledge, owner_id=None)
            for item in view.children:  # a draft's buttons are shown, never live
                disable(item)
        if sum(len(e) for e in embeds) > EMBED_TOTAL:  # Discord counts all embeds of a message together
            await interaction.followup.send(embed=embeds.pop(0), ephemeral=True)
        await interaction.followup.send(embeds=embeds, view=view, ephemeral=True)

    # discord.py's Modal.on_error has no ``item``, unlike the View's it overrides
    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        from bot.ui.errors import report_error

        await report_error(interaction, error)


@app_commands.default_permissions(manage_guild=True)
class KnowledgeAdmin(
    commands.GroupCog, group_name="kb", group_description="Moderator tools for the knowledge base"
):
    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot
        seconds = bot.settings.knowledge_poll_seconds
        if seconds > 0:
            self.poll.change_interval(seconds=seconds)
            self.poll.start()
        self.prune.start()

    async def cog_unload(self) -> None:
        self.poll.cancel()
        self.prune.cancel()

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        require_moderator(interaction)
        return True

    @tasks.loop(seconds=5)
    async def poll(self) -> None:
        coach = self.bot.coach
        if not await asyncio.to_thread(coach.librarian.changed_on_disk):
            return
        log.info("knowledge files changed on disk; reloading")
        outcome = await coach.librarian.reload()
        await self._report_to_log_channels(outcome)

    @poll.error
    async def poll_error(self, error: BaseException) -> None:
        log.error("automatic knowledge reload crashed; it will not run again until restart", exc_info=error)

    @tasks.loop(hours=6)
    async def prune(self) -> None:
        coach = self.bot.coach
        removed, before = await coach.prune_gaps()
        if removed:
            log.info("pruned %d unanswered questions older than %s", removed, before.date())

    async def _report_to_log_channels(self, outcome: ReloadOutcome) -> None:
        coach = self.bot.coach
        for guild_id, channel_id in (await coach.log_channels()).items():
            channel = self.bot.get_channel(channel_id)
            if not isinstance(channel, discord.abc.Messageable):
                continue
            try:
                await channel.send(
                    embed=await reload_report(coach, outcome, guild_id), allowed_mentions=NO_PINGS
                )
            except discord.HTTPException as exc:
                log.warning("could not post the reload report in channel %s: %s", channel_id, exc)

    @app_commands.command(name="reload", description="Reload the knowledge base from disk now")
    async def reload(self, interaction: discord.Interaction[CoachBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        coach = interaction.client.coach
        outcome = await coach.librarian.reload()
        await interaction.followup.send(
            embed=await reload_report(coach, outcome, guild_id_of(interaction)), ephemeral=True
        )

    @app_commands.command(name="preview", description="Validate a draft entry and see it as members would")
    async def preview(self, interaction: discord.Interaction[CoachBot]) -> None:
        await interaction.response.send_modal(DraftModal())

    @app_commands.command(
        name="status", description="The knowledge version in service and the last failed reload"
    )
    async def status(self, interaction: discord.Interaction[CoachBot]) -> None:
        librarian = interaction.client.coach.librarian
        knowledge = librarian.knowledge
        embed = discord.Embed(
            title="Knowledge base status",
            colour=COLOUR,
            description=(
                f"Version `{knowledge.version}`, loaded {discord.utils.format_dt(knowledge.loaded_at, 'R')}\n"
                f"{len(knowledge.entries)} entries in {len(knowledge.areas)} areas, "
                f"{len(knowledge.milestones)} milestones, {len(knowledge.tracks)} tracks"
            ),
        )
        failure = librarian.last_failure
        if failure is not None:
            embed.add_field(
                name=f"Last failed reload ({discord.utils.format_dt(failure.at, 'R')})",
                inline=False,
                value=problems_block(failure.problems, failure.total, EMBED_FIELD),
            )
        else:
            embed.add_field(name="Last failed reload", value="none", inline=False)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="gaps", description="What members asked that the coach could not answer")
    @app_commands.describe(days="How far back to look (default 30)")
    async def gaps(
        self, interaction: discord.Interaction[CoachBot], days: app_commands.Range[int, 1, 365] = 30
    ) -> None:
        coach = interaction.client.coach
        since = datetime.now(UTC) - timedelta(days=days)
        questions = await coach.unanswered_questions(guild_id_of(interaction), since)
        groups = await asyncio.to_thread(group_gaps, questions)
        if not groups:
            text = f"No unanswered questions in the last {days} days. 🎉"
        else:
            text = "\n".join(
                f"**{g.count}×** {discord.utils.escape_markdown(clip(g.example, 150))}"
                + (f" · closest: `{g.best_entry_id}`" if g.best_entry_id else "")
                for g in groups
            )
        embed = discord.Embed(
            title=f"Unanswered questions, last {days} days",
            colour=COLOUR,
            description=clip(text, EMBED_DESCRIPTION),
        )
        grouped = "near-duplicates grouped"
        if len(questions) > MAX_GROUPED:
            grouped = f"newest {MAX_GROUPED:,} grouped"
        embed.set_footer(text=f"{len(questions):,} logged · {grouped} · no member ids are stored")
        await interaction.response.send_message(embed=embed, ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(name="feedback", description="Entries members found least helpful")
    async def feedback(self, interaction: discord.Interaction[CoachBot]) -> None:
        coach = interaction.client.coach
        tallies = await coach.vote_tallies(guild_id_of(interaction))
        ranked = sorted(
            tallies.items(), key=lambda kv: (-(kv[1].down / (kv[1].up + kv[1].down)), -kv[1].down)
        )
        ranked = [(entry_id, t) for entry_id, t in ranked if t.down]
        titles = coach.library.knowledge.entries
        lines = [
            f"👎 {t.down} · 👍 {t.up} · **{clip(titles[e].title if e in titles else e + ' (removed)', 100)}**"
            for e, t in ranked[:20]
        ]
        await interaction.response.send_message(
            embed=discord.Embed(
                title="Least helpful answers",
                colour=COLOUR,
                description=clip("\n".join(lines) or "No 👎 votes yet.", EMBED_DESCRIPTION),
            ),
            ephemeral=True,
        )


async def setup(bot: CoachBot) -> None:
    await bot.add_cog(KnowledgeAdmin(bot))
