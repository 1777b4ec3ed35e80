"""The coaching loop on Discord: ``/goal``, ``/checkin``, ``/buddy``, and the scheduler that sends
check-ins, goal reminders and the weekly digest.

Everything is opt-in. The scheduler polls the database every ``CHECKIN_POLL_SECONDS``; each
due item is claimed in the database before it is sent, so a restart or a second process
never sends it twice, and a member gets at most one coaching DM a day. Sending is paced
below Discord's global rate limit and runs beside the command handlers, never in front.
"""

from __future__ import annotations

import asyncio
import calendar
import logging
import re
import time
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.coaching.schedule import WEEKDAYS, matching_zones
from bot.coaching.service import CoachingError, DueDigest, DueMessage
from bot.exts._rewards import celebrate, sync_rewards
from bot.limits import MAX_CHOICES
from bot.progress.results import CompletionResult
from bot.ratelimit import SlidingWindow
from bot.storage.coaching import BuddyPair, Shards
from bot.storage.errors import StorageError
from bot.ui.choices import milestone_autocomplete
from bot.ui.coaching import (
    checkin_embed,
    checkin_settings_text,
    digest_embed,
    goal_label,
    reminders_embed,
    when_text,
)
from bot.ui.context import guild_id_of
from bot.ui.embeds import notice
from bot.ui.entries import OpenEntryButton
from bot.ui.errors import Guarded
from bot.ui.progress import completion_embed
from bot.ui.text import NO_PINGS, clip, ping_only, quote

if TYPE_CHECKING:
    from bot.client import CoachBot

log = logging.getLogger(__name__)

DM_PER_SECOND = 20.0  # a DM is two requests at most: 40/s, under Discord's global limit of 50/s
CANNOT_DM = 50007  # Discord's error code for "Cannot send messages to this user"
Every = Literal["weekly", "fortnightly"]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
HELP_QUESTION_MAX = 500
HELP_POSTS_PER_HOUR = 3  # "I'm stuck" questions a member may post in a server's help channel
# per process, in memory, like the other budgets; modals are built per interaction, so it lives here
HELP_POSTS = SlidingWindow(HELP_POSTS_PER_HOUR, 3600.0)
DUE_BATCH = 200  # claimed per database round; sending one batch takes ~10 s at DM_PER_SECOND


