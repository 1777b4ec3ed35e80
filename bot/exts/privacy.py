"""``/privacy export`` and ``/privacy delete``: a member's data is theirs to take or erase."""

from __future__ import annotations

import io
import json
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.ui.context import guild_id_of
from bot.ui.embeds import notice
from bot.ui.errors import Guarded

if TYPE_CHECKING:
    from bot.client import CoachBot


class ForgetButton(
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"coach:forget:(?P<member>[0-9]{1,20}):(?P<scope>here|all)",
):
    """Confirms a deletion; only the member it was offered to can press it."""

    def __init__(self, member_id: int, scope: str) -> None:
        label = "Delete my data in this server" if scope == "here" else "Delete my data in every server"
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.danger, custom_id=f"coach:forget:{member_id}:{scope}"
            )
        )
        self.member_id = member_id
        self.scope = scope

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ForgetButton:
        return cls(int(match["member"]), match["scope"])

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        if interaction.user.id != self.member_id:
            await interaction.response.send_message(
                embed=notice("This button is not for you.", ok=False), ephemeral=True
            )
            return
        guild_id = guild_id_of(interaction) if self.scope == "here" else None
        counts = await interaction.client.coach.progress.delete(self.member_id, guild_id)
        where = "in this server" if guild_id is not None else "in every server"
        await interaction.response.edit_message(
            view=None,
            embed=notice(
                f"Done: everything I stored about you {where} is deleted ({counts.total} records). "
                "Milestones you set for others as a moderator stay, without your id."
            ),
        )


class Privacy(commands.GroupCog, group_name="privacy", group_description="Your data: export it or delete it"):
    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot

    @app_commands.command(name="export", description="Download everything the coach stores about you (JSON)")
    async def export(self, interaction: discord.Interaction[CoachBot]) -> None:
        data = await interaction.client.coach.progress.export(interaction.user.id)
        payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
        await interaction.response.send_message(
            embed=notice("Here is everything I store about you, in every server I share with you."),
            file=discord.File(io.BytesIO(payload), filename=f"itpm-coach-data-{interaction.user.id}.json"),
            ephemeral=True,
        )

    @app_commands.command(name="delete", description="Delete everything the coach stores about you")
    async def delete(self, interaction: discord.Interaction[CoachBot]) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(ForgetButton(interaction.user.id, "here"))
        view.add_item(ForgetButton(interaction.user.id, "all"))
        await interaction.response.send_message(
            embed=notice(
                "This deletes your track, milestones, notes, feedback votes and mention setting. "
                "It cannot be undone. Reward roles you already have stay until a moderator re-syncs roles.\n\n"
                "Dismiss this message to keep everything.",
                title="Delete your data?",
            ),
            view=view,
            ephemeral=True,
        )


async def setup(bot: CoachBot) -> None:
    bot.add_dynamic_items(ForgetButton)
    await bot.add_cog(Privacy(bot))
