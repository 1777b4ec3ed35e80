"""Showing an entry, the same way wherever it is opened from.

``/ask``, a picked suggestion, ``/topic``, a related button and the topic browser all go
through ``show_entry``, so every view of an entry carries the same related, feedback,
milestone and delete controls. All controls are ``DynamicItem``s with stable custom ids:
they keep working after a restart.
"""

from __future__ import annotations

import logging
import re
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord.ui.select import BaseSelect

from bot.knowledge.models import Entry, Knowledge
from bot.limits import BUTTON_LABEL, SELECT_OPTION
from bot.search.small_talk import SmallTalk
from bot.ui.context import guild_id_of, is_moderator, picked
from bot.ui.embeds import COLOUR, entry_embed, notice
from bot.ui.errors import Guarded
from bot.ui.text import NO_PINGS, clip

if TYPE_CHECKING:
    from bot.client import CoachBot

log = logging.getLogger(__name__)

ID = r"[a-z0-9]+(?:-[a-z0-9]+)*"
MAX_RELATED = 3
#: How many entries' cards (embed and controls, about 5 KB each) ``EntryCards`` keeps: more than
#: the shipped knowledge holds, since a cache smaller than the entries members open misses on
#: almost every reply once they range over all of them (256 did with 324 entries).
CARDS_KEPT = 1024


def untracked_view() -> discord.ui.View:
    """An empty view that discord.py will not keep once sent.

    Every control here is a ``DynamicItem`` registered at start-up and routed by its custom
    id, so tracking the view would only cost a store entry per public post and a 15-minute
    timer task per private one (thousands in a busy hour) for nothing.
    """
    view = discord.ui.View(timeout=None)
    view.stop()
    return view


def standing_controls(entry: Entry, knowledge: Knowledge) -> list[discord.ui.Item[Any]]:
    """The controls every view of ``entry`` carries: related entries, votes, DM, and the
    milestone it completes."""
    items: list[discord.ui.Item[Any]] = [
        OpenEntryButton(related_id, knowledge.entries[related_id].title)
        for related_id in _related(entry, knowledge)
    ]
    items += [VoteButton(entry.id, up=True), VoteButton(entry.id, up=False), SendToDMButton(entry.id)]
    if entry.milestone and entry.milestone in knowledge.milestones:
        items.append(MarkDoneButton(entry.milestone))
    return items


def entry_view(
    entry: Entry,
    knowledge: Knowledge,
    *,
    owner_id: int | None,
    also_asked: Sequence[Entry] = (),
    controls: Sequence[discord.ui.Item[Any]] | None = None,
) -> discord.ui.View:
    """Controls under an entry; ``owner_id`` (public posts only) may delete the post;
    ``also_asked``: entries answering the post's other questions, offered on a row of their own;
    ``controls``: the entry's ``standing_controls`` when already built (``EntryCards``)."""
    view = untracked_view()
    for item in standing_controls(entry, knowledge) if controls is None else controls:
        view.add_item(item)
    related = _related(entry, knowledge)
    for other in [e for e in also_asked if e.id != entry.id and e.id not in related][:MAX_RELATED]:
        view.add_item(OpenEntryButton(other.id, f"You also asked: {other.title}", row=2))
    if owner_id is not None:
        view.add_item(DeleteButton(owner_id))
    return view


def disable(item: discord.ui.Item[Any]) -> None:
    """Grey out a control; a ``DynamicItem`` renders its inner button, so that is the one to set."""
    inner = item.item if isinstance(item, discord.ui.DynamicItem) else item
    if isinstance(inner, discord.ui.Button | BaseSelect):
        inner.disabled = True


def _related(entry: Entry, knowledge: Knowledge) -> list[str]:
    return [r for r in entry.related if r in knowledge.entries][:MAX_RELATED]


class EntryCards:
    """Each entry's embed and standing controls, built once per knowledge version.

    Building them is most of the CPU a reply spends outside the engine (about 50 us of buttons,
    emoji and embed per answer), and they are only read when a reply is serialised, so replies
    share them. Nothing may change a shared card: a draft preview, which disables its buttons,
    builds its own with ``entry_view``. The most recently used ``limit`` entries are kept.
    """

    def __init__(self, limit: int = CARDS_KEPT) -> None:
        self.limit = limit
        self._knowledge: weakref.ref[Knowledge] | None = None  # weak: a reload frees the old version
        self._cards: OrderedDict[str, tuple[discord.Embed, tuple[discord.ui.Item[Any], ...]]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._cards)

    def card(
        self, entry: Entry, knowledge: Knowledge
    ) -> tuple[discord.Embed, tuple[discord.ui.Item[Any], ...]]:
        if self._knowledge is None or self._knowledge() is not knowledge:  # a reload: cards are stale
            self._knowledge, self._cards = weakref.ref(knowledge), OrderedDict()
        card = self._cards.get(entry.id)
        if card is None:
            card = entry_embed(entry, knowledge), tuple(standing_controls(entry, knowledge))
            self._cards[entry.id] = card
            if len(self._cards) > self.limit:
                self._cards.popitem(last=False)
        else:
            self._cards.move_to_end(entry.id)
        return card


