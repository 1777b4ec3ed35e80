"""The answer engine's inner loops: BM25F scores, the phrase overlap of a few candidates, the
phrases closest to a question, and which candidates hold which terms.

Each is several to tens of numpy calls on arrays of a few hundred items, so what a question
costs is the calls' overhead rather than the arithmetic (docs/benchmarks.md, issue 16). ``_kernels.c`` does
the same loops in C, built at install where a C compiler is found; where it is not, these numpy
versions run. Both give the same numbers (float32 where numpy computes in float32, numpy's
pairwise sum where it sums a float32 row): tests/search/test_kernels.py compares them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bot.search.index import PhraseIndex

try:
    from bot.search import _kernels  # type: ignore[attr-defined]
except ImportError:  # built without a C compiler: the numpy versions below serve
    _kernels = None

#: Whether the C versions run (``python -m bot run`` logs which; tests switch it to compare).
COMPILED: bool = _kernels is not None

#: A posting list: entries (int32, ascending), their saturation (float32) and the term's value.
Alternative = tuple[np.ndarray, np.ndarray, float]


def bm25f(
    n: int,
    concepts: list[tuple[float, list[Alternative]]],
    mass: float,
) -> np.ndarray:
    """Per entry (float32): the weighted BM25F of each concept through its best alternative,
    over ``mass``. A concept's alternatives come longest list first."""
    soft = np.zeros(n, dtype=np.float32)
    if COMPILED:
        _kernels.soft(soft, concepts, mass)
        return soft
    for w, alternatives in concepts:
        if len(alternatives) == 1:
            docs, sat, value = alternatives[0]
            np.add.at(soft, docs, (w * value) * sat)  # unbuffered: 2x faster on long lists
            continue
        best = np.zeros(n, dtype=np.float32)
        docs, sat, value = alternatives[0]
        best[docs] = value * sat  # the longest list is assigned as it is, the others compared with it
        for docs, sat, value in alternatives[1:]:
            np.maximum.at(best, docs, value * sat)
        soft += w * best
    return soft / mass


def phrase_overlap(
    index: PhraseIndex,
    entries: np.ndarray,
    cells: Mapping[int, Sequence[tuple[int, float]]],
    weights: np.ndarray,
    mass: float,
    beta: float,
) -> tuple[np.ndarray, np.ndarray]:
    """For ``entries`` (int64, ascending): the best overlap between the query and one of their
    phrases, as F-beta and as F1. ``cells``: per query term id, the concepts it serves with its
    value for each; ``weights``: each concept's weight (float32). Recall is over ``mass``,
    precision over the phrase's idf."""
    similar, f1 = np.zeros(len(entries), dtype=np.float32), np.zeros(len(entries), dtype=np.float32)
    if not cells:
        return similar, f1
    if COMPILED:
        starts = np.cumsum([0] + [len(served) for served in cells.values()], dtype=np.int64)
        flat = [cell for served in cells.values() for cell in served]
        _kernels.phrase_overlap(
            entries.astype(np.int64, copy=False),
            index.row_start,
            index.term,
            index.phrase,
            index.idf,
            index.total,
            np.fromiter(cells, dtype=np.int64, count=len(cells)),
            starts,
            np.array([c for c, _ in flat], dtype=np.int64),
            np.array([v for _, v in flat], dtype=np.float32),
            weights,
            mass,
            beta * beta,
            similar,
            f1,
        )
        return similar, f1
    # the cells term by term in ``flat``; a term is numbered by where its cells start (0: not
    # in the query; int16: a message's at most MAX_WORDS words name far fewer terms)
    flat, count = [(0, 0.0)], [0]
    term_number = np.zeros(index.n_terms, dtype=np.int16)
    for tid, served in cells.items():
        term_number[tid] = len(flat)
        flat.extend(served)
        count.extend([len(served)] + [0] * (len(served) - 1))
    rows = index.rows_of(entries)
    matched = term_number[index.term[rows]]
    hit = np.flatnonzero(matched)
    if not len(hit):
        return similar, f1
    rows, matched = rows[hit], matched[hit]
    # rows come entry by entry and phrase by phrase, so equal phrases are adjacent
    phrase_of = index.phrase[rows]
    new = np.empty(len(rows), dtype=bool)
    new[0] = True
    np.not_equal(phrase_of[1:], phrase_of[:-1], out=new[1:])
    phrases = phrase_of[new]
    local = np.cumsum(new) - 1
    if len(flat) > len(cells) + 1:  # a term serves several concepts: credit each
        per_row = np.array(count)[matched]
        local_of = np.repeat(local, per_row)
        at = np.repeat(matched - (np.cumsum(per_row) - per_row), per_row) + np.arange(len(local_of))
    else:
        local_of, at = local, matched
    # per phrase and concept, the best value of the phrase's terms
    n_concepts = len(weights)
    by_cell = np.zeros(len(phrases) * n_concepts, dtype=np.float32)
    cell_concept = np.array([c for c, _ in flat])
    cell_value = np.array([v for _, v in flat], dtype=np.float32)
    np.maximum.at(by_cell, local_of * n_concepts + cell_concept[at], cell_value[at])
    best = by_cell.reshape(len(phrases), n_concepts)
    recall = (best * weights).sum(axis=1) / mass  # not BLAS: its float flags are noisy
    precision = np.bincount(local, weights=index.idf[rows], minlength=len(phrases)) / index.total[phrases]
    # F-beta and F1 per phrase, then the best phrase of each entry (phrases come entry by entry)
    betas = np.array([[beta * beta], [1.0]])
    total = betas * precision + recall  # > 0: every phrase here has a term of the query
    f = (1 + betas) * (recall * precision) / total
    owner = index.owner[phrases]
    first = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
    best_of = np.maximum.reduceat(f, first, axis=1).astype(np.float32)
    slot = entries.searchsorted(owner[first])
    similar[slot], f1[slot] = best_of
    return similar, f1


