"""Outcomes on the shipped knowledge, the answer contract, and bad input never raising."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli.render import render
from bot.knowledge.models import Entry
from bot.search import AnswerEngine, Candidate, Outcome, calibration
from bot.search import engine as engine_module
from bot.search.calibration import (
    ANSWER_AT,
    FEATURES,
    LONG_ANSWER_AT,
    MAX_SUGGESTIONS,
    SUGGEST_AT,
    Features,
)
from bot.search.engine import SURE_MARGIN, Answer, _largest, decide
from bot.search.query import Query


def check_shape(answer) -> None:
    """Every Answer keeps the contract, whatever the input."""
    assert isinstance(answer.outcome, Outcome)
    assert 0.0 <= answer.confidence <= 1.0
    if answer.outcome in (Outcome.UNKNOWN, Outcome.SMALL_TALK):
        assert answer.entry is None and answer.suggestions == []
        assert (answer.small_talk is not None) == (answer.outcome is Outcome.SMALL_TALK)
    else:
        assert answer.entry is not None
    if answer.outcome is Outcome.SUGGEST:
        assert 2 <= len(answer.suggestions) <= MAX_SUGGESTIONS
        assert answer.suggestions[0][0] == answer.entry
    for _, confidence in answer.suggestions:
        assert 0.0 <= confidence <= 1.0


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("how much does the pmp cost for non members", "pmp-fees"),
        ("PMP requirements without a degree?", "pm-without-a-degree"),
        ("what is pmief", "pmi-chapter-volunteering"),
        ("scrum master vs project manager??", "pm-vs-scrum-master"),
        ("<@123> **capm** exam how many questions 🙏", "capm-exam-format"),
        ("What if I don't pass the PMP exam?", "failing-pmi-exam-retakes"),
    ],
)
def test_clear_questions_are_answered(engine: AnswerEngine, question: str, entry_id: str) -> None:
    answer = engine.answer(question)
    assert answer.outcome is Outcome.ANSWER
    assert answer.entry is not None and answer.entry.id == entry_id
    check_shape(answer)


@pytest.mark.parametrize(
    "question",
    [
        "how do I become a nurse",
        "what's the weather",
        "should i buy bitcoin",
        "best lasagna recipe",
        "how do i become a dentist",
        "how do i mute someone on discord server",
        "qwertyuiop??",
        # another career as the goal (bot.search.scope): answered at 0.99-1.00 with entries
        # about moving from that career into PM before
        "how do I become a software developer",
        "what certification should I get to become a data scientist",
        "how do I become a software engineer without a degree",
    ],
)
def test_out_of_scope_is_unknown(engine: AnswerEngine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.outcome is Outcome.UNKNOWN
    check_shape(answer)


def test_exact_alias_is_served_directly(engine: AnswerEngine) -> None:
    answer = engine.answer("pmp")
    assert answer.outcome is Outcome.ANSWER and answer.entry is not None
    assert answer.entry.id == "pmp-overview"


def test_one_vague_word_names_other_candidates(engine: AnswerEngine) -> None:
    """'exam' gets the most central entry, plus the runner-ups to pick from instead."""
    answer = engine.answer("exam")
    check_shape(answer)
    assert answer.outcome is not Outcome.UNKNOWN and answer.suggestions


def candidate(entry: Entry, confidence: float) -> Candidate:
    return Candidate(entry, confidence, Features(0.5, 0.5, 1.0, 0.5, 0.0), confidence)


def test_decide_thresholds(engine: AnswerEngine) -> None:
    a, b, c = list(engine.knowledge.entries.values())[:3]
    sure = decide([candidate(a, 0.95), candidate(b, 0.7), candidate(c, 0.1)])
    assert sure.outcome is Outcome.ANSWER and sure.entry == a and [e for e, _ in sure.suggestions] == [b]
    torn = decide([candidate(a, SUGGEST_AT + 0.01), candidate(b, SUGGEST_AT), candidate(c, 0.01)])
    assert torn.outcome is Outcome.SUGGEST and [e for e, _ in torn.suggestions] == [a, b]
    alone = decide([candidate(a, SUGGEST_AT + 0.01)])
    assert alone.outcome is Outcome.UNKNOWN and alone.entry is None
    assert decide([candidate(a, 0.05), candidate(b, 0.04)]).outcome is Outcome.UNKNOWN
    assert decide([]).outcome is Outcome.UNKNOWN


def test_a_message_off_the_topic_gets_an_answer_or_nothing(engine: AnswerEngine) -> None:
    """``on_topic=False`` takes the menu away and leaves an answer alone."""
    a, b, c = list(engine.knowledge.entries.values())[:3]
    torn = [candidate(a, SUGGEST_AT + 0.01), candidate(b, SUGGEST_AT), candidate(c, 0.01)]
    assert decide(torn).outcome is Outcome.SUGGEST
    assert decide(torn, on_topic=False).outcome is Outcome.UNKNOWN
    sure = decide([candidate(a, 0.95), candidate(b, 0.7)], on_topic=False)
    assert sure.outcome is Outcome.ANSWER and sure.entry == a


def test_long_rambling_message_answers_the_final_question(engine: AnswerEngine) -> None:
    story = (
        "I've worked in retail for seven years, I run a store with 25 staff, do the rotas, the "
        "budget, the suppliers and the corporate calls, and I'm tired of weekends. A friend at a "
        "software company thinks I'd be great at project management because I organise "
        "everything. Every job ad I find wants a certification. "
        * 3
        + "Which certification should I get first?"
    )
    answer = engine.answer(story)
    assert answer.outcome in (Outcome.ANSWER, Outcome.SUGGEST)
    assert answer.entry is not None and answer.entry.id == "which-pm-certification-first"


def test_typos_are_forgiven(engine: AnswerEngine) -> None:
    answer = engine.answer("how much is the pmp certifcation exam")
    assert answer.entry is not None and answer.entry.id == "pmp-fees"


def test_to_json_contract(engine: AnswerEngine) -> None:
    payload = engine.answer("how long is the capm exam").to_json("how long is the capm exam")
    assert set(payload) == {"question", "outcome", "confidence", "entry", "suggestions"}
    assert payload["outcome"] in ("answer", "suggest", "unknown")
    assert set(payload["entry"]) == {"id", "title", "answer", "links"}
    assert all(set(link) == {"title", "url"} for link in payload["entry"]["links"])
    unknown = engine.answer("weather in paris").to_json("weather in paris")
    assert unknown["entry"] is None and unknown["suggestions"] == [] and unknown["outcome"] == "unknown"


BAD_INPUT = [
    "",
    "   \t\n ",
    "x" * 100_000,
    "pmp " * 25_000,
    "pmp\x00fees\x00",
    "\ud800\udfff\ud83d lone",
    "\u202e\u200f\u200b\u2066",
    "pmp AND OR NOT NEAR * \" ( ) : ' ; --",
    "'; DROP TABLE entries; --",
    'NEAR(pmp capm, 2) "unterminated',
    "<@123456789>",
    "<@&42> <#7>",
    "🎉",
    "🙏🙏🙏",
    ":smile:",
    "\x00" * 50,
    "a" * 5000,
    "?" * 300,
    "👩‍💻 pmp?",
]


@pytest.mark.parametrize("text", BAD_INPUT)
def test_bad_input_gets_an_outcome(engine: AnswerEngine, text: str) -> None:
    check_shape(engine.answer(text))
    assert len(engine.lookup(text)) <= 25


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_string_gets_an_outcome(engine: AnswerEngine, text: str) -> None:
    check_shape(engine.answer(text))
    found = engine.lookup(text)
    assert len(found) <= 25 and len({e.id for e in found}) == len(found)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            [
                "pmp",
                "capm",
                "exam",
                "<@1>",
                "😀",
                "AND",
                "*",
                "\x00",
                "cost",
                "?",
                "certifcation",
                "scrum",
                "\u200b",
                "NEAR",
                "'",
                '"',
            ]
        ),
        max_size=30,
    )
)
def test_token_soup_gets_an_outcome(engine: AnswerEngine, parts: list[str]) -> None:
    check_shape(engine.answer(" ".join(parts)))


TWO_QUESTIONS = (
    "I work in retail and have been reading about project management for a year. I have a degree "
    "in history and lead a small team at the store. How much does the PMP exam cost? And how many "
    "questions are on the CAPM exam?"
)


def test_a_post_asking_two_things_offers_each_answer(engine: AnswerEngine) -> None:
    """The post is answered with what its whole text ranks first (the story picks better than
    a lone sentence); each question's own entry is offered beside it."""
    answer = engine.answer(TWO_QUESTIONS)
    first = engine.answer("How much does the PMP exam cost?")
    second = engine.answer("how many questions are on the CAPM exam?")
    assert answer.outcome is Outcome.ANSWER and answer.entry == engine.rank(TWO_QUESTIONS)[1][0].entry
    offered = (answer.entry, *answer.also_asked)
    assert first.entry in offered and second.entry in offered
    assert answer.entry not in answer.also_asked
    assert answer.to_json(TWO_QUESTIONS)["also_asked"] == [
        {"id": e.id, "title": e.title} for e in answer.also_asked
    ]
    assert "also_asked" not in first.to_json("q")


