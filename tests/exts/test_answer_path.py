"""The /ask hot path under load: acknowledge first when late, keep nothing per reply, long questions off the loop."""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from types import ModuleType

import pytest

from bot.exts import answers
from bot.exts.answers import Lateness, Turns
from tests.exts.conftest import RunBot
from tests.fake_discord import CallbackType, Errors, FakeDiscord, FakeGuild, FakeMember

PMP_FEES = "how much does the pmp exam cost"


def loaded_answers() -> ModuleType:
    """The extension module as the bot loaded it (discord.py executes a fresh copy)."""
    return sys.modules["bot.exts.answers"]


def view_timers() -> list[asyncio.Task[object]]:
    """discord.py's per-view timeout tasks (a private reply's view would get one for 15 minutes)."""
    return [t for t in asyncio.all_tasks() if "timeout_task_impl" in t.get_coro().__qualname__]


async def commands_finished() -> None:
    """Wait until every slash command handler returned (the fake sees a reply before that)."""
    for _ in range(200):
        if not any("CommandTree" in t.get_coro().__qualname__ for t in asyncio.all_tasks()):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("slash command handlers still running after 2 s")


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_lateness_counts_queueing_not_the_offset_between_clocks() -> None:
    clock = Clock(1_000_020.0)
    lateness = Lateness(clock)
    offset = 4.0  # our clock runs 4 s ahead of Discord's
    assert lateness.waited(clock.now - offset) == 0.0
    assert lateness.waited(clock.now - offset - 1.5) == pytest.approx(1.5)
    clock.now += 60  # the next minute still remembers the offset
    assert lateness.waited(clock.now - offset - 0.2) == pytest.approx(0.2)
    clock.now += 120  # two minutes later the clocks agree again: old offsets are forgotten
    assert lateness.waited(clock.now - 0.01) == 0.0
    assert lateness.waited(clock.now - 2.0) == pytest.approx(1.99)


async def test_a_late_interaction_is_acknowledged_first_and_answered_in_a_followup(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with run_coach():
        monkeypatch.setattr(loaded_answers(), "DEFER_AFTER", -1.0)  # every interaction counts as late
        rec = await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)
        assert (await rec.response()).type == CallbackType.DEFERRED_CHANNEL_MESSAGE
        message = await rec.final_message()
        assert not message.ephemeral and "$575" in message.embeds[0]["description"]
        unknown = await fake_discord.slash(
            guild, alice, "ask", question="what's the weather in Paris tomorrow", private=True
        )
        assert (await unknown.response()).type == CallbackType.DEFERRED_CHANNEL_MESSAGE
        reply = await unknown.final_message()  # deferred in private: the reply stays private
        assert reply.ephemeral and reply.embeds[0]["title"] == "I don't have an answer for that"
        in_public = await fake_discord.slash(guild, alice, "ask", question="best pizza in Lyon tonight")
        assert (await in_public.response()).type == CallbackType.DEFERRED_CHANNEL_MESSAGE
        reply = await in_public.followup()  # "I don't know" stays private though acknowledged in public
        assert reply.ephemeral and reply.embeds[0]["title"] == "I don't have an answer for that"
        assert in_public.original is not None and in_public.original.deleted
        assert [m for m in in_public.messages if not m.deleted] == [reply]


