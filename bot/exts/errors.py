"""Installs the single error handler of the command tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.ui.errors import report_error

if TYPE_CHECKING:
    from bot.client import CoachBot


class ErrorHandler(commands.Cog):
    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error
        bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(
        self, interaction: discord.Interaction[CoachBot], error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)


async def setup(bot: CoachBot) -> None:
    await bot.add_cog(ErrorHandler(bot))
