"""Hostile input must cost bounded work and leave no memory behind (issue 10, finding 2).

A question that was one random 1,000-letter word took 1.4-1.9 s and +550 MB, because the
spelling corrector looked up every double deletion of it (about 500,000 strings). The
counted work here is the number of strings the corrector hashes and looks up; the
wall-clock bound is only a generous guard (benchmarks/input_cost.py measures the times).
"""

from __future__ import annotations

import gc
import random
import string
import time
import tracemalloc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.search import AnswerEngine, analyzer, speller
from bot.search import query as query_module
from bot.search.engine import MAX_QUESTIONS
from bot.search.lookup import MAX_LOOKUP_CHARS
from bot.search.query import MAX_WORDS, SPELLING_BUDGET
from bot.search.speller import MAX_PROBES
from bot.search.text import MAX_WORD

QUESTION_CHARS = 1000  # the /ask option's limit
GUARD_SECONDS = 0.2


@contextmanager
def counting_probes() -> Iterator[list[int]]:
    """How many strings the spelling corrector hashes, per lookup, while inside."""
    counts: list[int] = []
    real = speller._hashes

    def counting(strings: Iterable[str]) -> np.ndarray:
        found = real(strings)
        counts.append(len(found))
        return found

    speller._hashes = counting
    try:
        yield counts
    finally:
        speller._hashes = real


@pytest.fixture
def probes_hashed() -> Iterator[list[int]]:
    with counting_probes() as counts:
        yield counts


def random_words(rng: random.Random, length: int, limit: int = QUESTION_CHARS) -> str:
    """Random words of ``length`` letters, as many as fit in ``limit`` characters."""
    count = (limit + 1) // (length + 1)
    text = " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(length)) for _ in range(count))
    assert limit - length <= len(text) <= limit
    return text


def test_one_huge_word_is_not_spell_checked(engine: AnswerEngine, probes_hashed: list[int]) -> None:
    word = random_words(random.Random(1), QUESTION_CHARS)
    start = time.perf_counter()
    answer = engine.answer(word)
    assert time.perf_counter() - start < GUARD_SECONDS
    assert answer.outcome == "unknown"
    assert sum(probes_hashed) == 0


@pytest.mark.parametrize("length", [5, 8, 12, 17, 24, 25, 41])
def test_words_of_any_length_cost_bounded_lookups(
    engine: AnswerEngine, probes_hashed: list[int], length: int
) -> None:
    text = random_words(random.Random(length), length)
    start = time.perf_counter()
    engine.answer(text)
    assert time.perf_counter() - start < GUARD_SECONDS
    assert all(count <= MAX_PROBES for count in probes_hashed)
    assert len(probes_hashed) <= len(text.split())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=QUESTION_CHARS))
def test_any_question_is_bounded(engine: AnswerEngine, text: str) -> None:
    with counting_probes() as counts:
        start = time.perf_counter()
        engine.answer(text)
        assert time.perf_counter() - start < GUARD_SECONDS
    assert all(count <= MAX_PROBES for count in counts)
    assert sum(counts) <= SPELLING_BUDGET


def test_a_huge_word_allocates_little(engine: AnswerEngine) -> None:
    word = random_words(random.Random(2), QUESTION_CHARS)
    gc.collect()
    tracemalloc.start()
    try:
        engine.answer(word)
        engine.lookup(word)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2 * 2**20


