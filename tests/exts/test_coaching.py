"""The coaching loop end to end: real discord.py against the fake Discord, a real SQLite file,
and a clock the test moves so the scheduler's rounds can be driven one by one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.client import CoachBot
from bot.exts.coaching import HELP_POSTS_PER_HOUR
from tests.backends import TestDatabase
from tests.exts.conftest import RunBot
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember, StoredMessage

WEDNESDAY_NOON = datetime(2026, 12, 2, 12, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def controlled(bot: CoachBot, start: datetime = WEDNESDAY_NOON) -> Clock:
    """Give the bot's coaching services a clock the test sets."""
    clock = Clock(start)
    bot.coach.coaching._clock = clock
    return clock


def sent_to(fake_discord: FakeDiscord, member: FakeMember) -> list[StoredMessage]:
    """DMs the bot sent on its own (check-ins, reminders, introductions), not replies to buttons."""
    return [m for m in fake_discord.dms_to(member) if m.source == "message"]


async def scheduler_round(bot: CoachBot) -> None:
    """One round of the scheduler, as its loop runs it every CHECKIN_POLL_SECONDS."""
    cog = bot.get_cog("Coaching")
    assert cog is not None
    await cog.scheduler()  # type: ignore[attr-defined]


async def test_goal_set_shows_on_roadmap_next_and_progress(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach(CHECKIN_POLL_SECONDS="0") as bot:
        controlled(bot)
        offered = (
            await (
                await fake_discord.autocomplete(
                    guild, alice, "goal set", focused="date", date="", milestone="understand-the-role"
                )
            ).response()
        ).choices
        assert [c["name"] for c in offered][:3] == [
            "in 2 weeks (2026-12-16)",
            "in 1 month (2027-01-02)",
            "in 3 months (2027-03-02)",
        ]
        reply = await (
            await fake_discord.slash(
                guild, alice, "goal set", milestone="understand-the-role", date="2026-12-16"
            )
        ).final_message()
        assert reply.ephemeral and "14 days left" in reply.embeds[0]["description"]
        roadmap = await (await fake_discord.slash(guild, alice, "roadmap")).final_message()
        assert "🎯 16 Dec 2026 · 14 days left" in roadmap.embeds[0]["description"]
        nxt = await (await fake_discord.slash(guild, alice, "next")).final_message()
        assert {"name": "Your goal", "value": "🎯 16 Dec 2026 · 14 days left", "inline": False} in nxt.embeds[
            0
        ]["fields"]
        progress = await (await fake_discord.slash(guild, alice, "progress")).final_message()
        goals = next(f["value"] for f in progress.embeds[0]["fields"] if f["name"] == "Goals")
        assert "14 days left" in goals
        bad = await (
            await fake_discord.slash(
                guild, alice, "goal set", milestone="understand-the-role", date="next tuesday @everyone"
            )
        ).final_message()
        assert bad.ephemeral and "is not a date" in bad.embeds[0]["description"] and not bad.pings
        past = await (
            await fake_discord.slash(
                guild, alice, "goal set", milestone="understand-the-role", date="2020-01-01"
            )
        ).final_message()
        assert "in the past" in past.embeds[0]["description"]
        cleared = await (
            await fake_discord.slash(guild, alice, "goal clear", milestone="understand-the-role")
        ).final_message()
        assert "Goal removed" in cleared.embeds[0]["description"]


async def test_check_in_by_dm_and_its_buttons(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    wins = guild.add_channel("wins")
    async with run_coach(CHECKIN_POLL_SECONDS="0") as bot:
        clock = controlled(bot)
        await (await fake_discord.slash(guild, mod, "coach config", announce_channel=wins)).final_message()
        on = await (
            await fake_discord.slash(guild, alice, "checkin on", day="thursday", hour=9)
        ).final_message()
        assert "every week on Thursday at 09:00 (UTC)" in on.embeds[0]["description"]
        await scheduler_round(bot)
        assert sent_to(fake_discord, alice) == []  # not due yet
        clock.now = datetime(2026, 12, 3, 9, 1, tzinfo=UTC)
        await scheduler_round(bot)
        await scheduler_round(bot)  # a second round must not send it again
        dms = sent_to(fake_discord, alice)
        assert len(dms) == 1
        checkin = dms[0]
        assert checkin.embeds[0]["title"].startswith("🗓️ Your check-in")
        assert "Understand the IT PM role" in checkin.embeds[0]["description"]
        assert checkin.custom_ids == [
            f"coach:checkin:{a}:{guild.id}" for a in ("done", "snooze", "stuck", "stop")
        ]
        assert not checkin.pings

        done = await (
            await fake_discord.click(alice, checkin, f"coach:checkin:done:{guild.id}")
        ).final_message()
        assert "**Understand the IT PM role**: done" in done.embeds[0]["description"]
        (cheer,) = await fake_discord.wait_for(lambda: fake_discord.messages_in(wins) or None)
        assert "just completed **Understand the IT PM role**" in cheer.content  # as /milestone done does
        snoozed = await (
            await fake_discord.click(alice, checkin, f"coach:checkin:snooze:{guild.id}")
        ).final_message()
        assert "Snoozed" in snoozed.embeds[0]["description"]
        stuck = await (
            await fake_discord.click(alice, checkin, f"coach:checkin:stuck:{guild.id}")
        ).final_message()
        assert "Being stuck is part of it" in stuck.embeds[0]["description"]
        stopped = await (
            await fake_discord.click(alice, checkin, f"coach:checkin:stop:{guild.id}")
        ).final_message()
        assert "Check-ins stopped" in stopped.embeds[0]["description"]
        clock.now += timedelta(weeks=3)
        await scheduler_round(bot)
        assert len(sent_to(fake_discord, alice)) == 1  # stopped means stopped

        bob = fake_discord.create_member(guild, "bob")  # a forged button for a server bob never opted into
        forged = await (
            await fake_discord.click(bob, checkin, f"coach:checkin:done:{guild.id}")
        ).final_message()
        assert "no check-ins" in forged.embeds[0]["description"]
        assert (await bot.coach.progress.summary(guild.id, bob.id)).current.done == 0


async def test_closed_dms_turn_check_ins_off_and_the_member_hears_why(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach(CHECKIN_POLL_SECONDS="0") as bot:
        clock = controlled(bot)
        await (await fake_discord.slash(guild, alice, "checkin on", day="thursday", hour=9)).final_message()
        fake_discord.close_dms(alice)
        clock.now = datetime(2026, 12, 3, 10, tzinfo=UTC)
        await scheduler_round(bot)
        settings = await bot.coach.coaching.checkin_settings(guild.id, alice.id)
        assert settings is not None and not settings.on and settings.off_reason == "dm_closed"
        record = await fake_discord.slash(guild, alice, "roadmap")
        await record.final_message()
        notice = await record.followup(0)
        assert notice.ephemeral and "couldn't send you a direct message" in notice.embeds[0]["description"]
        again = await fake_discord.slash(guild, alice, "roadmap")
        await again.final_message()
        assert again.followups == []  # told once


async def test_goal_reminders_by_dm_three_days_before_and_on_the_day(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach(CHECKIN_POLL_SECONDS="0") as bot:
        clock = controlled(bot)
        await (
            await fake_discord.slash(
                guild, alice, "goal set", milestone="understand-the-role", date="2026-12-10"
            )
        ).final_message()
        sent_on = []
        for day in range(2, 12):
            clock.now = datetime(2026, 12, day, 12, tzinfo=UTC)
            before = len(sent_to(fake_discord, alice))
            await scheduler_round(bot)
            sent_on += [date(2026, 12, day)] * (len(sent_to(fake_discord, alice)) - before)
        assert sent_on == [date(2026, 12, 7), date(2026, 12, 10)]
        reminders = sent_to(fake_discord, alice)
        assert all(m.embeds[0]["title"] == "⏰ Goal reminder" for m in reminders)
        assert "3 days left" in reminders[0].embeds[0]["description"]
        assert "today" in reminders[1].embeds[0]["description"]


async def test_buddies_are_introduced_pinging_only_the_two(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    bob = fake_discord.create_member(guild, "bob")
    carol = fake_discord.create_member(guild, "carol")
    async with run_coach(CHECKIN_POLL_SECONDS="0"):
        waiting = await (await fake_discord.slash(guild, alice, "buddy find")).final_message()
        assert "You're on the list" in waiting.embeds[0]["description"]
        matched = await (await fake_discord.slash(guild, bob, "buddy find")).final_message()
        assert "introduced you both by DM" in matched.embeds[0]["description"]
        to_alice, to_bob = sent_to(fake_discord, alice), sent_to(fake_discord, bob)
        assert len(to_alice) == len(to_bob) == 1
        assert to_alice[0].pings == {f"user:{bob.id}"} and to_bob[0].pings == {f"user:{alice.id}"}
        again = await (await fake_discord.slash(guild, alice, "buddy find")).final_message()
        assert f"<@{bob.id}>" in again.embeds[0]["description"] and not again.pings
        left = await (await fake_discord.slash(guild, bob, "buddy leave")).final_message()
        assert "has ended" in left.embeds[0]["description"]
        fake_discord.close_dms(carol)
        await (await fake_discord.slash(guild, carol, "buddy find")).final_message()
        retry = await (await fake_discord.slash(guild, alice, "buddy find")).final_message()
        # carol's DMs are closed: the introduction fails, alice waits again, and nobody is left paired
        assert "back on the list" in retry.embeds[0]["description"]
        assert sent_to(fake_discord, carol) == []


async def test_weekly_digest_names_only_opted_in_members_and_pings_nobody(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    bob = fake_discord.create_member(guild, "bob")
    channel = guild.add_channel("community")
    async with run_coach(CHECKIN_POLL_SECONDS="0") as bot:
        clock = controlled(bot)
        await (await fake_discord.slash(guild, alice, "milestone mentions", on=True)).final_message()
        for member in (alice, bob):
            await (
                await fake_discord.slash(guild, member, "milestone done", milestone="understand-the-role")
            ).final_message()
        preview = await (await fake_discord.slash(guild, mod, "coach digest preview")).final_message()
        text = preview.embeds[0]["description"]
        assert preview.ephemeral and "2 milestones completed" in text
        assert f"<@{alice.id}>" in text and f"<@{bob.id}>" not in text and "1 more" in text
        with pytest.raises(PermissionError, match="alice lacks permissions to see /coach"):
            await fake_discord.slash(guild, alice, "coach digest preview")
        await (
            await fake_discord.slash(
                guild, mod, "coach digest on", options={"channel": channel}, day="friday", hour=10
            )
        ).final_message()
        clock.now = datetime(2026, 12, 4, 10, 5, tzinfo=UTC)
        await scheduler_round(bot)
        await scheduler_round(bot)
        posted = fake_discord.messages_in(channel)
        assert len(posted) == 1 and posted[0].pings == set()
        assert f"<@{alice.id}>" in posted[0].embeds[0]["description"]
        clock.now += timedelta(weeks=3)  # three Fridays missed while the bot was down: one digest
        await scheduler_round(bot)
        await scheduler_round(bot)
        assert len(fake_discord.messages_in(channel)) == 2


async def test_buddies_meet_in_a_private_thread_of_the_buddy_channel(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    bob = fake_discord.create_member(guild, "bob")
    lounge = guild.add_channel("study-lounge")
    async with run_coach(CHECKIN_POLL_SECONDS="0"):
        config = await (
            await fake_discord.slash(guild, mod, "coach config", buddy_channel=lounge)
        ).final_message()
        assert f"Buddy introductions: <#{lounge.id}>" in config.embeds[0]["description"]
        await (await fake_discord.slash(guild, alice, "buddy find")).final_message()
        matched = await (await fake_discord.slash(guild, bob, "buddy find")).final_message()
        (thread,) = fake_discord.threads_in(lounge)
        assert thread.type == 12 and f"<#{thread.id}>" in matched.embeds[0]["description"]
        (hello,) = fake_discord.messages_in(thread)
        assert hello.pings == {f"user:{alice.id}", f"user:{bob.id}"}
        assert sent_to(fake_discord, alice) == sent_to(fake_discord, bob) == []  # no DMs needed


async def test_im_stuck_posts_the_question_in_the_help_channel_pinging_nobody(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    help_desk = guild.add_channel("help")
    async with run_coach(CHECKIN_POLL_SECONDS="0"):
        await (await fake_discord.slash(guild, mod, "coach config", help_channel=help_desk)).final_message()
        await (await fake_discord.slash(guild, alice, "checkin on")).final_message()
        now = await (await fake_discord.slash(guild, alice, "checkin now")).final_message()
        stuck = await (
            await fake_discord.click(alice, now, f"coach:checkin:stuck:{guild.id}")
        ).final_message()
        assert f"coach:checkin:ask:{guild.id}" in stuck.custom_ids
        asked = await fake_discord.click(alice, stuck, f"coach:checkin:ask:{guild.id}")
        hostile = "@everyone how do I [log hours](https://evil.example) <@&1> " + "x" * 600
        done = await (
            await fake_discord.submit_modal(asked, {"Your question": hostile[:500]})
        ).final_message()
        assert "Posted in the help channel" in done.embeds[0]["description"]
        (post,) = fake_discord.messages_in(help_desk)
        assert post.pings == set()  # not @everyone, not the role, not even the member
        for _ in range(HELP_POSTS_PER_HOUR - 1):
            again = await fake_discord.click(alice, stuck, f"coach:checkin:ask:{guild.id}")
            await (await fake_discord.submit_modal(again, {"Your question": "and another?"})).final_message()
        flood = await fake_discord.click(alice, stuck, f"coach:checkin:ask:{guild.id}")
        refused = await (await fake_discord.submit_modal(flood, {"Your question": "spam"})).final_message()
        assert "this hour" in refused.embeds[0]["description"]
        assert len(fake_discord.messages_in(help_desk)) == HELP_POSTS_PER_HOUR  # the flood stops there
        assert "\\[log hours](https://evil.example)" in post.content  # escaped: shown as typed, not a link
        assert post.content.startswith(f"🙋 <@{alice.id}> is working on")


@pytest.mark.sqlite_only
async def test_a_scheduler_round_without_its_database_is_skipped_and_the_next_one_sends(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    database: TestDatabase,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with run_coach(CHECKIN_POLL_SECONDS="0") as bot:
        clock = controlled(bot)
        await (await fake_discord.slash(guild, alice, "checkin on", day="thursday", hour=9)).final_message()
        clock.now = datetime(2026, 12, 3, 9, 1, tzinfo=UTC)
        moved = database.path.with_suffix(".away")
        database.path.rename(moved)  # the database file disappears under the running bot
        await scheduler_round(bot)  # must not raise, and claims nothing
        assert sent_to(fake_discord, alice) == []
        assert any("coaching scheduler skipped a round" in r.getMessage() for r in caplog.records)
        moved.rename(database.path)  # back again: the next round sends the check-in once
        await scheduler_round(bot)
        assert len(sent_to(fake_discord, alice)) == 1