class Pacer:
    """At most ``rate`` sends a second, spread evenly, so a burst never trips Discord's limits."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self._next = 0.0

    async def wait(self) -> None:
        now = time.monotonic()
        self._next = max(self._next + self.interval, now)
        delay = self._next - now
        if delay > 0:
            await asyncio.sleep(delay)


def _cannot_dm(error: discord.HTTPException) -> bool:
    return isinstance(error, discord.Forbidden) and error.code == CANNOT_DM


class CheckinButton(
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"coach:checkin:(?P<action>done|snooze|stuck|stop|ask):(?P<guild>[0-9]{1,20})",
):
    """The check-in's buttons; they carry the server, since check-ins arrive in DMs."""

    LOOKS: ClassVar[dict[str, tuple[str, str, discord.ButtonStyle]]] = {
        "done": ("I did it", "✅", discord.ButtonStyle.success),
        "snooze": ("Snooze a week", "💤", discord.ButtonStyle.secondary),
        "stuck": ("I'm stuck", "🙋", discord.ButtonStyle.primary),
        "stop": ("Stop check-ins", "🔕", discord.ButtonStyle.secondary),
        "ask": ("Ask in the help channel", "💬", discord.ButtonStyle.primary),
    }

    def __init__(self, action: str, guild_id: int) -> None:
        label, emoji, style = self.LOOKS[action]
        super().__init__(
            discord.ui.Button(
                label=label, emoji=emoji, style=style, custom_id=f"coach:checkin:{action}:{guild_id}"
            )
        )
        self.action = action
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> CheckinButton:
        return cls(match["action"], int(match["guild"]))

    async def run(self, interaction: discord.Interaction[CoachBot]) -> None:
        coaching = interaction.client.coach.coaching
        member_id = interaction.user.id
        if await coaching.checkin_settings(self.guild_id, member_id) is None:
            # a forged or stale button: it only ever acts for the member who pressed it, and only
            # in a server where they set check-ins up
            await interaction.response.send_message(
                embed=notice("This check-in belongs to a server where you have no check-ins.", ok=False),
                ephemeral=True,
            )
            return
        if self.action == "done":
            result = await coaching.did_it(self.guild_id, member_id)
            summary = await interaction.client.coach.progress.summary(self.guild_id, member_id)
            await interaction.response.send_message(
                embed=completion_embed(result, summary.current), ephemeral=interaction.guild_id is not None
            )
            await self._reward(interaction, result)
        elif self.action == "snooze":
            until = await coaching.snooze(self.guild_id, member_id)
            await interaction.response.send_message(
                embed=notice(f"💤 Snoozed: your next check-in is {when_text(until)}."),
                ephemeral=interaction.guild_id is not None,
            )
        elif self.action == "stop":
            await coaching.checkin_off(self.guild_id, member_id)
            await interaction.response.send_message(
                embed=notice("🔕 Check-ins stopped. `/checkin on` starts them again whenever you like."),
                ephemeral=interaction.guild_id is not None,
            )
        elif self.action == "stuck":
            await self._stuck(interaction)
        else:
            step, _ = await coaching.stuck(self.guild_id, member_id)
            title = step.milestone.title if step.milestone else "my roadmap"
            await interaction.response.send_modal(HelpQuestion(self.guild_id, title))

    async def _reward(self, interaction: discord.Interaction[CoachBot], result: CompletionResult) -> None:
        """As ``/milestone done`` does: reward roles, and the celebration in the server."""
        guild = interaction.client.get_guild(self.guild_id)
        if guild is None:
            return
        try:
            member = guild.get_member(interaction.user.id) or await guild.fetch_member(interaction.user.id)
        except discord.HTTPException:
            return  # no longer in the server: nothing to give or celebrate
        coach = interaction.client.coach
        await sync_rewards(guild, member, coach)
        if result.created:
            await celebrate(guild, member, result, coach)

    async def _stuck(self, interaction: discord.Interaction[CoachBot]) -> None:
        step, help_channel = await interaction.client.coach.coaching.stuck(self.guild_id, interaction.user.id)
        view = discord.ui.View(timeout=None)
        for entry in step.entries[:4]:
            view.add_item(OpenEntryButton(entry.id, entry.title))
        lines = ["Being stuck is part of it. These entries cover the step you are on:"]
        lines += [f"• **{e.title}**" for e in step.entries[:4]] or ["• `/next` shows the checklist again."]
        if help_channel is not None:
            lines.append("\nOr ask the community: I can post your question in the server's help channel.")
            view.add_item(CheckinButton("ask", self.guild_id))
        await interaction.response.send_message(
            embed=notice("\n".join(lines)), view=view, ephemeral=interaction.guild_id is not None
        )