RETAIL = (
    "I've been in retail management for nine years and honestly the weekends are killing me. My partner "
    "is supportive but we have a mortgage, two kids and a dog, and the nursery fees went up again. Is it "
    "too late to change careers at 41?"
)


def test_a_question_sentence_lifts_the_posts_best_entry(engine: AnswerEngine) -> None:
    """The story dilutes the whole post's confidence; its question, asked alone, names the same
    entry with more, and the post's best entry is lifted to the mean of the two confidences."""
    query, candidates = engine.rank(RETAIL)
    question = query.questions[-1]
    alone = engine.answer(question)
    post = candidates[0].confidence
    assert alone.entry == candidates[0].entry and alone.confidence > post
    answer = engine.answer(RETAIL)
    assert answer.entry == candidates[0].entry
    assert answer.confidence == (post + alone.confidence) / 2


def test_a_question_sure_of_its_entry_heads_the_menu_of_a_post_whose_story_points_elsewhere(
    engine: AnswerEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The story (vendors, carriers, a week away) ranks another entry first and unsure; the
    question alone names the time-off entry with near certainty, and it heads the menu. It is not
    answered: on the tune posts such a question's entry was more often wrong than right.

    The post's own ranking is a near tie between the time-off entry and the takeover one, which any
    entry a moderator adds can tip, so the test puts the story's pick first itself."""
    post = (
        "I coordinate four projects for a logistics firm and I am the switchboard between the warehouse "
        "crews, the carriers, our vendors and the developers. Last summer I went to the coast for a few days, and "
        "the messages never stopped: the carriers, the vendors, the warehouse. My partner was furious and "
        "the kids barely saw me. How do you take time off as a PM?"
    )
    ranked = engine._ranked

    def story_first(query: Query, depth: int) -> list[Candidate]:
        candidates = ranked(query, depth)
        if not query.long:  # a sentence ranked alone keeps its own order
            return candidates
        return sorted(candidates, key=lambda c: c.entry.id == "taking-time-off-as-a-pm")

    monkeypatch.setattr(engine, "_ranked", story_first)
    query, candidates = engine.rank(post)
    alone = engine.answer(query.questions[-1])
    assert candidates[0].entry != alone.entry and candidates[0].confidence < alone.confidence - SURE_MARGIN
    # the sentences' evidence alone now puts the time-off entry first; without it the post's
    # best stays the story's, and the question's sureness is what decides
    monkeypatch.setattr(engine_module, "_with_sentence_evidence", lambda ranked, *_: ranked)
    answer = engine.answer(post)
    assert answer.outcome is Outcome.SUGGEST and answer.entry == alone.entry
    assert answer.entry is not None and answer.entry.id == "taking-time-off-as-a-pm"


def test_a_long_post_is_answered_from_its_own_threshold(engine: AnswerEngine) -> None:
    """A confidence that answers a short question only earns a long post a menu: a story's many
    words make a wrong entry look surer than a short question's few do."""
    a, b = list(engine.knowledge.entries.values())[:2]
    between = (LONG_ANSWER_AT + ANSWER_AT) / 2
    short = decide([candidate(a, between), candidate(b, 0.1)])
    assert short.outcome is Outcome.ANSWER and short.entry == a
    assert decide([candidate(a, between), candidate(b, 0.1)], long_post=True).outcome is Outcome.SUGGEST


def test_the_first_of_a_near_tie_gets_a_menu_however_sure_it_looks(engine: AnswerEngine) -> None:
    """The confidence model hardly weighs the margin over the runner-up; the answer check does:
    a candidate that clears the answer line with nothing between it and the next one is offered
    in a menu, and the same candidate well ahead is answered."""
    a, b = list(engine.knowledge.entries.values())[:2]

    def ahead_by(margin: float) -> list[Candidate]:
        features = Features(soft=0.2, hard=0.5, anchor=0.5, qsim=0.6, margin=margin)
        sure = calibration.confidence(features)
        assert sure >= LONG_ANSWER_AT >= ANSWER_AT  # the answer line alone would answer
        return [Candidate(a, 1.0, features, sure), candidate(b, 0.5)]

    for long_post in (False, True):
        tied = decide(ahead_by(0.0), long_post=long_post)
        assert tied.outcome is Outcome.SUGGEST and [e for e, _ in tied.suggestions][:2] == [a, b]
        clear = decide(ahead_by(0.2), long_post=long_post)
        assert clear.outcome is Outcome.ANSWER and clear.entry == a


def test_a_long_post_has_its_own_answer_check(engine: AnswerEngine) -> None:
    """A post whose story names an entry's phrasings (full anchor) while little of what it says is
    in the entry looks sure to the check fitted on questions the knowledge was written from; the
    long posts' check, fitted on real posts too, sends it to a menu."""
    a, b = list(engine.knowledge.entries.values())[:2]
    features = Features(soft=0.15, hard=0.3, anchor=1.0, qsim=0.3, margin=0.05)
    sure = calibration.confidence(features)
    assert sure >= LONG_ANSWER_AT >= ANSWER_AT  # the answer lines alone would answer both
    assert calibration.likely_right(features) and not calibration.likely_right(features, long_post=True)
    ranked = [Candidate(a, 1.0, features, sure), candidate(b, 0.3)]
    assert decide(ranked).outcome is Outcome.ANSWER
    menu = decide(ranked, long_post=True)
    assert menu.outcome is Outcome.SUGGEST and menu.entry == a
    # a wordy question read as one block gets the same check, and keeps a short question's lines
    assert decide(ranked, long_check=True).outcome is Outcome.SUGGEST


@pytest.mark.parametrize(
    ("question", "checked_long"),
    [
        ("how do i become a scrum master", False),
        (
            "i have been a business analyst at a bank for six years and i keep wondering whether the pmp or the "
            "capm would help me move into running projects",
            True,
        ),
    ],
)
def test_a_wordy_question_read_as_one_block_gets_the_long_posts_check(
    engine: AnswerEngine, monkeypatch: pytest.MonkeyPatch, question: str, checked_long: bool
) -> None:
    """A member's one-sentence question of twenty words or more is checked as a post is: on the
    tune sets the short questions' check answered such questions wrongly about as often as not."""
    seen: list[bool] = []

    def recording(*args: Any, **kwargs: Any) -> Answer:
        seen.append(bool(kwargs.get("long_check")))
        return decide(*args, **kwargs)

    monkeypatch.setattr(engine_module, "decide", recording)
    query = engine._parser.parse(question)
    assert not query.long and not query.questions
    engine.answer(question)
    assert seen == [checked_long]


def test_one_question_asks_nothing_else(engine: AnswerEngine) -> None:
    story = TWO_QUESTIONS.rsplit(" And ", 1)[0]
    assert engine.answer(story).also_asked == ()


def test_terminal_reply_offers_what_else_a_post_asked(engine: AnswerEngine) -> None:
    answer = engine.answer(TWO_QUESTIONS)
    text, choices = render(answer, engine.knowledge)
    assert "You also asked about:" in text and answer.also_asked[0] in choices


def test_a_vague_question_after_an_off_topic_paste_is_not_answered(engine: AnswerEngine) -> None:
    post = (
        "1. What causes this webpack error or babel loader failure? 2. What do you do to solve it? 3. Why does "
        "this error keep happening? webpack ERR! code ELIFECYCLE cannot find module babel-loader in node_modules"
    )
    assert engine.answer(post).outcome is Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("certification for beginners", {"which-pm-certification-first"}),
        ("certifcation for begginers", {"which-pm-certification-first"}),
        (
            "how do I become an IT project manager with no experience",
            {"no-experience-no-job-loop", "how-to-become-an-it-project-manager"},
        ),
        ("how to become a PM without a degree", {"pm-without-a-degree"}),
    ],
)
def test_what_a_new_member_tried_first(engine: AnswerEngine, question: str, entry_id: set[str]) -> None:
    """Issue 11: these opened the networking-events and the degree entries (either of two
    entries answers the no-experience question: the step-by-step one covers that route)."""
    answer = engine.answer(question)
    assert answer.outcome is Outcome.ANSWER and answer.entry is not None and answer.entry.id in entry_id


