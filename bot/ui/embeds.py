"""Embeds for entries, answers and browsing, built from domain objects only."""

from __future__ import annotations

import discord

from bot.knowledge.models import Area, Entry, Knowledge
from bot.limits import EMBED_DESCRIPTION, EMBED_FIELD, EMBED_TITLE
from bot.ui.text import clip, fit, quote

COLOUR = discord.Colour(0x2B7A78)
MUTED = discord.Colour(0x8A8F98)


def entry_embed(entry: Entry, knowledge: Knowledge) -> discord.Embed:
    """An entry as members read it: title, answer, sources, where it sits in the knowledge base."""
    embed = discord.Embed(
        title=clip(entry.title, EMBED_TITLE), description=clip(entry.answer, EMBED_DESCRIPTION), colour=COLOUR
    )
    embed.add_field(name="Sources", value=_sources(entry), inline=False)
    area = knowledge.areas.get(entry.area)
    where = f"{area.emoji} {area.title}".strip() if area else entry.area
    embed.set_footer(text=f"{where} · facts checked {entry.reviewed:%d %b %Y} · /topic {entry.id}")
    return fit(embed)


def _sources(entry: Entry) -> str:
    lines: list[str] = []
    for link in entry.links:
        line = f"• [{discord.utils.escape_markdown(link.title)}]({link.url})"
        if sum(len(x) + 1 for x in lines) + len(line) > EMBED_FIELD:
            break
        lines.append(line)
    return "\n".join(lines) or "—"


def suggestions_embed(question: str, entries: list[Entry]) -> discord.Embed:
    listing = "\n".join(f"• **{clip(e.title, 150)}**" for e in entries)
    return discord.Embed(
        title="Which of these did you mean?",
        description=f"> {quote(question)}\n\n{listing}\n\nPick one from the menu below.",
        colour=COLOUR,
    )


def unknown_embed(question: str) -> discord.Embed:
    return discord.Embed(
        title="I don't have an answer for that",
        description=(
            f"> {quote(question)}\n\n"
            "My knowledge base covers getting into IT project management: the role, education, "
            "certifications, experience, skills, networking, jobs and interviews, methods and tools, "
            "and switching careers. This question is outside it, or I could not match it.\n\n"
            "Try rephrasing it, or browse everything I know with `/topics`. The moderators read the "
            "questions I could not answer when they decide what to write next."
        ),
        colour=MUTED,
    )


def areas_embed(knowledge: Knowledge) -> discord.Embed:
    lines = [
        f"{a.emoji} **{a.title}** ({len(knowledge.entries_in_area(a.id))}): {a.description}"
        for a in knowledge.areas.values()
    ]
    return discord.Embed(title="Topics", description=clip("\n".join(lines), EMBED_DESCRIPTION), colour=COLOUR)


def area_embed(area: Area, entries: list[Entry], page: int, pages: int) -> discord.Embed:
    listing = "\n".join(f"• {clip(e.title, 120)}" for e in entries)
    embed = discord.Embed(
        title=f"{area.emoji} {area.title}".strip(),
        description=clip(f"{area.description}\n\n{listing}", EMBED_DESCRIPTION),
        colour=COLOUR,
    )
    if pages > 1:
        embed.set_footer(text=f"Page {page + 1} of {pages}")
    return fit(embed)


def notice(text: str, *, title: str | None = None, ok: bool = True) -> discord.Embed:
    """A short private reply (confirmations, refusals, errors)."""
    return discord.Embed(
        title=title, description=clip(text, EMBED_DESCRIPTION), colour=COLOUR if ok else MUTED
    )
