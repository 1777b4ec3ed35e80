"""Tests of the fake Discord itself, driven by a tiny but real discord.py bot.

The bot below uses only non-privileged intents, app commands, a cog, a persistent view, a
modal and REST calls, i.e. the same surface the real bot uses, so these tests double as a
check that the fake speaks discord.py 2.7's protocol faithfully.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from tests.fake_discord import (
    ALL_PERMISSIONS,
    CallbackType,
    ChannelType,
    Errors,
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeMember,
    FakeRole,
    InternetAccessBlocked,
    MessageFlag,
    NoMessageError,
    Overwrite,
    Permission,
)
from tests.fake_discord.gateway import GatewaySession
from tests.fake_discord.payloads import JSON

pytest_plugins = ["tests.fake_discord.fixtures"]

NO_PINGS = discord.AllowedMentions.none()
TOPICS = ["agile", "budgeting", "risk management", "scrum", "stakeholders"]


# --------------------------------------------------------------------------- the tiny bot


class PanelView(discord.ui.View):
    """Persistent (``bot.add_view``): answers clicks on messages from before a restart."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Join", custom_id="panel:join", style=discord.ButtonStyle.primary)
    async def join(self, interaction: discord.Interaction, button: discord.ui.Button[PanelView]) -> None:
        await interaction.response.send_message(
            f"{interaction.user.mention} joined", ephemeral=True, allowed_mentions=NO_PINGS
        )

    @discord.ui.select(
        custom_id="panel:track",
        options=[discord.SelectOption(label=t.title(), value=t) for t in ("agile", "waterfall")],
    )
    async def track(self, interaction: discord.Interaction, select: discord.ui.Select[PanelView]) -> None:
        await interaction.response.edit_message(content=f"Track: {select.values[0]}")

    @discord.ui.select(cls=discord.ui.UserSelect, custom_id="panel:buddy")
    async def buddy(self, interaction: discord.Interaction, select: discord.ui.UserSelect[PanelView]) -> None:
        await interaction.response.send_message(f"Buddy: {select.values[0].name}", ephemeral=True)


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    answer: discord.ui.TextInput[FeedbackModal] = discord.ui.TextInput(
        label="What did you learn?", style=discord.TextStyle.paragraph
    )

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"Thanks: {self.answer.value}", ephemeral=True)


