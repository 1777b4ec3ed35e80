"""Autocomplete for short, fixed lists (tracks, milestones): ranking, and the one milestone
autocomplete that every command taking a milestone shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands
from rapidfuzz import fuzz

from bot.limits import CHOICE_NAME, MAX_CHOICES
from bot.ui.context import guild_id_of
from bot.ui.text import clip

if TYPE_CHECKING:
    from bot.client import CoachBot

T = TypeVar("T")
MIN_SCORE = 60.0


def name_score(current: str, *names: str) -> float:
    """How well typed text matches an id or title (100 for an empty query: list everything)."""
    needle = current.strip().lower()
    if not needle:
        return 100.0
    return max(100.0 if needle in n.lower() else fuzz.WRatio(needle, n.lower()) for n in names)


def ranked(current: str, items: Iterable[T], names: Callable[[T], tuple[str, ...]]) -> list[T]:
    """Items that match ``current``, best first; declaration order among equals (and when empty)."""
    scored = [(name_score(current, *names(item)), position, item) for position, item in enumerate(items)]
    return [item for score, _, item in sorted(scored, key=lambda s: (-s[0], s[1])) if score >= MIN_SCORE]


async def milestone_autocomplete(
    interaction: discord.Interaction[CoachBot], current: str
) -> list[app_commands.Choice[str]]:
    """The member's current track first, in track order, done ones ticked; then every other milestone."""
    coach = interaction.client.coach
    knowledge = coach.library.knowledge
    summary = await coach.progress.summary(guild_id_of(interaction), interaction.user.id)
    ordered = [s.milestone.id for s in summary.current.milestones]
    order = ordered + [m for m in knowledge.milestones if m not in set(ordered)]
    done = {s.milestone.id for t in summary.tracks for s in t.milestones if s.done}
    milestones = ranked(current, (knowledge.milestones[m] for m in order), lambda m: (m.id, m.title))
    return [
        app_commands.Choice(name=clip(("✅ " if m.id in done else "") + m.title, CHOICE_NAME), value=m.id)
        for m in milestones[:MAX_CHOICES]
    ]
