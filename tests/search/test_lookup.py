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


def test_a_typo_of_a_whole_word_ranks_above_a_word_it_only_starts(engine: AnswerEngine) -> None:
    """ "princ2" is one edit from "prince2" and from the start of "principles": the entries named
    for principles (rarer in names, so weightier) came first."""
    assert ids(engine, "princ2", 5)[0].startswith("prince2")
    assert ids(engine, "princple", 1) == ["agile-manifesto-basics"]


def test_fewer_choices_are_the_first_of_more(engine: AnswerEngine) -> None:
    """Entries tied at the cut were picked by ``argpartition``, which chooses among equal values
    arbitrarily: the top 5 were not the first 5 of the top 25."""
    for text in ("princ2", "scrum mastr", "pmp", "agile"):
        assert ids(engine, text, 5) == ids(engine, text, 25)[:5], text


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


def test_a_plural_is_not_rarer_than_its_singular(engine: AnswerEngine) -> None:
    """ "fee" is in two entries' names (PMP renewal, contract types' incentive fees) and "fees" in
    five, so a typo between them ("fes") weighed the singular higher and the PMP fees came fourth."""
    assert "pmp-fees" in ids(engine, "pmp fes", 2)
