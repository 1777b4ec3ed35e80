"""``/ask``, ``/topic`` and ``/topics``: the knowledge base in Discord."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.knowledge.models import Entry, Knowledge
from bot.library import Library
from bot.limits import CHOICE_NAME, MAX_CHOICES, QUESTION_MAX_CHARS
from bot.ratelimit import RecentPosts, SlidingWindow
from bot.search import Answer, AnswerEngine, Outcome
from bot.ui.context import guild_id_of
from bot.ui.embeds import notice, suggestions_embed, unknown_embed
from bot.ui.entries import PERSISTENT_ITEMS, show_entry, small_talk_reply, suggestion_view
from bot.ui.text import NO_PINGS, clip, not_a_member, ping_only, quote
from bot.ui.topics import TOPIC_ITEMS, area_message, areas_message

if TYPE_CHECKING:
    from bot.client import CoachBot

log = logging.getLogger(__name__)

ASK_BURST = 6  # questions a member may ask (/ask and /topic together)...
ASK_WINDOW = 60.0  # ...per this many seconds
PING_BURST = 3  # times one member may be pinged through /topic for:, by anyone...
PING_WINDOW = 600.0  # ...per this many seconds
REPOST_WINDOW = 60.0  # an entry posted in a channel this recently is pointed to, not reposted
DEFER_AFTER = 0.5  # seconds an interaction waited before the bot got to it: acknowledge first
DEFER_BEHIND = 4  # acknowledge first, too, when more than this many replies are in flight or waiting
PUBLIC_THINKING = "public_thinking"  # Interaction.extras key: acknowledged with a public "thinking..."
LATER_SHARE = 32  # when both wait, one turn in this many goes to an answer of an acknowledged question
# /ask replies in flight at once; the rest wait their turn, first come first served. With all
# of a burst in flight at once, every request advances in lock-step and all of them reach
# Discord together, late; in turns, the first are acknowledged at once.
REPLY_SLOTS = 16
OFF_LOOP_ABOVE = 200  # characters: longer questions are acknowledged, then answered in a worker thread...
ENGINE_BUDGET = 2.0  # ...and given up on after this many seconds


class Lateness:
    """How long an interaction waited before the bot got to it, from its snowflake's time.

    Discord's clock and ours may be a little apart, so the shortest wait seen in the last
    minute or two stands for "no wait at all" (network delay plus the clock offset), and only
    the time beyond it counts: the queue a burst builds up in front of the bot.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._minute = 0
        self._shortest = math.inf  # this minute
        self._shortest_before = math.inf  # the minute before

    def waited(self, created_at: float) -> float:
        now = self.clock()
        raw = now - created_at
        minute = int(now // 60)
        if minute != self._minute:
            self._shortest_before = self._shortest if minute == self._minute + 1 else math.inf
            self._shortest, self._minute = math.inf, minute
        self._shortest = min(self._shortest, raw)
        return raw - min(self._shortest, self._shortest_before)


class Turns:
    """At most ``size`` replies in flight; waiting acknowledgements go first.

    Answers to questions already acknowledged ("thinking...") have 15 minutes, the others
    3 seconds, so the latter get the free turns, except one in ``LATER_SHARE`` while both
    wait, so that answers keep flowing however long the overload lasts.
    """

    def __init__(self, size: int) -> None:
        self.size = self.free = size
        self.waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (deque(), deque())
        self.handed = 0

    @contextlib.asynccontextmanager
    async def take(self, *, urgent: bool) -> AsyncIterator[None]:
        if self.free and not any(self.waiting):
            self.free -= 1
        else:
            turn = asyncio.get_running_loop().create_future()
            self.waiting[0 if urgent else 1].append(turn)
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    self._hand_on()  # it was handed a turn it will not use
                raise
        try:
            yield
        finally:
            self._hand_on()

    @property
    def busy(self) -> int:
        """Replies in flight (the caller's own included) plus acknowledgements waiting for a turn."""
        return self.size - self.free + len(self.waiting[0])

    def _hand_on(self) -> None:
        self.handed += 1
        urgent, later = self.waiting
        order = (later, urgent) if self.handed % LATER_SHARE == 0 else (urgent, later)
        for queue in order:
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)
                    return
        self.free += 1


