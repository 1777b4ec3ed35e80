"""Embeds for roadmaps, progress and next steps, built from the progress services' results."""

from __future__ import annotations

from collections.abc import Mapping

import discord

from bot.limits import EMBED_DESCRIPTION, EMBED_FIELD
from bot.progress.results import CompletionResult, NextStep, ProgressSummary, TrackProgress, UndoResult
from bot.ui.embeds import COLOUR, MUTED
from bot.ui.text import clip, fit, quote

BAR_WIDTH = 10


def bar(done: int, total: int) -> str:
    filled = round(BAR_WIDTH * done / total) if total else 0
    return "▓" * filled + "░" * (BAR_WIDTH - filled)


def progress_line(track: TrackProgress) -> str:
    return f"{bar(track.done, track.total)} {track.done}/{track.total} ({track.percent}%)"


def roadmap_embed(
    track: TrackProgress, step: NextStep | None, *, who: str = "Your", goals: Mapping[str, str] | None = None
) -> discord.Embed:
    """``goals``: milestone id -> how its goal date stands, shown beside the milestone."""
    lines = []
    for number, status in enumerate(track.milestones, 1):
        mark = "✅" if status.done else "⬜"
        title = f"**{status.milestone.title}**" if status.done else status.milestone.title
        goal = (goals or {}).get(status.milestone.id)
        lines.append(f"{mark} {number}. {title}" + (f" · {goal}" if goal else ""))
    embed = discord.Embed(
        title=f"🗺️ {who} roadmap: {track.track.title}",
        description=clip(f"{track.track.description}\n\n" + "\n".join(lines), EMBED_DESCRIPTION),
        colour=COLOUR,
    )
    embed.add_field(name="Progress", value=progress_line(track), inline=False)
    if step is not None:
        embed.add_field(name="Next step", value=next_step_line(step), inline=False)
    return fit(embed)


def next_step_line(step: NextStep) -> str:
    if step.milestone is None:
        return "🎉 Every milestone of this track is done. Congratulations!"
    text = f"**{step.milestone.title}**: {step.milestone.description}"
    if step.open_prerequisites:
        text += "\n(first: " + ", ".join(m.title for m in step.open_prerequisites) + ")"
    return clip(text + "\nSee the checklist with `/next`.", EMBED_FIELD)


def next_embed(step: NextStep, goal: str | None = None) -> discord.Embed:
    if step.milestone is None:
        return discord.Embed(
            title="🎉 Track complete",
            colour=COLOUR,
            description=(
                f"You have done all {step.total} milestones of **{step.track.title}**. "
                "Pick another track with `/track choose`, or help others in the server!"
            ),
        )
    milestone = step.milestone
    checklist = "\n".join(f"☐ {s}" for s in milestone.steps)
    embed = discord.Embed(
        title=f"Next step: {milestone.title}",
        colour=COLOUR,
        description=clip(f"{milestone.description}\n\n{checklist}", EMBED_DESCRIPTION),
    )
    if goal:
        embed.add_field(name="Your goal", value=goal, inline=False)
    if step.open_prerequisites:
        embed.add_field(
            name="Do these first",
            inline=False,
            value=clip("\n".join(f"• {m.title}" for m in step.open_prerequisites), EMBED_FIELD),
        )
    if step.entries:
        embed.add_field(
            name="Learn",
            inline=False,
            value=clip("\n".join(f"• {e.title} (`/topic {e.id}`)" for e in step.entries), EMBED_FIELD),
        )
    embed.set_footer(text=f"{step.track.title}: {step.done}/{step.total} done · mark it with /milestone done")
    return fit(embed)


def summary_embed(summary: ProgressSummary, who: str, *, goals: str = "", streak: str = "") -> discord.Embed:
    """``goals`` and ``streak``: the coaching lines to show, already written."""
    embed = discord.Embed(title=f"📈 Progress of {who}", colour=COLOUR, description=streak or None)
    for track in summary.tracks:
        current = " (current track)" if track.track.id == summary.track.id else ""
        done = [s for s in track.milestones if s.done]
        detail = "\n".join(
            f"✅ {s.milestone.title} · {s.record.completed_at:%d %b %Y}"  # type: ignore[union-attr]
            + (f" · “{quote(s.record.note, 80)}”" if s.record and s.record.note else "")
            + (" · by a moderator" if s.record and s.record.by_moderator else "")
            for s in done
        )
        embed.add_field(
            name=clip(f"{track.track.title}{current}", 256),
            inline=False,
            value=clip(f"{progress_line(track)}\n{detail}".strip(), EMBED_FIELD),
        )
    if goals:
        embed.add_field(name="Goals", value=goals, inline=False)
    if summary.retired:
        embed.add_field(
            name="Retired milestones (kept, not counted)",
            inline=False,
            value=clip(
                "\n".join(f"• {r.milestone_id} · {r.completed_at:%d %b %Y}" for r in summary.retired),
                EMBED_FIELD,
            ),
        )
    return fit(embed)


def completion_embed(result: CompletionResult, track: TrackProgress) -> discord.Embed:
    milestone = result.milestone
    if result.already_done:
        text = f"**{milestone.title}** was already done (on {result.record.completed_at:%d %b %Y}); nothing changed."
    else:
        text = f"✅ **{milestone.title}**: done. Well done!"
    if result.open_prerequisites:
        text += (
            "\n\nHeads-up: the roadmap puts these first, and they are still open: "
            + ", ".join(m.title for m in result.open_prerequisites)
            + "."
        )
    embed = discord.Embed(description=text, colour=COLOUR)
    embed.add_field(name=track.track.title, value=progress_line(track), inline=False)
    return fit(embed)


def undo_embed(result: UndoResult, track: TrackProgress) -> discord.Embed:
    name = result.milestone.title if result.milestone else result.milestone_id
    text = (
        f"↩️ **{name}** is back to not done."
        if result.removed
        else f"**{name}** was not done; nothing changed."
    )
    embed = discord.Embed(description=text, colour=COLOUR if result.removed else MUTED)
    embed.add_field(name=track.track.title, value=progress_line(track), inline=False)
    return fit(embed)
