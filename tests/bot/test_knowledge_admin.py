"""Live reload, preview, status, gaps and feedback through the fake Discord (issue: moderator tools)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.bot.conftest import RunBot
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember

FEES = "entries/certifications/pmp-fees.yaml"


async def test_broken_edit_keeps_old_version_and_reports_exact_errors(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    knowledge_dir: Path,
    guild: FakeGuild,
    alice: FakeMember,
    mod: FakeMember,
) -> None:
    async with run_coach() as bot:
        version = bot.coach.library.knowledge.version
        path = knowledge_dir / FEES
        path.write_text(path.read_text().replace("questions:", "questoins:"))
        reply = await (await fake_discord.slash(guild, mod, "kb reload")).final_message()
        embed = reply.embeds[0]
        assert embed["title"] == "Reload failed: still serving the last good version"
        assert (
            f"{FEES}:7: error: unknown key 'questoins' in the entry (did you mean 'questions'?)"
            in embed["description"]
        )
        assert bot.coach.library.knowledge.version == version
        answer = await (
            await fake_discord.slash(guild, alice, "ask", question="pmp exam cost?")
        ).final_message()
        assert "$575" in answer.embeds[0]["description"]
        status = await (await fake_discord.slash(guild, mod, "kb status")).final_message()
        assert "questoins" in status.embeds[0]["fields"][0]["value"]


async def test_good_edit_is_served_immediately_with_a_summary(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    knowledge_dir: Path,
    guild: FakeGuild,
    alice: FakeMember,
    mod: FakeMember,
) -> None:
    async with run_coach():
        path = knowledge_dir / FEES
        path.write_text(path.read_text().replace("**Non-member: $575**", "**Non-member: $599**"))
        draft = (
            "id: pm-vs-agile-coach\ntitle: IT PM vs agile coach\narea: role\nquestions:\n"
            "  - agile coach or project manager\n  - is an agile coach a pm\n  - agile coach vs it pm\n"
            "answer: An agile coach helps teams adopt agile.\n"
            "links:\n  - title: Scrum.org\n    url: https://www.scrum.org/\nreviewed: 2026-11-20\n"
        )
        (knowledge_dir / "entries/role/pm-vs-agile-coach.yaml").write_text(draft)
        reply = await (await fake_discord.slash(guild, mod, "kb reload")).final_message()
        text = reply.embeds[0]["description"]
        assert reply.embeds[0]["title"] == "Knowledge reloaded"
        assert "**Entries changed** (1): `pmp-fees`" in text
        assert "**Entries added** (1): `pm-vs-agile-coach`" in text
        answer = await (
            await fake_discord.slash(guild, alice, "ask", question="pmp exam cost?", private=True)
        ).final_message()
        assert "$599" in answer.embeds[0]["description"]


async def test_file_changed_on_disk_is_picked_up_automatically(
    fake_discord: FakeDiscord, run_coach: RunBot, knowledge_dir: Path, guild: FakeGuild, mod: FakeMember
) -> None:
    logs = guild.add_channel("coach-log")
    async with run_coach(KNOWLEDGE_POLL_SECONDS="0.2") as bot:
        await (await fake_discord.slash(guild, mod, "coach config", log_channel=logs)).response()
        path = knowledge_dir / FEES
        path.write_text(path.read_text().replace("**Non-member: $575**", "**Non-member: $611**"))
        report = await fake_discord.wait_for_message(logs, timeout=5)
        assert report.embeds[0]["title"] == "Knowledge reloaded"
        assert "$611" in bot.coach.library.knowledge.entries["pmp-fees"].answer
        path.write_text("id: [broken")
        failed = await fake_discord.wait_for_message(
            logs, where=lambda m: "failed" in m.embeds[0]["title"], timeout=5
        )
        assert f"{FEES}:" in failed.embeds[0]["description"]
        assert "$611" in bot.coach.library.knowledge.entries["pmp-fees"].answer


async def test_preview_validates_and_renders_a_draft(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, mod: FakeMember
) -> None:
    draft = """id: pmp-for-nurses
title: Can nurses become IT project managers?
area: career-change
questions:
  - can a nurse become a pm
  - nurse to project manager
  - i work in healthcare, can i switch to it pm
answer: Yes. Nurses coordinate care plans, which is project work.
links:
  - title: PMI
    url: http://www.pmi.org/
reviewed: 2026-11-20
"""
    async with run_coach():
        opened = await fake_discord.slash(guild, mod, "kb preview")
        result = await (await fake_discord.submit_modal(opened, {"Entry YAML": draft})).final_message()
        assert result.ephemeral
        lines = result.embeds[0]["description"]
        assert (
            "entries/career-change/pmp-for-nurses.yaml:11: error: link url must be an https:// address"
            in lines
        )
        fixed = draft.replace("http://", "https://")
        opened = await fake_discord.slash(guild, mod, "kb preview")
        ok = await (await fake_discord.submit_modal(opened, {"Entry YAML": fixed})).final_message()
        assert "No problems" in ok.embeds[0]["description"]
        assert ok.embeds[1]["title"] == "Can nurses become IT project managers?"


async def test_gaps_group_near_duplicates_and_feedback_ranks_entries(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    async with run_coach() as bot:
        for question in (
            "how do i become a nurse",
            "How do I become a nurse??",
            "become a nurse how",
            "what's the weather tomorrow",
        ):
            await (await fake_discord.slash(guild, mod, "ask", question=question, private=True)).response()
        gaps = await (await fake_discord.slash(guild, mod, "kb gaps")).final_message()
        lines = gaps.embeds[0]["description"].splitlines()
        assert lines[0].startswith("**3×** how do i become a nurse")
        assert lines[1].startswith("**1×** what's the weather tomorrow")
        message = await (
            await fake_discord.slash(guild, alice, "ask", question="what is scrum")
        ).final_message()
        entry_id = next(i for i in message.custom_ids if i.startswith("coach:vote:")).split(":")[2]
        await (await fake_discord.click(alice, message, f"coach:vote:{entry_id}:down")).response()
        feedback = await (await fake_discord.slash(guild, mod, "kb feedback")).final_message()
        title = bot.coach.library.knowledge.entries[entry_id].title
        assert feedback.embeds[0]["description"].startswith(f"👎 1 · 👍 0 · **{title}")


async def test_old_unanswered_questions_are_pruned(run_coach: RunBot, guild: FakeGuild) -> None:
    async with run_coach() as bot:
        storage = bot.coach.storage
        now = datetime.now(UTC)
        await storage.log_question(guild.id, "old one", "unknown", None, 0.1, now - timedelta(days=91), member_id=1)
        await storage.log_question(guild.id, "new one", "unknown", None, 0.1, now - timedelta(days=1), member_id=1)
        cog = bot.get_cog("KnowledgeAdmin")
        await storage.forget_job_runs(now + timedelta(days=1))  # the start-up run's claim: as in a new window
        await cog.prune()  # type: ignore[union-attr]
        kept = await storage.logged_questions(guild.id, now - timedelta(days=365))
        assert [q.question for q in kept] == ["new one"]
