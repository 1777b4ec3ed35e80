"""Find entries by name (id, title or alias) while a member is still typing.

Discord calls autocomplete on every keystroke and shows at most 25 choices, so this
works on words and sorted lists rather than comparing the text with every name: exact
names first, then names that start with the text, then entries whose name words match
the words typed so far (the last word as a prefix, since it is probably unfinished),
with misspelt words corrected against the name vocabulary. Rarer words count more, and
ties keep the browsing order.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Sequence

import numpy as np

from bot.knowledge.models import Entry
from bot.limits import FOCUSED_OPTION, MAX_CHOICES
from bot.search.corpus import Ids
from bot.search.porter import stem
from bot.search.speller import Speller, osa_distance
from bot.search.text import clean, text_words, words

MAX_LOOKUP_CHARS = FOCUSED_OPTION  # Discord sends at most this much of a focused option
_EXACT, _STARTS, _WORD, _PREFIX, _FIXED, _NEAR = 100.0, 40.0, 1.0, 0.8, 0.6, 0.3
_MAX_PREFIX_WORDS = 64
_MAX_NAME_PREFIX = 200


def normalise_name(text: str) -> str:
    """Names and typed text compared as lowercase words separated by single spaces."""
    return " ".join(words(clean(text)))


class NameIndex:
    """Ids, titles and aliases of the entries, in browsing order.

    Word postings are slices of one array (offsets per word), not an array per word: the
    index then holds a few Python objects whatever the number of entries.
    """

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self.exact: dict[str, int] = {}
        names: list[str] = []
        owners = array("q")
        word_ids = Ids()
        word_id = word_ids.__getitem__
        occurrences = array("q")
        occurrence_owners = array("q")
        for number, entry in enumerate(self.entries):
            for name in (entry.id, *entry.aliases, entry.title):
                found = text_words(name)  # as normalise_name, for curated names
                if not found:
                    continue
                norm = " ".join(found)
                if norm == name:  # most aliases are written plain: keep the entry's string, not a copy
                    norm = name
                self.exact.setdefault(norm, number)
                names.append(norm)
                owners.append(number)
                occurrences.extend(map(word_id, found))
                occurrence_owners.extend(array("q", (number,)) * len(found))
        # sorted by name, then browsing order (the sort is stable and names come in that order)
        order = sorted(range(len(names)), key=names.__getitem__)
        self._names = [names[i] for i in order]
        self._owners = array("q", [owners[i] for i in order])  # a machine word per name, not an int object
        n = max(1, len(self.entries))
        words = list(word_ids)
        key = np.zeros(0, dtype=np.int64)
        if occurrences:
            key = np.sort(
                np.frombuffer(occurrences, dtype=np.int64) * n
                + np.frombuffer(occurrence_owners, dtype=np.int64)
            )
            key = key[np.concatenate(([True], key[1:] != key[:-1]))]
        self._word_ids: dict[str, int] = dict(word_ids)
        self._entries_of = (key % n).astype(np.int64)
        self._offsets = np.searchsorted(key // n, np.arange(len(words) + 1)).tolist()
        df = np.diff(self._offsets) if words else np.zeros(0, dtype=np.int64)
        self._vocab = sorted(words)
        self._idf = dict(
            zip(words, np.log(1.0 + n / np.maximum(_stem_df(words, key, n), 1)).tolist(), strict=True)
        )
        # names are short and chosen from a list, so shorter words are worth correcting here
        self._speller = Speller(dict(zip(words, df.tolist(), strict=True)), min_length=4)

    def _postings(self, word: str) -> np.ndarray:
        """The entries whose names have ``word``, ascending."""
        i = self._word_ids[word]
        return self._entries_of[self._offsets[i] : self._offsets[i + 1]]

    def _prefix_words(self, prefix: str, limit: int) -> list[str]:
        start = bisect.bisect_left(self._vocab, prefix)
        out: list[str] = []
        for word in self._vocab[start : start + limit]:
            if not word.startswith(prefix):
                break
            out.append(word)
        return out

    def _near_prefix_words(self, prefix: str) -> list[tuple[str, float]]:
        """Vocabulary words whose start is one edit away from a (misspelt) prefix, with their
        quality: a word that is itself one edit away ("princ2" for "prince2") above one that
        only starts so ("principles")."""
        block = self._prefix_words(prefix[:2], _MAX_PREFIX_WORDS * 4)
        return [
            (w, _FIXED if osa_distance(prefix, w, 1) <= 1 else _NEAR)
            for w in block
            if osa_distance(prefix, w[: len(prefix)], 1) <= 1
        ]

    def _word_matches(self, word: str, last: bool) -> list[tuple[str, float]]:
        if last and len(word) >= 2:
            found = self._prefix_words(word, _MAX_PREFIX_WORDS)
            if found:
                return [(w, _WORD if w == word else _PREFIX) for w in found]
        elif word in self._word_ids:
            return [(word, _WORD)]
        fixed = self._speller.correct(word)
        if fixed is not None:
            return [(fixed, _FIXED)]
        if last and len(word) >= 3:
            return self._near_prefix_words(word)
        return []

    def lookup(self, text: str, limit: int = MAX_CHOICES) -> list[int]:
        """Entry numbers best first; empty text gives the first entries in browsing order."""
        limit = max(0, min(limit, MAX_CHOICES))
        if not normalise_name(text):
            return list(range(min(limit, len(self.entries))))
        return [number for number, _ in self.scored(text, limit)]

    def scored(self, text: str, limit: int = MAX_CHOICES) -> list[tuple[int, float]]:
        """(entry number, name score) best first, for the entries whose names match ``text``."""
        limit = max(0, min(limit, MAX_CHOICES))
        query = normalise_name(text)
        if not query:
            return []
        scores = np.zeros(len(self.entries), dtype=np.float32)
        if query in self.exact:
            scores[self.exact[query]] = _EXACT
        start = bisect.bisect_left(self._names, query)
        end = start + _MAX_NAME_PREFIX
        starting = [
            number
            for name, number in zip(self._names[start:end], self._owners[start:end], strict=True)
            if name.startswith(query)
        ]
        if starting:
            ids = np.array(starting, dtype=np.int64)
            scores[ids] = np.maximum(scores[ids], _STARTS)
        typed = query.split()
        finished = text[-1:].isspace()
        for i, word in enumerate(typed):
            last = i == len(typed) - 1 and not finished
            best = np.zeros(len(self.entries), dtype=np.float32)
            for match, quality in self._word_matches(word, last):
                ids = self._postings(match)
                best[ids] = np.maximum(best[ids], quality * self._idf[match])
            scores += best
        found = int(np.count_nonzero(scores))
        k = min(limit, found)
        if k == 0:
            return []
        # every entry tied with the k-th best, so that ties go to the lower number whatever
        # ``argpartition`` picked (it picks among equal values at the cut arbitrarily)
        cut = -np.partition(-scores, k - 1)[k - 1]
        top = np.flatnonzero(scores >= cut)
        ranked = sorted(top.tolist(), key=lambda number: (-scores[number], number))[:k]
        return [(number, float(scores[number])) for number in ranked]


def _stem_df(words: Sequence[str], key: np.ndarray, n: int) -> np.ndarray:
    """Per word: how many entries have a name word of the same stem. A plural is not rarer than
    its singular: "fee" in two entries' names outweighed "fees" in five, so "pmp fes" listed the
    contract types' incentive fee above the PMP's fees."""
    stem_ids: dict[str, int] = {}
    stem_of_word = np.array([stem_ids.setdefault(stem(w), len(stem_ids)) for w in words], dtype=np.int64)
    if not len(key):
        return np.zeros(len(words), dtype=np.int64)
    pairs = np.unique(stem_of_word[key // n] * n + key % n)
    return np.bincount(pairs // n, minlength=len(stem_ids))[stem_of_word]