class HelpQuestion(discord.ui.Modal, title="Ask the community"):
    """ "I'm stuck": the member's question, posted in the help channel moderators chose."""

    question: discord.ui.TextInput[HelpQuestion] = discord.ui.TextInput(
        label="Your question", style=discord.TextStyle.paragraph, max_length=HELP_QUESTION_MAX
    )

    def __init__(self, guild_id: int, milestone_title: str) -> None:
        super().__init__()
        self.guild_id = guild_id
        self.milestone_title = milestone_title

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        settings = await interaction.client.coach.coaching.guild_settings(self.guild_id)
        guild = interaction.client.get_guild(self.guild_id)
        channel = guild.get_channel(settings.help_channel_id) if guild and settings.help_channel_id else None
        if not isinstance(channel, discord.abc.Messageable):
            await interaction.response.send_message(
                embed=notice("The server has no help channel set up any more.", ok=False)
            )
            return
        wait = HELP_POSTS.hit((self.guild_id, interaction.user.id))
        if wait:
            await interaction.response.send_message(
                embed=notice(
                    f"You've posted {HELP_POSTS_PER_HOUR} questions to the help channel this hour; "
                    f"try again in {max(1, round(wait / 60))} minutes, or ask me with `/ask`.",
                    ok=False,
                )
            )
            return
        text = (
            f"🙋 {interaction.user.mention} is working on **{clip(self.milestone_title, 100)}** and asks:\n"
            f"> {quote(str(self.question.value), HELP_QUESTION_MAX)}"
        )
        await channel.send(text, allowed_mentions=NO_PINGS)
        await interaction.response.send_message(embed=notice("Posted in the help channel. Good luck!"))

    # discord.py's Modal.on_error has no ``item``, unlike the View's it overrides
    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        from bot.ui.errors import report_error

        await report_error(interaction, error)


