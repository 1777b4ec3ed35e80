"""Ranking typed text against short fixed lists (milestones, tracks) for autocomplete."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.loader import load_or_raise
from bot.knowledge.models import Knowledge
from bot.limits import FOCUSED_OPTION
from bot.ui.choices import name_score, ranked


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_or_raise(Path(__file__).resolve().parents[2] / "knowledge")


def _milestone_ids(typed: str, knowledge: Knowledge) -> list[str]:
    return [m.id for m in ranked(typed, knowledge.milestones.values(), lambda m: (m.id, m.title))]


def test_typos_words_out_of_order_and_one_word_of_several_find_the_milestone(
    knowledge: Knowledge,
) -> None:
    assert _milestone_ids("netwrk", knowledge)[0] == "build-your-network"
    assert _milestone_ids("certficate", knowledge)[0] == "earn-entry-certificate"
    assert _milestone_ids("network build", knowledge)[0] == "build-your-network"
    assert "first-pm-interview" in _milestone_ids("first job", knowledge)[:3]


def test_empty_text_lists_everything_in_order_and_nonsense_nothing(knowledge: Knowledge) -> None:
    assert _milestone_ids("", knowledge) == list(knowledge.milestones)
    assert _milestone_ids("xyz", knowledge) == []


def test_only_what_autocomplete_reads_of_a_huge_text_counts(knowledge: Knowledge) -> None:
    """An option can hold 6,000 characters; the matcher's cost grows with them, so only the
    first ``FOCUSED_OPTION`` are compared (as for the topic autocomplete)."""
    huge = "network build " * 430
    assert len(huge) > 6000
    assert _milestone_ids(huge, knowledge) == _milestone_ids(huge[:FOCUSED_OPTION], knowledge)
    assert name_score(huge, "build-your-network") == name_score(huge[:FOCUSED_OPTION], "build-your-network")
    # what lies past the limit is never read
    assert _milestone_ids("x" * FOCUSED_OPTION + " netwrk", knowledge) == []
