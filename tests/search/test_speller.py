"""Typo correction against the knowledge base's own vocabulary, on a strict budget."""

from __future__ import annotations

import random

from rapidfuzz.distance import OSA

from bot.search.speller import Speller, is_common_english, osa_distance

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


def test_a_common_english_word_is_not_a_typo_of_another_word() -> None:
    speller = Speller({"timer": 3, "mitigation": 4, "constant": 2, "manager": 9, "course": 5})
    assert speller.correct("tiger") is None  # one edit from "timer", but a word of its own
    assert speller.correct("litigation") is None
    assert speller.correct("constantly") == "constant"  # a form of the same word: still read
    assert speller.correct("manger") == "manager"  # a rare word that is mostly a typo
    assert speller.correct("coarse") == "course"  # a rarer homophone, below the list's line


def test_without_the_word_list_the_speller_still_corrects(tmp_path, caplog) -> None:
    assert not is_common_english("tiger", tmp_path / "missing.txt")
    assert "English word list unreadable" in caplog.text
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(b"tiger\n\xff\xfe not utf-8\n")
    assert not is_common_english("tiger", damaged)
    assert Speller({"timer": 3}).correct("tiger") is None  # the shipped list still applies
    assert all(is_common_english(word) for word in ("tiger", "litigation", "boeing"))
    assert not any(is_common_english(word) for word in ("manger", "recieve", "coarse", "tige", "igation"))


def test_a_real_word_is_not_read_as_a_knowledge_word(engine) -> None:
    """The speller read "tiger" as "timer" and a question about tiger teams answered from an
    entry about a new PM's mistakes; "litigation" became "mitigation"."""
    for question in ("what is a tiger team", "how much does litigation cost"):
        answer = engine.answer(question)
        assert answer.corrections == (), question
        assert answer.outcome.value != "answer", question


def test_a_real_word_is_not_read_as_a_clipped_knowledge_word(engine) -> None:
    """An unknown word is read as the start of a longer known one ("execs" for executives), but
    "water" is not "waterfall": the question opened the entry on misreported (watermelon) status."""
    answer = engine.answer("can i bring water into the pmp exam")
    assert answer.entry is not None and answer.entry.id == "pmp-exam-day-logistics"
    clipped = engine.answer("what do execs want in a status report")
    assert clipped.entry is not None and clipped.entry.id == "writing-status-reports"


def test_engine_reports_corrections(engine) -> None:
    answer = engine.answer("pmp certifcation requirments")
    assert ("certifcation", "certification") in answer.corrections
    assert answer.entry is not None and answer.entry.id == "pmp-eligibility"


def test_osa_distance_agrees_with_rapidfuzz() -> None:
    """The plain-Python distance gives rapidfuzz's figure (with its cutoff) on every pair: short
    strings over small alphabets hit the swaps, repeats and shared ends where shortcuts go wrong."""
    rng = random.Random(7)
    for trial in range(20_000):
        alphabet = "ab" if trial % 3 == 0 else "abc" if trial % 3 == 1 else "abcdefg"
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7)))
        for limit in (0, 1, 2):
            assert osa_distance(a, b, limit) == OSA.distance(a, b, score_cutoff=limit), (a, b, limit)
    assert osa_distance("certifcation", "certification", 2) == 1
    assert osa_distance("scrum", "scurm", 2) == 1  # a swap is one edit
    assert osa_distance("weather", "gather", 1) == 2
