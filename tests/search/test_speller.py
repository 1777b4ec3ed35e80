"""Typo correction against the knowledge base's own vocabulary, on a strict budget."""

from __future__ import annotations

from bot.search.speller import Speller

VOCAB = {
    "certification": 5,
    "requirements": 4,
    "linkedin": 3,
    "experience": 9,
    "gather": 2,
    "scrum": 6,
    "takes": 1,
}


def test_corrects_common_typos() -> None:
    speller = Speller(VOCAB)
    assert speller.correct("certifcation") == "certification"
    assert speller.correct("requirments") == "requirements"
    assert speller.correct("experiance") == "experience"
    assert speller.correct("linkdin") == "linkedin"
    assert speller.correct("srcum") == "scrum"  # transposition


def test_leaves_known_short_and_far_words_alone() -> None:
    speller = Speller(VOCAB)
    assert speller.correct("scrum") is None  # already known
    assert speller.correct("jira") is None  # too short to guess
    assert speller.correct("weather") is None  # two edits from "gather", too short for that
    assert speller.correct("qwertyuiop") is None
    assert speller.correct("xakes") is None  # short words keep their first letter


def test_engine_reports_corrections(engine) -> None:
    answer = engine.answer("pmp certifcation requirments")
    assert ("certifcation", "certification") in answer.corrections
    assert answer.entry is not None and answer.entry.id == "pmp-eligibility"
