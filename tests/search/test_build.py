"""Building the index in bulk: the same terms as the analyzer gives text by text, few Python
objects kept, and a knowledge reload that leaves the garbage collector as it found it."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import shutil
import sys
import weakref
from array import array
from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.models import Entry, Knowledge
from bot.library import RELOAD_SWITCH_INTERVAL, Librarian, Library
from bot.search import AnswerEngine
from bot.search.analyzer import Analyzer
from bot.search.corpus import SEPARATOR, Corpus, repeat
from bot.search.speller import Speller, _deletes
from bot.search.text import _WORD, _prepare, cased_words, text_words

REPO = Path(__file__).resolve().parents[2]


def corpus_terms(corpus: Corpus) -> dict[tuple[int, int], Counter[str]]:
    names = list(corpus.terms)
    found: dict[tuple[int, int], Counter[str]] = {}
    for term, entry, text in zip(
        corpus.term.tolist(), corpus.entry.tolist(), corpus.text.tolist(), strict=True
    ):
        found.setdefault((entry, text), Counter())[names[term]] += 1
    return found


def assert_same_terms(entries: list[Entry], analyzer: Analyzer) -> None:
    found = corpus_terms(Corpus(entries, analyzer))
    for number, entry in enumerate(entries):
        for text_number, text in enumerate((entry.title, *entry.aliases, *entry.questions, entry.answer)):
            expected = Counter(analyzer.terms(text.replace(SEPARATOR, " ")))  # the one word dropped
            assert found.get((number, text_number), Counter()) == expected, (entry.id, text)


def test_corpus_rows_are_the_analyzer_terms(engine: AnswerEngine) -> None:
    knowledge = engine.knowledge
    assert_same_terms(list(knowledge.entries.values()), Analyzer(knowledge.synonyms))


def test_corpus_handles_odd_texts(engine: AnswerEngine) -> None:
    """A text holding the separator word, non-ASCII letters (no case kept), empty aliases."""
    base = next(iter(engine.knowledge.entries.values()))
    odd = [
        dataclasses.replace(base, id="a", title=f"the {SEPARATOR} project manager", aliases=("pm",)),
        dataclasses.replace(
            base,
            id="b",
            title="Ελληνικά and Straße for the PMP",
            aliases=(),
            questions=("what is the project management professional?", "ß?", "ok"),
        ),
        dataclasses.replace(base, id="c", answer="IT PM: job postings, CV and résumé tips — PgMP"),
    ]
    assert_same_terms(odd, Analyzer(engine.knowledge.synonyms))


def test_repeat_matches_numpy() -> None:
    values = np.array([4, 5, 6, 7])
    counts = np.array([2, 0, 3, 1])
    assert repeat(values, counts).tolist() == np.repeat(values, counts).tolist()
    assert repeat(values, np.zeros(4, dtype=np.int64)).tolist() == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fast_word_split_is_the_regex_split(text: str) -> None:
    expected = _WORD.findall(_prepare(text, chat=False))
    assert text_words(text) == expected
    cased = cased_words(text)
    if cased is not None:
        assert [w.lower() for w in cased] == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdefgh", min_size=4, max_size=9), min_size=1, max_size=30),
    st.text(alphabet="abcdefgh", min_size=5, max_size=10),
)
def test_speller_table_finds_what_a_dict_of_deletes_finds(vocabulary: list[str], word: str) -> None:
    speller = Speller(dict.fromkeys(vocabulary, 1))
    table: dict[str, set[str]] = {}
    for known in vocabulary:
        for key in _deletes(known) | {known}:
            table.setdefault(key, set()).add(known)
    probes = {word} | _deletes(word)
    expected = {c for probe in probes for c in table.get(probe, ())}
    assert speller._candidates(probes) == expected


def copies(knowledge: Knowledge, size: int) -> Knowledge:
    """``size`` entries made from the shipped ones (new ids, same texts)."""
    seeds = list(knowledge.entries.values())
    made = {}
    for i in range(size):
        seed = seeds[i % len(seeds)]
        made[f"{seed.id}-{i}"] = dataclasses.replace(seed, id=f"{seed.id}-{i}", aliases=())
    return dataclasses.replace(knowledge, entries=made)


def tracked_objects_after_build(knowledge: Knowledge) -> int:
    gc.collect()
    before = len(gc.get_objects())
    engine = AnswerEngine.build(knowledge)
    gc.collect()
    kept = len(gc.get_objects()) - before
    del engine
    return kept


def test_index_size_does_not_grow_the_objects_the_collector_walks(engine: AnswerEngine) -> None:
    """A full garbage collection walks every container object while holding the GIL, so an
    index kept as millions of lists would stall the bot's event loop on every one."""
    small = tracked_objects_after_build(copies(engine.knowledge, 200))
    large = tracked_objects_after_build(copies(engine.knowledge, 2000))
    assert large - small < 100
    assert gc.isenabled()


