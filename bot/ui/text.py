"""Keep member text inside Discord's limits and unable to ping anyone."""

from __future__ import annotations

import discord

from bot.limits import EMBED_TOTAL

# Every message that may carry member text is sent with this: nobody is pinged.
NO_PINGS = discord.AllowedMentions.none()


def ping_only(user: discord.abc.Snowflake) -> discord.AllowedMentions:
    """Allowed mentions that ping exactly one member and nobody else."""
    return discord.AllowedMentions(everyone=False, roles=False, users=[user], replied_user=False)


def clip(text: str, limit: int) -> str:
    """Trim to ``limit`` characters at a word boundary where possible, with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip() + "…"


def quote(text: str, limit: int = 200) -> str:
    """Member text shown to anyone: one line, clipped, rendered exactly as typed.

    Markdown (bold, masked links, headings...) is escaped, and so is every ``<``, which
    would otherwise start a user, role or channel mention, a command link or a timestamp.
    """
    flat = " ".join(text.split())
    escaped = discord.utils.escape_markdown(clip(flat, limit)).replace("<", "\\<")
    return discord.utils.escape_mentions(escaped)


def not_a_member(user: discord.abc.User) -> str:
    """The reply when a command names a user who is not in this server (Discord allows picking them)."""
    return f"{quote(user.display_name, 80)} isn't a member of this server, so I can't do that for them."


def fit(embed: discord.Embed) -> discord.Embed:
    """Trim the description so the whole embed stays within Discord's 6,000 characters."""
    excess = len(embed) - EMBED_TOTAL
    if excess > 0 and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - excess - 1))
    return embed
