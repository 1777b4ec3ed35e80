"""Moderator commands end to end: permissions, configuration, role rewards, stats and exports."""

from __future__ import annotations

import csv
import io
import struct
from datetime import date

import pytest

from tests.exts.conftest import RunBot, counted
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember, Overwrite, Permission

MODERATOR_COMMANDS = [
    ("coach config", {}),
    ("coach reward", {"milestone": "earn-pmp", "role": None}),
    ("coach sync-roles", {}),
    ("coach set-progress", {"milestone": "earn-pmp", "state": "done", "member": None}),
    ("coach stats", {}),
    ("coach export", {}),
    ("kb reload", {}),
    ("kb preview", {}),
    ("kb status", {}),
    ("kb gaps", {}),
    ("kb feedback", {}),
]


@pytest.mark.parametrize(("command", "options"), MODERATOR_COMMANDS, ids=[c for c, _ in MODERATOR_COMMANDS])
async def test_members_cannot_use_moderator_commands(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    command: str,
    options: dict[str, object],
) -> None:
    role = guild.add_role("Learner")
    values = {k: (role if k == "role" else alice if k == "member" else v) for k, v in options.items()}
    async with run_coach():
        with pytest.raises(PermissionError):  # Discord hides it: default_member_permissions
            await fake_discord.slash(guild, alice, command, options=values)
        for registered in fake_discord.commands[None]:  # a server admin overrides the default
            registered["default_member_permissions"] = None
        reply = await (await fake_discord.slash(guild, alice, command, options=values)).final_message()
        assert reply.ephemeral
        assert "for moderators" in reply.embeds[0]["description"]


async def test_config_shows_and_saves_settings(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, mod: FakeMember
) -> None:
    wins = guild.add_channel("wins")
    async with run_coach() as bot:
        reply = await (
            await fake_discord.slash(guild, mod, "coach config", announce_channel=wins, reward_mode="replace")
        ).final_message()
        assert reply.embeds[0]["title"] == "Settings saved"
        settings = await bot.coach.storage.get_guild_settings(guild.id)
        assert (settings.announce_channel_id, settings.reward_mode) == (wins.id, "replace")


async def test_reward_roles_follow_completions(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    mod: FakeMember,
    owner: FakeMember,
) -> None:
    first, second = guild.add_role("Explorer"), guild.add_role("PMP")
    async with run_coach():
        for milestone, role in (("understand-the-role", first), ("earn-pmp", second)):
            reply = await (
                await fake_discord.slash(guild, owner, "coach reward", milestone=milestone, role=role)
            ).final_message()
            assert "now get" in reply.embeds[0]["description"]
        await (
            await fake_discord.slash(guild, alice, "milestone done", milestone="understand-the-role")
        ).response()
        await fake_discord.wait_for(lambda: first.id in guild.member(alice).role_ids, timeout=3)
        await (await fake_discord.slash(guild, mod, "coach config", reward_mode="replace")).response()
        await (await fake_discord.slash(guild, alice, "milestone done", milestone="earn-pmp")).response()
        await fake_discord.wait_for(lambda: guild.member(alice).role_ids == [second.id], timeout=3)
        await (await fake_discord.slash(guild, alice, "milestone undo", milestone="earn-pmp")).response()
        await fake_discord.wait_for(lambda: guild.member(alice).role_ids == [first.id], timeout=3)


async def test_reward_refuses_roles_the_bot_cannot_give(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, owner: FakeMember
) -> None:
    above = guild.add_role("Staff", position=500)
    async with run_coach():
        reply = await (
            await fake_discord.slash(guild, owner, "coach reward", milestone="earn-pmp", role=above)
        ).final_message()
        assert "above my highest role" in reply.embeds[0]["description"]
    weak = fake_discord.create_guild(
        "No Roles", bot_permissions=int(Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES)
    )
    role = weak.add_role("Learner")
    async with run_coach():
        reply = await (
            await fake_discord.slash(
                weak, weak.member(weak.owner_id), "coach reward", milestone="earn-pmp", role=role
            )
        ).final_message()
        assert "Manage Roles" in reply.embeds[0]["description"]