def test_similar_finds_entries_by_their_own_questions(engine: AnswerEngine) -> None:
    entry = engine.knowledge.entries["capm-exam-format"]
    query = engine._parser.parse(entry.questions[0])
    found = engine._similar(query, 5).tolist()
    assert engine.entries.index(entry) in found


def test_a_reload_leaves_the_heap_settled_and_frees_the_version_it_replaced(
    tmp_path: Path, monkeypatch
) -> None:
    """Full collections leave the library alone (``bot.library.settle_heap``): the heap is
    frozen while the new version is built and again once it is in service, and the replaced
    version, frozen too, is freed by reference counting alone (it must hold no cycle)."""
    root = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", root)
    frozen_during: list[int] = []
    switch_during: list[float] = []
    build = Library.build.__func__  # type: ignore[attr-defined]

    def spy(cls: type[Library], knowledge: Knowledge) -> Library:
        frozen_during.append(gc.get_freeze_count())
        switch_during.append(sys.getswitchinterval())
        return build(cls, knowledge)

    async def run() -> None:
        librarian = await Librarian.open(root)
        replaced = weakref.ref(librarian.knowledge)
        monkeypatch.setattr(Library, "build", classmethod(spy))
        gc.disable()  # only reference counting may free it
        try:
            outcome = await librarian.reload()
            assert outcome.ok and replaced() is None
        finally:
            gc.enable()

    callbacks, switch_before = list(gc.callbacks), sys.getswitchinterval()
    try:
        asyncio.run(run())
        assert frozen_during and frozen_during[0] > 0
        assert gc.get_freeze_count() > 0 and gc.isenabled()
        assert gc.callbacks == callbacks
        # the worker hands the GIL to the event loop sooner while it builds, and only then
        assert switch_during == [RELOAD_SWITCH_INTERVAL]
        assert sys.getswitchinterval() == switch_before
    finally:
        gc.unfreeze()  # the rest of the test session collects as usual


def test_reload_reads_again_only_the_files_that_changed(tmp_path: Path) -> None:
    """The librarian carries the last load's entry files to the next reload: an edit of one entry
    costs one parse, and the others stay the very same objects (no new copies on the heap)."""
    root = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", root)
    edited = next((root / "entries").rglob("*.yaml"))
    original = edited.read_text()

    async def run() -> tuple[Knowledge, Knowledge]:
        librarian = await Librarian.open(root)
        before = librarian.knowledge
        edited.write_text(
            original.replace("\nquestions:\n", "\nquestions:\n  - one more way a member asks this\n", 1)
        )
        assert (await librarian.reload()).ok
        return before, librarian.knowledge

    before, after = asyncio.run(run())
    changed = {i for i, e in after.entries.items() if e is not before.entries[i]}
    assert changed == {edited.stem}
    assert after.entries[edited.stem].questions[0] == "one more way a member asks this"


def test_phrase_rows_are_stored_compactly(engine: AnswerEngine) -> None:
    """A million phrase rows at 10,000 entries: int32 ids keep them 11 MB smaller than int64
    (docs/benchmarks.md, issue 16 third round), and the ranking reads them the same way."""
    phrases = engine._phrases
    assert phrases.term.dtype == phrases.phrase.dtype == phrases.phrases_of_term.dtype == np.int32
    assert engine.answer("how much does the pmp exam cost").entry is not None


def test_postings_and_name_owners_are_stored_compactly(engine: AnswerEngine) -> None:
    """1.25 million postings at 10,000 entries: one byte each says whether a posting is in a
    naming field (float32 took 3.6 MB more), and the names' owners are machine words rather
    than 58,000 int objects (1.5 MB more); docs/benchmarks.md, twenty-first round."""
    assert engine._index._strong.dtype == np.bool_
    assert isinstance(engine._names._owners, array) and engine._names._owners.typecode == "q"
    assert engine.answer("what is the critical path").entry is not None


def test_plain_aliases_are_not_copied_into_the_name_index(engine: AnswerEngine) -> None:
    """Most aliases are written as the name index keeps them (lower case, single spaces): it
    holds the entry's own string, not an equal copy (3.3 MB at 10,000 entries)."""
    names = {id(name) for name in engine._names._names}
    plain = [
        a
        for e in engine.entries
        for a in e.aliases
        if " ".join(a.split()) == a and a.isascii() and a.replace(" ", "").isalnum()
    ]
    assert len(plain) > 500
    assert all(id(alias) in names for alias in plain)
