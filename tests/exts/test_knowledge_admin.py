"""Live reload, preview, status, gaps and feedback through the fake Discord (issue: moderator tools)."""

from __future__ import annotations

import contextlib
import logging
import os
import random
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage.protocol import UnansweredQuestion, Usage
from tests.exts.conftest import RunBot, counted
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember
from tests.fake_discord.payloads import walk_components

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


async def test_many_problems_are_reported_as_the_first_50_and_a_count(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    knowledge_dir: Path,
    guild: FakeGuild,
    mod: FakeMember,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A reload with 80 broken files logs one bounded record and says how many it left out."""
    broken = knowledge_dir / "entries/broken"
    broken.mkdir()
    async with run_coach() as bot:
        for i in range(80):
            (broken / f"b{i:02}.yaml").write_text("id: [oops\n")
        with caplog.at_level(logging.WARNING, logger="bot.library"):
            reply = await (await fake_discord.slash(guild, mod, "kb reload")).final_message()
        status = await (await fake_discord.slash(guild, mod, "kb status")).final_message()
        record = next(r.getMessage() for r in caplog.records if "kept version" in r.getMessage())
        listed = [line for line in record.splitlines() if line.startswith("entries/broken/")]
        assert len(listed) == 50
        assert record.endswith("… and 30 more problems")
        for text in (reply.embeds[0]["description"], status.embeds[0]["fields"][0]["value"]):
            shown = sum(line.startswith("entries/broken/") for line in text.splitlines())
            assert 5 <= shown <= 50
            assert text.endswith(f"… and {80 - shown} more problems"), text[-80:]
        failure = bot.coach.librarian.last_failure
        assert failure is not None and len(failure.problems) == 50 and failure.total == 80


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
        # a draft's controls are shown, never live: a vote or a milestone on an entry that is not there
        controls = [c for c in walk_components(ok.components) if "custom_id" in c]
        assert controls and all(c.get("disabled") for c in controls)


async def test_preview_of_an_impossible_date_shows_the_problem_line(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, mod: FakeMember
) -> None:
    draft = "id: late\ntitle: Late\narea: role\nreviewed: 2026-11-31\n"
    async with run_coach():
        opened = await fake_discord.slash(guild, mod, "kb preview")
        result = await (await fake_discord.submit_modal(opened, {"Entry YAML": draft})).final_message()
        assert result.embeds[0]["title"] == "Validation of entries/drafts/draft.yaml"
        assert (
            "entries/drafts/draft.yaml:4: error: invalid value '2026-11-31': day is out of range for month"
            in result.embeds[0]["description"]
        )


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
        since = datetime.now(UTC) - timedelta(days=1)

        async def all_logged() -> bool:
            return len(await bot.coach.unanswered_questions(guild.id, since)) == 4

        await counted(all_logged)
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


async def test_gaps_answers_in_time_with_5000_long_questions(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, mod: FakeMember
) -> None:
    """Members fill the gap log: 5,000 questions of 1,000 made-up letters each (the fake
    Discord refuses a reply after 3 s, as Discord does)."""
    rng = random.Random(10)
    now = datetime.now(UTC)
    async with run_coach() as bot:
        for i in range(5000):
            question = "".join(rng.choice(string.ascii_lowercase + "    ") for _ in range(1000))
            await bot.coach.storage.record_usage(
                Usage(
                    unanswered=[
                        UnansweredQuestion(
                            guild.id, question, "unknown", None, 0.1, now - timedelta(seconds=i), i
                        )
                    ]
                )
            )
        reply = await (await fake_discord.slash(guild, mod, "kb gaps")).final_message()
        embed = reply.embeds[0]
        assert embed["description"].startswith("**1×** ")
        assert "newest 2,000 grouped" in embed["footer"]["text"]


async def test_old_unanswered_questions_are_pruned(run_coach: RunBot, guild: FakeGuild) -> None:
    async with run_coach() as bot:
        storage = bot.coach.storage
        now = datetime.now(UTC)
        await storage.record_usage(
            Usage(
                unanswered=[
                    UnansweredQuestion(guild.id, "old one", "unknown", None, 0.1, now - timedelta(days=91), 1)
                ]
            )
        )
        await storage.record_usage(
            Usage(
                unanswered=[
                    UnansweredQuestion(guild.id, "new one", "unknown", None, 0.1, now - timedelta(days=1), 1)
                ]
            )
        )
        cog = bot.get_cog("KnowledgeAdmin")
        await storage.forget_job_runs(now + timedelta(days=1))  # the start-up run's claim: as in a new window
        await cog.prune()  # type: ignore[union-attr]
        kept = await storage.logged_questions(guild.id, now - timedelta(days=365))
        assert [q.question for q in kept] == ["new one"]


async def test_files_outside_the_folder_are_named_never_shown(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    knowledge_dir: Path,
    tmp_path: Path,
    guild: FakeGuild,
    mod: FakeMember,
) -> None:
    """A link to a secret and a FIFO: reload, the log channel and /kb status name them only."""
    token = "MTIzNDU2Nzg5.secret-token-value"
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={token}\n")
    logs = guild.add_channel("coach-log")
    fifo = knowledge_dir / "entries/role/pipe.yaml"
    try:
        async with run_coach(KNOWLEDGE_POLL_SECONDS="0.2"):
            await (await fake_discord.slash(guild, mod, "coach config", log_channel=logs)).response()
            os.symlink(tmp_path / ".env", knowledge_dir / "entries/role/leak.yaml")
            os.mkfifo(fifo)
            logged = await fake_discord.wait_for_message(logs, timeout=5)
            reply = await (await fake_discord.slash(guild, mod, "kb reload")).final_message()
            status = await (await fake_discord.slash(guild, mod, "kb status")).final_message()
            shown = [logged.embeds[0]["description"], reply.embeds[0]["description"]]
            shown.append(status.embeds[0]["fields"][0]["value"])
            for text in shown:
                assert token not in text
                assert (
                    "entries/role/leak.yaml:0: error: is a symbolic link to a file outside the "
                    "knowledge folder; not read"
                ) in text
                assert "entries/role/pipe.yaml:0: error: is a FIFO (named pipe), not a regular file" in text
    finally:
        with contextlib.suppress(OSError):  # before the fix: release a reader stuck on the FIFO
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
