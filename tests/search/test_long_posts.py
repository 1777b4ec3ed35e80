"""Long forum posts (a story, then a question that may not name its subject), words read in
the sense the message gives them, and derived words that mean something else than their stem."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.search import AnswerEngine, Candidate, Outcome
from bot.search import engine as engine_module
from bot.search.calibration import LONG_SUGGEST_AT, SUGGEST_AT, Features, with_story
from bot.search.engine import decide
from bot.search.query import STORY_CAP, STORY_WEIGHT

#: The question names nothing; the story says what the post is about.
TIME_ZONES = (
    "I coordinate a delivery team split between Sydney, Berlin and Seattle. Whatever hour we pick "
    "for the daily stand-up, somebody joins at midnight, and handovers from one time zone to the "
    "next keep slipping, so a question asked in the morning is answered a day later. Is this normal?"
)


def test_a_story_word_weighs_a_fixed_share_of_a_question_word(engine: AnswerEngine) -> None:
    """Every story word keeps ``STORY_WEIGHT`` of its weight (it used to share a fixed total,
    a quarter of the questions', so each word of a long story weighed next to nothing)."""
    post = (
        "Our delivery team sits in Sydney, Berlin and Seattle, and every handover between regions "
        "slips by a day. How do experienced project managers keep a team working across time zones?"
    )
    query = engine._parser.parse(post)
    story = [c for c in query.concepts if c.context]
    asked = [c for c in query.concepts if not c.context]
    assert len(query.questions) == 1 and story and asked
    assert sum(c.weight * c.importance for c in story) < STORY_CAP * sum(
        c.weight * c.importance for c in asked
    )
    assert max(c.weight for c in story) == STORY_WEIGHT == max(c.weight for c in asked) * STORY_WEIGHT


def test_a_question_that_names_nothing_is_ranked_by_its_story(engine: AnswerEngine) -> None:
    _, candidates = engine.rank(TIME_ZONES)
    assert candidates[0].entry.id == "leading-teams-across-time-zones"


#: The question names nothing ("What would you do here?"); the first sentence, a forum post's
#: title, names what the post is about.
HIDDEN_DELAY = (
    "My sponsor wants me to hide a delay from the steering committee. I took this project over "
    "from a colleague six months in, and we are well behind because another business unit has not "
    "delivered its part. Today he came to my desk and asked me to reword my next update so the delay "
    "disappears and the other group gets the blame. I told him I would stay truthful, but he keeps "
    "hinting that someone else could run the project instead. What would you do here?"
)


def test_when_the_questions_name_nothing_the_first_sentence_is_a_question_too(engine: AnswerEngine) -> None:
    query = engine._parser.parse(HIDDEN_DELAY)
    focus = {alt for c in query.concepts if not c.context for alt, _ in c.alternatives}
    assert {"sponsor", "delai", "steer"} <= focus
    answer = engine.answer(HIDDEN_DELAY)
    assert answer.outcome is Outcome.ANSWER and answer.entry is not None
    assert answer.entry.id == "pressure-to-misreport-project-status"
    # a question that names its subject keeps the focus to itself
    named = engine._parser.parse(
        HIDDEN_DELAY.replace("What would you do here?", "Should I escalate to the PMO?")
    )
    assert "sponsor" not in {alt for c in named.concepts if not c.context for alt, _ in c.alternatives}


SUPPLIER_LATE = (
    "I am a project manager in the public sector with ten years in operations. Our supplier keeps "
    "delivering late and the quality is poor, and my director wants it sorted before the steering "
    "committee next month. What would you do here?"
)


def test_a_first_sentence_about_the_writer_is_story_not_a_title(engine: AnswerEngine) -> None:
    """A first sentence that says who the writer is ("I am a project manager in the public
    sector...") names no subject of the post: read as its title, it answered the public-sector
    jobs entry at 0.78 a post about a late, poor supplier."""
    query = engine._parser.parse(SUPPLIER_LATE)
    focus = {alt for c in query.concepts if not c.context for alt, _ in c.alternatives}
    assert "sector" not in focus and "public" not in focus
    answer = engine.answer(SUPPLIER_LATE)
    assert (
        answer.entry is None
        or answer.entry.id != "public-sector-pm-jobs"
        or answer.outcome is not Outcome.ANSWER
    )
    assert "vendor-management-basics" in [e.id for e, _ in answer.suggestions]


ROLLOUT_HATED = (
    "I work as a project coordinator at a hospital and have been there for six years now. Our new "
    "scheduling system went live last week and the nurses hate it, everyone is complaining and the "
    "vendor says it works as designed. What would you do?"
)
NURSE_MOVING = (
    "Career change from nursing. I have been a nurse for ten years and I am exhausted, I keep reading "
    "that project management in health tech is a good fit for people like me. What should I do?"
)


def test_a_long_post_that_asks_no_move_is_not_answered_by_a_way_into_pm(engine: AnswerEngine) -> None:
    """A post whose questions ask nothing about a career move is not answered by an entry about
    moving into PM from the writer's field: the hospital coordinator's post about a hated rollout
    got the healthcare-to-PM entry at 0.63. A nurse asking about the move still gets it."""
    rollout = engine.answer(ROLLOUT_HATED)
    assert rollout.entry is None or rollout.entry.id != "healthcare-to-it-pm"
    moving = engine.answer(NURSE_MOVING)
    assert moving.outcome is Outcome.ANSWER and moving.entry is not None
    assert moving.entry.id == "healthcare-to-it-pm"


def test_waiting_for_a_promotion_asks_about_a_move(engine: AnswerEngine) -> None:
    """A coordinator asking whether to look elsewhere or wait for a promotion asks about a move:
    the entry on moving up from coordinator was set aside and a pay-rise entry answered."""
    answer = engine.answer(
        "I've been a project coordinator for 3 years at a software company. My manager keeps saying "
        "I'm ready for a PM role but nothing happens. Should I look externally or keep waiting for a "
        "promotion?"
    )
    assert answer.entry is not None and answer.entry.id == "stuck-as-project-coordinator"


def test_a_clear_question_still_counts_after_a_very_long_story(engine: AnswerEngine) -> None:
    """The story weighs at most ``STORY_CAP`` times the questions: a long, wordy story about a
    career change must not drown the one thing the member asked."""
    story = (
        "I have run a bakery for eleven years, with early mornings, suppliers, staff rotas, seasonal "
        "orders, weddings, a second shop we opened and then closed, a van that keeps breaking down, "
        "landlords, accountants and a great many customers with opinions about sourdough. My sister "
        "works for a bank and says I would enjoy running projects. Which certification should I get first?"
    )
    query = engine._parser.parse(story)
    story_mass = sum(c.weight * c.importance for c in query.concepts if c.context)
    asked_mass = sum(c.weight * c.importance for c in query.concepts if not c.context)
    assert story_mass <= STORY_CAP * asked_mass + 1e-9
    assert engine.rank(story)[1][0].entry.id == "which-pm-certification-first"


def _candidate(entry, confidence: float, anchor: float) -> Candidate:
    return Candidate(entry, confidence, Features(0.2, 0.3, anchor, 0.2, 0.0), confidence)


def test_a_long_post_named_by_its_subject_words_gets_a_menu_from_a_lower_confidence(
    engine: AnswerEngine,
) -> None:
    """Between ``LONG_SUGGEST_AT`` and ``SUGGEST_AT`` a long post whose best entry two subject
    words name (a full anchor) is offered a menu; one shared word (an off-topic post brushing
    an entry) is not enough, and a short question keeps the usual threshold."""
    a, b = list(engine.knowledge.entries.values())[:2]
    between = (LONG_SUGGEST_AT + SUGGEST_AT) / 2
    named = [_candidate(a, between, 1.0), _candidate(b, between * 0.9, 1.0)]
    assert decide(named, long_post=True).outcome is Outcome.SUGGEST
    assert decide(named).outcome is Outcome.UNKNOWN
    brushed = [replace(c, features=replace(c.features, anchor=0.5)) for c in named]
    assert decide(brushed, long_post=True).outcome is Outcome.UNKNOWN


def test_a_long_message_of_questions_only_is_decided_as_a_long_post(
    engine: AnswerEngine, monkeypatch
) -> None:
    """Several question sentences spread the match over as many words as a story does, so such
    a message is decided with the long-post thresholds too (it has no story to weigh, and so no
    question sentences of its own to rank apart); a short question keeps the usual ones."""
    asked = (
        "How many hours a week did you study for the PMP while working full time with two small kids? "
        "Did you use a bootcamp or only books and practice tests? Which mock exam felt closest to the "
        "real one, and how long before the date did you book it?"
    )
    query = engine._parser.parse(asked)
    assert query.long and not query.questions
    assert not engine._parser.parse("How long should I study for the PMP?").long
    seen: list[bool] = []

    def spy(candidates, corrections=(), long_post=False, **rest):
        seen.append(long_post)
        return decide(candidates, corrections, long_post, **rest)

    monkeypatch.setattr(engine_module, "decide", spy)
    engine.answer(asked)
    engine.answer("How long should I study for the PMP?")
    assert seen == [True, False]


def test_a_question_sentence_lends_the_mean_of_its_confidence_and_the_posts(engine: AnswerEngine) -> None:
    """A lone sentence's confidence says little about whether the post's entry is right (a
    short sentence reaches 0.9 and more on a few shared words), so when it confirms the post's
    first entry the post is answered with the mean of both, never the sentence's alone."""
    post = (
        "I coordinate a delivery team split between Sydney, Berlin and Seattle. Whatever hour we pick "
        "for the daily stand-up, somebody joins at midnight, and handovers from one time zone to the "
        "next keep slipping. How do you lead a team across time zones?"
    )
    query, candidates = engine.rank(post)
    (sentence,) = query.questions
    alone = engine.rank(sentence, spelling_budget=0, other_sense=query.other_sense)[1][0]
    top = candidates[0]
    before = top.confidence
    assert alone.entry == top.entry and alone.confidence > before
    answer = engine.answer(post)
    assert answer.outcome is Outcome.ANSWER and answer.entry == top.entry
    assert abs(answer.confidence - (before + alone.confidence) / 2) < 1e-9


MOVING = (
    "My partner and I are moving from London to the north of England next spring, and I would like "
    "to keep working in IT delivery once we are settled. I have coordinated releases for a payments "
    "team for two years. Are there many openings around Worksop for someone at my level?"
)


def test_a_long_post_keeps_the_names_it_writes(engine: AnswerEngine) -> None:
    """In a long post a capitalised word mid-sentence is a name ("Worksop" is not a misspelt
    "workshop"); the same word in a short question, and typos in a long post, are corrected.
    (A name that is also a common English word, "Leeds", is corrected nowhere: see the speller.)"""
    assert engine._parser.parse(MOVING).long
    assert "worksop" not in dict(engine._parser.parse(MOVING).corrections)
    assert "worksop" in dict(engine._parser.parse("are there pm jobs around worksop").corrections)
    assert "leeds" not in dict(engine._parser.parse("are there pm jobs around leeds").corrections)
    typo = MOVING.replace("someone at my level", "someone with a certifcation")
    assert dict(engine._parser.parse(typo).corrections).get("certifcation") == "certification"


def test_a_title_cased_long_post_is_still_corrected(engine: AnswerEngine) -> None:
    """A message that capitalises most of its words (a title) tells no names apart."""
    titled = " ".join(word.capitalize() for word in MOVING.split())
    assert "worksop" in dict(engine._parser.parse(titled).corrections)


def test_the_story_named_by_an_entry_raises_a_long_posts_confidence() -> None:
    """``with_story`` adds log-odds in proportion to the story's share that the entry's own
    phrasings name: nothing when they name none of it, more the more they name."""
    assert with_story(0.4, 0.0) == 0.4
    assert 0.4 < with_story(0.4, 0.1) < with_story(0.4, 0.3) < 1.0
    assert with_story(0.0, 0.5) == 0.0 and with_story(1.0, 0.5) == 1.0


def test_a_storys_confidence_earns_a_menu_never_an_answer(engine: AnswerEngine) -> None:
    """``menu_confidence`` (a long post's confidence with its story) is compared with the menu
    threshold only: below it the post is not known, above it a menu, and however high, never
    an answer."""
    a, b = list(engine.knowledge.entries.values())[:2]
    low = LONG_SUGGEST_AT / 2
    named = [_candidate(a, low, 1.0), _candidate(b, low * 0.9, 1.0)]
    assert decide(named, long_post=True).outcome is Outcome.UNKNOWN
    assert decide(named, long_post=True, menu_confidence=LONG_SUGGEST_AT).outcome is Outcome.SUGGEST
    assert decide(named, long_post=True, menu_confidence=0.99).outcome is Outcome.SUGGEST


def test_a_long_post_is_offered_a_menu_from_its_storys_confidence(engine: AnswerEngine, monkeypatch) -> None:
    """A teacher's story names the teacher-to-PM entry's own phrasings: the post's menu
    threshold is compared with the confidence its story adds."""
    post = (
        "I have taught history at a secondary school for twelve years, planning the curriculum, "
        "running school trips and coordinating exams for three year groups. Teaching is wearing me "
        "out. Is a switch realistic?"
    )
    _, candidates = engine.rank(post)
    top = candidates[0]
    assert top.features.story > 0
    seen: list[float] = []

    def spy(candidates, corrections=(), long_post=False, menu_confidence=0.0, **rest):
        seen.append(menu_confidence)
        return decide(candidates, corrections, long_post, menu_confidence, **rest)

    monkeypatch.setattr(engine_module, "decide", spy)
    engine.answer(post)
    assert seen[0] == with_story(top.confidence, top.features.story) > top.confidence


def test_a_long_posts_story_words_are_not_spell_corrected(engine: AnswerEngine) -> None:
    """The story only says what the post is about, and a real word the knowledge lacks is
    corrected into one it has ("hiking" into "hiring", "baking" into "banking"); the question
    sentences still are corrected."""
    story = (
        "Most weekends I go hiking with my kids, and on Sundays I do the baking for a small cafe run "
        "by a friend. During the week I run the rota and the supplier orders for that cafe, which "
        "made me curious about planning work for a living. "
    )
    told = engine._parser.parse(story + "What would you suggest?")
    assert told.questions and told.corrections == []
    asked = engine._parser.parse(story + "Is a certifcation worth it for someone like me?")
    assert ("certifcation", "certification") in asked.corrections


def test_the_name_a_post_greets_is_not_its_subject(engine: AnswerEngine) -> None:
    """ "Hi Vicki, ..." : the name is a word no entry has, and weighed as the rarest word of a
    post whose own question ("Can you offer any advice on how to start?") names nothing; the
    post was refused (0.07). A known word after a greeting is still read ("hi pmp holders")."""
    post = (
        "Hi Vicki, so I am seriously evaluating my career. Based on my skills and what I excel at, "
        "I am very interested in getting into Project management. Can you offer any advice on how "
        "to start? My resume is mainly in sales so I am lost as to even get started. Let me know "
        "your thoughts."
    )
    query = engine.rank(post)[0]
    assert "vicki" not in query.unknown
    assert engine.answer(post).outcome is not Outcome.UNKNOWN
    assert "pmp" in {
        t
        for c in engine.rank("hi pmp holders, how long did you study?")[0].concepts
        for t, _ in c.alternatives
    }


def test_a_post_without_a_question_mark_asks_where_it_says_so(engine: AnswerEngine) -> None:
    """No sentence ends in "?" or opens like a question: the sentence that asks indirectly ("I
    was wondering if...", "any tips appreciated") is the focus, not the closing remark."""
    story = (
        "I have been leading the release weekends of a payments platform for a year, and the "
        "developers, testers and operations people are exhausted after every cutover. "
    )
    closing = "We track everything in Jira and Confluence across three offices"
    asking = "I was wondering if anyone has advice on keeping on-call work and burnout under control. "
    query = engine._parser.parse(story + asking + closing)
    assert query.long
    assert query.questions == [
        "i was wondering if anyone has advice on keeping on call work and burnout under control"
    ]
    silent = engine._parser.parse(story + "Our release checklist lives in Confluence. " + closing)
    assert silent.questions == ["we track everything in jira and confluence across three offices"]


#: A forum post whose title names its subject; the story's words ("backlog", "product owner")
#: pulled the ranking toward backlog refinement.
FIRST_PLANNING = (
    "Sprint planning with a brand new team. I have just become the Scrum Master of a team of six "
    "developers who have never used Scrum. The product owner has a long backlog and wants to start "
    "next week. How should I run our first planning session?"
)


def test_a_long_posts_first_sentence_and_questions_add_their_evidence(engine: AnswerEngine) -> None:
    """Ranked alone, the title and the question sentences reorder the post's candidates: without
    their evidence the post opened the backlog-refinement entry."""
    query = engine._parser.parse(FIRST_PLANNING)
    assert query.title == "sprint planning with a brand new team"
    answer = engine.answer(FIRST_PLANNING)
    assert answer.outcome is Outcome.ANSWER and answer.entry is not None
    assert answer.entry.id == "sprint-planning-and-sprint-length"


def test_sentence_evidence_reorders_only_the_candidates_it_names(engine: AnswerEngine) -> None:
    """A candidate the title ranks first overtakes a close leader; one neither sentence ranks
    keeps its place behind both; a post with no sentence evidence keeps its order."""
    candidates = engine.rank("sprint planning backlog refinement")[1][:3]
    leader, close, third = candidates
    title = [c for c in candidates if c is close]
    reordered = engine_module._with_sentence_evidence(
        [leader, replace(close, score=leader.score * 0.99), third], [], title
    )
    assert [c.entry.id for c in reordered] == [close.entry.id, leader.entry.id, third.entry.id]
    assert engine_module._with_sentence_evidence(candidates, [[]], []) == candidates


def test_reordering_never_turns_a_menu_into_a_refusal(
    engine: AnswerEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The evidence may put a less confident candidate first; the post still gets at least the
    menu its own best candidate earned (it used to get "I don't know")."""

    def weakest_first(candidates: list[Candidate], *_: object) -> list[Candidate]:
        return [replace(candidates[-1], confidence=0.05), *candidates[:-1]]

    assert engine.answer(TIME_ZONES).outcome in (Outcome.ANSWER, Outcome.SUGGEST)
    monkeypatch.setattr(engine_module, "_with_sentence_evidence", weakest_first)
    assert engine.answer(TIME_ZONES).outcome is Outcome.SUGGEST
