"""Issue #10, findings 6 and 10: ``/topic for:`` cannot flood a member with pings, or crash on strangers."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.exts.conftest import RunBot
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember


async def test_many_members_cannot_ping_one_member_more_than_three_times(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    """The attack: 30 ``/topic ... for:@victim`` at once (here from 10 accounts, 3 each)."""
    senders = [fake_discord.create_member(guild, f"sender{i}") for i in range(10)]
    async with run_coach():
        records = await asyncio.gather(
            *(
                fake_discord.slash(guild, sender, "topic", options={"name": "pmp-fees", "for": alice})
                for sender in senders
                for _ in range(3)
            )
        )
        replies = await asyncio.gather(*(r.final_message(timeout=10) for r in records))
    public = [m for m in replies if not m.ephemeral]
    assert len(public) == 3 and all(m.pings == {f"user:{alice.id}"} for m in public)
    held = [m for m in replies if m.ephemeral]
    assert len(held) == 27
    assert all(m.pings == set() and m.content.startswith("Slow down: alice") for m in held)
    assert all(m.embeds[0]["title"].startswith("PMP exam cost") for m in held)  # still shown, privately
    assert [
        m for m in fake_discord.messages_in(guild.channel("general")) if m.pings and not m.ephemeral
    ] == public


async def test_the_ping_budget_is_per_server(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    other = fake_discord.create_guild("Other")
    bob, there = fake_discord.create_member(guild, "bob"), other.add_member(alice.user)
    sender = fake_discord.create_member(other, "carol")
    async with run_coach():
        for _ in range(3):
            await (
                await fake_discord.slash(guild, bob, "topic", options={"name": "pmp-fees", "for": alice})
            ).response()
        message = await (
            await fake_discord.slash(other, sender, "topic", options={"name": "pmp-fees", "for": there})
        ).final_message()
    assert not message.ephemeral and message.pings == {f"user:{alice.id}"}


async def test_topic_and_ask_share_one_budget_per_member(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        for i in range(6):
            await (
                await fake_discord.slash(guild, alice, "ask", question=f"what is scrum {i}", private=True)
            ).response()
        topic = await (await fake_discord.slash(guild, alice, "topic", name="pmp-fees")).final_message()
    assert topic.ephemeral and "asking quickly" in topic.embeds[0]["description"]


async def test_topic_for_someone_outside_the_server_gets_a_clear_private_reply(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    caplog: pytest.LogCaptureFixture,
) -> None:
    stranger = fake_discord.create_user("**stranger**")
    with caplog.at_level(logging.ERROR):
        async with run_coach():
            reply = await (
                await fake_discord.slash(guild, alice, "topic", options={"name": "pmp-fees", "for": stranger})
            ).final_message()
    assert reply.ephemeral and reply.pings == set()
    assert reply.embeds[0]["description"].startswith("\\*\\*stranger\\*\\* isn't a member of this server")
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_moderator_commands_naming_someone_outside_the_server_answer_clearly(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    mod: FakeMember,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Members who left keep their stored progress, which moderators may read but not change."""
    with caplog.at_level(logging.ERROR):
        async with run_coach():
            await (await fake_discord.slash(guild, alice, "milestone done", milestone="earn-pmp")).response()
            del guild.members[alice.id]  # alice leaves the server
            seen = await (await fake_discord.slash(guild, mod, "progress", member=alice.user)).final_message()
            refused = await (
                await fake_discord.slash(
                    guild, mod, "coach set-progress", member=alice.user, milestone="earn-pmp", state="undo"
                )
            ).final_message()
    assert seen.ephemeral and seen.embeds[0]["title"] == "📈 Progress of alice"
    assert any("✅ Earn the PMP" in field["value"] for field in seen.embeds[0]["fields"])
    assert refused.ephemeral and "alice isn't a member of this server" in refused.embeds[0]["description"]
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