@pytest.mark.parametrize("question", ["is scrum masters worth it", "are scrum masters in demand"])
def test_the_longest_phrase_over_a_word_decides_what_it_means(engine: AnswerEngine, question: str) -> None:
    """ "masters" alone is the degree; inside "scrum masters" it is the role, and the degree's
    synonym group must not also claim it (the first opened the master's-degree entry)."""
    answer = engine.answer(question)
    assert answer.entry is not None
    assert "masters" not in answer.entry.id
    assert "scrum" in answer.entry.id


def test_the_confidence_reads_each_feature_with_its_own_weight() -> None:
    """``confidence`` spells the model out term by term (it runs six times a question); it must
    pair each feature with the weight ``FEATURES`` and ``Features.vector`` (what
    benchmarks/calibrate.py fits on) give it, so a reordering anywhere shows here."""
    features = Features(soft=0.11, hard=0.23, anchor=0.37, qsim=0.41, margin=-0.53, story=0.9)
    weights = (-0.7, 0.3, -1.1, 1.3, 1.7, 0.5)
    assert features.vector() == tuple(getattr(features, name) for name in FEATURES)
    z = weights[0] + sum(w * x for w, x in zip(weights[1:], features.vector(), strict=True))
    assert calibration.confidence(features, weights) == pytest.approx(1.0 / (1.0 + math.exp(-z)))
    swapped = (weights[0], weights[2], weights[1], *weights[3:])
    assert calibration.confidence(features, swapped) != pytest.approx(
        calibration.confidence(features, weights)
    )