#: Where /ask, /topic, the browser and the related buttons take their entries' cards from.
CARDS = EntryCards()


async def show_entry(
    interaction: discord.Interaction[CoachBot],
    entry: Entry,
    *,
    ephemeral: bool,
    content: str | None = None,
    allowed_mentions: discord.AllowedMentions = NO_PINGS,
    knowledge: Knowledge | None = None,
    also_asked: Sequence[Entry] = (),
) -> discord.Message | None:
    """Reply with ``entry``; returns the message when public.

    ``knowledge`` is the version ``entry`` came from, so a reload in between never mixes two
    versions in one reply.
    """
    knowledge = knowledge or interaction.client.coach.library.knowledge
    owner = None if ephemeral else interaction.user.id
    embed, controls = CARDS.card(entry, knowledge)
    view = entry_view(entry, knowledge, owner_id=owner, also_asked=also_asked, controls=controls)
    kwargs: dict[str, Any] = {
        "content": content,
        "embed": embed,
        "view": view,
        "allowed_mentions": allowed_mentions,
    }
    await interaction.client.coach.record_open(guild_id_of(interaction), entry.id)
    try:
        if interaction.response.is_done():
            return await interaction.followup.send(ephemeral=ephemeral, wait=True, **kwargs)
        response = await interaction.response.send_message(ephemeral=ephemeral, **kwargs)
    finally:
        # sent (or not): the card's shared buttons let go of this view, which would otherwise
        # hold them in a reference cycle that outlives the card (bot.library.settle_heap)
        view.clear_items()
    message = response.resource
    return message if isinstance(message, discord.Message) else None


async def open_entry_by_id(interaction: discord.Interaction[CoachBot], entry_id: str) -> None:
    """Open an entry privately for whoever clicked; entries can vanish after a reload."""
    entry = interaction.client.coach.library.knowledge.entries.get(entry_id)
    if entry is None:
        await interaction.response.send_message(
            embed=notice(
                "That entry is no longer in the knowledge base. Browse what is there with `/topics`.",
                ok=False,
            ),
            ephemeral=True,
        )
        return
    await show_entry(interaction, entry, ephemeral=True)


def small_talk_reply(talk: SmallTalk) -> tuple[discord.Embed, discord.ui.View]:
    """The reply to a greeting, thanks or "what can you do": three example questions, each
    with a button that opens its entry, and a pointer to ``/topics``."""
    examples = "\n".join(f"• {clip(question, 150)}" for question, _ in talk.examples)
    embed = discord.Embed(
        description=f"{talk.reply}\n\n**Try asking:**\n{examples}\n\nOr browse everything with `/topics`.",
        colour=COLOUR,
    )
    view = discord.ui.View(timeout=None)
    for _, entry in talk.examples:
        view.add_item(OpenEntryButton(entry.id, entry.title))
    return embed, view


class OpenEntryButton(
    Guarded, discord.ui.DynamicItem[discord.ui.Button], template=rf"coach:open:(?P<entry>{ID})"
):
    def __init__(self, entry_id: str, title: str = "Open", *, row: int = 0) -> None:
        super().__init__(
            discord.ui.Button(
                label=clip(title, BUTTON_LABEL),
                emoji="📖",
                style=discord.ButtonStyle.secondary,
                custom_id=f"coach:open:{entry_id}",
                row=row,
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> OpenEntryButton:
        return cls(match["entry"])

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        await open_entry_by_id(interaction, self.entry_id)


class VoteButton(
    Guarded, discord.ui.DynamicItem[discord.ui.Button], template=rf"coach:vote:(?P<entry>{ID}):(?P<v>up|down)"
):
    """👍/👎 on an entry; one vote per member per entry (a new vote replaces the old)."""

    def __init__(self, entry_id: str, *, up: bool) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="👍" if up else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"coach:vote:{entry_id}:{'up' if up else 'down'}",
                row=1,
            )
        )
        self.entry_id = entry_id
        self.up = up

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["entry"], up=match["v"] == "up")

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        await interaction.client.coach.record_vote(
            guild_id_of(interaction), self.entry_id, interaction.user.id, self.up
        )
        text = (
            "Thanks! Glad it helped."
            if self.up
            else "Thanks for telling us. The moderators review the answers members mark as unhelpful."
        )
        await interaction.response.send_message(embed=notice(text), ephemeral=True)