class Answers(commands.Cog):
    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot
        self.ask_limit = SlidingWindow(ASK_BURST, ASK_WINDOW)
        self.ping_limit = SlidingWindow(PING_BURST, PING_WINDOW)
        self.recent = RecentPosts[str](REPOST_WINDOW)
        self.lateness = Lateness()
        self.turns = Turns(REPLY_SLOTS)

    @app_commands.command(
        name="ask", description="Ask the coach anything about getting into IT project management"
    )
    @app_commands.describe(
        question="Your question, in your own words",
        private="Only you see the answer (default: public, so others learn too)",
    )
    async def ask(
        self,
        interaction: discord.Interaction[CoachBot],
        question: app_commands.Range[str, 1, QUESTION_MAX_CHARS],
        private: bool = False,
    ) -> None:
        async with self.turns.take(urgent=True):
            if not await self._reply_or_acknowledge(interaction, question, private):
                return
        library = interaction.client.coach.library
        long = len(question) > OFF_LOOP_ABOVE
        answer = await answer_in_worker(library.engine, question) if long else None  # holding no turn
        async with self.turns.take(urgent=False):  # after the acknowledgements waiting now
            if not long:
                answer = library.engine.answer(question)
            await self._answer(interaction, question, library, answer, private)

    async def _reply_or_acknowledge(
        self, interaction: discord.Interaction[CoachBot], question: str, private: bool
    ) -> bool:
        """Reply at once, or only acknowledge ("thinking...") when the interaction already
        waited long, others wait behind it, or the question is long; True when the answer is
        still to be sent."""
        if await self._over_budget(interaction):
            return False
        library = interaction.client.coach.library  # one version for the whole reply
        waited = self.lateness.waited(interaction.created_at.timestamp())
        if waited <= DEFER_AFTER and self.turns.busy <= DEFER_BEHIND and len(question) <= OFF_LOOP_ABOVE:
            await self._answer(interaction, question, library, library.engine.answer(question), private)
            return False
        # The answer fills the "thinking..." message in once the acknowledgements queued
        # behind this one went out.
        await interaction.response.defer(ephemeral=private, thinking=True)
        interaction.extras[PUBLIC_THINKING] = not private
        return True

    async def _answer(
        self,
        interaction: discord.Interaction[CoachBot],
        question: str,
        library: Library,
        answer: Answer | None,
        private: bool,
    ) -> None:
        """Send the reply, then count the question (batched, best effort: ``bot.analytics``)."""
        if answer is None:
            await self._reply(
                interaction,
                ephemeral=True,
                embed=notice("That question took me too long. Could you ask it in fewer words?", ok=False),
            )
            return
        if answer.outcome is Outcome.ANSWER and answer.entry is not None:
            await self._post_entry(
                interaction, answer.entry, library.knowledge, private=private, also_asked=answer.also_asked
            )
        elif answer.outcome is Outcome.SUGGEST:
            entries = [entry for entry, _ in answer.suggestions]
            await self._reply(
                interaction,
                ephemeral=private,
                embed=suggestions_embed(question, entries),
                view=suggestion_view(interaction.user.id, entries),
                allowed_mentions=NO_PINGS,
            )
        elif answer.small_talk is not None:
            embed, view = small_talk_reply(answer.small_talk)
            await self._reply(
                interaction, ephemeral=private, embed=embed, view=view, allowed_mentions=NO_PINGS
            )
        else:
            await self._reply(
                interaction, ephemeral=True, embed=unknown_embed(question), allowed_mentions=NO_PINGS
            )
        await interaction.client.coach.record_question(
            guild_id_of(interaction), question, answer, member_id=interaction.user.id
        )

    @staticmethod
    async def _reply(interaction: discord.Interaction[CoachBot], *, ephemeral: bool, **message: Any) -> None:
        """The reply, as the response or, once acknowledged early, in the deferred message.

        A deferral fixes who sees the message that fills it in, so a private reply ("I don't
        know", "too long") to a question acknowledged in public replaces the public
        "thinking..." message with one only the member sees.
        """
        if not interaction.response.is_done():
            await interaction.response.send_message(ephemeral=ephemeral, **message)
            return
        if ephemeral and interaction.extras.pop(PUBLIC_THINKING, False):
            try:
                await interaction.delete_original_response()
            except discord.HTTPException as exc:  # the reply still goes out, in the public message
                log.warning("could not take back a public 'thinking...' message: %s", exc)
        await interaction.followup.send(ephemeral=ephemeral, **message)

    async def _over_budget(self, interaction: discord.Interaction[CoachBot]) -> bool:
        """Spend one of the member's questions (shared by /ask and /topic); say so privately when spent."""
        wait = self.ask_limit.hit((guild_id_of(interaction), interaction.user.id))
        if wait:
            await interaction.response.send_message(
                embed=notice(
                    f"You're asking quickly! Give me {max(1, round(wait))} seconds, then ask again. "
                    "Meanwhile, `/topics` lets you browse everything I know.",
                    ok=False,
                ),
                ephemeral=True,
            )
        return bool(wait)

    async def _post_entry(
        self,
        interaction: discord.Interaction[CoachBot],
        entry: Entry,
        knowledge: Knowledge,
        *,
        private: bool,
        target: discord.Member | discord.User | None = None,
        also_asked: Sequence[Entry] = (),
    ) -> None:
        """Post an entry, unless the same entry went up in this channel a moment ago; entries for
        the post's other questions come as buttons ("You also asked: ...")."""
        key = f"{interaction.channel_id}:{entry.id}"
        link = None if private or target is not None else self.recent.get(key)
        if link is not None:
            await self._reply(
                interaction,
                embed=notice(
                    f"I answered this in this channel a moment ago: {link}\n"
                    f"Open it privately any time with `/topic {entry.id}`.",
                    title=clip(entry.title, 200),
                ),
                ephemeral=True,
            )
            return
        content, mentions = None, NO_PINGS
        if target is not None:
            sender = discord.utils.escape_mentions(
                discord.utils.escape_markdown(interaction.user.display_name)
            )
            content, mentions = f"{target.mention}, {sender} thought this might help:", ping_only(target)
        message = await show_entry(
            interaction,
            entry,
            ephemeral=private,
            content=content,
            allowed_mentions=mentions,
            knowledge=knowledge,
            also_asked=also_asked,
        )
        if message is not None and target is None:
            self.recent.put(key, message.jump_url)

    @app_commands.command(name="topic", description="Open a topic of the knowledge base directly")
    @app_commands.describe(
        name="The topic (start typing to search)", for_member="Show it to this member (pings only them)"
    )
    @app_commands.rename(for_member="for")
    async def topic(
        self,
        interaction: discord.Interaction[CoachBot],
        name: app_commands.Range[str, 1, 200],
        for_member: discord.Member | discord.User | None = None,
    ) -> None:
        if await self._over_budget(interaction):
            return
        if for_member is not None and not isinstance(for_member, discord.Member):
            await interaction.response.send_message(
                embed=notice(
                    f"{not_a_member(for_member)} You can still open the topic for yourself without `for`.",
                    ok=False,
                ),
                ephemeral=True,
            )
            return
        library = interaction.client.coach.library
        entry = library.knowledge.entries.get(name)
        if entry is None:
            matches = library.engine.lookup(name, limit=1)
            entry = matches[0] if matches else None
        if entry is None:
            await interaction.response.send_message(
                embed=notice(
                    "I couldn't find that topic. Pick one from the list as you type, or browse with `/topics`.",
                    ok=False,
                ),
                ephemeral=True,
            )
            return
        if for_member is not None:
            wait = self.ping_limit.hit((guild_id_of(interaction), for_member.id))
            if wait:  # no ping; the topic is still shown, privately, to whoever asked
                slow_down = (
                    f"Slow down: {quote(for_member.display_name, 80)} was already pointed to topics "
                    f"{PING_BURST} times in the last {round(PING_WINDOW / 60)} minutes, so I won't ping them "
                    f"again for {max(1, round(wait / 60))} minute(s). Here is the topic for you."
                )
                await show_entry(
                    interaction, entry, ephemeral=True, content=slow_down, knowledge=library.knowledge
                )
                return
        await self._post_entry(interaction, entry, library.knowledge, private=False, target=for_member)

    @topic.autocomplete("name")
    async def topic_autocomplete(
        self, interaction: discord.Interaction[CoachBot], current: str
    ) -> list[app_commands.Choice[str]]:
        entries = interaction.client.coach.library.engine.lookup(current, limit=MAX_CHOICES)
        return [app_commands.Choice(name=clip(e.title, CHOICE_NAME), value=e.id) for e in entries]