@settings(max_examples=60, deadline=None)
@given(
    size=st.sampled_from([50, 2_000, 10_000, 30_000]),
    k=st.integers(1, 400),
    levels=st.integers(1, 5_000),
    seed=st.integers(0, 2**32 - 1),
)
def test_largest_finds_the_k_largest_scores(size: int, k: int, levels: int, seed: int) -> None:
    """The sampled shortcut of a large knowledge base picks the same scores as a full partition,
    ties (few distinct levels: near-copies of entries) and zeros included."""
    rng = np.random.default_rng(seed)
    values = rng.integers(0, levels, size).astype(np.float64) / levels
    k = min(k, size - 1)
    picked = _largest(values, k)
    assert len(picked) == len(set(picked.tolist())) == k
    assert sorted(values[picked]) == sorted(values)[-k:]


def test_words_that_only_say_the_member_wants_something_carry_no_weight(engine: AnswerEngine) -> None:
    """ "wanting", "keen", "eager", "willing" say nothing about the subject; unknown to the
    knowledge, they weighed as much as the rarest word, and "wanting" as a rare one."""
    plain = engine.rank("to become a project manager")[0]
    for word in ("wanting", "needing", "keen", "eager", "willing"):
        query = engine.rank(f"{word} to become a project manager")[0]
        assert query.unknown == [] and query.mass == plain.mass, word


