"""The shipped phrasings meet members' own words (issue 11).

Members write "no experience", "let go", "interview tips" and misspell freely. These
wordings are not stored questions; each once opened an entry that merely shared a word
with it, until the right entry learnt to say it the members' way.
"""

from __future__ import annotations

import pytest

from bot.knowledge.models import Knowledge
from bot.search import AnswerEngine
from bot.search.engine import Outcome

# A member's wording -> the entry that must answer it (and the one it used to open).
MEMBER_WORDING = {
    "i have no project experience at all": "no-experience-no-job-loop",  # pmp-experience-what-counts
    "how to answer tell me about a time you failed": "star-method-interview-stories",  # exam retakes
    "how do i transition into project management from retail": "non-it-job-to-it-pm",  # leaving PM
    "is agile certification worth it for beginners": "which-pm-certification-first",  # networking events
    "how do i get my first pm job": "entry-level-experience-roles",  # first weeks in the job
    "where do i find pmp practice questions": "pmp-study-plan",  # study groups
    "what is a product backlog": "scrum-roles-events-artifacts",  # product manager vs PM
    "how do i manage an ai project": "managing-ai-ml-projects",  # will AI replace PMs
    "interview tips": "pm-interview-questions",  # communication skill
    "my performance review is next week and i want a raise": "asking-for-a-raise-or-promotion-as-a-pm",
    "how do i lead a team that is older than me": "earning-team-respect-as-new-pm",  # no answer
    "how do i get out of project management": "leaving-project-management",  # is PM right for me
}

# Misspellings members type -> the word the speller must restore. A curated phrase that
# holds the misspelling makes it a known word, so it is no longer corrected and matches
# only that phrase's entry ("project manger" opened the networking-events entry).
TYPOS = {
    "how do i becom a project manger": ("manger", "manager"),
    "any good webinars for new project mangers": ("mangers", "managers"),
    "linkdin tips for a new coordinator": ("linkdin", "linkedin"),
    "how techincal does an it pm need to be": ("techincal", "technical"),
}


@pytest.mark.parametrize(("question", "entry_id"), MEMBER_WORDING.items())
def test_member_wording_reaches_its_entry(engine: AnswerEngine, question: str, entry_id: str) -> None:
    answer = engine.answer(question)
    assert answer.outcome is Outcome.ANSWER, (question, answer.outcome)
    assert answer.entry is not None and answer.entry.id == entry_id, (question, answer.entry)


@pytest.mark.parametrize(("question", "fix"), TYPOS.items())
def test_stored_phrases_leave_member_typos_to_the_speller(
    engine: AnswerEngine, question: str, fix: tuple[str, str]
) -> None:
    assert fix in engine.answer(question).corrections


def test_member_wordings_are_not_copies_of_stored_questions(knowledge: Knowledge) -> None:
    """Otherwise the routing test above would only prove an exact lookup."""
    stored = {q.casefold() for entry in knowledge.entries.values() for q in entry.questions}
    assert not [q for q in [*MEMBER_WORDING, *TYPOS] if q.casefold() in stored]
