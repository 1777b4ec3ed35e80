"""Every entry's texts as index rows, built in bulk.

Tokenising is most of the work of building the index (2.7 million words at 10,000
entries), so it is done once per *word occurrence* with C-level calls only (a translate and
split, then one dict lookup that turns each word into an integer), and everything a word
means to the index (base form, stem, stop word, synonym groups, whether a synonym phrase
starts with it) is worked out once per *distinct* word. The occurrences then become rows
(term, entry, text) with numpy, and the synonym phrases of several words are found by
comparing stem ids of neighbouring words, also in numpy.

The result is exactly what ``Analyzer.terms`` gives text by text (a test checks it), in
typed arrays rather than millions of Python objects: the build is faster, and the garbage
collector, which walks every container object the process holds, has little to walk.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from itertools import pairwise

import numpy as np

from bot.knowledge.models import Entry
from bot.search.analyzer import Analyzer, base_word
from bot.search.lexicon import STOPWORDS
from bot.search.text import cased_words, text_words

#: Field numbers, in the order of an entry's texts: title, aliases, questions, answer.
TITLE, ALIASES, QUESTIONS, ANSWER = 0, 1, 2, 3
FIELD_NAMES = ("title", "aliases", "questions", "answer")
#: Joins an entry's texts for one tokenising pass: a made-up word no stem or phrase matches
#: (and which is left out should an entry's text ever hold it).
SEPARATOR = "zqxsepzqx"
_JOIN = f" {SEPARATOR} "


def repeat(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``np.repeat(values, counts)``, from operations that let other threads run: numpy's
    own repeat holds the GIL throughout, which on millions of rows stalls the bot's event
    loop while the index builds in a worker thread."""
    keep = counts > 0
    values, counts = values[keep], counts[keep]
    if not len(counts):
        return values[:0]
    marks = np.zeros(int(counts.sum()), dtype=np.int64)
    marks[np.cumsum(counts[:-1])] = 1
    return values[np.cumsum(marks)]


class Ids(dict[str, int]):
    """Key -> id, handing out the next id to a new key."""

    def __missing__(self, key: str) -> int:
        value = self[key] = len(self)
        return value


def _entry_words(texts: Sequence[str]) -> tuple[list[str], bool]:
    """The words of an entry's texts with a separator word between texts, and whether
    their case was kept (it is unless a text has non-ASCII letters or digits)."""
    joined = _JOIN.join(texts)
    found = cased_words(joined)
    cased = found is not None
    if found is None:
        found = text_words(joined)
    if found.count(SEPARATOR) == len(texts) - 1:
        return found, cased
    # a text holds the separator word itself: tokenise text by text, without it
    out: list[str] = []
    cased = True
    for text in texts:
        words = cased_words(text)
        if words is None:
            words, cased = text_words(text), False
        out.extend(w for w in words if w.lower() != SEPARATOR)
        out.append(SEPARATOR)
    out.pop()
    return out, cased