def test_discourse_words_do_not_outweigh_the_subject(engine: AnswerEngine) -> None:
    """ "however", "whose", "vice versa" and the "brand" of "brand new" are function words;
    "particular", "simply" and "attend" everyday ones. Rare or unknown in the knowledge, each
    weighed as a subject word in a chatty post ("PMP rather than PRINCE2, or vice versa?" was
    declined; "a brand new project" went to the one entry whose question said "brand new")."""
    for sentence in (
        "however, which certification first",
        "whose certification first",
        "which certification first, or vice versa",
    ):
        assert engine.rank(sentence)[0].mass == engine.rank("which certification first")[0].mass, sentence
    new = engine.rank("agenda for a new project")[0].mass
    assert engine.rank("agenda for a brand new project")[0].mass == new
    everyday = engine.rank("which certification first, big question")[0].mass  # capped: everyday
    for word in ("particular", "simply", "attend"):
        assert engine.rank(f"which certification first, {word} question")[0].mass <= everyday, word


def test_asking_for_a_simple_explanation_does_not_pick_the_entry(engine: AnswerEngine) -> None:
    """ "in plain English", "in layman's terms", "like I'm five" say how to answer, not what
    about: an entry whose own phrasing says "in plain English" took the critical path question."""
    plain = engine.rank("explain the critical path")[0]
    for manner in ("in plain english", "in layman's terms", "in simple terms", "like im five"):
        query = engine.rank(f"explain the critical path {manner}")[0]
        assert query.mass == plain.mass and query.unknown == [], manner
    answer = engine.answer("can someone explain the critical path in plain english")
    assert answer.entry is not None and answer.entry.id == "critical-path-method"


