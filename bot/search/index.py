"""Inverted indexes held in numpy arrays: BM25F over entry fields, and the entries' phrases.

BM25F (Robertson and Zaragoza) first adds up a term's field-weighted, length-normalised
frequency over all fields, then saturates once. So a word found in the title and again in
the answer counts a little more than in the title alone, never twice. The per-(term,
entry) saturation ``tf~ / (k1 + tf~)`` does not depend on the query, so it is computed
once at build time; a query is then a handful of vectorised ``scores[ids] += w * sat``
over posting arrays, which is what makes ``answer()`` fast at 10,000 entries.

Both indexes are built from ``Corpus`` rows without a Python loop over (term, entry)
pairs: every occurrence is one row of flat arrays, and sorting ``term * n + entry`` groups
the rows into postings sorted by term, then by entry. The postings of all terms live in
three arrays (entries, saturation, naming flag) with an offset per term, so the index holds
a handful of Python objects however large the knowledge base is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from bot.search import kernels
from bot.search.corpus import ANSWER, FIELD_NAMES, Corpus, repeat

#: Field weights and length normalisation (b). Titles, aliases and the curated questions
#: say what an entry is about; the answer mostly says how, so it weighs less. Tuned by
#: benchmarks/calibrate.py --fields (the accuracy surface is flat around these values).
FIELDS: Mapping[str, tuple[float, float]] = {
    "title": (3.0, 0.5),
    "aliases": (3.0, 0.3),
    "questions": (2.0, 0.6),
    "answer": (1.0, 0.75),
}
K1 = 1.6


def _group(
    key: np.ndarray,
    weights: np.ndarray | None = None,
    slot: np.ndarray | None = None,
    flag: np.ndarray | None = None,
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The distinct keys (ascending); per key, the sum of ``weights[slot]`` and whether any
    row has ``flag``. Sorting is numpy's, which lets other threads run meanwhile."""
    if not len(key):
        return key, (np.zeros(0), np.zeros(0, dtype=bool))
    order = np.argsort(key)
    key = key[order]
    first = np.empty(len(key), dtype=bool)
    first[0] = True
    np.not_equal(key[1:], key[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    sums = (
        np.add.reduceat(weights[slot[order]], starts) if weights is not None and slot is not None else starts
    )
    flags = np.maximum.reduceat(flag[order], starts) if flag is not None else first[starts]
    return key[starts], (sums, flags)


class FieldIndex:
    """Per-term postings with precomputed saturation, plus each term's idf.

    Built from ``Corpus`` rows: each row is one occurrence of a term in a field of an entry;
    ``norm`` (field weight over length normalisation) is added up per (term, entry), then
    saturated once.
    """

    def __init__(
        self, corpus: Corpus, fields: Mapping[str, tuple[float, float]] = FIELDS, k1: float = K1
    ) -> None:
        self.size = n = corpus.size
        m = max(1, n)
        term, entry, field = corpus.term, corpus.entry, corpus.field
        lengths = np.bincount(entry * 4 + field, minlength=4 * n).reshape(n, 4).astype(np.float64)
        norm = np.zeros((n, 4), dtype=np.float64)
        for number, name in enumerate(FIELD_NAMES):
            if name in fields:
                weight, b = fields[name]
                avg = max(1.0, float(lengths[:, number].sum()) / m)
                norm[:, number] = weight / (1.0 - b + b * lengths[:, number] / avg)
        if not all(name in fields for name in FIELD_NAMES):  # a field left out is not indexed
            keep = np.isin(field, [i for i, name in enumerate(FIELD_NAMES) if name in fields])
            term, entry, field = term[keep], entry[keep], field[keep]
        key, (tf, strong) = _group(
            term.astype(np.int64) * m + entry,
            norm.reshape(-1),
            entry.astype(np.int64) * 4 + field,
            field < ANSWER,
        )
        n_terms = len(corpus.terms)
        term_of = key // m
        offsets = np.searchsorted(term_of, np.arange(n_terms + 1))
        df = np.diff(offsets)
        names = list(corpus.terms)
        present = np.flatnonzero(df).tolist()
        #: term -> its row in the posting arrays (terms that got no row are left out)
        self.terms: dict[str, int] = dict(zip([names[i] for i in present], present, strict=True))
        self._df = df
        self._offsets: list[int] = offsets.tolist()
        self._docs = (key % m).astype(np.int32)
        self._strong = strong > 0  # one byte a posting: whether in a naming field
        self._sat = (tf / (k1 + tf)).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        self.idf: dict[str, float] = dict(zip(self.terms, idf[present].tolist(), strict=True))
        #: idf by term id, for the phrase index
        self.idf_by_id = idf
        #: The idf of a term no entry contains: the most specific a word can be.
        self.unknown_idf = self.idf_for(0)

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """The entries that contain ``term`` (int32, ascending) and its BM25F saturation
        ``tf~/(k1 + tf~)`` in each: slices of the shared arrays."""
        i = self.terms[term]
        a, b = self._offsets[i], self._offsets[i + 1]
        return self._docs[a:b], self._sat[a:b]

    def idf_for(self, df: int) -> float:
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def df(self, term: str) -> int:
        """How many entries contain ``term``."""
        i = self.terms.get(term)
        return 0 if i is None else int(self._df[i])

    def __contains__(self, term: str) -> bool:
        return term in self.terms

    def found(self, terms: Sequence[str], entries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per term (rows) and entry (columns, ascending): whether the entry contains the
        term, and whether in a naming field (title, alias, question). A few entries are searched
        for in each posting list rather than each list scattered over every entry."""
        terms_at = [self.terms[t] for t in terms]
        starts = np.array([self._offsets[i] for i in terms_at], dtype=np.int64)
        ends = np.array([self._offsets[i + 1] for i in terms_at], dtype=np.int64)
        return kernels.found(self._docs, self._strong, starts, ends, entries)


class PhraseIndex:
    """The entries' phrases (title, each alias, each question) as term-id rows, entry by entry.

    ``qsim`` needs, for a few candidate entries, which of their phrases' terms the query
    matched; rows stored entry-major let it gather just those entries' rows, so the cost
    does not grow with the size of the knowledge base.
    """

    def __init__(self, corpus: Corpus, index: FieldIndex) -> None:
        n = corpus.size
        per_entry = 1 + corpus.n_aliases + corpus.n_questions
        base = np.cumsum(per_entry) - per_entry
        naming = corpus.field < ANSWER
        phrase = base[corpus.entry[naming]] + corpus.text[naming].astype(np.int64)
        n_terms = max(1, len(corpus.terms))
        key, _ = _group(phrase * n_terms + corpus.term[naming].astype(np.int64))
        self.vocab: Mapping[str, int] = index.terms
        self.n_terms = n_terms  # term ids are below this
        self.size = int(per_entry.sum())
        self.owner = repeat(np.arange(n, dtype=np.int64), per_entry)  # the entry of each phrase
        #: per row: the term id, the phrase, and the term's idf (int32: a million rows at
        #: 10,000 entries, where int64 would cost 11 MB more for nothing)
        self.term = (key % n_terms).astype(np.int32)
        self.phrase = (key // n_terms).astype(np.int32)
        self.idf = (
            index.idf_by_id[self.term].astype(np.float32) if len(self.term) else np.zeros(0, np.float32)
        )
        totals = np.bincount(self.phrase, weights=self.idf, minlength=self.size)
        self.total = np.maximum(totals.astype(np.float32), 1e-6)
        #: each entry's rows are self.term[row_start[e]:row_start[e + 1]]
        self.row_start = np.searchsorted(self.owner[self.phrase], np.arange(n + 1))
        #: and term by term: the phrases with term t are phrases_of_term[term_start[t]:term_start[t + 1]]
        by_term = np.argsort(self.term, kind="stable")
        self.phrases_of_term = self.phrase[by_term]
        self.term_start: list[int] = np.searchsorted(self.term[by_term], np.arange(n_terms + 1)).tolist()

    def rows_of(self, entries: np.ndarray) -> np.ndarray:
        """The row numbers of the given entries' phrases, in entry order."""
        starts, ends = self.row_start[entries], self.row_start[entries + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        return offsets + np.arange(total)