class MarkDoneButton(
    Guarded, discord.ui.DynamicItem[discord.ui.Button], template=rf"coach:done:(?P<milestone>{ID})"
):
    def __init__(self, milestone_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Mark milestone done",
                emoji="✅",
                style=discord.ButtonStyle.success,
                custom_id=f"coach:done:{milestone_id}",
                row=1,
            )
        )
        self.milestone_id = milestone_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> MarkDoneButton:
        return cls(match["milestone"])

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        from bot.exts._rewards import complete_and_reply

        await complete_and_reply(interaction, self.milestone_id, note=None)


class SendToDMButton(
    Guarded, discord.ui.DynamicItem[discord.ui.Button], template=rf"coach:dm:(?P<entry>{ID})"
):
    """📩 Keep an answer for later: the bot sends it to the member's DMs."""

    def __init__(self, entry_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="📩", style=discord.ButtonStyle.secondary, custom_id=f"coach:dm:{entry_id}", row=1
            )
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> SendToDMButton:
        return cls(match["entry"])

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        knowledge = interaction.client.coach.library.knowledge
        entry = knowledge.entries.get(self.entry_id)
        if entry is None:
            await open_entry_by_id(interaction, self.entry_id)
            return
        try:
            await interaction.user.send(embed=entry_embed(entry, knowledge), allowed_mentions=NO_PINGS)
        except discord.Forbidden:
            text = (
                "I can't send you a direct message: your DMs are closed for this server. "
                "Allow them in the server's Privacy Settings, or use the 🔒 `private` option of `/ask`."
            )
            await interaction.response.send_message(embed=notice(text, ok=False), ephemeral=True)
            return
        await interaction.response.send_message(embed=notice("Sent to your DMs. 📩"), ephemeral=True)


class DeleteButton(
    Guarded, discord.ui.DynamicItem[discord.ui.Button], template=r"coach:delete:(?P<owner>[0-9]{1,20})"
):
    """🗑 on public answers: the asker or a moderator may remove the post."""

    def __init__(self, owner_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                emoji="🗑️", style=discord.ButtonStyle.secondary, custom_id=f"coach:delete:{owner_id}", row=1
            )
        )
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> DeleteButton:
        return cls(int(match["owner"]))

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        if interaction.user.id != self.owner_id and not is_moderator(interaction):
            await interaction.response.send_message(
                embed=notice("Only the member who asked, or a moderator, can delete this answer.", ok=False),
                ephemeral=True,
            )
            return
        await interaction.response.defer()
        await interaction.delete_original_response()


class PickSuggestion(
    Guarded, discord.ui.DynamicItem[discord.ui.Select], template=r"coach:pick:(?P<owner>[0-9]{1,20})"
):
    """The menu under a "did you mean" reply; the asker's pick turns it into the answer."""

    def __init__(self, owner_id: int, entries: list[Entry] | None = None) -> None:
        options = [
            discord.SelectOption(label=clip(e.title, SELECT_OPTION), value=e.id) for e in entries or []
        ]
        super().__init__(
            discord.ui.Select(
                placeholder="Pick the topic you meant…",
                custom_id=f"coach:pick:{owner_id}",
                options=options or [discord.SelectOption(label="-", value="-")],
            )
        )
        self.owner_id = owner_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PickSuggestion:
        return cls(int(match["owner"]))

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        entry_id = picked(interaction)
        coach = interaction.client.coach
        entry = coach.library.knowledge.entries.get(entry_id)
        if entry is None or interaction.user.id != self.owner_id:
            await open_entry_by_id(interaction, entry_id)
            return
        knowledge = coach.library.knowledge
        public = interaction.message is not None and not interaction.message.flags.ephemeral
        await coach.record_open(guild_id_of(interaction), entry.id)
        await interaction.response.edit_message(
            content=None,
            embed=entry_embed(entry, knowledge),
            view=entry_view(entry, knowledge, owner_id=self.owner_id if public else None),
            allowed_mentions=NO_PINGS,
        )


def suggestion_view(owner_id: int, entries: list[Entry]) -> discord.ui.View:
    view = untracked_view()
    view.add_item(PickSuggestion(owner_id, entries))
    return view


PERSISTENT_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    OpenEntryButton,
    SendToDMButton,
    VoteButton,
    MarkDoneButton,
    DeleteButton,
    PickSuggestion,
)