def test_calling_a_question_dumb_or_quick_says_nothing_about_it(engine: AnswerEngine) -> None:
    """ "dumb question", "quick question", "serious question": how members introduce a question,
    not what it asks. "dumb" is rare in the knowledge, so it weighed like a subject word."""
    plain = engine.rank("which certification first")[0]
    for manner in (
        "dumb question",
        "stupid questions",
        "quick question",
        "noob question",
        "serious question",
    ):
        query = engine.rank(f"{manner}: which certification first")[0]
        assert query.mass == plain.mass and query.unknown == [], manner


def test_right_now_says_when_not_what(engine: AnswerEngine) -> None:
    """ "right" of "right now" weighed as a subject word: "what's the job market like for pms
    right now" opened the scrum master job market entry, with "is PM right for me" close behind."""
    plain = engine.rank("what's the job market like for pms")[0]
    for when in ("right now", "at the moment"):
        assert engine.rank(f"what's the job market like for pms {when}")[0].mass == plain.mass, when
    answer = engine.answer("what's the job market like for pms right now")
    assert answer.entry is not None and answer.entry.id == "pm-job-outlook-demand"
    fit = engine.answer("is project management the right career for me")
    assert fit.entry is not None and fit.entry.id == "is-project-management-right-for-me"


def test_in_theory_is_a_manner_of_speaking(engine: AnswerEngine) -> None:
    """ "theory" is rare in the knowledge (the PMP's motivation theories), so "in theory, yes, but"
    took a question about a Product Owner who also develops to Maslow and Herzberg."""
    question = "can a product owner be a developer in scrum? in theory yes, but is it recommended"
    assert engine.rank(question)[0].mass == engine.rank(question.replace(" in theory", ""))[0].mass
    answer = engine.answer(question)
    assert answer.entry is not None and answer.entry.id != "pmp-motivation-and-team-theories"
    theories = engine.answer("what is theory x and theory y")
    assert theories.entry is not None and theories.entry.id == "pmp-motivation-and-team-theories"


