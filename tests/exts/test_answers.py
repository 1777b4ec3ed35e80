"""``/ask``, ``/topic``, ``/topics`` and the entry controls, end to end against the fake Discord."""

from __future__ import annotations

import asyncio
import time

from bot.ui.entries import CARDS
from tests.exts.conftest import RunBot
from tests.fake_discord import CallbackType, FakeDiscord, FakeGuild, FakeMember

PMP_FEES = "how much does the pmp exam cost"


async def test_ask_answers_publicly_with_controls(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        rec = await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)
        assert (await rec.response(timeout=3)).type == CallbackType.CHANNEL_MESSAGE
        message = await rec.final_message()
        assert not message.ephemeral
        embed = message.embeds[0]
        assert "$575" in embed["description"]
        assert (
            embed["fields"][0]["name"] == "Sources" and "https://www.pmi.org" in embed["fields"][0]["value"]
        )
        ids = message.custom_ids
        assert {
            "coach:vote:pmp-fees:up",
            "coach:vote:pmp-fees:down",
            "coach:done:earn-pmp",
            f"coach:delete:{alice.id}",
        } <= set(ids)
        assert 1 <= sum(i.startswith("coach:open:") for i in ids) <= 3
        assert message.pings == set()


async def test_an_answer_leaves_its_cards_buttons_free_of_the_view_it_was_sent_in(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    """The card's buttons are shared by every reply; one still tied to the last view it was sent
    in would hold that view, and the view the button, in a cycle only a full collection frees,
    and none ever frees once the heap is frozen (``bot.library.settle_heap``)."""
    async with run_coach() as bot:
        await (await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)).final_message()
        knowledge = bot.coach.library.knowledge
        _, controls = CARDS.card(knowledge.entries["pmp-fees"], knowledge)
        deadline = time.monotonic() + 3  # the reply reached the fake before the bot's await returned
        while any(item.view is not None for item in controls) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert controls and all(item.view is None for item in controls)


