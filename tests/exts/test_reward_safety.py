"""Issue #10, finding 1: role rewards must not be a way to escalate privileges.

The attack: a moderator with Manage Server (and no Manage Roles) made an Administrator role
the reward of a milestone, then completed it. Every test here runs the real bot against the
fake Discord; the fake enforces Discord's own role hierarchy for the bot.
"""

from __future__ import annotations

import discord
import pytest

from tests.exts.conftest import RunBot
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember, FakeRole, Permission

MILESTONE = "understand-the-role"

# The permissions the issue names; each makes a role unfit to be a reward.
DANGEROUS = [
    "administrator",
    "manage_guild",
    "manage_roles",
    "manage_channels",
    "manage_webhooks",
    "manage_messages",
    "kick_members",
    "ban_members",
    "moderate_members",
    "mention_everyone",
]


async def reward(fake: FakeDiscord, guild: FakeGuild, who: FakeMember, role: FakeRole) -> str:
    reply = await (
        await fake.slash(guild, who, "coach reward", milestone=MILESTONE, role=role)
    ).final_message()
    assert reply.ephemeral
    return str(reply.embeds[0]["description"])


async def test_manage_server_alone_cannot_turn_an_admin_role_into_a_reward(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, mod: FakeMember
) -> None:
    admin = guild.add_role("Admin", int(Permission.ADMINISTRATOR))
    async with run_coach() as bot:
        refusal = await reward(fake_discord, guild, mod, admin)
        assert "Administrator" in refusal and "can't be a reward" in refusal
        assert await bot.coach.storage.milestone_roles(guild.id) == {}
        await (await fake_discord.slash(guild, mod, "milestone done", milestone=MILESTONE)).final_message()
        await fake_discord.sync()
    assert admin.id not in guild.member(mod).role_ids
    assert fake_discord.role_changes == []


async def test_a_reward_must_be_a_role_the_moderator_could_assign(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, mod: FakeMember, owner: FakeMember
) -> None:
    managers = guild.add_role(
        "Role managers", int(Permission.MANAGE_GUILD | Permission.MANAGE_ROLES), position=10
    )
    carol = fake_discord.create_member(guild, "carol", roles=[managers])
    junior, senior = guild.add_role("Junior", position=5), guild.add_role("Senior", position=20)
    async with run_coach() as bot:
        assert "You need the **Manage Roles** permission" in await reward(fake_discord, guild, mod, junior)
        text = await reward(fake_discord, guild, carol, senior)
        assert "not below your highest role (**Role managers**)" in text
        assert await bot.coach.storage.milestone_roles(guild.id) == {}
        assert "now get" in await reward(fake_discord, guild, carol, junior)
        assert await bot.coach.storage.milestone_roles(guild.id) == {MILESTONE: junior.id}
        assert "now get" in await reward(fake_discord, guild, owner, senior)  # the owner outranks everyone
        assert await bot.coach.storage.milestone_roles(guild.id) == {MILESTONE: senior.id}


async def test_dangerous_managed_and_everyone_roles_are_refused_even_to_the_owner(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, owner: FakeMember
) -> None:
    dangerous = [guild.add_role(name, discord.Permissions(**{name: True}).value) for name in DANGEROUS]
    other_bot = fake_discord.create_user("other-bot", bot=True)
    integration = guild.add_role("Other bot", bot_id=other_bot.id)
    async with run_coach() as bot:
        for role in dangerous:
            text = await reward(fake_discord, guild, owner, role)
            assert "moderator powers" in text and "can't be a reward" in text, role.name
        assert "managed by Discord or an integration" in await reward(fake_discord, guild, owner, integration)
        assert "@everyone can't be a reward" in await reward(fake_discord, guild, owner, guild.everyone)
        assert await bot.coach.storage.milestone_roles(guild.id) == {}


GRANT_PATHS = ["milestone done", "mark done button", "set-progress", "sync-roles"]


@pytest.mark.parametrize("path", GRANT_PATHS)
async def test_a_reward_role_edited_to_be_dangerous_is_not_granted_and_the_log_channel_is_told(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    owner: FakeMember,
    path: str,
) -> None:
    bob = fake_discord.create_member(guild, "bob")
    mod_log = guild.add_channel("mod-log")
    helper = guild.add_role("Helper")
    async with run_coach() as bot:
        await (await fake_discord.slash(guild, owner, "coach config", log_channel=mod_log)).response()
        assert "now get" in await reward(fake_discord, guild, owner, helper)
        fake_discord.edit_role(
            guild, helper, permissions=int(Permission.KICK_MEMBERS | Permission.MANAGE_MESSAGES)
        )
        await fake_discord.sync()
        for member in (alice, bob):
            if path == "milestone done":
                await (
                    await fake_discord.slash(guild, member, "milestone done", milestone=MILESTONE)
                ).final_message()
            elif path == "mark done button":
                step = await (await fake_discord.slash(guild, member, "next")).final_message()
                await (await fake_discord.click(member, step, f"coach:done:{MILESTONE}")).final_message()
            elif path == "set-progress":
                await (
                    await fake_discord.slash(
                        guild, owner, "coach set-progress", member=member, milestone=MILESTONE, state="done"
                    )
                ).final_message()
            else:
                await bot.coach.progress.complete(guild.id, member.id, MILESTONE)
        if path == "sync-roles":
            await (await fake_discord.slash(guild, owner, "coach sync-roles")).final_message()
        warning = await fake_discord.wait_for_message(mod_log, timeout=3)
        await fake_discord.sync()
    assert warning.embeds[0]["title"] == "Reward role withheld"
    assert (
        "Kick Members" in warning.embeds[0]["description"]
        and helper.mention in warning.embeds[0]["description"]
    )
    assert warning.pings == set()
    assert len(fake_discord.messages_in(mod_log)) == 1  # once, not once per member
    assert fake_discord.role_changes == []
    assert helper.id not in guild.member(alice).role_ids + guild.member(bob).role_ids


async def test_a_held_reward_role_that_became_dangerous_is_left_alone_on_undo(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, owner: FakeMember
) -> None:
    helper = guild.add_role("Helper")
    async with run_coach():
        await reward(fake_discord, guild, owner, helper)
        await (await fake_discord.slash(guild, alice, "milestone done", milestone=MILESTONE)).final_message()
        await fake_discord.wait_for(lambda: helper.id in guild.member(alice).role_ids, timeout=3)
        fake_discord.edit_role(guild, helper, permissions=int(Permission.ADMINISTRATOR))
        await fake_discord.sync()
        undo = await (
            await fake_discord.slash(guild, alice, "milestone undo", milestone=MILESTONE)
        ).final_message()
        await fake_discord.wait_for(lambda: len(undo.revisions) > 1, timeout=3)
    roles = {f["name"]: f["value"] for f in undo.embeds[0]["fields"]}["Roles"]
    assert "Administrator" in roles
    assert [c.action for c in fake_discord.role_changes] == ["add"]
