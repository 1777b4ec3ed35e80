"""Inverted indexes held in numpy arrays: BM25F over entry fields, and the entries' phrases.

BM25F (Robertson and Zaragoza) first adds up a term's field-weighted, length-normalised
frequency over all fields, then saturates once. So a word found in the title and again in
the answer counts a little more than in the title alone, never twice. The per-(term,
entry) saturation ``tf~ / (k1 + tf~)`` does not depend on the query, so it is computed
once at build time; a query is then a handful of vectorised ``scores[ids] += w * sat``
over posting arrays, which is what makes ``answer()`` fast at 10,000 entries.

Both indexes are built without a Python loop over (term, entry) pairs: terms get integer
ids, every occurrence becomes one row of flat arrays, and ``np.unique`` on ``term * n +
item`` groups the rows into postings sorted by term, then by entry.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

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
#: Fields that say what an entry *is*; a match there is stronger evidence than in the answer.
NAMING_FIELDS = ("title", "aliases", "questions")


@dataclass(frozen=True, slots=True)
class Postings:
    docs: np.ndarray      # int32 entry numbers, ascending
    sat: np.ndarray       # float32 BM25F saturation tf~/(k1+tf~) in (0, 1)
    strong: np.ndarray    # float32 1.0 where the term is in a naming field (title, alias, question)


class _Ids(dict[str, int]):
    """Term -> id, handing out the next id to a new term."""

    def __missing__(self, term: str) -> int:
        value = self[term] = len(self)
        return value


class _Rows:
    """Flat (term id, item, value, flag) rows, appended in chunks."""

    def __init__(self) -> None:
        self.vocab: _Ids = _Ids()
        # typed arrays, not lists: millions of rows stay compact and need no Python objects
        self.terms = array("q")
        self.items = array("q")
        self.values = array("d")
        self.flags = array("d")

    def add(self, item: int, counts: Mapping[str, float], scale: float, flag: bool) -> None:
        """One item's terms with their counts (times ``scale``)."""
        size = len(counts)
        self.terms.extend(map(self.vocab.__getitem__, counts))
        self.items.extend(array("q", (item,)) * size)
        self.values.extend(map(scale.__mul__, counts.values()))
        self.flags.extend(array("d", (1.0 if flag else 0.0,)) * size)

    def add_each(self, item: int, terms: Sequence[str], value: float, flag: bool) -> None:
        """One item's terms, repeats included: ``group`` adds the repeats up."""
        size = len(terms)
        self.terms.extend(map(self.vocab.__getitem__, terms))
        self.items.extend(array("q", (item,)) * size)
        self.values.extend(array("d", (value,)) * size)
        self.flags.extend(array("d", (1.0 if flag else 0.0,)) * size)

    def group(self, n_items: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Terms, then per posting row: item, summed value, max flag, and each term's row range."""
        names = list(self.vocab)
        if not self.items:
            empty = np.zeros(0)
            return names, empty.astype(np.int32), empty, empty, np.zeros(1, dtype=np.int64)
        key = np.frombuffer(self.terms, dtype=np.int64) * n_items + np.frombuffer(self.items, dtype=np.int64)
        unique, inverse = np.unique(key, return_inverse=True)
        values = np.bincount(inverse, weights=np.frombuffer(self.values, dtype=np.float64))
        flags = np.bincount(inverse, weights=np.frombuffer(self.flags, dtype=np.float64)) > 0
        term_of = unique // n_items
        bounds = np.concatenate(([0], np.flatnonzero(np.diff(term_of)) + 1, [len(unique)]))
        return names, (unique % n_items).astype(np.int32), values, flags, bounds


class FieldIndex:
    """Per-term postings with precomputed saturation, plus each term's idf."""

    def __init__(self, docs: Sequence[Mapping[str, Sequence[str]]],
                 fields: Mapping[str, tuple[float, float]] = FIELDS, k1: float = K1) -> None:
        self.size = n = len(docs)
        avg = {f: max(1.0, sum(len(d.get(f, ())) for d in docs) / max(1, n)) for f in fields}
        rows = _Rows()
        for number, doc in enumerate(docs):
            for field, (weight, b) in fields.items():
                terms = doc.get(field, ())
                if terms:
                    norm = weight / (1.0 - b + b * len(terms) / avg[field])
                    rows.add_each(number, terms, norm, field in NAMING_FIELDS)
        names, items, tf, strong, bounds = rows.group(max(1, n))
        sat = (tf / (k1 + tf)).astype(np.float32)
        strong = np.asarray(strong, dtype=np.float32)
        self.postings: dict[str, Postings] = {}
        self.idf: dict[str, float] = {}
        # every vocabulary term has rows, so the i-th group is the term with id i
        for name, start, end in zip(names, bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            self.postings[name] = Postings(items[start:end], sat[start:end], strong[start:end])
            self.idf[name] = self.idf_for(end - start)
        #: The idf of a term no entry contains: the most specific a word can be.
        self.unknown_idf = self.idf_for(0)

    def idf_for(self, df: int) -> float:
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def __contains__(self, term: str) -> bool:
        return term in self.postings


class PhraseIndex:
    """The entries' phrases (title, each alias, each question) as term-id rows, entry by entry.

    ``qsim`` needs, for a few candidate entries, which of their phrases' terms the query
    matched; rows stored entry-major let it gather just those entries' rows, so the cost
    does not grow with the size of the knowledge base.
    """

    def __init__(self, phrases: Sequence[Sequence[Sequence[str]]], idf: Mapping[str, float]) -> None:
        rows = _Rows()
        owner: list[int] = []
        weight = idf.__getitem__
        for number, entry_phrases in enumerate(phrases):
            for terms in entry_phrases:
                rows.add(len(owner), dict(zip(terms, map(weight, terms), strict=True)), 1.0, True)
                owner.append(number)
        self.vocab: dict[str, int] = dict(rows.vocab)
        self.size = len(owner)
        self.owner = np.array(owner, dtype=np.int64)   # the entry of each phrase
        #: per row: the term id, the phrase, and the term's idf
        self.term = np.frombuffer(rows.terms, dtype=np.int64).copy()
        self.phrase = np.frombuffer(rows.items, dtype=np.int64).copy()
        self.idf = np.frombuffer(rows.values, dtype=np.float64).astype(np.float32)
        totals = np.bincount(self.phrase, weights=self.idf, minlength=self.size)
        self.total = np.maximum(totals.astype(np.float32), 1e-6)
        #: each entry's rows are self.term[row_start[e]:row_start[e + 1]]
        row_entry = np.array(owner, dtype=np.int64)[self.phrase] if self.size else np.zeros(0, np.int64)
        self.row_start = np.searchsorted(row_entry, np.arange(len(phrases) + 1))

    def rows_of(self, entries: np.ndarray) -> np.ndarray:
        """The row numbers of the given entries' phrases, in entry order."""
        starts, ends = self.row_start[entries], self.row_start[entries + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            return np.zeros(0, dtype=np.int64)
        offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        return offsets + np.arange(total)
