"""Small talk in Discord: a friendly reply with example questions, and nothing logged as a gap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.exts.conftest import RunBot, counted
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember


async def test_greeting_gets_examples_and_is_not_a_gap(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach() as bot:
        message = await (
            await fake_discord.slash(guild, alice, "ask", question="hi! what can you do?")
        ).final_message()
        description = message.embeds[0]["description"]
        assert "Try asking:" in description and "/topics" in description
        opens = [i for i in message.custom_ids if i.startswith("coach:open:")]
        assert len(opens) == 3
        await (await fake_discord.click(alice, message, opens[0])).response()
        await (await fake_discord.slash(guild, alice, "ask", question="how do I become a nurse")).response()
        since = datetime.now(UTC) - timedelta(days=1)
        logged = await counted(lambda: bot.coach.unanswered_questions(guild.id, since))
        assert [q.question for q in logged] == ["how do I become a nurse"]
        assert message.pings == set()