def closest_phrases(
    lists: list[np.ndarray],
    concepts: list[int],
    weights: list[float],
    owner: np.ndarray,
    k: int,
    keep: int,
) -> list[int]:
    """The owners of the ``keep`` phrases with the highest recall (ties: the lower phrase
    number first), distinct, at most ``k``. ``lists[i]`` (int32) are the phrases of a term that
    serves concept ``concepts[i]`` with ``weights[i]``; a concept's lists come together, its best
    first, and a phrase's recall adds up the first weight it gets from each concept."""
    if COMPILED:
        chosen: list[int] = _kernels.closest_phrases(lists, concepts, weights, owner, k, keep)
        return chosen
    n_concepts = max(concepts) + 1
    phrase = np.concatenate(lists).astype(np.int64)  # times the concepts below: no int32 overflow
    counts = [len(p) for p in lists]
    concept_of = np.repeat(np.array(concepts, dtype=np.int64), counts)
    weight = np.repeat(np.array(weights, dtype=np.float64), counts)
    # a concept counts once per phrase, through its first (best) alternative: the sort is stable
    key = phrase * n_concepts + concept_of
    order = np.argsort(key, kind="stable")
    key = key[order]
    firsts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
    phrase = key[firsts] // n_concepts
    new = np.concatenate(([True], phrase[1:] != phrase[:-1]))
    recall = np.bincount(np.cumsum(new) - 1, weights=weight[order[firsts]])  # concept by concept
    phrase = phrase[new]
    keep = min(len(recall), keep)
    if keep < len(recall):  # the phrases at or above the keep-th recall, ties and all
        cut = -np.partition(-recall, keep - 1)[keep - 1]
        near = np.flatnonzero(recall >= cut)
    else:
        near = np.arange(len(recall))
    top = near[np.lexsort((phrase[near], -recall[near]))[:keep]]
    return list(dict.fromkeys(owner[phrase[top]].tolist()))[:k]


def found(
    docs: np.ndarray, strong: np.ndarray, starts: np.ndarray, ends: np.ndarray, entries: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per term (rows: its postings are ``docs[starts[t]:ends[t]]``, int32 ascending) and entry
    (columns, ascending): whether the entry holds the term, and whether in a naming field
    (``strong``). A few entries are searched for in each posting list rather than each list
    scattered over every entry."""
    entries = entries.astype(docs.dtype, copy=False)  # a search in another type copies the list
    if COMPILED:
        hit, named = (
            np.empty((len(starts), len(entries)), dtype=bool),
            np.empty((len(starts), len(entries)), dtype=bool),
        )
        _kernels.found(docs, strong, starts, ends, entries, hit, named)
        return hit, named
    at = np.array(
        [docs[a:b].searchsorted(entries) for a, b in zip(starts, ends, strict=True)], dtype=np.int64
    )
    at = at.reshape(len(starts), len(entries)) + starts[:, None]
    end = ends[:, None]
    inside = at < end
    at = np.minimum(at, end - 1)  # a posting list is never empty
    hit = inside & (docs[at] == entries)
    return hit, hit & strong[at]
