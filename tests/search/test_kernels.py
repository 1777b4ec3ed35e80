"""The engine's inner loops in C (``bot/search/_kernels.c``) and in numpy (``kernels.py``)
give the same numbers, so a server built without a C compiler answers exactly as one with.

Where the C module was not built, the comparisons skip (the numpy versions are then what every
other search test runs); CI builds it, and ``test_ci_builds_the_kernels`` checks that it did.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator

import numpy as np
import pytest

from bot.search import AnswerEngine, kernels
from tests.eval.real_questions import load_items as load_real_questions
from tests.search.test_build import copies

compiled_only = pytest.mark.skipif(
    not kernels.COMPILED, reason="bot.search._kernels was not built (no C compiler)"
)

HOSTILE = [
    "",
    "?!",
    "a",
    "the the the the the",
    "pmp " * 400,
    "x" * 4000,
    "what is " + " ".join(f"word{i}" for i in range(300)),
    "PMP CAPM PSM CSM PRINCE2 ITIL SAFe PMI-ACP " * 20,
    "🙂 " * 100,
]


def ranked(
    engine: AnswerEngine, texts: list[str], compiled: bool, monkeypatch: pytest.MonkeyPatch
) -> Iterator:
    """Every field of every candidate, and the answer, for each text with one kind of kernel."""
    monkeypatch.setattr(kernels, "COMPILED", compiled)
    for text in texts:
        _, candidates = engine.rank(text)
        answer = engine.answer(text)
        yield (
            [(c.entry.id, c.score, dataclasses.astuple(c.features), c.confidence) for c in candidates],
            (answer.outcome, answer.entry and answer.entry.id, answer.confidence),
            [(e.id, c) for e, c in answer.suggestions],
        )


def texts_for(engine: AnswerEngine) -> list[str]:
    asked = [q for entry in engine.entries for q in entry.questions[:2]]
    real = [item["q"] for item in load_real_questions()]
    return asked + real + HOSTILE


@compiled_only
def test_c_and_numpy_rank_and_answer_alike(engine: AnswerEngine, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = texts_for(engine)
    numpy = list(ranked(engine, texts, False, monkeypatch))
    c = list(ranked(engine, texts, True, monkeypatch))
    assert len(c) == len(texts) > 1000
    assert [i for i, (x, y) in enumerate(zip(numpy, c, strict=True)) if x != y] == []


@compiled_only
def test_c_and_numpy_break_ties_alike_among_copies(
    engine: AnswerEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copies of an entry score the same, so which of them are kept hangs on the tie-break
    alone (the lower phrase number first, in both)."""
    doubled = AnswerEngine.build(copies(engine.knowledge, 3 * len(engine.entries)))
    texts = [q for entry in engine.entries[:150] for q in entry.questions[:2]]
    numpy = list(ranked(doubled, texts, False, monkeypatch))
    c = list(ranked(doubled, texts, True, monkeypatch))
    assert [i for i, (x, y) in enumerate(zip(numpy, c, strict=True)) if x != y] == []


def test_closest_phrases_keeps_the_lower_phrase_of_a_tie(monkeypatch: pytest.MonkeyPatch) -> None:
    owner = np.array([4, 0, 1, 1, 2, 3], dtype=np.int64)
    lists = [
        np.array([5, 3, 1, 0], dtype=np.int32),
        np.array([4, 1], dtype=np.int32),
        np.array([3], dtype=np.int32),
    ]
    # recall: phrase 3 1.0 + 2.0 (concept 1's first list misses it); phrase 1 1.0 + 0.5 (concept
    # 1's second list adds no more to it); phrases 0 and 5 tie at 1.0; phrase 4 0.5
    concepts, weights = [0, 1, 1], [1.0, 0.5, 2.0]
    for compiled in [False, True] if kernels.COMPILED else [False]:
        monkeypatch.setattr(kernels, "COMPILED", compiled)
        assert kernels.closest_phrases(lists, concepts, weights, owner, 10, 10) == [1, 0, 4, 3, 2]
        assert kernels.closest_phrases(lists, concepts, weights, owner, 2, 10) == [1, 0]
        assert kernels.closest_phrases(lists, concepts, weights, owner, 10, 3) == [1, 0, 4]


@compiled_only
def test_the_c_module_refuses_arrays_of_the_wrong_kind_or_range() -> None:
    from bot.search import _kernels  # type: ignore[attr-defined]

    docs, sat = np.array([0, 1], dtype=np.int32), np.array([0.5, 0.5], dtype=np.float32)
    with pytest.raises(TypeError, match="out"):
        _kernels.soft(np.zeros(2, dtype=np.float64), [(1.0, [(docs, sat, 1.0)])], 1.0)
    with pytest.raises(TypeError, match="docs"):
        _kernels.soft(np.zeros(2, dtype=np.float32), [(1.0, [(docs.astype(np.int64), sat, 1.0)])], 1.0)
    with pytest.raises(ValueError, match="outside the entries"):
        _kernels.soft(np.zeros(1, dtype=np.float32), [(1.0, [(docs, sat, 1.0)])], 1.0)
    owner = np.zeros(3, dtype=np.int64)
    with pytest.raises(ValueError, match="outside the owners"):
        _kernels.closest_phrases([np.array([7], dtype=np.int32)], [0], [1.0], owner, 5, 5)
    with pytest.raises(ValueError, match="inconsistent"):
        hit = np.zeros((1, 2), dtype=bool)
        ends = np.array([5], dtype=np.int64)  # past the two postings
        _kernels.found(docs, np.ones(2, dtype=bool), np.zeros(1, dtype=np.int64), ends, docs, hit, hit.copy())
    # a refused call leaves nothing behind: the next one is served as before
    assert _kernels.closest_phrases([np.array([2, 1], dtype=np.int32)], [0], [1.0], owner, 5, 5) == [0]


@pytest.mark.skipif(os.environ.get("CI") != "true", reason="only CI must have a C compiler")
def test_ci_builds_the_kernels() -> None:
    assert kernels.COMPILED, "pip install -e . did not build bot/search/_kernels.c"


def test_found_with_no_terms_is_an_empty_table(monkeypatch: pytest.MonkeyPatch) -> None:
    docs, strong = np.array([1, 3], dtype=np.int32), np.array([True, False])
    none = np.zeros(0, dtype=np.int64)
    for compiled in [False, True] if kernels.COMPILED else [False]:
        monkeypatch.setattr(kernels, "COMPILED", compiled)
        hit, named = kernels.found(docs, strong, none, none, np.array([1, 2]))
        assert hit.shape == named.shape == (0, 2)
