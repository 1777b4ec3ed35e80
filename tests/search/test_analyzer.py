"""Stems, spelling variants and synonym groups: both sides of the index agree on terms."""

from __future__ import annotations

import pytest

from bot.search import analyzer as analyzer_module
from bot.search.analyzer import Analyzer, base_word, base_words
from bot.search.porter import stem

SYNONYMS = (
    ("pmp", "project management professional"),
    ("pm", "project manager", "project management"),
    ("resume", "cv"),
    ("masters", "master's", "msc"),
    ("jd", "job description", "job posting"),
    ("itpm", "it pm", "it project manager"),
)


def test_porter_joins_word_forms() -> None:
    assert stem("certifications") == stem("certification") == "certif"
    assert stem("requirements") == stem("requirement")
    assert stem("managing") == stem("manages") == stem("managed")
    assert stem("pm") == "pm"  # short words are kept


def test_base_words_fold_irregular_and_british_forms() -> None:
    assert base_words("They paid for the centre") == ["they", "pay", "for", "the", "center"]
    assert base_words("organise organisation") == base_words("organize organization")


def test_latin_us_plurals_meet_their_singulars() -> None:
    """Porter reads the final "s" of "status" as a plural ending but not that of "statuses":
    "what limit should each of my workflow statuses have" missed the entries that say "status"."""
    for singular, plural in [("status", "statuses"), ("bonus", "bonuses"), ("focus", "focuses")]:
        assert stem(base_word(plural)) == stem(base_word(singular))


def test_hr_is_human_resources_not_an_hour() -> None:
    """Members write "HR" for the people team far more often than "hr" for an hour ("talk to HR
    about my boss"); only the plural abbreviation is unambiguous."""
    assert base_words("go to HR") == ["go", "to", "hr"]
    assert base_words("35 hrs") == ["35", "hours"]


def test_synonym_terms_match_each_other() -> None:
    analyzer = Analyzer(SYNONYMS, general=())
    assert "_pmp" in analyzer.terms("Project Management Professional exam")
    assert "_pmp" in analyzer.terms("the PMP exam")
    assert "_resume" in analyzer.terms("my CV") and "_resume" in analyzer.terms("two resumes")


def test_multiword_synonyms_match_on_stems_and_stop_words() -> None:
    analyzer = Analyzer(SYNONYMS, general=())
    assert "_jd" in analyzer.terms("reading job postings")  # plural of "job posting"
    assert "_itpm" in analyzer.terms("how to become an IT PM")  # "it" is a stop word
    assert "_pm" in analyzer.terms("project managers earn")


def test_one_word_synonyms_do_not_collide_through_stems() -> None:
    """'master' in 'scrum master' is not the 'masters' degree."""
    analyzer = Analyzer(SYNONYMS, general=())
    assert "_masters" not in analyzer.terms("scrum master")
    assert "_masters" in analyzer.terms("a master's in project management")


def test_groups_naming_finds_the_knowledge_groups_that_hold_a_word() -> None:
    """The engine's topic check reads "the daily stand up" as the subject through its group."""
    analyzer = Analyzer([("daily scrum", "standup", "stand-up"), ("fee", "cost")], general=[("test", "exam")])
    assert analyzer.groups_naming(frozenset({"standup"})) == {"_daily_scrum"}
    assert analyzer.groups_naming(frozenset({"price", "exam"})) == frozenset()  # general groups never


def test_general_english_groups() -> None:
    analyzer = Analyzer(())
    assert set(analyzer.terms("how many tries")) & set(analyzer.terms("three attempts"))
    assert set(analyzer.terms("passing score")) & set(analyzer.terms("pass mark"))
    # "not" and "dont" are stop words: without the phrase, "don't pass" would read as "pass"
    assert set(analyzer.terms("what if I don't pass")) & set(analyzer.terms("I failed"))
    assert set(analyzer.terms("is the pmp compulsory")) & set(analyzer.terms("is the pmp mandatory"))


def test_stop_words_are_dropped() -> None:
    assert Analyzer(()).terms("what is the and of how") == []


def test_members_words_are_worked_out_once_in_a_bounded_cache_of_their_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bot started from the index cache has stemmed none of the knowledge's words, so without
    a cache for members' words it ran the Porter stemmer over every word of every question
    (about 0.1 ms a question); members' words still never grow the knowledge's caches."""
    analyzer = Analyzer()
    stemmed: list[str] = []
    real_stem = analyzer_module.stem
    monkeypatch.setattr(analyzer_module, "stem", lambda word: stemmed.append(word) or real_stem(word))
    knowledge_stems, knowledge_bases = dict(analyzer_module._STEMS), dict(analyzer_module._BASE)
    for _ in range(3):
        assert analyzer.stem("zorblingly", remember=False) == real_stem("zorblingly")
    assert stemmed == ["zorblingly"]
    monkeypatch.setattr(analyzer_module, "MEMBER_LIMIT", 100)
    for n in range(1_000):  # a flood of made-up words
        analyzer.stem(f"flood{n}ing", remember=False)
        base_word(f"flood{n}our", remember=False)
    assert len(analyzer_module._MEMBER_STEMS) <= 100 and len(analyzer_module._MEMBER_BASE) <= 100
    assert (knowledge_stems, knowledge_bases) == (analyzer_module._STEMS, analyzer_module._BASE)