async def test_sync_roles_reports_numbers(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, owner: FakeMember
) -> None:
    role = guild.add_role("Explorer")
    async with run_coach():
        await (
            await fake_discord.slash(guild, alice, "milestone done", milestone="understand-the-role")
        ).response()
        await (
            await fake_discord.slash(guild, owner, "coach reward", milestone="understand-the-role", role=role)
        ).response()
        reply = await (await fake_discord.slash(guild, owner, "coach sync-roles")).final_message()
        assert "Roles added: **1** · removed: **0** · failed: **0**" in reply.embeds[0]["description"]
        assert role.id in guild.member(alice).role_ids


async def test_set_progress_by_moderator(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    async with run_coach() as bot:
        reply = await (
            await fake_discord.slash(
                guild, mod, "coach set-progress", member=alice, milestone="earn-pmp", state="done"
            )
        ).final_message()
        assert reply.embeds[0]["title"] == "For alice"
        progress = await bot.coach.storage.get_progress(guild.id, alice.id)
        assert [(c.milestone_id, c.recorded_by) for c in progress.completions] == [("earn-pmp", mod.id)]


async def test_celebration_mentions_only_members_who_opted_in(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    wins = guild.add_channel("wins")
    async with run_coach():
        await (await fake_discord.slash(guild, mod, "coach config", announce_channel=wins)).response()
        await (
            await fake_discord.slash(guild, alice, "milestone done", milestone="understand-the-role")
        ).response()
        quiet = await fake_discord.wait_for_message(wins, timeout=3)
        assert quiet.pings == set() and "alice" in quiet.content
        await (await fake_discord.slash(guild, alice, "milestone mentions", on=True)).response()
        await (
            await fake_discord.slash(guild, alice, "milestone done", milestone="build-core-skills")
        ).response()
        loud = await fake_discord.wait_for_message(
            wins, where=lambda m: "core skills" in m.content, timeout=3
        )
        assert loud.pings == {f"user:{alice.id}"}


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


async def test_stats_chart_and_csv_export(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    async with run_coach() as bot:
        await (await fake_discord.slash(guild, alice, "track choose", track="tech-to-pm")).response()
        for milestone in ("understand-the-role", "gain-project-experience"):
            await (await fake_discord.slash(guild, alice, "milestone done", milestone=milestone)).response()
        await (await fake_discord.slash(guild, alice, "ask", question="what is scrum")).response()
        await counted(lambda: bot.coach.storage.questions_per_day(guild.id, date.today()))
        stats = await (await fake_discord.slash(guild, mod, "coach stats")).final_message()
        width, height = png_size(stats.files[0].data)
        assert width >= 800 and height >= 400
        fields = {f["name"]: f["value"] for f in stats.embeds[0]["fields"]}
        assert "1  Understand the IT PM role" in fields["Members per milestone (1 with progress)"]
        assert any("1 in all" in name for name in fields)
        export = await (await fake_discord.slash(guild, mod, "coach export")).final_message()
        rows = list(csv.reader(io.StringIO(export.files[0].data.decode())))
        assert rows[0] == ["member_id", "track", "milestone", "completed_at"]
        stored = await bot.coach.storage.guild_completions(guild.id)
        assert rows[1:] == [
            [str(r.member_id), r.track_id or "", r.milestone_id, r.completed_at] for r in stored
        ]
        assert {r[2] for r in rows[1:]} == {"understand-the-role", "gain-project-experience"}


async def test_completion_works_when_the_bot_cannot_post_the_celebration(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    mod: FakeMember,
    caplog: pytest.LogCaptureFixture,
) -> None:
    locked = guild.add_channel("locked", overwrites=[Overwrite(guild.id, deny=int(Permission.SEND_MESSAGES))])
    async with run_coach():
        await (await fake_discord.slash(guild, mod, "coach config", announce_channel=locked)).response()
        reply = await (
            await fake_discord.slash(guild, alice, "milestone done", milestone="understand-the-role")
        ).final_message()
        assert "done" in reply.embeds[0]["description"]
        await fake_discord.wait_for(lambda: "could not announce" in caplog.text, timeout=3)
        assert [m for m in fake_discord.messages_in(locked) if not m.ephemeral] == []


async def test_only_the_process_running_shard_0_syncs_commands(
    run_coach: RunBot, fake_discord: FakeDiscord
) -> None:
    async with run_coach(SHARD_COUNT="2", SHARD_IDS="1") as bot:
        assert bot.shard_ids == [1]
    assert fake_discord.commands[None] == []  # the other process (shard 0) syncs
    async with run_coach(SHARD_COUNT="2", SHARD_IDS="0"):
        pass
    assert fake_discord.commands[None] != []
