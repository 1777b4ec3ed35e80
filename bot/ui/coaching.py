"""Embeds for goals, check-ins, buddies and the digest, built from the coaching services' results."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import discord

from bot.coaching.digest import Digest, digest_lines
from bot.coaching.schedule import WEEKDAYS
from bot.coaching.service import CheckinContent, GoalView
from bot.limits import EMBED_DESCRIPTION, EMBED_FIELD
from bot.storage.coaching import CheckinRecord
from bot.ui.embeds import COLOUR
from bot.ui.progress import progress_line
from bot.ui.text import clip, fit


def goal_label(goal: GoalView) -> str:
    """``🎯 12 Jan 2027 · 9 days left``; overdue and done goals say so."""
    when = f"{goal.due_on:%d %b %Y}"
    if goal.done_on is not None:
        early = (goal.due_on - goal.done_on).days
        verdict = (
            f"{early} day{'s' if early != 1 else ''} early"
            if early > 0
            else "on time"
            if early == 0
            else f"{-early} day{'s' if early != -1 else ''} late"
        )
        return f"🎯 {when} · done {goal.done_on:%d %b %Y}, {verdict}"
    if goal.overdue:
        late = -goal.days_left
        return f"⏰ {when} · overdue by {late} day{'s' if late != 1 else ''}"
    if goal.days_left == 0:
        return f"🎯 {when} · today"
    return f"🎯 {when} · {goal.days_left} day{'s' if goal.days_left != 1 else ''} left"


def goals_field(goals: Sequence[GoalView]) -> str:
    return clip("\n".join(f"**{g.milestone.title}**: {goal_label(g)}" for g in goals), EMBED_FIELD)


def streak_text(weeks: int) -> str:
    if weeks == 0:
        return "No streak yet: one step this week starts one."
    return f"🔥 {weeks} week{'s' if weeks != 1 else ''} in a row"


def checkin_embed(content: CheckinContent) -> discord.Embed:
    step = content.next_step
    track = content.summary.current
    lines = [progress_line(track), streak_text(content.streak), ""]
    if step.milestone is None:
        lines.append(f"🎉 Every milestone of **{track.track.title}** is done. Congratulations!")
    else:
        lines.append(f"**Next: {step.milestone.title}**")
        lines += [f"☐ {s}" for s in step.milestone.steps]
    embed = discord.Embed(
        title=f"🗓️ Your check-in · {track.track.title}",
        colour=COLOUR,
        description=clip("\n".join(lines), EMBED_DESCRIPTION),
    )
    if content.reminders:
        embed.add_field(name="⏰ Goal reminders", value=goals_field(content.reminders), inline=False)
    others = [g for g in content.goals_soon if g not in content.reminders]
    if others:
        embed.add_field(name="Goals due soon", value=goals_field(others), inline=False)
    if content.suggested is not None:
        embed.add_field(
            name="📖 Worth a read this week",
            value=clip(f"{content.suggested.title} (`/topic {content.suggested.id}`)", EMBED_FIELD),
            inline=False,
        )
    embed.set_footer(text="✅ marks your next milestone done · 💤 skips a week · 🔕 stops check-ins")
    return fit(embed)


def reminders_embed(reminders: Sequence[GoalView]) -> discord.Embed:
    embed = discord.Embed(title="⏰ Goal reminder", colour=COLOUR, description=goals_field(reminders))
    embed.set_footer(text="/goal clear removes a goal · /next shows the checklist")
    return embed


def checkin_settings_text(record: CheckinRecord) -> str:
    if not record.on or record.next_due_at is None:
        return "Your check-ins are off. `/checkin on` starts them."
    every = "every week" if record.cadence == "weekly" else "every other week"
    return (
        f"Check-ins {every} on {WEEKDAYS[record.weekday].title()} at {record.hour:02d}:00 ({record.zone}). "
        f"Next one: {discord.utils.format_dt(record.next_due_at, 'F')}."
    )


def digest_embed(digest: Digest, names: Mapping[int, str]) -> discord.Embed:
    lines = digest_lines(digest, names)
    embed = discord.Embed(
        title=lines[0].strip("*"), colour=COLOUR, description=clip("\n".join(lines[2:]), EMBED_DESCRIPTION)
    )
    return fit(embed)


def when_text(moment: datetime) -> str:
    return discord.utils.format_dt(moment, "F")
