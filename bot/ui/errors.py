"""The one place where failures of commands and components become replies.

Expected failures (a member's mistake, a missing permission) get a short, specific private
reply. Anything else is a bug: the member sees an apology with an error id, and the log
gets the traceback under the same id so a moderator's report can be matched to it.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.errors import CoachError
from bot.storage.errors import StorageUnavailable
from bot.ui.embeds import notice

if TYPE_CHECKING:
    from bot.client import CoachBot

log = logging.getLogger("bot.errors")


def explain(error: BaseException) -> str | None:
    """The member-facing text for an expected failure, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, CoachError):
        return str(error)
    if isinstance(error, StorageUnavailable):
        log.warning("storage unavailable (%s): %s", error.reason.value, error)
        return "I couldn't reach my database just now, so nothing was changed. Please try again in a minute."
    if isinstance(error, app_commands.MissingPermissions):
        return "This command is for moderators (it needs the Manage Server permission)."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in a server, not in direct messages."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I am missing a permission in this channel: {missing}. Ask a moderator to grant it."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this command here."
    if isinstance(error, discord.Forbidden):
        return (
            "Discord refused: I don't have the permission I need for that here "
            f"({error.text or 'missing permissions'}). Ask a moderator to check my role."
        )
    return None


async def report_error(interaction: discord.Interaction[CoachBot], error: BaseException) -> None:
    """Reply privately with what went wrong; log bugs with an id the member can quote."""
    message = explain(error)
    if message is None:
        error_id = secrets.token_hex(4)
        command = interaction.command.qualified_name if interaction.command else interaction.data
        log.error(
            "error %s in %s by user %s in guild %s",
            error_id,
            command,
            interaction.user.id,
            interaction.guild_id,
            exc_info=error,
        )
        message = (
            f"Sorry, something went wrong on my side. The moderators can find the details "
            f"under error id `{error_id}`."
        )
    embed = notice(message, ok=False)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error reply for interaction %s", interaction.id)


class Guarded:
    """Mixin for persistent components: route callback failures to ``report_error``.

    discord.py only logs exceptions raised in ``DynamicItem`` callbacks; the member would see
    "interaction failed". Subclasses implement ``run`` instead of ``callback``.
    """

    async def callback(self, interaction: discord.Interaction[Any]) -> Any:
        try:
            await self.run(interaction)
        except Exception as error:
            await report_error(interaction, error)

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        raise NotImplementedError
