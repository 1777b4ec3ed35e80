"""Typed access to the application from an interaction, and the moderator check.

Cogs and persistent components receive only an ``Interaction``; the application services
hang off the bot (``interaction.client.coach``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

if TYPE_CHECKING:
    from bot.client import CoachBot


def picked(interaction: discord.Interaction[CoachBot]) -> str:
    """The first option the member picked in a select menu ("" if none)."""
    data = cast("dict[str, Any]", interaction.data or {})
    values = data.get("values") or [""]
    return str(values[0])


def guild_id_of(interaction: discord.Interaction[CoachBot]) -> int:
    """The guild the interaction belongs to; commands are guild-only, DMs map to 0."""
    return interaction.guild_id or 0


def is_moderator(interaction: discord.Interaction[CoachBot]) -> bool:
    """Moderators are members with Manage Server (the same permission the commands default to)."""
    permissions = interaction.permissions
    return bool(permissions.manage_guild or permissions.administrator)


def require_moderator(interaction: discord.Interaction[CoachBot]) -> None:
    """The run-time half of the moderator check (server admins can override default permissions)."""
    if not is_moderator(interaction):
        raise app_commands.MissingPermissions(["manage_guild"])
