"""Autocomplete: ids, titles and aliases; prefix and typo tolerant; never more than 25."""

from __future__ import annotations

from bot.search import AnswerEngine


def ids(engine: AnswerEngine, text: str, limit: int = 25) -> list[str]:
    return [e.id for e in engine.lookup(text, limit)]


def test_empty_text_lists_entries_in_browsing_order(engine: AnswerEngine) -> None:
    first = list(engine.knowledge.entries)[:25]
    assert ids(engine, "") == first
    assert ids(engine, "   ", limit=5) == first[:5]


def test_exact_id_and_alias_come_first(engine: AnswerEngine) -> None:
    assert ids(engine, "pmp-fees")[0] == "pmp-fees"
    assert ids(engine, "pmp cost")[0] == "pmp-fees"


def test_prefix_of_the_last_word(engine: AnswerEngine) -> None:
    assert ids(engine, "pmp f")[0] == "pmp-fees"
    assert ids(engine, "prin")[0].startswith("prince2")


def test_typos(engine: AnswerEngine) -> None:
    assert "prince2-exams" in ids(engine, "prnce2", 5) or "prince2-exams" in ids(engine, "princ2", 5)
    assert ids(engine, "scrum mastr")[0] in (
        "pm-vs-scrum-master",
        "psm-i-professional-scrum-master",
        "csm-certified-scrummaster",
    )


def test_limit_is_capped_at_25(engine: AnswerEngine) -> None:
    assert len(engine.lookup("pm", limit=100)) == 25
    assert len(engine.lookup("pmp", limit=3)) == 3
    assert engine.lookup("pmp", limit=0) == []


def test_nonsense_finds_nothing(engine: AnswerEngine) -> None:
    assert engine.lookup("zzzzqqq") == []