class CoachCog(commands.Cog):
    def __init__(self, bot: TinyBot) -> None:
        self.bot = bot

    @app_commands.command(description="Ask the coach")
    async def ask(self, interaction: discord.Interaction, question: str, private: bool = False) -> None:
        await interaction.response.send_message(
            f"You asked: {question}", ephemeral=private, allowed_mentions=NO_PINGS
        )

    @app_commands.command(description="Echo resolved options")
    async def inspect(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        role: discord.Role,
        channel: discord.TextChannel,
        hours: int,
    ) -> None:
        await interaction.response.send_message(
            f"{member.name}|{role.name}|{channel.name}|{hours}|{interaction.permissions.manage_guild}",
            allowed_mentions=NO_PINGS,
        )

    @app_commands.command(description="Pick a topic")
    async def topic(self, interaction: discord.Interaction, name: str) -> None:
        await interaction.response.send_message(f"Topic: {name}")

    @topic.autocomplete("name")
    async def topic_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=t, value=t) for t in TOPICS if current.lower() in t]

    @app_commands.command(description="Think, then follow up")
    async def slow(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send("Done thinking", ephemeral=True, allowed_mentions=NO_PINGS)
        await interaction.followup.send("Details", ephemeral=True, allowed_mentions=NO_PINGS)

    @app_commands.command(description="Defer, then fill in the original with a file")
    async def report(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        report = discord.File(io.BytesIO(b"week,hours\n1,4\n"), filename="report.csv")
        await interaction.edit_original_response(content="Your report", attachments=[report])

    @app_commands.command(description="Post the panel")
    async def panel(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Panel", view=PanelView())

    @app_commands.command(description="Give feedback")
    async def feedback(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @app_commands.command(description="Grant a role")
    @app_commands.default_permissions(manage_guild=True)
    async def grant(
        self, interaction: discord.Interaction, member: discord.Member, role: discord.Role
    ) -> None:
        try:
            await member.add_roles(role, reason="coach grant")
        except discord.Forbidden as exc:
            await interaction.response.send_message(f"Cannot: {exc.code}", ephemeral=True)
            return
        await interaction.response.send_message(f"Granted {role.name}", allowed_mentions=NO_PINGS)

    @app_commands.command(description="DM a member")
    async def nudge(self, interaction: discord.Interaction, member: discord.Member) -> None:
        try:
            await member.send("Keep going!")
        except discord.Forbidden as exc:
            await interaction.response.send_message(f"DMs closed ({exc.code})", ephemeral=True)
            return
        await interaction.response.send_message("Nudged", ephemeral=True)

    @app_commands.command(description="Post in the channel")
    async def announce(self, interaction: discord.Interaction, text: str) -> None:
        await interaction.response.defer(ephemeral=True)
        try:
            await interaction.channel.send(text, allowed_mentions=NO_PINGS)  # type: ignore[union-attr]
        except discord.Forbidden as exc:
            await interaction.followup.send(f"Forbidden {exc.code}", ephemeral=True)
            return
        await interaction.followup.send("Posted", ephemeral=True)


class TinyBot(commands.Bot):
    def __init__(self, guild_id: int, intents: discord.Intents | None = None) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=intents or discord.Intents.default())
        self.guild_id = guild_id
        self.lifecycle: list[str] = []

    async def setup_hook(self) -> None:
        self.add_view(PanelView())
        await self.add_cog(CoachCog(self))
        stats_group = app_commands.Group(name="coach", description="Coach tools")

        @stats_group.command(description="Show stats")
        async def stats(interaction: discord.Interaction, days: int = 7) -> None:
            await interaction.response.send_message(f"Stats for {days} days")

        guild = discord.Object(self.guild_id)
        self.tree.add_command(stats_group, guild=guild)
        await self.tree.sync()
        await self.tree.sync(guild=guild)

    async def on_ready(self) -> None:
        self.lifecycle.append("ready")

    async def on_resumed(self) -> None:
        self.lifecycle.append("resumed")


# --------------------------------------------------------------------------- fixtures


@dataclass
class World:
    guild: FakeGuild
    general: FakeChannel
    mod: FakeMember
    member: FakeMember
    learner: FakeRole


@pytest.fixture
def world(fake_discord: FakeDiscord) -> World:
    guild = fake_discord.create_guild("PM Guild", channels=("general", "coaching"))
    return World(
        guild=guild,
        general=guild.channel("general"),
        mod=fake_discord.create_member(guild, "mod", moderator=True),
        member=fake_discord.create_member(guild, "learner"),
        learner=guild.add_role("Learner"),
    )


@pytest_asyncio.fixture
async def bot(fake_discord: FakeDiscord, world: World) -> AsyncIterator[TinyBot]:
    async with fake_discord.run_bot(TinyBot(world.guild.id)) as running:
        yield running


# --------------------------------------------------------------------------- gateway


async def test_connects_and_receives_guild_create(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and not guild.unavailable
    assert guild.me.id == fake_discord.bot_user.id and guild.owner_id == world.guild.owner_id
    assert {c.name for c in guild.text_channels} == {"general", "coaching"}
    assert guild.default_role.permissions.send_messages
    assert bot.lifecycle == ["ready"] and bot.application_id == fake_discord.application_id
    # Without the members intent, GUILD_CREATE only carries the bot itself.
    assert [m.id for m in guild.members] == [fake_discord.bot_user.id]
    connection = fake_discord.gateway.connections[0]
    assert connection.compression == "zlib-stream" and connection.query["v"] == "10"
    assert fake_discord.gateway.identify_payloads[0]["intents"] == discord.Intents.default().value


async def test_members_intent_gets_members_chunks_and_updates(
    fake_discord: FakeDiscord, world: World
) -> None:
    intents = discord.Intents.default()
    intents.members = True
    async with fake_discord.run_bot(TinyBot(world.guild.id, intents)) as running:
        guild = running.get_guild(world.guild.id)
        assert guild is not None
        assert {m.name for m in guild.members} >= {"mod", "learner"}
        assert [m.name for m in await guild.query_members("lea")] == ["learner"]
        rec = await fake_discord.slash(
            world.guild, world.mod, "grant", member=world.member, role=world.learner
        )
        await rec.final_message()
        await fake_discord.sync()  # GUILD_MEMBER_UPDATE processed
        cached = guild.get_member(world.member.id)
        assert cached is not None and world.learner.id in [r.id for r in cached.roles]


async def test_heartbeats_are_acknowledged(fake_discord: FakeDiscord, world: World) -> None:
    fake_discord.gateway.heartbeat_interval = 0.05
    async with fake_discord.run_bot(TinyBot(world.guild.id)) as running:
        await fake_discord.wait_for(lambda: fake_discord.gateway.connections[0].heartbeats >= 4)
        assert running.latency < 1.0


async def test_tree_sync_registers_global_and_guild_commands(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    global_names = {c["name"] for c in fake_discord.commands[None]}
    assert {"ask", "inspect", "topic", "slow", "panel", "feedback", "grant"} <= global_names
    coach = fake_discord.command("coach", world.guild)
    assert coach is not None and coach["guild_id"] == str(world.guild.id)
    fetched = await bot.tree.fetch_commands()
    assert {c.name for c in fetched} == global_names
    assert all(c.id for c in fetched)
    grant = fake_discord.command("grant")
    assert grant is not None
    assert int(grant["default_member_permissions"]) == Permission.MANAGE_GUILD


# --------------------------------------------------------------------------- interactions


async def test_slash_command_with_options(fake_discord: FakeDiscord, world: World, bot: TinyBot) -> None:
    rec = await fake_discord.slash(world.guild, world.member, "ask", question="What is a PMO?")
    response = await rec.response()
    assert response.type == CallbackType.CHANNEL_MESSAGE and response.content == "You asked: What is a PMO?"
    message = await rec.final_message()
    assert message.content == "You asked: What is a PMO?" and not message.pings
    assert message.allowed_mentions == {"parse": []}
    # The type-4 message has an id and can be fetched like Discord's @original.
    original = await bot.http.request(
        discord.http.Route(
            "GET",
            "/webhooks/{a}/{t}/messages/@original",
            a=fake_discord.application_id,
            t=rec.token,
        )
    )
    assert original["id"] == str(message.id)

    private = await fake_discord.slash(world.guild, world.member, "ask", question="x", private=True)
    assert (await private.final_message()).ephemeral


async def test_resolved_user_role_channel_and_member_permissions(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    coaching = world.guild.channel("coaching")
    args = {"member": world.member, "role": world.learner, "channel": coaching, "hours": 3}
    by_mod = await fake_discord.slash(world.guild, world.mod, "inspect", options=args)
    assert (await by_mod.final_message()).content == "learner|Learner|coaching|3|True"
    by_member = await fake_discord.slash(world.guild, world.member, "inspect", options=args)
    assert (await by_member.final_message()).content.endswith("|False")


async def test_subcommand_in_guild_command(fake_discord: FakeDiscord, world: World, bot: TinyBot) -> None:
    rec = await fake_discord.slash(world.guild, world.member, "coach stats", days=30)
    assert (await rec.final_message()).content == "Stats for 30 days"
    with pytest.raises(KeyError, match="unknown option"):
        await fake_discord.slash(world.guild, world.member, "coach stats", weeks=2)


async def test_default_member_permissions_hide_commands(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    with pytest.raises(PermissionError):
        await fake_discord.slash(world.guild, world.member, "grant", member=world.member, role=world.learner)


async def test_autocomplete(fake_discord: FakeDiscord, world: World, bot: TinyBot) -> None:
    rec = await fake_discord.autocomplete(world.guild, world.member, "topic", focused="name", name="st")
    response = await rec.response()
    assert response.type == CallbackType.AUTOCOMPLETE_RESULT
    assert [c["value"] for c in response.choices] == ["stakeholders"]
    with pytest.raises(NoMessageError):
        await rec.final_message()


async def test_deferred_response_and_followup(fake_discord: FakeDiscord, world: World, bot: TinyBot) -> None:
    rec = await fake_discord.slash(world.guild, world.member, "slow")
    assert (await rec.response()).type == CallbackType.DEFERRED_CHANNEL_MESSAGE
    message = await rec.final_message()
    assert message.content == "Done thinking" and not message.loading
    # As on Discord: the first followup fills in the public "thinking" message (ephemeral=True
    # is ignored), later followups are separate messages.
    assert message is rec.original and not message.ephemeral
    details = await rec.followup(1)
    assert details.content == "Details" and details.ephemeral and details is not rec.original
    assert rec.messages == [message, details]


async def test_defer_then_edit_original_with_file(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    rec = await fake_discord.slash(world.guild, world.member, "report")
    message = await rec.final_message()
    assert message is rec.original and message.content == "Your report"
    assert message.ephemeral and not message.loading
    assert [(f.filename, f.data) for f in message.files] == [("report.csv", b"week,hours\n1,4\n")]
    assert message.attachments[0]["filename"] == "report.csv"


async def test_button_and_select_on_persistent_view(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    # A panel posted by a previous run of the bot: only the persistent view can answer it.
    old_panel = fake_discord.seed_message(
        world.general, content="Panel", components=PanelView().to_components()
    )
    click = await fake_discord.click(world.member, old_panel, "panel:join")
    joined = await click.final_message()
    assert joined.ephemeral and joined.content == f"{world.member.mention} joined" and not joined.pings

    pick = await fake_discord.select(world.member, old_panel, "panel:track", ["waterfall"])
    assert (await pick.response()).type == CallbackType.UPDATE_MESSAGE
    assert (await pick.final_message()) is old_panel and old_panel.content == "Track: waterfall"

    # A panel the bot posts now: the type-4 message got an id, so its buttons are clickable.
    posted = await (await fake_discord.slash(world.guild, world.mod, "panel")).final_message()
    assert posted.custom_ids == ["panel:join", "panel:track", "panel:buddy"]
    buddy = await fake_discord.select(world.mod, posted, "panel:buddy", [world.member])
    assert (await buddy.final_message()).content == "Buddy: learner"
    again = await fake_discord.click(world.mod, posted, "panel:join")
    assert (await again.final_message()).content == f"{world.mod.mention} joined"


async def test_modal_submit(fake_discord: FakeDiscord, world: World, bot: TinyBot) -> None:
    opened = await fake_discord.slash(world.guild, world.member, "feedback")
    modal = await opened.response()
    assert modal.type == CallbackType.MODAL and modal.data["title"] == "Feedback"
    submitted = await fake_discord.submit_modal(opened, {"What did you learn?": "Risk matrices"})
    assert (await submitted.final_message()).content == "Thanks: Risk matrices"


# --------------------------------------------------------------------------- resilience


async def test_forced_disconnect_resumes_and_replays(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    await fake_discord.force_resume(code=4000)
    assert bot.lifecycle == ["ready", "resumed"]
    assert fake_discord.gateway.connections[-1].path == "/gateway-resume"
    rec = await fake_discord.slash(world.guild, world.member, "ask", question="still there?")
    assert (await rec.final_message()).content == "You asked: still there?"

    # An interaction created while the socket is down reaches the bot through RESUME replay.
    await fake_discord.gateway.drop_connection(abrupt=True)
    missed = await fake_discord.slash(world.guild, world.member, "ask", question="missed?")
    await fake_discord.gateway.wait_resumed(2)
    assert (await missed.final_message()).content == "You asked: missed?"
    assert fake_discord.gateway.identify_count == 1 and bot.lifecycle[-1] == "resumed"


async def test_reconnect_request_and_invalid_session(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    fake_discord.gateway.send_reconnect()  # op 7: the client must RESUME
    await fake_discord.gateway.wait_resumed(1)
    fake_discord.gateway.invalidate_session()  # op 9 false: the client must IDENTIFY again
    await fake_discord.wait_ready(2)
    assert fake_discord.gateway.identify_count == 2 and fake_discord.gateway.resume_count == 1
    rec = await fake_discord.slash(world.guild, world.member, "ask", question="new session?")
    assert (await rec.final_message()).content == "You asked: new session?"


async def test_restarted_bot_answers_panel_posted_before(fake_discord: FakeDiscord, world: World) -> None:
    async with fake_discord.run_bot(TinyBot(world.guild.id)):
        panel = await (await fake_discord.slash(world.guild, world.mod, "panel")).final_message()
    async with fake_discord.run_bot(TinyBot(world.guild.id)):
        click = await fake_discord.click(world.member, panel, "panel:join")
        assert (await click.final_message()).content == f"{world.member.mention} joined"
    assert fake_discord.gateway.identify_count == 2


async def test_dm_interaction(fake_discord: FakeDiscord, world: World, bot: TinyBot) -> None:
    rec = await fake_discord.slash(None, world.member, "ask", question="in private")
    message = await rec.final_message()
    assert message.guild_id is None and message.channel_id == fake_discord.dm_channel(world.member).id
    assert "user" in rec.payload and "member" not in rec.payload


def _dispatched(session: GatewaySession, event: str) -> list[JSON]:
    return [frame["d"] for frame in session.events if frame["t"] == event]


async def test_each_shard_gets_only_its_guilds_events_and_dms_go_to_shard_0() -> None:
    async with FakeDiscord(shard_count=2) as fake:
        guilds = [fake.create_guild(f"Shard {n}", shard=n) for n in (0, 1)]
        learners = [fake.create_member(guild, "learner") for guild in guilds]
        bot = commands.AutoShardedBot(
            command_prefix=commands.when_mentioned, intents=discord.Intents.default()
        )
        await bot.add_cog(CoachCog(bot))  # type: ignore[arg-type] - it only needs a client
        async with fake.run_bot(bot):
            assert bot.shard_count == 2  # as GET /gateway/bot recommended
            shards = fake.gateway.shards
            assert {n: session.shard for n, session in shards.items()} == {0: [0, 2], 1: [1, 2]}
            for n, guild in enumerate(guilds):
                ready = _dispatched(shards[n], "READY")[0]
                assert [int(g["id"]) for g in ready["guilds"]] == [guild.id]
                assert [int(g["id"]) for g in _dispatched(shards[n], "GUILD_CREATE")] == [guild.id]
                rec = await fake.slash(guild, learners[n], "ask", question=f"on shard {n}")
                assert (await rec.final_message()).content == f"You asked: on shard {n}"
                assert rec.payload in _dispatched(shards[n], "INTERACTION_CREATE")
                assert rec.payload not in _dispatched(shards[1 - n], "INTERACTION_CREATE")
            dm = await fake.slash(None, learners[1], "ask", question="in a DM")
            assert (await dm.final_message()).content == "You asked: in a DM"
            assert dm.payload in _dispatched(shards[0], "INTERACTION_CREATE")
            invited = fake.create_guild("Invited later", shard=1)
            await fake.sync()
            assert bot.get_guild(invited.id) is not None
            assert invited.id in {int(g["id"]) for g in _dispatched(shards[1], "GUILD_CREATE")}
            assert invited.id not in {int(g["id"]) for g in _dispatched(shards[0], "GUILD_CREATE")}
        requests = [r for r in fake.requests if r.route == "/gateway/bot"]
        assert len(requests) == 1
        fake.assert_healthy()


@pytest.mark.parametrize("shard", [[2, 2], [-1, 2], [0, 0], "0,1"])
async def test_identify_with_an_impossible_shard_is_closed_with_4010(
    fake_discord: FakeDiscord, shard: object
) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(fake_discord.gateway_url) as ws,
    ):
        hello = await ws.receive_json(timeout=5)
        assert hello["op"] == 10
        identify = {"token": fake_discord.token, "intents": 1, "shard": shard, "properties": {}}
        await ws.send_json({"op": 2, "d": identify})
        while (await ws.receive(timeout=5)).type == aiohttp.WSMsgType.TEXT:
            pass  # heartbeat acks, if any
        assert ws.close_code == 4010
    assert fake_discord.gateway.identify_count == 0


async def test_fifty_simultaneous_interactions(fake_discord: FakeDiscord, world: World, bot: TinyBot) -> None:
    records = await asyncio.gather(
        *(fake_discord.slash(world.guild, world.member, "ask", question=f"q{i}") for i in range(50))
    )
    responses = await asyncio.gather(*(r.response(timeout=5) for r in records))
    assert all(r.type == CallbackType.CHANNEL_MESSAGE for r in responses)
    assert sorted(r.content or "" for r in responses) == sorted(f"You asked: q{i}" for i in range(50))
    assert len({r.id for r in records} | {r.token for r in records}) == 100


async def test_answering_twice_or_too_late_is_rejected(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    rec = await fake_discord.slash(world.guild, world.member, "ask", question="once")
    await rec.response()
    url = f"{fake_discord.base_url}/api/v10/interactions/{rec.id}/{rec.token}/callback"
    async with aiohttp.ClientSession() as session, session.post(url, json={"type": 4}) as again:
        assert (again.status, (await again.json())["code"]) == (400, 40060)

    fake_discord.callback_deadline = 0.0  # every answer now arrives "after 3 seconds"
    late = await fake_discord.slash(world.guild, world.member, "ask", question="late")
    callback_route = "/interactions/{interaction_id}/{token}/callback"
    await fake_discord.wait_for(
        lambda: [r for r in fake_discord.requests if r.route == callback_route and r.status == 404]
    )
    assert not late.acknowledged


# --------------------------------------------------------------------------- REST behaviour


async def test_role_add_is_recorded_and_hierarchy_enforced(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    rec = await fake_discord.slash(world.guild, world.mod, "grant", member=world.member, role=world.learner)
    assert (await rec.final_message()).content == "Granted Learner"
    [change] = fake_discord.role_changes
    assert (change.user_id, change.role_id, change.action, change.reason) == (
        world.member.id,
        world.learner.id,
        "add",
        "coach grant",
    )
    assert world.learner.id in world.member.role_ids

    above_bot = world.guild.add_role("Admin", position=500)
    denied = await fake_discord.slash(world.guild, world.mod, "grant", member=world.member, role=above_bot)
    assert (await denied.final_message()).content == "Cannot: 50013"
    assert len(fake_discord.role_changes) == 1


async def test_edit_role_updates_the_bots_cache(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    fake_discord.edit_role(world.guild, world.learner, permissions=int(Permission.KICK_MEMBERS))
    await fake_discord.sync()
    cached = bot.get_guild(world.guild.id).get_role(world.learner.id)  # type: ignore[union-attr]
    assert cached is not None and cached.permissions.kick_members
    assert world.learner.permissions == int(Permission.KICK_MEMBERS)


async def test_closed_dms_fail_with_50007(fake_discord: FakeDiscord, world: World, bot: TinyBot) -> None:
    rec = await fake_discord.slash(world.guild, world.mod, "nudge", member=world.member)
    assert (await rec.final_message()).content == "Nudged"
    assert [m.content for m in fake_discord.dms_to(world.member)] == ["Keep going!"]

    fake_discord.close_dms(world.mod)
    blocked = await fake_discord.slash(world.guild, world.member, "nudge", member=world.mod)
    assert (await blocked.final_message()).content == "DMs closed (50007)"


async def test_channel_messages_and_error_injection(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    # A rate limit is retried transparently by discord.py (the fake sends the ``Via`` header).
    limited = fake_discord.inject("POST", "/channels/{channel_id}/messages", Errors.RATE_LIMITED, times=1)
    ok = await fake_discord.slash(world.guild, world.mod, "announce", text="Study group at 5 @everyone")
    posted = await fake_discord.wait_for_message(world.general, where=lambda m: m.source == "message")
    assert posted.content.startswith("Study group") and posted.author["id"] == str(bot.user.id)
    assert posted.pings == set()  # @everyone in the text, but allowed_mentions parse nothing
    assert (await ok.final_message()).content == "Posted" and limited.hits == 1
    channel = bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    assert [m.content async for m in channel.history(limit=5)] == [posted.content]  # no ephemerals

    injection = fake_discord.inject(
        "POST", "/channels/{channel_id}/messages", Errors.MISSING_PERMISSIONS, times=1
    )
    denied = await fake_discord.slash(world.guild, world.mod, "announce", text="again")
    assert (await denied.final_message()).content == "Forbidden 50013"
    assert injection.hits == 1 and injection.exhausted
    with pytest.raises(ValueError, match="not a route"):
        fake_discord.inject("POST", "/channel/{channel_id}/messages")


async def test_unknown_routes_and_fake_crashes_are_reported(fake_discord: FakeDiscord, bot: TinyBot) -> None:
    with pytest.raises(discord.NotFound):
        await bot.http.request(discord.http.Route("GET", "/guilds/{g}/bans", g=1))
    assert [r.path for r in fake_discord.unknown_requests] == ["/guilds/1/bans"]

    # A bug in the fake must not look like a 5xx (discord.py would retry it for ~25 s).
    fake_discord.inject("GET", "/users/{user_id}", when=lambda _: bool(1 / 0))
    with pytest.raises(discord.HTTPException) as crashed:
        await bot.fetch_user(fake_discord.app_owner.id)
    assert crashed.value.status == 400
    assert [type(e) for e in fake_discord.internal_errors] == [ZeroDivisionError]
    with pytest.raises(AssertionError, match="unknown route GET /guilds/1/bans; fake crashed"):
        fake_discord.assert_healthy()
    fake_discord.unknown_requests.clear()
    fake_discord.internal_errors.clear()


async def test_private_thread_created_pinged_and_joined(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    general = bot.get_channel(world.general.id)
    assert isinstance(general, discord.TextChannel)
    created_event = asyncio.ensure_future(bot.wait_for("thread_create", timeout=3))
    thread = await general.create_thread(
        name="Study buddies",
        type=discord.ChannelType.private_thread,
        invitable=False,
        reason="pair learners",
    )
    assert (thread.type, thread.parent_id, thread.owner_id) == (
        discord.ChannelType.private_thread,
        general.id,
        bot.user.id,
    )
    assert not thread.invitable and not thread.archived and thread.auto_archive_duration == 1440
    assert (await created_event).id == thread.id  # THREAD_CREATE with newly_created
    [fake_thread] = fake_discord.threads_in(world.general)
    assert (fake_thread.id, fake_thread.name) == (thread.id, "Study buddies")
    assert list(fake_thread.members) == [bot.user.id]

    mod, learner, owner = world.mod, world.member, f"<@{world.guild.owner_id}>"
    pair = [discord.Object(mod.id), discord.Object(learner.id)]
    text = f"hello {mod.mention} and {learner.mention}, not {owner} or @everyone"
    await thread.send(text, allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=pair))
    [message] = fake_discord.messages_in(fake_thread)
    assert message.pings == {f"user:{mod.id}", f"user:{learner.id}"}
    # discord.py's AllowedMentions(users=...) alone still parses @everyone and roles.
    await thread.send(text, allowed_mentions=discord.AllowedMentions(users=pair))
    assert "everyone" in fake_discord.messages_in(fake_thread)[-1].pings
    assert fake_discord.messages_in(world.general) == []
    fetched = await bot.fetch_channel(thread.id)
    assert isinstance(fetched, discord.Thread)
    assert (fetched.message_count, fetched.member_count) == (2, 1)
    assert fetched.last_message_id == fake_discord.messages_in(fake_thread)[-1].id

    await thread.add_user(discord.Object(learner.id))
    await thread.add_user(discord.Object(learner.id))  # idempotent, like Discord
    assert list(fake_thread.members) == [bot.user.id, learner.id]
    with pytest.raises(discord.NotFound) as unknown:
        await thread.add_user(discord.Object(fake_discord.app_owner.id))  # not in the guild
    assert unknown.value.code == 10007


async def test_threads_use_the_parent_channels_permissions(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    general = bot.get_channel(world.general.id)
    assert isinstance(general, discord.TextChannel)
    everyone = world.guild.id
    world.general.overwrites.append(Overwrite(everyone, deny=Permission.CREATE_PRIVATE_THREADS))
    with pytest.raises(discord.Forbidden) as denied:
        await general.create_thread(name="Secret", type=discord.ChannelType.private_thread)
    assert denied.value.code == 50013 and fake_discord.threads_in(world.general) == []

    public = await general.create_thread(name="Open", type=discord.ChannelType.public_thread)
    assert public.type == discord.ChannelType.public_thread
    world.general.overwrites.append(Overwrite(everyone, deny=Permission.SEND_MESSAGES_IN_THREADS))
    with pytest.raises(discord.Forbidden) as muted:
        await public.send("hi", allowed_mentions=NO_PINGS)
    assert muted.value.code == 50013
    await general.send("still fine here", allowed_mentions=NO_PINGS)
    assert fake_discord.messages_in(public.id) == []


async def test_threads_need_a_text_parent_and_valid_fields(
    fake_discord: FakeDiscord, world: World, bot: TinyBot
) -> None:
    voice = world.guild.add_channel("Stand-up", type=ChannelType.VOICE)
    general = bot.get_channel(world.general.id)
    assert isinstance(general, discord.TextChannel)
    thread = await general.create_thread(name="Pairs")
    for parent_id in (voice.id, thread.id):
        with pytest.raises(discord.HTTPException) as wrong_parent:
            await bot.http.start_thread_without_message(
                parent_id, name="Nested", auto_archive_duration=1440, type=12
            )
        assert (wrong_parent.value.status, wrong_parent.value.code) == (400, 50024)
    for bad in ({"name": "x" * 101}, {"name": "ok", "auto_archive_duration": 90}):
        with pytest.raises(discord.HTTPException) as invalid:
            await general.create_thread(**bad)  # type: ignore[arg-type]
        assert (invalid.value.status, invalid.value.code) == (400, 50035)
    assert [t.name for t in fake_discord.threads_in(world.general)] == ["Pairs"]


async def test_private_thread_visibility_and_invitable(fake_discord: FakeDiscord, world: World) -> None:
    mods_only = world.guild.add_thread(world.general, "Mods only", owner_id=world.mod.id, invitable=False)
    mods_only.add_member(fake_discord.bot_user.id)
    hidden = world.guild.add_thread(world.general, "Hidden", owner_id=world.mod.id)
    async with fake_discord.run_bot(TinyBot(world.guild.id)) as running:
        guild = running.get_guild(world.guild.id)
        assert guild is not None and guild.get_thread(hidden.id) is None  # not in GUILD_CREATE
        joined = guild.get_thread(mods_only.id)
        assert joined is not None and not joined.invitable
        with pytest.raises(discord.Forbidden) as not_owner:
            await joined.add_user(discord.Object(world.member.id))
        assert not_owner.value.code == 50013
        with pytest.raises(discord.Forbidden) as invisible:
            await running.fetch_channel(hidden.id)
        assert invisible.value.code == 50001

        bot_may_manage = Overwrite(running.user.id, type=1, allow=Permission.MANAGE_THREADS)
        world.general.overwrites.append(bot_may_manage)
        await joined.add_user(discord.Object(world.member.id))
        assert world.member.id in mods_only.members
        assert (await running.fetch_channel(hidden.id)).id == hidden.id


async def test_thread_member_events_follow_intents(fake_discord: FakeDiscord, world: World) -> None:
    public = world.guild.add_thread(
        world.general, "Open Q&A", owner_id=world.mod.id, type=ChannelType.PUBLIC_THREAD
    )
    async with fake_discord.run_bot(TinyBot(world.guild.id)) as running:
        thread = running.get_channel(public.id)
        assert isinstance(thread, discord.Thread) and thread.me is None
        joined = asyncio.ensure_future(running.wait_for("thread_join", timeout=3))
        await thread.join()  # PUT /channels/{id}/thread-members/@me
        assert (await joined).id == public.id and thread.me is not None
        await thread.add_user(discord.Object(world.member.id))
        await fake_discord.sync()
        assert thread.members == []  # others' joins need the members intent

    buddy = fake_discord.create_member(world.guild, "buddy")
    intents = discord.Intents.default()
    intents.members = True
    async with fake_discord.run_bot(TinyBot(world.guild.id, intents)) as running:
        thread = running.get_channel(public.id)
        assert isinstance(thread, discord.Thread)
        member_joined = asyncio.ensure_future(running.wait_for("thread_member_join", timeout=3))
        await thread.add_user(discord.Object(buddy.id))
        assert (await member_joined).id == buddy.id
    assert list(public.members) == [world.mod.id, running.user.id, world.member.id, buddy.id]


async def test_internet_is_blocked(fake_discord: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(InternetAccessBlocked):
            await session.get("https://discord.com/api/v10/gateway")


async def test_channel_overwrites_and_permissions(fake_discord: FakeDiscord) -> None:
    guild = fake_discord.create_guild()
    mod = fake_discord.create_member(guild, "mod", moderator=True)
    member = fake_discord.create_member(guild, "member")
    muted = Overwrite(guild.id, allow=0, deny=Permission.SEND_MESSAGES)
    mods_may = Overwrite(fake_discord.moderator_role(guild).id, allow=Permission.SEND_MESSAGES)
    announcements = guild.add_channel("announcements", overwrites=[muted, mods_may])
    assert guild.permissions_for(member.id, announcements.id) & Permission.SEND_MESSAGES == 0
    assert guild.permissions_for(mod.id, announcements.id) & Permission.SEND_MESSAGES
    assert guild.permissions_for(mod.id) & Permission.MANAGE_GUILD
    assert guild.permissions_for(guild.owner_id) == ALL_PERMISSIONS


async def test_flags_constants_match_discord_py() -> None:
    assert discord.MessageFlags(ephemeral=True).value == MessageFlag.EPHEMERAL
    assert discord.MessageFlags(loading=True).value == MessageFlag.LOADING