def topics_command(knowledge: Knowledge) -> app_commands.Command:
    """``/topics [area]``, with the areas of the knowledge base as the option's choices.

    Built at start-up because the choices come from ``knowledge/areas.yaml``; a change of
    areas changes the command's definition, so the next start re-syncs it.
    """
    choices = [app_commands.Choice(name=clip(a.title, 100), value=a.id) for a in knowledge.areas.values()]

    @app_commands.command(name="topics", description="Browse everything the coach knows, area by area")
    @app_commands.describe(area="Jump straight to one area")
    @app_commands.choices(area=choices[:MAX_CHOICES])
    async def topics(
        interaction: discord.Interaction[CoachBot], area: app_commands.Choice[str] | None = None
    ) -> None:
        current = interaction.client.coach.library.knowledge
        chosen = area.value if area is not None else None
        message = (
            area_message(current, chosen, 0) if chosen and chosen in current.areas else areas_message(current)
        )
        await interaction.response.send_message(ephemeral=True, **message)

    return topics


async def answer_in_worker(engine: AnswerEngine, question: str) -> Answer | None:
    """The engine's answer to a long question, in a worker thread so that no question holds
    the event loop; None when it takes longer than ``ENGINE_BUDGET``."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(engine.answer, question), ENGINE_BUDGET)
    except TimeoutError:
        log.warning("gave up answering a %d-character question after %.1f s", len(question), ENGINE_BUDGET)
        return None


async def setup(bot: CoachBot) -> None:
    bot.add_dynamic_items(
        *PERSISTENT_ITEMS, *TOPIC_ITEMS
    )  # answers' and browsing buttons work after a restart
    await bot.add_cog(Answers(bot))
    bot.tree.add_command(topics_command(bot.coach.library.knowledge))


async def teardown(bot: CoachBot) -> None:
    bot.tree.remove_command("topics")