class Corpus:
    """Rows (term id, entry, text number, field) for every term occurrence of every entry.

    Text numbers count an entry's texts from 0: the title, then each alias, each question,
    and the answer last; the title, aliases and questions are the entry's *phrases*. Rows
    are made a slice of entries at a time, so temporary arrays stay small and no single
    numpy call runs for long.
    """

    def __init__(self, entries: Sequence[Entry], analyzer: Analyzer) -> None:
        self.size = n = len(entries)
        words = Ids()
        words[SEPARATOR]  # word id 0
        word_id = words.__getitem__
        tokens = array("i")
        ends = array("q")
        self.uncased_answers: list[str] = []  # answers whose case was not kept
        for entry in entries:
            found, cased = _entry_words((entry.title, *entry.aliases, *entry.questions, entry.answer))
            if not cased:
                self.uncased_answers.append(entry.answer)
            tokens.extend(map(word_id, found))
            tokens.append(0)  # entries are separated too
            ends.append(len(tokens))
        self.n_aliases = np.fromiter((len(e.aliases) for e in entries), dtype=np.int64, count=n)
        self.n_questions = np.fromiter((len(e.questions) for e in entries), dtype=np.int64, count=n)
        #: every distinct word as written (case kept where possible), by word id
        self.words: list[str] = list(words)
        self.terms = Ids()
        self._analyse_words(analyzer)
        self._make_rows(
            np.frombuffer(tokens, dtype=np.intc) if tokens else np.zeros(0, np.intc),
            np.frombuffer(ends, dtype=np.int64) if ends else np.zeros(0, np.int64),
            analyzer,
        )

    # -- once per distinct word ------------------------------------------------------------

    def _analyse_words(self, analyzer: Analyzer) -> None:
        terms = self.terms
        stems = Ids()
        w = len(self.words)
        content = array("q", [-1]) * w
        full = array("q", [-1]) * w
        group_count = array("q", [0]) * w
        group_terms = array("q")
        starts_phrase = bytearray(w)
        #: the lowercase base form and full stem of each word (the speller's vocabulary)
        self.bases: list[str] = [""] * w
        self.full_stems: list[str] = [""] * w
        phrase_firsts = analyzer.phrase_options
        for i in range(1, w):
            base = base_word(self.words[i].lower())
            stem = analyzer.stem(base)
            self.bases[i], self.full_stems[i] = base, stem
            full[i] = stems[stem]
            if base not in STOPWORDS:
                content[i] = terms[stem]
            groups = analyzer.groups_of(base)
            if groups:
                group_count[i] = len(groups)
                group_terms.extend(map(terms.__getitem__, groups))
            if stem in phrase_firsts:
                starts_phrase[i] = 1
        self._content = np.frombuffer(content, dtype=np.int64)
        self._full = np.frombuffer(full, dtype=np.int64)
        self._group_count = np.frombuffer(group_count, dtype=np.int64)
        self._group_first = np.cumsum(self._group_count) - self._group_count
        self._group_terms = (
            np.frombuffer(group_terms, dtype=np.int64) if group_terms else np.zeros(0, np.int64)
        )
        self._starts_phrase = np.frombuffer(bytes(starts_phrase), dtype=np.uint8).astype(bool)
        # every synonym phrase of several words whose stems all occur, by its first two stems;
        # as ``Analyzer.terms``, a two-word phrase adds its group once however many of the
        # group's phrases share its stems ("test center", "test centre"), a longer one each time
        options = [(k, t) for opts in analyzer.phrase_options.values() for k, t in opts]
        options = [
            *dict.fromkeys(o for o in options if len(o[0]) == 2),
            *(o for o in options if len(o[0]) > 2),
        ]
        self._pair_span = len(stems) + 1
        self._phrases = [
            (stems[k[0]] * self._pair_span + stems[k[1]], [stems[s] for s in k[2:]], terms[t])
            for k, t in options
            if all(s in stems for s in k)
        ]

    # -- per occurrence, in numpy ----------------------------------------------------------

    def _make_rows(
        self, tokens: np.ndarray, ends: np.ndarray, analyzer: Analyzer, chunk: int = 1 << 18
    ) -> None:
        n = self.size
        starts = np.concatenate(([0], ends[:-1])) if n else np.zeros(0, dtype=np.int64)
        # slices of whole entries, about ``chunk`` tokens each
        cuts = np.unique(np.searchsorted(ends, np.arange(chunk, int(ends[-1]) if n else 0, chunk))) + 1
        bounds = [0, *cuts[cuts < n].tolist(), n] if n else [0]
        texts = 2 + self.n_aliases + self.n_questions
        first_text = np.cumsum(texts) - texts
        parts: list[tuple[np.ndarray, ...]] = []
        in_answers = np.zeros(len(self.words), dtype=bool)
        for e0, e1 in pairwise(bounds):
            t0, t1 = int(starts[e0]), int(ends[e1 - 1])
            parts.append(
                self._rows_of(
                    tokens[t0:t1], np.arange(e0, e1), ends[e0:e1] - starts[e0:e1], first_text, in_answers
                )
            )
        cat = (
            (lambda i: np.concatenate([p[i] for p in parts])) if parts else (lambda i: np.zeros(0, np.int32))
        )
        #: per row: term id, entry number, text number within the entry, field
        self.term, self.entry, self.text = cat(0), cat(1), cat(2)
        self.field = cat(3).astype(np.int8)
        in_answers[0] = False
        self._in_answers = in_answers

    def _rows_of(
        self,
        tok: np.ndarray,
        numbers: np.ndarray,
        lengths: np.ndarray,
        first_text: np.ndarray,
        in_answers: np.ndarray,
    ) -> tuple[np.ndarray, ...]:
        """The rows of a slice of entries (their tokens, numbers and token counts)."""
        entry_of = repeat(numbers, lengths)
        sep = (tok == 0).astype(np.int64)
        # separators before each token, from the slice's first text on
        text_of = np.cumsum(sep) - sep - (first_text[entry_of] - first_text[numbers[0]])
        # content words (stop words and separators have none)
        content = self._content[tok]
        at = [np.flatnonzero(content >= 0)]
        term = [content[at[0]]]
        # one-word synonym groups
        counts = self._group_count[tok]
        where = np.flatnonzero(counts)
        if len(where):
            per = counts[where]
            pick = repeat(self._group_first[tok[where]] - (np.cumsum(per) - per), per) + np.arange(
                int(per.sum())
            )
            at.append(repeat(where, per))
            term.append(self._group_terms[pick])
        # synonym phrases of several words
        hits, found = self._phrase_hits(tok)
        at.append(hits)
        term.append(found)
        rows = np.concatenate(at)
        entry, text = entry_of[rows], text_of[rows]
        na, nq = self.n_aliases[entry], self.n_questions[entry]
        field = np.full(len(rows), ANSWER, dtype=np.int8)
        field[text <= na + nq] = QUESTIONS
        field[text <= na] = ALIASES
        field[text == 0] = TITLE
        answer = text_of == (1 + self.n_aliases + self.n_questions)[entry_of]
        in_answers[tok[answer]] = True
        return (np.concatenate(term).astype(np.int32), entry.astype(np.int32), text.astype(np.int32), field)

    def _phrase_hits(self, tok: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(token position, group term id) of every synonym phrase of several words: the
        stems of the words from that position on equal the phrase's stems."""
        full = self._full
        empty = np.zeros(0, dtype=np.int64)
        cand = np.flatnonzero(self._starts_phrase[tok[:-1]]) if len(tok) > 1 else empty
        if not len(cand):
            return empty, empty
        second = full[tok[cand + 1]]
        keep = second >= 0  # the next word is no separator
        cand = cand[keep]
        key = full[tok[cand]] * self._pair_span + second[keep]
        order = np.argsort(key, kind="stable")
        cand, key = cand[order], key[order]
        positions, found = [], []
        for pair, rest, term in self._phrases:
            lo, hi = np.searchsorted(key, [pair, pair + 1])
            at = cand[lo:hi]
            for k, stem in enumerate(rest, start=2):
                at = at[at + k < len(tok)]
                at = at[full[tok[at + k]] == stem]
            if len(at):
                positions.append(at)
                found.append(np.full(len(at), term, dtype=np.int64))
        if not positions:
            return empty, empty
        return np.concatenate(positions), np.concatenate(found)

    # -- what else the engine needs from the words -------------------------------------------

    def answer_words(self) -> list[str]:
        """The distinct words of the answers, as written."""
        return [self.words[i] for i in np.flatnonzero(self._in_answers).tolist()]
