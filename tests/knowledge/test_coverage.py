"""The shipped base covers what members really ask (issue 12, section 4).

Each topic the issue lists is asked the way a member would, in words that are not any
entry's stored question, and the answer engine must serve the entry written for it.
"""

from __future__ import annotations

import pytest

from bot.knowledge.models import Knowledge
from bot.search import AnswerEngine
from bot.search.engine import Outcome

MIN_ENTRIES = 160
MIN_PER_AREA = 8
EMBED_LIMIT = 1400
NEXT_STEP = "**Next:**"

# A member's wording for each topic of issue 12 section 4 -> the entry that must answer it.
TOPIC_QUESTIONS = {
    "what paperwork do i upload when pmi audits me": "pmp-audit",
    "my former supervisor can't be reached to confirm my experience for the audit": "pmp-audit",
    "how many study hours do people usually need for the pmp": "pmp-exam-difficulty-study-time",
    "is the capm exam difficult for someone brand new": "capm-difficulty-study-time",
    "how difficult is the pmi-acp exam": "pmi-acp-difficulty-study-time",
    "which is tougher to pass, psm i or csm": "csm-vs-psm-difficulty",
    "i did not pass the pmp, when can i retake it": "failing-pmi-exam-retakes",
    "my pmp is suspended because i missed my pdus": "pmp-lapsed-suspended",
    "what is apm chartered project professional status": "apm-chartered-project-professional",
    "apm pfq vs prince2 foundation for a beginner in the uk": "apm-qualifications-uk-route",
    "is an mba worth more than a pmp": "mba-or-masters-vs-pmp",
    "is ai going to take project manager jobs": "will-ai-replace-project-managers",
    "is project management a stressful job with bad work life balance": "pm-stress-work-life-balance",
    "which industries are easier to break into as a new project manager": "industries-easier-to-enter-as-pm",
    "difference between a technical program manager and a project manager": "technical-program-manager-vs-pm",
    "how do i explain a long employment gap when applying for pm jobs": "laid-off-or-employment-gap",
    "employers keep saying i lack local experience since i immigrated": "immigrants-local-experience",
    "good answer for why do you want to be a project manager": "why-do-you-want-to-be-a-pm-interview",
    "is a pay cut worth it to switch into project management": "pay-cut-to-switch-into-pm",
    "i feel stuck as a project coordinator and can't get promoted": "stuck-as-project-coordinator",
    "explain earned value management cpi and spi simply": "earned-value-management-basics",
    "list the pmbok knowledge areas and performance domains": "pmbok-knowledge-areas-performance-domains",
    "how long will reading the pmbok guide take me": "pmbok-how-long-to-read",
    "will a capm certificate raise my salary": "capm-salary-impact",
}


def test_base_is_large_enough_in_every_area(knowledge: Knowledge) -> None:
    assert len(knowledge.entries) >= MIN_ENTRIES
    for area in knowledge.areas:
        assert len(knowledge.entries_in_area(area)) >= MIN_PER_AREA, area


@pytest.mark.parametrize(("question", "entry_id"), TOPIC_QUESTIONS.items())
def test_member_question_reaches_its_topic_entry(engine: AnswerEngine, question: str, entry_id: str) -> None:
    answer = engine.answer(question)
    assert answer.outcome is Outcome.ANSWER, (question, answer.outcome)
    assert answer.entry is not None and answer.entry.id == entry_id, question


@pytest.mark.parametrize("entry_id", sorted(set(TOPIC_QUESTIONS.values())))
def test_topic_entry_fits_an_embed_and_ends_with_a_next_step(knowledge: Knowledge, entry_id: str) -> None:
    answer = knowledge.entries[entry_id].answer.strip()
    assert len(answer) <= EMBED_LIMIT
    last_line = answer.splitlines()[-1]
    assert last_line.startswith(NEXT_STEP) and len(last_line) > len(NEXT_STEP) + 10, last_line


def test_topic_questions_are_not_copies_of_stored_questions(knowledge: Knowledge) -> None:
    """Otherwise the routing test above would only prove an exact lookup."""
    stored = {q.casefold() for entry in knowledge.entries.values() for q in entry.questions}
    assert not [q for q in TOPIC_QUESTIONS if q.casefold() in stored]