def test_a_co_prefix_is_part_of_its_word(engine: AnswerEngine) -> None:
    """ "co-ordination" split into "co" and "ordination": "co" alone is rare in the knowledge and
    matched the entry on a "co-Scrum Master", which answered a question about project
    coordination. Written either way, the word is the same."""
    question = "what is the difference between project management and project co-ordination?"
    assert engine.rank(question)[0].concepts == engine.rank(question.replace("co-", "co"))[0].concepts
    answer = engine.answer(question)
    assert answer.entry is None or answer.entry.id != "two-scrum-masters-one-team"


def test_pros_and_cons_ask_about_what_follows(engine: AnswerEngine) -> None:
    """ "pros and cons of X" and "advantages and disadvantages of X" ask about X. "cons" and
    "disadvantages" are rare in the knowledge, so a sprint question ending "what are the pros and
    cons of extending?" was answered with the entry on the pros and cons of a PM career."""
    question = "would it be a good idea to extend the sprint by a week? what are the pros and cons"
    assert engine.rank(question)[0].mass == engine.rank(question.removesuffix(" pros and cons"))[0].mass
    answer = engine.answer(question)
    assert answer.entry is None or answer.entry.id != "it-pm-career-pros-and-cons"
    scrum = engine.answer("advantages and disadvantages of scrum")
    assert scrum.entry is not None and scrum.entry.id != "it-pm-career-pros-and-cons"
    career = engine.answer("what are the upsides and downsides of an it project management career")
    assert career.entry is not None and career.entry.id == "it-pm-career-pros-and-cons"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how do i transition from teaching into it project management", "teacher-to-it-pm"),
        ("how do I transition from scrum master to project manager?", "pm-vs-scrum-master"),
    ],
)
def test_transition_is_an_everyday_word(engine: AnswerEngine, question: str, expected: str) -> None:
    """Members "transition" into PM far more often than the knowledge says so; the word's rarity
    there made it outweigh where they come from (the developer's entry uses it)."""
    answer = engine.answer(question)
    assert answer.entry is not None and answer.entry.id == expected


@pytest.mark.parametrize(
    "connective", ["therefore", "perhaps", "although", "furthermore", "various", "regarding", "despite that"]
)
def test_connectives_weigh_nothing(engine: AnswerEngine, connective: str) -> None:
    """Linking words, hedges and some prepositions ("regarding", "despite", "via") say how a
    sentence hangs together, not what it is about. No entry uses most of them, so each counted as
    an unknown word as rare as the rarest and sank a plain question: "how do I become an IT
    project manager, therefore" got "I don't know"."""
    question = "how do i become an it project manager"
    padded = f"{connective}, {question}?"
    assert engine.rank(padded)[0].mass == engine.rank(question)[0].mass
    answer, plain = engine.answer(padded), engine.answer(question)
    assert answer.outcome is Outcome.ANSWER and answer.entry is not None and plain.entry is not None
    assert answer.entry.id == plain.entry.id


@pytest.mark.parametrize("question", ["audit", "I got audited", "selected for audit what now"])
def test_an_audit_on_its_own_is_the_pmp_audit(engine: AnswerEngine, question: str) -> None:
    """In a community of PMP candidates an audit is PMI's check of an application; the entry on
    auditing a project (a health check) must not take the bare word (it did once it was added)."""
    answer = engine.answer(question)
    assert answer.outcome is Outcome.ANSWER and answer.entry is not None
    assert answer.entry.id == "pmp-audit"
