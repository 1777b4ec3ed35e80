"""Long forum posts (a story, then a question that may not name its subject), words read in
the sense the message gives them, and derived words that mean something else than their stem."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.search import AnswerEngine, Candidate, Outcome
from bot.search import engine as engine_module
from bot.search.analyzer import Analyzer
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


def test_connection_trouble_is_not_professional_networking(engine: AnswerEngine) -> None:
    trouble = (
        "Since the last update my laptop's wifi drops every few minutes. I reset the router and "
        'reinstalled the adapter, and now Windows only says "can\'t connect to this network".'
    )
    assert engine.answer(trouble).outcome is Outcome.UNKNOWN
    for short in ("my router says it can't connect to this network", "Wi-Fi: can't connect to this network"):
        assert engine.answer(short).outcome is Outcome.UNKNOWN
    query = engine._parser.parse(trouble)
    assert {"network", "connect"} <= query.other_sense
    # the sentence answered on its own inherits the post's reading
    sentence = engine.rank("it cant connect to this network", other_sense=query.other_sense)[1]
    assert not sentence or sentence[0].confidence < SUGGEST_AT
    networking = engine.answer("how do I network with other project managers?")
    assert networking.outcome is Outcome.ANSWER and "network" in networking.entry.id


def test_body_weight_is_not_an_exams_domain_weights(engine: AnswerEngine) -> None:
    assert engine.answer("how do I lose weight fast").outcome is Outcome.UNKNOWN
    weights = engine.answer("what are the pmp exam domain weights?")
    assert weights.outcome is Outcome.ANSWER and weights.entry.id == "pmp-exam-format"


def test_a_programs_exit_code_is_not_leaving_a_job(engine: AnswerEngine) -> None:
    for crash in (
        "my script exited with code 139 what does that mean",
        "my pod keeps exiting with OOMKilled",
    ):
        assert engine.answer(crash).outcome is Outcome.UNKNOWN, crash
    leaving = engine.answer("should I exit PM and go back to writing code?")
    assert leaving.outcome is Outcome.ANSWER and leaving.entry.id == "leaving-project-management"


def test_chartered_is_not_a_form_of_charter(engine: AnswerEngine) -> None:
    analyzer = Analyzer()
    assert analyzer.stem("chartered") == "chartered" and analyzer.stem("charters") == "charter"
    _, candidates = engine.rank("chartered accountant exams")
    assert all("charter" not in c.entry.id or "chartered" in c.entry.id for c in candidates)
    charter = engine.answer("what goes in a project charter?")
    assert charter.outcome is Outcome.ANSWER and "charter" in charter.entry.id


def test_utilize_is_not_a_form_of_utilization(engine: AnswerEngine) -> None:
    """ "utilize" only means "use": a career changer asking how to utilize their background is
    not asking about billable utilisation."""
    assert Analyzer().stem("utilization") == "utilization" != Analyzer().stem("utilize")
    asked = engine.answer(
        "I have years of experience in IT operations, how can I utilize it to get a PM job?"
    )
    assert asked.entry is None or "utilisation" not in asked.entry.id
    rate = engine.answer("how do I work out the billable utilisation rate of my team?")
    assert rate.outcome is Outcome.ANSWER and "utilisation" in rate.entry.id


def test_things_named_by_the_cues_are_not_knowledge_words(engine: AnswerEngine) -> None:
    """A member who writes "router", "port" or "container" means that thing: it is not a typo
    of "route", a clipped "portfolio" or a form of "contain", so it matches nothing."""
    for thing in ("router", "routers", "port", "ports", "container", "containers"):
        query = engine._parser.parse(f"my {thing} is not working")
        assert thing in query.unknown and not query.corrections, thing
    wifi = (
        "I have a router and a pocket WiFi. On the router I cannot search in Google and on the "
        "pocket WiFi I can search but cannot port forward, please help"
    )
    assert engine.answer(wifi).outcome is Outcome.UNKNOWN
    assert engine.answer("my docker container will not start, any ideas?").outcome is Outcome.UNKNOWN
    portfolio = engine.answer("how do I build a project management portfolio?")
    assert portfolio.outcome is Outcome.ANSWER and portfolio.entry.id == "pm-portfolio"


@pytest.mark.parametrize(
    "message",
    [
        "what is a raid 1 mirror",
        "which raid controller should i buy",
        "police raid on the building",
        "how much contingency should i keep in my savings",
        "how do i budget for my wedding",
    ],
)
def test_raids_and_household_budgets_are_not_project_ones(engine: AnswerEngine, message: str) -> None:
    """Each was answered (0.69-0.91) by the RAID log or the project budget entry."""
    assert engine.answer(message).outcome is Outcome.UNKNOWN


def test_project_costs_are_not_household_cues(engine: AnswerEngine) -> None:
    """Rent and debt are project words too (office rent, technical debt): not cues of a household."""
    for question in (
        "how do i budget for technical debt in my project",
        "is office rent part of the project budget",
    ):
        assert "budget" not in engine._parser.parse(question).other_sense, question


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what is a raid log", "raid-log-and-action-log"),
        ("my boss wants a raid log, how do i drive the weekly review", "raid-log-and-action-log"),
        ("my project budget is over, how do i explain it to the sponsor", "managing-an-it-project-budget"),
    ],
)
def test_a_projects_raid_log_and_budget_are_still_answered(
    engine: AnswerEngine, question: str, entry: str
) -> None:
    answer = engine.answer(question)
    assert answer.outcome is Outcome.ANSWER and answer.entry is not None and answer.entry.id == entry


@pytest.mark.parametrize(
    "message",
    [
        "I can't find the project roadmap, when is the next release?",
        "project roadmap says v2 ships in march, is that still the plan?",
    ],
)
def test_a_software_roadmap_is_not_the_career_roadmap(engine: AnswerEngine, message: str) -> None:
    """Both opened the "how to become an IT project manager" entry (0.97, 0.72) through its
    /roadmap."""
    assert engine.answer(message).outcome is Outcome.UNKNOWN
    career = engine.answer("is there a roadmap to become an it project manager")
    assert career.outcome is Outcome.ANSWER and career.entry is not None
    assert career.entry.id == "how-to-become-an-it-project-manager"


def test_cannot_is_a_function_word(engine: AnswerEngine) -> None:
    """ "cannot" is "can't" written whole; the knowledge writes it a few times, which made it
    one of the rarest, heaviest words of a question."""
    assert (
        engine._parser.parse("i cannot find a job").concepts
        == engine._parser.parse("i cant find a job").concepts
    )


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

    def spy(candidates, corrections=(), long_post=False):
        seen.append(long_post)
        return decide(candidates, corrections, long_post)

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
    "team for two years. Are there many openings around Leeds for someone at my level?"
)


def test_a_long_post_keeps_the_names_it_writes(engine: AnswerEngine) -> None:
    """In a long post a capitalised word mid-sentence is a name ("Leeds" is not a misspelt
    "leads"); the same word in a short question, and typos in a long post, are corrected."""
    assert engine._parser.parse(MOVING).long
    assert "leeds" not in dict(engine._parser.parse(MOVING).corrections)
    assert "leeds" in dict(engine._parser.parse("are there pm jobs around leeds").corrections)
    typo = MOVING.replace("someone at my level", "someone with a certifcation")
    assert dict(engine._parser.parse(typo).corrections).get("certifcation") == "certification"


def test_a_title_cased_long_post_is_still_corrected(engine: AnswerEngine) -> None:
    """A message that capitalises most of its words (a title) tells no names apart."""
    titled = " ".join(word.capitalize() for word in MOVING.split())
    assert "leeds" in dict(engine._parser.parse(titled).corrections)


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
        "out. Is there any chance?"
    )
    _, candidates = engine.rank(post)
    top = candidates[0]
    assert top.features.story > 0
    seen: list[float] = []

    def spy(candidates, corrections=(), long_post=False, menu_confidence=0.0):
        seen.append(menu_confidence)
        return decide(candidates, corrections, long_post, menu_confidence)

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


@pytest.mark.parametrize(
    ("elsewhere", "here"),
    [
        (
            "my ssl certificate expired on the nginx server, how do I renew it?",
            "my pmp certification expired, how do I renew it?",
        ),
        ("how do I get faster at the 400m sprint, my hamstrings are tight", "how long is a sprint in scrum?"),
        ("what position should I play in a rugby scrum?", "what does a scrum master do?"),
        ("how do I train my dog for agility competitions?", "what is agile project management?"),
        ("how much risk should I take with stocks in my roth ira?", "how do I manage project risks?"),
    ],
)
def test_the_subjects_words_in_another_sense_carry_no_answer(
    engine: AnswerEngine, elsewhere: str, here: str
) -> None:
    """A website's certificate, a runner's sprint, a rugby scrum, dog agility, an investor's risk."""
    assert engine.answer(elsewhere).outcome is Outcome.UNKNOWN
    assert engine.answer(here).outcome is Outcome.ANSWER


def test_family_words_are_everyday_words(engine: AnswerEngine) -> None:
    """ "son" was missing from the everyday words, so the one stored question that says "my
    son" made it one of the rarest, heaviest words: a toddler's first steps opened the degrees
    entry at 0.74."""
    assert engine.answer("My son is 15 months old he is not walking?").outcome is Outcome.UNKNOWN
    degree = engine.answer("my daughter wants to manage IT projects one day, what should she study?")
    assert (
        degree.outcome is Outcome.ANSWER
        and degree.entry is not None
        and degree.entry.id == "degrees-for-it-pm"
    )


def test_way_is_an_everyday_word(engine: AnswerEngine) -> None:
    """ "by the way" is filler: "way" counted as a subject word, and a question about a software
    release's date was offered a menu of PM entries (0.61)."""
    message = (
        "1. I don't find the project roadmap, can you consider about it? "
        "2. By the way, I want to ask the release date of version 2."
    )
    assert engine.answer(message).outcome is Outcome.UNKNOWN