async def test_a_late_reply_still_arrives_when_discord_fails_to_delete_the_thinking_message(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_discord.inject(
        "DELETE", "/webhooks/{application_id}/{token}/messages/{message_id}", Errors.MISSING_PERMISSIONS
    )
    async with run_coach():
        monkeypatch.setattr(loaded_answers(), "DEFER_AFTER", -1.0)
        rec = await fake_discord.slash(guild, alice, "ask", question="best pizza in Lyon tonight")
        reply = await rec.final_message()  # fills the public message instead: never nothing
        assert reply.embeds[0]["title"] == "I don't have an answer for that"
        await commands_finished()
    assert fake_discord.internal_errors == []


async def test_a_burst_is_acknowledged_first_when_others_wait_behind(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild
) -> None:
    members = [fake_discord.create_member(guild, f"m{i}") for i in range(40)]
    async with run_coach():
        records = [
            await fake_discord.slash(guild, m, "ask", question=PMP_FEES, private=True) for m in members
        ]
        kinds = [(await r.response()).type for r in records]
        messages = [await r.final_message() for r in records]
    deferred = kinds.count(CallbackType.DEFERRED_CHANNEL_MESSAGE)
    assert deferred >= len(records) // 2, kinds  # the queue behind them was long
    assert CallbackType.CHANNEL_MESSAGE in kinds  # the last ones, with nobody behind, in one go
    assert all("$575" in m.embeds[0]["description"] and m.ephemeral for m in messages)


async def test_private_answers_leave_no_timer_behind_and_their_buttons_still_work(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    members = [fake_discord.create_member(guild, f"m{i}") for i in range(30)]
    async with run_coach():
        records = [
            await fake_discord.slash(guild, m, "ask", question=PMP_FEES, private=True) for m in members
        ]
        messages = [await r.final_message() for r in records]
        await commands_finished()
        assert view_timers() == []
        vote = await (
            await fake_discord.click(members[0], messages[0], "coach:vote:pmp-fees:up")
        ).final_message()
        assert "Glad it helped" in vote.embeds[0]["description"]


async def test_a_long_question_is_answered_off_the_event_loop(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    long_question = "I work in retail and wonder, " * 20 + PMP_FEES
    assert len(long_question) > answers.OFF_LOOP_ABOVE
    async with run_coach() as bot:
        engine = bot.coach.library.engine
        on_loop: list[bool] = []
        original = engine.answer

        def watched(text: str) -> object:
            on_loop.append(threading.current_thread() is threading.main_thread())
            return original(text)

        monkeypatch.setattr(engine, "answer", watched)
        long_ask = await fake_discord.slash(guild, alice, "ask", question=long_question)
        assert (await long_ask.response()).type == CallbackType.DEFERRED_CHANNEL_MESSAGE  # acknowledged first
        assert "$575" in (await long_ask.final_message()).embeds[0]["description"]
        await (await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)).final_message()
        assert on_loop == [False, True]  # the long question in a worker thread, the short one inline
        monkeypatch.setattr(loaded_answers(), "ENGINE_BUDGET", 0.0)  # nothing finishes in no time
        slow = await (
            await fake_discord.slash(guild, alice, "ask", question=long_question, private=True)
        ).final_message()
        assert slow.ephemeral and "took me too long" in slow.embeds[0]["description"]


async def test_waiting_acknowledgements_take_their_turn_before_waiting_answers() -> None:
    turns = Turns(1)
    order: list[str] = []
    everyone_waits = asyncio.Event()

    async def hold(name: str, urgent: bool) -> None:
        async with turns.take(urgent=urgent):
            order.append(name)
            await everyone_waits.wait()

    first = asyncio.create_task(hold("first", True))
    await asyncio.sleep(0)  # "first" holds the only turn
    later = [asyncio.create_task(hold(f"answer{i}", False)) for i in range(3)]
    acks = answers.LATER_SHARE + 2
    urgent = [asyncio.create_task(hold(f"ack{i}", True)) for i in range(acks)]
    await asyncio.sleep(0)  # all of them queue up
    everyone_waits.set()
    await asyncio.gather(first, *later, *urgent)
    assert order[0] == "first"
    assert [n for n in order if n.startswith("ack")] == [
        f"ack{i}" for i in range(acks)
    ]  # first come, first served
    assert order.index("answer0") < order.index(f"ack{acks - 1}")  # answers are not starved while acks wait
    assert order.index("answer0") == answers.LATER_SHARE  # but most turns go to acknowledgements


async def test_slow_long_questions_do_not_hold_up_other_members(
    fake_discord: FakeDiscord,
    run_coach: RunBot,
    guild: FakeGuild,
    alice: FakeMember,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    members = [fake_discord.create_member(guild, f"m{i}") for i in range(answers.REPLY_SLOTS)]
    long_question = "I work in retail and wonder, " * 20 + PMP_FEES
    async with run_coach() as bot:
        engine = bot.coach.library.engine
        original = engine.answer

        def slow_when_long(text: str) -> object:
            if len(text) > answers.OFF_LOOP_ABOVE:
                time.sleep(0.5)  # a worst-case question, in its worker thread
            return original(text)

        monkeypatch.setattr(engine, "answer", slow_when_long)
        slow = [
            await fake_discord.slash(guild, m, "ask", question=long_question, private=True) for m in members
        ]
        await asyncio.gather(*(r.response() for r in slow))  # all acknowledged, answers pending
        quick = await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)
        assert (await quick.response()).at - quick.created_at < 0.4
        answered = await asyncio.gather(*(r.final_message() for r in slow))
        assert all("$575" in m.embeds[0]["description"] for m in answered)
