"""Browsing the knowledge base by area with select menus, paged at 25 entries."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.knowledge.models import Knowledge
from bot.limits import MAX_CHOICES, SELECT_OPTION
from bot.ui.context import picked
from bot.ui.embeds import area_embed, areas_embed, notice
from bot.ui.entries import ID, open_entry_by_id
from bot.ui.errors import Guarded
from bot.ui.text import clip

if TYPE_CHECKING:
    from bot.client import CoachBot

PAGE = MAX_CHOICES  # a select menu's options


def areas_message(knowledge: Knowledge) -> dict[str, Any]:
    view = discord.ui.View(timeout=None)
    view.add_item(AreaSelect(knowledge))
    return {"embed": areas_embed(knowledge), "view": view}


def area_message(knowledge: Knowledge, area_id: str, page: int) -> dict[str, Any]:
    area = knowledge.areas[area_id]
    entries = knowledge.entries_in_area(area_id)
    pages = max(1, -(-len(entries) // PAGE))
    page = min(max(page, 0), pages - 1)
    shown = entries[page * PAGE : (page + 1) * PAGE]
    view = discord.ui.View(timeout=None)
    if shown:
        view.add_item(EntrySelect(area_id, page, [(e.id, e.title) for e in shown]))
    if pages > 1:
        view.add_item(PageButton(area_id, page - 1, "◀ Previous", disabled=page == 0))
        view.add_item(PageButton(area_id, page + 1, "Next ▶", disabled=page >= pages - 1))
    view.add_item(PageButton("all", 0, "All topics"))
    return {"embed": area_embed(area, shown, page, pages), "view": view}


class AreaSelect(Guarded, discord.ui.DynamicItem[discord.ui.Select], template=r"coach:areas"):
    def __init__(self, knowledge: Knowledge | None = None) -> None:
        areas = list(knowledge.areas.values()) if knowledge else []
        options = [
            discord.SelectOption(
                label=clip(a.title, SELECT_OPTION),
                value=a.id,
                emoji=a.emoji or None,
                description=clip(a.description, SELECT_OPTION),
            )
            for a in areas[:PAGE]
        ]
        super().__init__(
            discord.ui.Select(
                placeholder="Choose an area…",
                custom_id="coach:areas",
                options=options or [discord.SelectOption(label="-", value="-")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AreaSelect:
        return cls()

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        await _show_area(interaction, picked(interaction), 0)


class EntrySelect(
    Guarded, discord.ui.DynamicItem[discord.ui.Select], template=rf"coach:topic:(?P<area>{ID}):(?P<page>\d+)"
):
    def __init__(self, area_id: str, page: int, entries: list[tuple[str, str]] | None = None) -> None:
        options = [
            discord.SelectOption(label=clip(title, SELECT_OPTION), value=entry_id)
            for entry_id, title in entries or []
        ]
        super().__init__(
            discord.ui.Select(
                placeholder="Open a topic…",
                custom_id=f"coach:topic:{area_id}:{page}",
                options=options or [discord.SelectOption(label="-", value="-")],
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> EntrySelect:
        return cls(match["area"], int(match["page"]))

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        await open_entry_by_id(interaction, picked(interaction))


class PageButton(
    Guarded, discord.ui.DynamicItem[discord.ui.Button], template=rf"coach:page:(?P<area>{ID}):(?P<page>-?\d+)"
):
    def __init__(self, area_id: str, page: int, label: str = "Page", *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=f"coach:page:{area_id}:{page}",
            )
        )
        self.area_id = area_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        return cls(match["area"], int(match["page"]))

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        await _show_area(interaction, self.area_id, self.page)


async def _show_area(interaction: discord.Interaction[CoachBot], area_id: str, page: int) -> None:
    """Edit the browsing message in place (it is private to the member browsing)."""
    knowledge = interaction.client.coach.library.knowledge
    if area_id == "all":
        await interaction.response.edit_message(**areas_message(knowledge))
    elif area_id in knowledge.areas:
        await interaction.response.edit_message(**area_message(knowledge, area_id, page))
    else:
        await interaction.response.send_message(
            embed=notice("That area is gone after a knowledge update. Run `/topics` again.", ok=False),
            ephemeral=True,
        )


TOPIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (AreaSelect, EntrySelect, PageButton)
