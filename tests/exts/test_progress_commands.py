"""Progress commands, privacy and restarts, end to end against the fake Discord."""

from __future__ import annotations

import json

from bot.knowledge.loader import load_or_raise
from bot.settings import DEFAULT_KNOWLEDGE_DIR
from tests.exts.conftest import RunBot
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember

TRACKS = load_or_raise(DEFAULT_KNOWLEDGE_DIR).tracks


def share(done: int, track: str = "career-switcher") -> str:
    """How the roadmap prints progress on a shipped track (it grows as milestones are added)."""
    total = len(TRACKS[track].milestones)
    return f"{done}/{total} ({done * 100 // total}%)"


async def test_roadmap_shows_default_track_and_next_step(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        message = await (await fake_discord.slash(guild, alice, "roadmap")).final_message()
        embed = message.embeds[0]
        assert message.ephemeral
        assert embed["title"] == "🗺️ Your roadmap: Career switcher"
        assert "⬜ 1. Understand the IT PM role" in embed["description"]
        fields = {f["name"]: f["value"] for f in embed["fields"]}
        assert fields["Progress"] == f"░░░░░░░░░░ {share(0)}"
        assert fields["Next step"].startswith("**Understand the IT PM role**")


async def test_track_choose_and_milestone_done_undo(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        chosen = await (
            await fake_discord.slash(guild, alice, "track choose", track="tech-to-pm")
        ).final_message()
        assert chosen.content == "You now follow **From a technical IT role**."
        done = await (
            await fake_discord.slash(
                guild, alice, "milestone done", milestone="earn-pmp", note="passed on 3 Nov @everyone"
            )
        ).final_message()
        text = done.embeds[0]["description"]
        assert "**Earn the PMP**: done" in text
        assert "Land your first PM role" in text  # an open prerequisite is named
        assert done.embeds[0]["fields"][0]["value"].endswith(share(1, "tech-to-pm"))
        again = await (
            await fake_discord.slash(guild, alice, "milestone done", milestone="earn-pmp")
        ).final_message()
        assert "was already done" in again.embeds[0]["description"]
        undone = await (
            await fake_discord.slash(guild, alice, "milestone undo", milestone="earn-pmp")
        ).final_message()
        assert "back to not done" in undone.embeds[0]["description"]
        assert undone.embeds[0]["fields"][0]["value"].endswith(share(0, "tech-to-pm"))


async def test_unknown_milestone_names_the_closest(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        reply = await (
            await fake_discord.slash(guild, alice, "milestone done", milestone="earn-pm")
        ).final_message()
        assert reply.ephemeral
        assert "unknown milestone 'earn-pm'" in reply.embeds[0]["description"]
        assert "earn-pmp" in reply.embeds[0]["description"]


async def test_milestone_autocomplete_lists_current_track_first(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach() as bot:
        await (await fake_discord.slash(guild, alice, "track choose", track="tech-to-pm")).final_message()
        rec = await fake_discord.autocomplete(
            guild, alice, "milestone done", focused="milestone", milestone=""
        )
        values = [c["value"] for c in (await rec.response(timeout=3)).choices]
        track = bot.coach.library.knowledge.tracks["tech-to-pm"].milestones
        assert values[: len(track)] == list(track)
        assert len(values) == len(bot.coach.library.knowledge.milestones) <= 25
        typed = await fake_discord.autocomplete(
            guild, alice, "milestone done", focused="milestone", milestone="netwrk"
        )
        assert (await typed.response(timeout=3)).choices[0]["value"] == "build-your-network"


async def test_next_shows_checklist_and_learning(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        message = await (await fake_discord.slash(guild, alice, "next")).final_message()
        embed = message.embeds[0]
        assert embed["title"] == "Next step: Understand the IT PM role"
        assert "☐ " in embed["description"]
        assert any(f["name"] == "Learn" for f in embed["fields"])
        assert "coach:done:understand-the-role" in message.custom_ids


async def test_progress_of_others_is_for_moderators(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    async with run_coach():
        await (
            await fake_discord.slash(guild, alice, "milestone done", milestone="understand-the-role")
        ).response()
        own = await (await fake_discord.slash(guild, alice, "progress")).final_message()
        assert own.ephemeral and "Understand the IT PM role" in own.embeds[0]["fields"][0]["value"]
        bob = fake_discord.create_member(guild, "bob")
        refused = await (await fake_discord.slash(guild, bob, "progress", member=alice)).final_message()
        assert "for moderators" in refused.embeds[0]["description"]
        seen = await (await fake_discord.slash(guild, mod, "progress", member=alice)).final_message()
        assert share(1) in seen.embeds[0]["fields"][0]["value"]


async def test_two_guilds_are_kept_apart(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    other = fake_discord.create_guild("Other Server")
    alice_there = other.add_member(alice.user)
    async with run_coach():
        await (
            await fake_discord.slash(guild, alice, "milestone done", milestone="understand-the-role")
        ).response()
        here = await (await fake_discord.slash(guild, alice, "roadmap")).final_message()
        there = await (await fake_discord.slash(other, alice_there, "roadmap")).final_message()
        assert here.embeds[0]["fields"][0]["value"].endswith(share(1))
        assert there.embeds[0]["fields"][0]["value"].endswith(share(0))


async def test_privacy_export_and_delete(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach() as bot:
        await (
            await fake_discord.slash(
                guild, alice, "milestone done", milestone="understand-the-role", note="read the guide"
            )
        ).response()
        export = await (await fake_discord.slash(guild, alice, "privacy export")).final_message()
        assert export.ephemeral
        data = json.loads(export.files[0].data)
        assert data["member_id"] == str(alice.id)
        assert data["guilds"][0]["completions"][0]["note"] == "read the guide"
        prompt = await (await fake_discord.slash(guild, alice, "privacy delete")).final_message()
        button = f"coach:forget:{alice.id}:all"
        assert button in prompt.custom_ids
        bob = fake_discord.create_member(guild, "bob")
        await (await fake_discord.click(bob, prompt, button)).response()
        assert (await bot.coach.progress.summary(guild.id, alice.id)).current.done == 1
        await (await fake_discord.click(alice, prompt, button)).response()
        await fake_discord.wait_for(lambda: "everything I stored about you" in str(prompt.embeds), timeout=3)
        assert (await bot.coach.progress.summary(guild.id, alice.id)).current.done == 0


async def test_progress_and_buttons_survive_a_restart(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        await (
            await fake_discord.slash(guild, alice, "milestone done", milestone="understand-the-role")
        ).response()
        answer = await (
            await fake_discord.slash(guild, alice, "ask", question="how much does the pmp exam cost")
        ).final_message()
        syncs = len([r for r in fake_discord.requests if r.method == "PUT" and "commands" in r.path])
    async with run_coach() as bot:
        roadmap = await (await fake_discord.slash(guild, alice, "roadmap")).final_message()
        assert roadmap.embeds[0]["fields"][0]["value"].endswith(share(1))
        vote = await (await fake_discord.click(alice, answer, "coach:vote:pmp-fees:up")).final_message()
        assert vote.ephemeral
        assert (await bot.coach.storage.vote_tallies(guild.id))["pmp-fees"].up == 1
    assert len([r for r in fake_discord.requests if r.method == "PUT" and "commands" in r.path]) == syncs


async def test_bot_answers_after_gateway_resume(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        await fake_discord.force_resume(abrupt=True)
        message = await (
            await fake_discord.slash(guild, alice, "ask", question="what is scrum")
        ).final_message()
        assert message.embeds
