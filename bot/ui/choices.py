"""Autocomplete for short, fixed lists (tracks, milestones): ranking, and the one milestone
autocomplete that every command taking a milestone shares."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, TypeVar

import discord
from discord import app_commands

from bot.limits import CHOICE_NAME, FOCUSED_OPTION, MAX_CHOICES
from bot.ui.context import guild_id_of
from bot.ui.text import clip

if TYPE_CHECKING:
    from bot.client import CoachBot

T = TypeVar("T")
MIN_SCORE = 60.0


def name_score(current: str, *names: str) -> float:
    """How well typed text matches an id or title (100 for an empty query: list everything).
    Only the first ``FOCUSED_OPTION`` characters count: the matcher's cost grows with the text,
    and an option can hold 6,000 (about 0.8 s a keystroke over the milestones, unclipped)."""
    needle = current[:FOCUSED_OPTION].strip().lower()
    if not needle:
        return 100.0
    return max(100.0 if needle in n.lower() else _spelling(needle, n.lower()) for n in names)


def _similarity(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _spelling(typed: str, name: str) -> float:
    """0-100: how closely ``typed`` spells the whole name, or its words one by one in any order
    ("netwrk" for "build-your-network", "network build"), or at least one of them ("first
    job"). The standard library's matcher: a list this short needs no faster one, and rapidfuzz
    would cost 2.8 MB of memory for it."""
    words = name.replace("-", " ").split()
    best = [max((_similarity(t, w) for w in words), default=0.0) for t in typed.split()]
    return 100.0 * max(_similarity(typed, name), 0.9 * sum(best) / len(best), 0.75 * max(best))


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