def test_new_words_every_time_do_not_grow_memory(
    engine: AnswerEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hundreds of questions made of words nobody wrote before: nothing stays behind beyond
    the members' word caches, which hold at most ``MEMBER_LIMIT`` words each (made small
    here, so that the questions fill them several times over)."""
    monkeypatch.setattr(analyzer, "MEMBER_LIMIT", 200)
    rng = random.Random(3)
    questions = [random_words(rng, rng.choice((6, 9, 13, 17, 30))) for _ in range(150)]
    engine.answer(questions[0])  # first-call allocations are not growth
    engine.lookup(questions[0])
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for question in questions[1:]:
            engine.answer(question)
            engine.lookup(question)
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert growth < 256 * 1024


def test_words_are_cut_to_a_bounded_length(engine: AnswerEngine) -> None:
    query, _ = engine.rank("certification " + "x" * 5000)
    assert max(map(len, query.unknown)) == MAX_WORD


def test_autocomplete_reads_at_most_100_characters(engine: AnswerEngine, probes_hashed: list[int]) -> None:
    typed = "pmp exam " + random_words(random.Random(4), 17)
    start = time.perf_counter()
    found = engine.lookup(typed)
    assert time.perf_counter() - start < GUARD_SECONDS
    assert found == engine.lookup(typed[:MAX_LOOKUP_CHARS])
    assert sum(probes_hashed) <= 2 * MAX_PROBES * (MAX_LOOKUP_CHARS // 18 + 1)


def test_long_messages_read_a_bounded_number_of_words(engine: AnswerEngine) -> None:
    """A 6,000-character chat message is read as its first and last words, so the
    question at its end still counts and the cost does not grow with the length."""
    story = " ".join(f"filler{i}" for i in range(900))
    query, candidates = engine.rank(f"{story}. How much does the PMP exam cost?")
    assert len(query.unknown) < MAX_WORDS
    assert candidates and candidates[0].entry.id == engine.answer("How much does the PMP exam cost?").entry.id


def test_a_message_full_of_typos_has_a_spelling_budget(
    engine: AnswerEngine, probes_hashed: list[int]
) -> None:
    """Every word a long misspelling: the corrector stops when the message's budget is spent."""
    words = [w for w in engine._parser.speller._words if len(w) >= 12]
    rng = random.Random(5)
    text = " ".join(w[:3] + "q" + w[4:] for w in rng.sample(words, 60))[:QUESTION_CHARS]
    engine.answer(text)
    assert 0 < sum(probes_hashed) <= SPELLING_BUDGET


def test_a_spent_budget_looks_nothing_up(engine: AnswerEngine, probes_hashed: list[int]) -> None:
    """``answer`` ranks a long post's question sentences again with no budget of their own
    (their words were corrected with the whole message)."""
    query, _ = engine.rank("pmp certifcation requirments", spelling_budget=0)
    assert probes_hashed == [] and query.corrections == []
    assert engine.rank("pmp certifcation requirments")[0].corrections


def test_a_sense_word_repeated_to_the_limit_is_checked_for_capitals_once_a_parse(
    engine: AnswerEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Safe" beside "it" is the everyday word unless the message writes "SAFe": that is read
    from the message's own text, once a parse (the whole message, then at most a few of its
    sentences), not once for each of 125 repetitions (6.4 ms instead of 0.8 at 1,000 characters)."""
    real = query_module._AS_WRITTEN
    scans: list[int] = []

    class Counting:
        def findall(self, text: str) -> list[str]:
            scans.append(len(text))
            return real.findall(text)

    monkeypatch.setattr(query_module, "_AS_WRITTEN", Counting())
    for message in (("it safe " * 200)[:QUESTION_CHARS], ("keep it safe. " * 100)[:QUESTION_CHARS]):
        scans.clear()
        engine.answer(message)
        assert len(scans) <= 2 + MAX_QUESTIONS  # the message, its first sentence, its questions


def test_a_glued_level_repeated_to_the_limit_is_looked_up_once_a_parse(
    engine: AnswerEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "scrum2" is read as "scrum 2" unless "scrum" is an everyday English word: that look-up
    scans the word list, so it is made once for each distinct glued word of a parse, not once
    for each of its repetitions (6.7 ms instead of 1.8 for a message of them at Discord's limit)."""
    real = query_module.is_common_english
    looked_up: list[str] = []

    def counting(word: str) -> bool:
        looked_up.append(word)
        return real(word)

    monkeypatch.setattr(query_module, "is_common_english", counting)
    for message in (("scrum2 " * 200)[:QUESTION_CHARS], ("scrum2. " * 150)[:QUESTION_CHARS]):
        looked_up.clear()
        engine.answer(message)
        assert 1 <= len(looked_up) <= 2 + MAX_QUESTIONS  # the message, its first sentence, its questions
    looked_up.clear()
    engine.answer(("pm1 " * 300)[:QUESTION_CHARS])
    assert looked_up == []  # no English word of the list is shorter than four letters
