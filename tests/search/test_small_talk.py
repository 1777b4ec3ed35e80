"""Small talk gets a friendly reply with example questions, never "I don't know" (issues 11, 14)."""

from __future__ import annotations

import pytest

from bot.cli.render import render
from bot.search import AnswerEngine, Outcome
from bot.search.small_talk import Kind

SMALL_TALK = [
    ("hi", Kind.GREETING),
    ("Hello there!", Kind.GREETING),
    ("good morning everyone :)", Kind.GREETING),
    ("hey 👋", Kind.GREETING),
    ("thanks!", Kind.THANKS),
    ("Thank you so much", Kind.THANKS),
    ("ty", Kind.THANKS),
    ("that helped, cheers", Kind.THANKS),
    ("what can you do?", Kind.HELP),
    ("help", Kind.HELP),
    ("hey coach, what can i ask you?", Kind.HELP),
    ("who made you", Kind.IDENTITY),
    ("are you a bot?", Kind.IDENTITY),
    ("<@123> hi", Kind.GREETING),
]
NOT_SMALL_TALK = [
    "hi, how much is the pmp exam?",
    "thanks! and how long is the capm exam",
    "help with my pmp application",
    "what can you do with a capm",
    "how do i become a project manager",
    "who made the pmp",
    "what is agile",
    "hi " * 20,
]


@pytest.mark.parametrize(("text", "kind"), SMALL_TALK)
def test_small_talk_is_recognised(engine: AnswerEngine, text: str, kind: Kind) -> None:
    answer = engine.answer(text)
    assert answer.outcome is Outcome.SMALL_TALK
    assert answer.small_talk is not None and answer.small_talk.kind is kind
    assert not answer.is_gap


@pytest.mark.parametrize("text", NOT_SMALL_TALK)
def test_questions_with_a_greeting_are_questions(engine: AnswerEngine, text: str) -> None:
    assert engine.answer(text).outcome is not Outcome.SMALL_TALK


def test_a_greeting_does_not_change_the_answer(engine: AnswerEngine) -> None:
    plain = engine.answer("how much is the pmp exam?")
    greeted = engine.answer("hi everyone! how much is the pmp exam? thanks in advance")
    assert greeted.outcome is Outcome.ANSWER and greeted.entry == plain.entry


def test_reply_names_three_example_questions_that_the_engine_answers(engine: AnswerEngine) -> None:
    talk = engine.answer("what can you do").small_talk
    assert talk is not None and len(talk.examples) == 3
    assert len({entry.id for _, entry in talk.examples}) == 3
    for question, entry in talk.examples:
        answer = engine.answer(question)
        assert answer.outcome is Outcome.ANSWER and answer.entry == entry


def test_json_extends_the_contract(engine: AnswerEngine) -> None:
    payload = engine.answer("thanks!").to_json("thanks!")
    assert payload["outcome"] == "small_talk" and payload["entry"] is None and payload["suggestions"] == []
    assert payload["reply"].startswith("You're welcome")
    assert [set(e) for e in payload["examples"]] == [{"question", "id", "title"}] * 3


def test_terminal_reply_points_to_topics(engine: AnswerEngine) -> None:
    text, choices = render(engine.answer("hello"), engine.knowledge)
    assert "Try asking:" in text and "/topics" in text and "don't know" not in text
    assert len(choices) == 3 and all(choice.title for choice in choices)
