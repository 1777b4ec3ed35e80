"""The knowledge the bot ships with validates cleanly and covers every area."""

from __future__ import annotations

from bot.knowledge.loader import load_knowledge, normalise_question
from bot.settings import DEFAULT_KNOWLEDGE_DIR


def test_shipped_knowledge_has_no_errors_or_warnings() -> None:
    result = load_knowledge(DEFAULT_KNOWLEDGE_DIR)
    assert [str(p) for p in result.problems] == []
    assert result.knowledge is not None


def test_content_meets_the_coverage_bar() -> None:
    knowledge = load_knowledge(DEFAULT_KNOWLEDGE_DIR).knowledge
    assert knowledge is not None
    assert len(knowledge.entries) >= 80
    for area in knowledge.areas:
        assert len(knowledge.entries_in_area(area)) >= 8, area
    assert len(knowledge.tracks) >= 2
    for track in knowledge.tracks.values():
        # Discord lists at most 25 autocomplete choices or select options.
        assert 6 <= len(track.milestones) <= 25, track.id
    in_tracks = {m for t in knowledge.tracks.values() for m in t.milestones}
    for milestone in knowledge.milestones.values():
        assert milestone.id in in_tracks
        assert knowledge.entries_for_milestone(milestone.id), milestone.id
    questions = [normalise_question(q) for e in knowledge.entries.values() for q in e.questions]
    assert len(questions) == len(set(questions))
    for entry in knowledge.entries.values():
        assert len(entry.questions) >= 3 and entry.links and entry.related, entry.id
