"""Embeds stay inside Discord's limits whatever the content; rate limits behave over time."""

from __future__ import annotations

import dataclasses
from datetime import date

import discord

from bot.knowledge.loader import load_or_raise
from bot.knowledge.models import Link
from bot.limits import EMBED_TOTAL
from bot.ratelimit import RecentPosts, SlidingWindow
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from bot.ui.embeds import entry_embed, suggestions_embed, unknown_embed
from bot.ui.text import clip, fit, quote


def test_largest_possible_entry_fits_one_embed() -> None:
    knowledge = load_or_raise(DEFAULT_KNOWLEDGE_DIR)
    entry = next(iter(knowledge.entries.values()))
    huge = dataclasses.replace(
        entry,
        title="T" * 256,
        answer="word " * 800,
        links=tuple(Link("L" * 100, "https://example.org/" + "x" * 400) for _ in range(5)),
        reviewed=date(2026, 11, 1),
    )
    embed = entry_embed(huge, knowledge)
    assert len(embed) <= EMBED_TOTAL
    assert len(embed.title or "") <= 256 and len(embed.description or "") <= 4096
    assert all(len(f.value or "") <= 1024 for f in embed.fields)


def test_member_text_is_defused_and_clipped() -> None:
    question = "@everyone **bold** <@123> " + "x" * 5000
    for embed in (unknown_embed(question), suggestions_embed(question, [])):
        assert "@\u200beveryone" in (embed.description or "")
        assert "\\*\\*bold\\*\\*" in (embed.description or "")
        assert len(embed) <= EMBED_TOTAL
    assert quote("a\n\nb   c") == "a b c"


def test_fit_trims_only_what_is_needed() -> None:
    embed = discord.Embed(title="t", description="d" * 4000)
    for i in range(3):
        embed.add_field(name=f"f{i}", value="v" * 1000)
    assert len(fit(embed)) <= EMBED_TOTAL
    assert len(embed.description or "") > 2900
    assert clip("one two three", 9) == "one two…"


def test_sliding_window_allows_a_burst_then_refills() -> None:
    now = [0.0]
    window = SlidingWindow(6, 60.0, clock=lambda: now[0])
    assert [window.hit("alice") for _ in range(6)] == [0.0] * 6
    assert window.hit("alice") == 60.0
    assert window.hit("bob") == 0.0
    now[0] = 30.0
    assert window.hit("alice") == 30.0
    now[0] = 60.0
    assert window.hit("alice") == 0.0


def test_recent_posts_expire() -> None:
    now = [0.0]
    recent = RecentPosts[str](60.0, clock=lambda: now[0])
    recent.put("channel:entry", "https://discord.com/x")
    assert recent.get("channel:entry") == "https://discord.com/x"
    now[0] = 61.0
    assert recent.get("channel:entry") is None


class CountingClock:
    """A fake clock whose readings count each time two of them are subtracted: the limiter's unit of work."""

    def __init__(self) -> None:
        self.now = 0.0
        self.work = 0

    def __call__(self) -> Reading:
        return Reading(self.now, self)


@dataclasses.dataclass(frozen=True)
class Reading:
    at: float
    clock: CountingClock

    def __sub__(self, other: Reading) -> float:
        self.clock.work += 1
        return self.at - other.at


ACTIVE = 12_000  # beyond the 10,000 members at which the old limiter rescanned everyone per call


def test_sliding_window_work_per_call_does_not_grow_with_active_members() -> None:
    """Issue #10: with many active members every call rescanned all of them."""
    clock = CountingClock()
    window = SlidingWindow(6, 60.0, clock=clock)  # type: ignore[arg-type]
    for member in range(ACTIVE):
        window.hit(member)
    clock.work = 0
    for member in range(ACTIVE, ACTIVE + 200):
        assert window.hit(member) == 0.0
    assert clock.work <= 3 * 200
    clock.now = 61.0  # everyone went quiet: they are forgotten, in bounded total work
    window.hit("late")
    assert len(window) == 1


def test_recent_posts_work_per_call_does_not_grow_with_posts() -> None:
    clock = CountingClock()
    recent = RecentPosts[int](60.0, clock=clock)  # type: ignore[arg-type]
    for channel in range(ACTIVE):
        recent.put(channel, channel)
    clock.work = 0
    for channel in range(ACTIVE, ACTIVE + 200):
        recent.put(channel, channel)
        assert recent.get(channel) == channel
    assert clock.work <= 3 * 400
    clock.now = 61.0
    assert recent.get(0) is None and len(recent) == 0