class Coaching(commands.Cog):
    goal = app_commands.Group(name="goal", description="Give your milestones target dates")
    checkin = app_commands.Group(name="checkin", description="Opt-in check-ins by DM")
    buddy = app_commands.Group(name="buddy", description="Find a study buddy on the same step")

    def __init__(self, bot: CoachBot) -> None:
        self.bot = bot
        self.pacer = Pacer(DM_PER_SECOND)
        self.notices: set[int] = set()  # members to tell that their check-ins were turned off
        self.sender: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self.notices = {member for _, member in await self.bot.coach.coaching.pending_notices()}
        self.scheduler.change_interval(seconds=self.bot.settings.checkin_poll_seconds)
        if self.bot.settings.checkin_poll_seconds > 0:
            self.scheduler.start()

    async def cog_unload(self) -> None:
        self.scheduler.cancel()

    # -- the scheduler -----------------------------------------------------------------------

    def _shards(self) -> Shards | None:
        """The shards this process runs: it claims the work of their servers only."""
        count, ids = self.bot.shard_count, self.bot.shard_ids
        if not count or count <= 1:
            return None
        return count, frozenset(ids if ids is not None else range(count))

    @tasks.loop(seconds=60)
    async def scheduler(self) -> None:
        """One round: claim what fell due and send it. With the database away the round is
        skipped (one warning) and the next round tries again; nothing claimed is lost."""
        try:
            await self._send_what_is_due()
        except StorageError as exc:
            log.warning("coaching scheduler skipped a round: %s", exc)

    async def _send_what_is_due(self) -> None:
        """Claim and send, paced under Discord's limits."""
        coaching = self.bot.coach.coaching
        while True:  # batch after batch until nothing is due, so a crowd due at once is not spread over hours
            batch = await coaching.claim_due(self._shards(), DUE_BATCH)
            for message in batch:
                if self.bot.get_guild(message.guild_id) is None:
                    continue  # the bot left that server: claimed (so it moves on), never sent
                await self.pacer.wait()
                await self.send_due(message)
            if len(batch) < DUE_BATCH:
                break
        for digest in await coaching.claim_due_digests(self._shards()):
            await self.post_digest(digest)

    @scheduler.before_loop
    async def _ready(self) -> None:
        await self.bot.wait_until_ready()

    @scheduler.error
    async def _scheduler_failed(self, error: BaseException) -> None:
        """A bug ended the loop: log it and start again one interval later, never in a tight loop."""
        log.error("coaching scheduler failed; starting again in a minute: %s", error, exc_info=error)
        asyncio.get_running_loop().call_later(self.scheduler.seconds or 60, self.scheduler.start)

    async def send_due(self, message: DueMessage) -> None:
        """DM one due check-in or reminder; a closed DM turns check-ins off and is remembered."""
        try:
            if message.checkin is not None:
                await self.dm(
                    message.member_id,
                    embed=checkin_embed(message.checkin),
                    view=checkin_view(message.guild_id),
                    allowed_mentions=NO_PINGS,
                )
            else:
                await self.dm(
                    message.member_id, embed=reminders_embed(message.reminders), allowed_mentions=NO_PINGS
                )
        except discord.HTTPException as exc:
            if _cannot_dm(exc) or isinstance(exc, discord.NotFound):
                await self.bot.coach.coaching.dm_closed(message.member_id)
                self.notices.add(message.member_id)
                log.info("check-ins of member %s turned off: DMs closed", message.member_id)
            else:
                log.warning("could not send a check-in to member %s: %s", message.member_id, exc)

    async def dm(self, member_id: int, **message: Any) -> None:
        """Open (or reuse) the DM channel by id and send: two requests at most, no user lookup."""
        channel = await self.bot.create_dm(discord.Object(member_id))
        await channel.send(**message)

    async def post_digest(self, due: DueDigest) -> None:
        guild = self.bot.get_guild(due.guild_id)
        channel = guild.get_channel(due.channel_id) if guild else None
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("digest channel %s of guild %s is gone", due.channel_id, due.guild_id)
            return
        names = {member_id: f"<@{member_id}>" for member_id, _ in due.digest.named}
        try:
            await channel.send(embed=digest_embed(due.digest, names), allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.warning("could not post the digest in guild %s: %s", due.guild_id, exc)

    @commands.Cog.listener()
    async def on_app_command_completion(
        self, interaction: discord.Interaction[CoachBot], command: Any
    ) -> None:
        """Tell a member, once, after their next command, why their check-ins stopped."""
        if interaction.user.id not in self.notices:
            return
        self.notices.discard(interaction.user.id)
        await self.bot.coach.coaching.notice_given(interaction.user.id)
        text = (
            "I turned your check-ins off because I couldn't send you a direct message. Allow DMs from "
            "this server (Privacy Settings), then `/checkin on` starts them again."
        )
        try:
            await interaction.followup.send(embed=notice(text, ok=False), ephemeral=True)
        except discord.HTTPException:
            log.info("could not tell member %s about their check-ins", interaction.user.id)

    # -- autocomplete ------------------------------------------------------------------------

    async def date_choices(
        self, interaction: discord.Interaction[CoachBot], current: str
    ) -> list[app_commands.Choice[str]]:
        today = await interaction.client.coach.coaching.local_today(
            guild_id_of(interaction), interaction.user.id
        )
        offers = [
            ("in 2 weeks", today + timedelta(weeks=2)),
            ("in 1 month", _months_later(today, 1)),
            ("in 3 months", _months_later(today, 3)),
            ("in 6 months", _months_later(today, 6)),
        ]
        choices = [
            app_commands.Choice(name=f"{label} ({day:%Y-%m-%d})", value=day.isoformat())
            for label, day in offers
        ]
        typed = current.strip()[:10]
        if typed and _parse_day(typed) is not None:
            choices.insert(0, app_commands.Choice(name=typed, value=typed))
        return choices

    async def zone_choices(
        self, interaction: discord.Interaction[CoachBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in matching_zones(current[:64], MAX_CHOICES)]

    # -- /goal -------------------------------------------------------------------------------

    @goal.command(name="set", description="Set a target date for a milestone")
    @app_commands.describe(
        milestone="The milestone (start typing)",
        date="YYYY-MM-DD",
        remind="Remind me 3 days before and on the day (default: yes)",
    )
    @app_commands.autocomplete(milestone=milestone_autocomplete, date=date_choices)
    async def goal_set(
        self,
        interaction: discord.Interaction[CoachBot],
        milestone: str,
        date: app_commands.Range[str, 1, 40],
        remind: bool = True,
    ) -> None:
        day = _parse_day(date)
        if day is None:
            raise CoachingError(f"{quote(date, 40)} is not a date: use YYYY-MM-DD, e.g. 2027-03-01")
        goal = await interaction.client.coach.coaching.set_goal(
            guild_id_of(interaction), interaction.user.id, milestone, day, remind
        )
        extra = " I'll remind you 3 days before and on the day (by DM)." if remind else ""
        await interaction.response.send_message(
            embed=notice(f"Goal set for **{goal.milestone.title}**: {goal_label(goal)}.{extra}"),
            ephemeral=True,
        )

    @goal.command(name="clear", description="Remove a milestone's target date")
    @app_commands.describe(milestone="The milestone (start typing)")
    @app_commands.autocomplete(milestone=milestone_autocomplete)
    async def goal_clear(self, interaction: discord.Interaction[CoachBot], milestone: str) -> None:
        cleared = await interaction.client.coach.coaching.clear_goal(
            guild_id_of(interaction), interaction.user.id, milestone
        )
        text = "Goal removed." if cleared else "That milestone had no goal; nothing changed."
        await interaction.response.send_message(embed=notice(text, ok=cleared), ephemeral=True)

    # -- /checkin ----------------------------------------------------------------------------

    @checkin.command(name="on", description="Get a check-in by DM every week or fortnight")
    @app_commands.describe(
        every="How often (default: weekly)",
        day="Which day (default: Monday)",
        hour="Hour of the day in your time zone, 0-23 (default: 9)",
    )
    async def checkin_on(
        self,
        interaction: discord.Interaction[CoachBot],
        every: Every = "weekly",
        day: Weekday = "monday",
        hour: app_commands.Range[int, 0, 23] = 9,
    ) -> None:
        record = await interaction.client.coach.coaching.checkin_on(
            guild_id_of(interaction), interaction.user.id, every, WEEKDAYS.index(day), hour
        )
        self.notices.discard(interaction.user.id)
        await interaction.response.send_message(
            embed=notice(
                checkin_settings_text(record) + "\nTime zone: `/checkin timezone`. Stop: `/checkin off`."
            ),
            ephemeral=True,
        )

    @checkin.command(name="off", description="Stop your check-ins")
    async def checkin_off(self, interaction: discord.Interaction[CoachBot]) -> None:
        stopped = await interaction.client.coach.coaching.checkin_off(
            guild_id_of(interaction), interaction.user.id
        )
        text = "🔕 Check-ins stopped." if stopped else "Your check-ins were already off."
        await interaction.response.send_message(embed=notice(text), ephemeral=True)

    @checkin.command(name="now", description="See your check-in right now")
    async def checkin_now(self, interaction: discord.Interaction[CoachBot]) -> None:
        guild_id = guild_id_of(interaction)
        coaching = interaction.client.coach.coaching
        content = await coaching.checkin(guild_id, interaction.user.id)
        settings = await coaching.checkin_settings(guild_id, interaction.user.id)
        view = checkin_view(guild_id) if settings is not None else None
        embed = checkin_embed(content)
        if settings is None:
            embed.set_footer(text="Want this by DM every week? /checkin on")
        await interaction.response.send_message(
            embed=embed, view=view or discord.utils.MISSING, ephemeral=True
        )

    @checkin.command(name="timezone", description="Your time zone for check-ins and goals")
    @app_commands.describe(zone="An IANA name such as Europe/Berlin or America/New_York (start typing)")
    @app_commands.autocomplete(zone=zone_choices)
    async def checkin_timezone(
        self, interaction: discord.Interaction[CoachBot], zone: app_commands.Range[str, 1, 64]
    ) -> None:
        record = await interaction.client.coach.coaching.set_timezone(
            guild_id_of(interaction), interaction.user.id, zone
        )
        text = f"Time zone set to **{record.zone}**."
        if record.on:
            text += " " + checkin_settings_text(record)
        await interaction.response.send_message(embed=notice(text), ephemeral=True)

    # -- /buddy ------------------------------------------------------------------------------

    @buddy.command(name="find", description="Get paired with a member working on the same step")
    async def buddy_find(self, interaction: discord.Interaction[CoachBot]) -> None:
        guild = interaction.guild
        if guild is None:
            raise app_commands.NoPrivateMessage()
        await interaction.response.defer(ephemeral=True, thinking=True)

        async def still_here(member_id: int) -> bool:
            if guild.get_member(member_id) is not None:
                return True
            try:
                await guild.fetch_member(member_id)
            except discord.NotFound:
                return False
            return True

        coaching = interaction.client.coach.coaching
        outcome = await coaching.find_buddy(guild.id, interaction.user.id, still_here)
        if outcome.pair is None:
            text = (
                "You're on the list. When another member on your step asks, I'll introduce you both. "
                "`/buddy leave` takes you off the list."
            )
        elif outcome.already:
            text = (
                f"Your study buddy is <@{outcome.pair.other(interaction.user.id)}>. `/buddy leave` ends it."
            )
        else:
            text = await self.introduce(guild, outcome.pair)
        await interaction.followup.send(embed=notice(text), ephemeral=True, allowed_mentions=NO_PINGS)

    async def introduce(self, guild: discord.Guild, pair: BuddyPair) -> str:
        """Introduce the pair in a private thread of the buddy channel, or else by DM; ping only them."""
        coaching = self.bot.coach.coaching
        settings = await coaching.guild_settings(guild.id)
        a, b = pair.member_a, pair.member_b
        hello = (
            f"👋 <@{a}> and <@{b}>: you're study buddies! You are working on the same part of the "
            "roadmap. Say hi, share your next step (`/next`) and pick a time to check in on each other."
        )
        both = discord.AllowedMentions(
            everyone=False, roles=False, replied_user=False, users=[discord.Object(a), discord.Object(b)]
        )
        channel = guild.get_channel(settings.buddy_channel_id) if settings.buddy_channel_id else None
        if isinstance(channel, discord.TextChannel):
            try:
                thread = await channel.create_thread(
                    name="Study buddies",
                    type=discord.ChannelType.private_thread,
                    invitable=False,
                    reason="IT PM Coach study buddies",
                )
                await thread.send(hello, allowed_mentions=both)
                await coaching.set_pair_thread(pair, thread.id)
                return f"Matched! Say hi in {thread.mention}."
            except discord.HTTPException as exc:
                log.warning("could not open a buddy thread in guild %s: %s", guild.id, exc)
        for member_id in (a, b):
            try:
                server = discord.utils.escape_markdown(guild.name)
                await self.dm(
                    member_id,
                    content=f"{hello}\n(From the server **{server}**.)",
                    allowed_mentions=ping_only(discord.Object(pair.other(member_id))),
                )
            except discord.HTTPException:
                await coaching.buddy_intro_failed(pair, member_id)
                return (
                    "I found a buddy but couldn't reach them by DM, so you're back on the list. "
                    "Make sure your own DMs from this server are open too."
                )
        return "Matched! I've introduced you both by DM."

    @buddy.command(name="leave", description="End your study-buddy pairing, or stop waiting for one")
    async def buddy_leave(self, interaction: discord.Interaction[CoachBot]) -> None:
        left = await interaction.client.coach.coaching.leave_buddy(
            guild_id_of(interaction), interaction.user.id
        )
        if isinstance(left, BuddyPair):
            text = "Your study-buddy pairing has ended. `/buddy find` finds a new one whenever you like."
        elif left:
            text = "You're off the buddy list."
        else:
            text = "You had no study buddy and weren't waiting for one."
        await interaction.response.send_message(embed=notice(text), ephemeral=True)


def checkin_view(guild_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ("done", "snooze", "stuck", "stop"):
        view.add_item(CheckinButton(action, guild_id))
    return view


def _parse_day(text: str) -> date | None:
    match = re.search(r"\d{4}-\d{2}-\d{2}", text)
    if match is None:
        return None
    try:
        return date.fromisoformat(match[0])
    except ValueError:
        return None


def _months_later(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


async def setup(bot: CoachBot) -> None:
    bot.add_dynamic_items(CheckinButton)  # check-in buttons keep working after a restart
    await bot.add_cog(Coaching(bot))