async def test_private_ask_is_ephemeral_without_delete(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        rec = await fake_discord.slash(guild, alice, "ask", question=PMP_FEES, private=True)
        message = await rec.final_message()
        assert message.ephemeral
        assert not any(i.startswith("coach:delete:") for i in message.custom_ids)


async def test_out_of_scope_question_gets_an_honest_private_reply(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        rec = await fake_discord.slash(guild, alice, "ask", question="what's the weather in Paris tomorrow")
        message = await rec.final_message()
        assert message.ephemeral
        assert message.embeds[0]["title"] == "I don't have an answer for that"
        assert "/topics" in message.embeds[0]["description"]


async def test_mention_injection_pings_nobody(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    role = guild.add_role("Everyone-ish")
    hostile = f"@everyone @here <@&{role.id}> <@{mod.id}> how much is the pmp exam"
    async with run_coach():
        for question in (hostile, f"@everyone what is the weather <@{mod.id}>"):
            rec = await fake_discord.slash(guild, alice, "ask", question=question)
            message = await rec.final_message()
            assert message.pings == set()
            assert message.allowed_mentions["parse"] == []


async def test_same_entry_in_same_channel_points_to_the_earlier_post(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    async with run_coach():
        first = await (await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)).final_message()
        rec = await fake_discord.slash(guild, mod, "ask", question="pmp exam price for non members?")
        second = await rec.final_message()
        assert second.ephemeral
        assert str(first.id) in second.embeds[0]["description"]
        public = [m for m in fake_discord.messages_in(guild.channel("general")) if not m.ephemeral]
        assert len(public) == 1


async def test_ask_cooldown_is_friendly(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        replies = []
        for i in range(8):
            rec = await fake_discord.slash(guild, alice, "ask", question=f"what is scrum {i}", private=True)
            replies.append(await rec.final_message())
        limited = [m for m in replies if "asking quickly" in m.embeds[0].get("description", "")]
        assert len(limited) == 2
        assert all(m.ephemeral for m in limited)


async def test_feedback_counts_once_per_member(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach() as bot:
        message = await (await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)).final_message()
        for custom_id in ("coach:vote:pmp-fees:down", "coach:vote:pmp-fees:down", "coach:vote:pmp-fees:up"):
            reply = await (await fake_discord.click(alice, message, custom_id)).final_message()
            assert reply.ephemeral
        tallies = await bot.coach.storage.vote_tallies(guild.id)
        assert (tallies["pmp-fees"].up, tallies["pmp-fees"].down) == (1, 0)


async def test_related_button_opens_entry_privately(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach() as bot:
        message = await (await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)).final_message()
        related = next(i for i in message.custom_ids if i.startswith("coach:open:"))
        opened = await (await fake_discord.click(alice, message, related)).final_message()
        entry = bot.coach.library.knowledge.entries[related.removeprefix("coach:open:")]
        assert opened.ephemeral
        assert opened.embeds[0]["title"] == entry.title
        assert any(i.startswith(f"coach:vote:{entry.id}:") for i in opened.custom_ids)


async def test_only_asker_or_moderator_can_delete(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    bob = fake_discord.create_member(guild, "bob")
    async with run_coach():
        message = await (await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)).final_message()
        delete = f"coach:delete:{alice.id}"
        refusal = await (await fake_discord.click(bob, message, delete)).final_message()
        assert refusal.ephemeral and "Only the member who asked" in refusal.embeds[0]["description"]
        assert not message.deleted
        await (await fake_discord.click(mod, message, delete)).response()
        await fake_discord.wait_for(lambda: message.deleted, timeout=3)


async def test_mark_milestone_done_button(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach() as bot:
        message = await (await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)).final_message()
        reply = await (await fake_discord.click(alice, message, "coach:done:earn-pmp")).final_message()
        assert reply.ephemeral and "Earn the PMP" in reply.embeds[0]["description"]
        summary = await bot.coach.progress.summary(guild.id, alice.id)
        assert any(s.done and s.milestone.id == "earn-pmp" for t in summary.tracks for s in t.milestones)


async def test_topic_autocomplete_is_fuzzy_and_capped(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach():
        for text, expected in (("", None), ("pmp fes", "pmp-fees"), ("scrm", None)):
            rec = await fake_discord.autocomplete(guild, alice, "topic", focused="name", name=text)
            choices = (await rec.response(timeout=3)).choices
            assert 1 <= len(choices) <= 25
            if expected:
                assert expected in [c["value"] for c in choices[:3]]


async def test_topic_for_member_pings_only_them(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember, mod: FakeMember
) -> None:
    bob = fake_discord.create_member(guild, "bob", nick="@everyone")
    async with run_coach():
        rec = await fake_discord.slash(guild, bob, "topic", options={"name": "pmp-fees", "for": alice})
        message = await rec.final_message()
        assert not message.ephemeral
        assert message.pings == {f"user:{alice.id}"}
        assert message.embeds[0]["title"].startswith("PMP exam cost")


async def test_topics_browse_areas_and_open_entry(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    async with run_coach() as bot:
        message = await (await fake_discord.slash(guild, alice, "topics")).final_message()
        assert message.ephemeral and "coach:areas" in message.custom_ids
        await (await fake_discord.select(alice, message, "coach:areas", ["certifications"])).response()
        await fake_discord.wait_for(lambda: "coach:topic:certifications:0" in message.custom_ids, timeout=3)
        opened = await (
            await fake_discord.select(alice, message, "coach:topic:certifications:0", ["pmp-fees"])
        ).final_message()
        assert opened.embeds[0]["title"] == bot.coach.library.knowledge.entries["pmp-fees"].title
        assert [c["value"] for c in fake_discord.command("topics")["options"][0]["choices"]] == list(
            bot.coach.library.knowledge.areas
        )
        direct = await (await fake_discord.slash(guild, alice, "topics", area="skills")).final_message()
        assert direct.embeds[0]["title"].endswith("Skills")


async def test_200_simultaneous_asks_are_acknowledged_in_time(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild
) -> None:
    members = [fake_discord.create_member(guild, f"member{i}") for i in range(200)]
    questions = [
        "how much does the pmp cost",
        "what is scrum",
        "capm exam format",
        "how do i become a nurse",
        "what does a project coordinator do",
        "tips for a pm resume",
    ]
    async with run_coach():
        sent = time.monotonic()
        records = await asyncio.gather(
            *(
                fake_discord.slash(guild, m, "ask", question=questions[i % 6], private=True)
                for i, m in enumerate(members)
            )
        )
        callbacks = await asyncio.gather(*(r.response(timeout=10) for r in records))
        messages = await asyncio.gather(*(r.final_message(timeout=10) for r in records))
    assert len(callbacks) == 200
    late_acks = [c for c in callbacks if c.at - sent > 3.0]
    assert late_acks == []
    visible_in_time = sum(1 for m in messages if m.at - sent <= 3.0 and m.embeds)
    assert visible_in_time >= 198


async def test_send_to_dms_and_closed_dms(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    bob = fake_discord.create_member(guild, "bob")
    fake_discord.close_dms(bob)
    async with run_coach():
        message = await (await fake_discord.slash(guild, alice, "ask", question=PMP_FEES)).final_message()
        sent = await (await fake_discord.click(alice, message, "coach:dm:pmp-fees")).final_message()
        assert sent.ephemeral and "Sent to your DMs" in sent.embeds[0]["description"]
        assert fake_discord.dms_to(alice)[0].embeds[0]["title"].startswith("PMP exam cost")
        refused = await (await fake_discord.click(bob, message, "coach:dm:pmp-fees")).final_message()
        assert refused.ephemeral and "DMs are closed" in refused.embeds[0]["description"]


VAGUE = ("is it worth it", "how long does it take", "which one is better", "how much does it cost")


async def test_vague_question_offers_a_menu_and_the_askers_pick_becomes_the_answer(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    bob = fake_discord.create_member(guild, "bob")
    async with run_coach() as bot:
        engine = bot.coach.library.engine
        question = next(q for q in VAGUE if engine.answer(q).outcome == "suggest")
        message = await (await fake_discord.slash(guild, alice, "ask", question=question)).final_message()
        assert message.embeds[0]["title"] == "Which of these did you mean?"
        menu = message.components[0]["components"][0]
        assert menu["custom_id"] == f"coach:pick:{alice.id}" and 2 <= len(menu["options"]) <= 5
        picked = menu["options"][1]["value"]
        other = await (await fake_discord.select(bob, message, menu["custom_id"], [picked])).final_message()
        assert other.ephemeral  # someone else's pick opens privately, the menu stays
        assert message.embeds[0]["title"] == "Which of these did you mean?"
        await (await fake_discord.select(alice, message, menu["custom_id"], [picked])).response()
        title = bot.coach.library.knowledge.entries[picked].title
        await fake_discord.wait_for(lambda: message.embeds[0]["title"] == title, timeout=3)
        assert f"coach:vote:{picked}:up" in message.custom_ids


async def test_a_post_that_asks_two_things_offers_the_other_answer(
    fake_discord: FakeDiscord, run_coach: RunBot, guild: FakeGuild, alice: FakeMember
) -> None:
    post = (
        "I work in retail and have been reading about project management for a year. I have a degree "
        "in history and lead a small team at the store. How much does the PMP exam cost? And how many "
        "questions are on the CAPM exam?"
    )
    async with run_coach() as bot:
        answer = bot.coach.library.engine.answer(post)
        assert answer.entry is not None and answer.also_asked  # the engine sees both questions
        other = answer.also_asked[0]
        reply = await (await fake_discord.slash(guild, alice, "ask", question=post)).final_message()
        assert reply.embeds[0]["title"] == answer.entry.title
        buttons = {c["custom_id"]: c.get("label", "") for row in reply.components for c in row["components"]}
        assert buttons[f"coach:open:{other.id}"].startswith("You also asked: ")
        opened = await (await fake_discord.click(alice, reply, f"coach:open:{other.id}")).final_message()
        assert opened.ephemeral and opened.embeds[0]["title"] == other.title
