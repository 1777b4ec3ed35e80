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
import math
from collections.abc import Sequence

import numpy as np
from rapidfuzz.distance import OSA

from bot.knowledge.models import Entry
from bot.search.speller import Speller
from bot.search.text import clean, text_words, words

MAX_CHOICES = 25  # Discord's limit for autocomplete and select menus
_EXACT, _STARTS, _WORD, _PREFIX, _FIXED = 100.0, 40.0, 1.0, 0.8, 0.6
_MAX_PREFIX_WORDS = 64
_MAX_NAME_PREFIX = 200


def normalise_name(text: str) -> str:
    """Names and typed text compared as lowercase words separated by single spaces."""
    return " ".join(words(clean(text)))


class NameIndex:
    """Ids, titles and aliases of the entries, in browsing order."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)
        self.exact: dict[str, int] = {}
        self._names: list[tuple[str, int]] = []
        postings: dict[str, set[int]] = {}
        for number, entry in enumerate(self.entries):
            for name in (entry.id, *entry.aliases, entry.title):
                norm = " ".join(text_words(name))  # as normalise_name, for curated names
                if not norm:
                    continue
                self.exact.setdefault(norm, number)
                self._names.append((norm, number))
                for word in norm.split():
                    postings.setdefault(word, set()).add(number)
        self._names.sort()
        self._postings = {w: np.array(sorted(ids), dtype=np.int64) for w, ids in postings.items()}
        self._vocab = sorted(postings)
        n = max(1, len(self.entries))
        self._idf = {w: math.log(1.0 + n / len(ids)) for w, ids in postings.items()}
        # names are short and chosen from a list, so shorter words are worth correcting here
        self._speller = Speller({w: len(ids) for w, ids in postings.items()}, min_length=4)

    def _prefix_words(self, prefix: str, limit: int) -> list[str]:
        start = bisect.bisect_left(self._vocab, prefix)
        out: list[str] = []
        for word in self._vocab[start:start + limit]:
            if not word.startswith(prefix):
                break
            out.append(word)
        return out

    def _near_prefix_words(self, prefix: str) -> list[str]:
        """Vocabulary words whose start is one edit away from a (misspelt) prefix."""
        block = self._prefix_words(prefix[:2], _MAX_PREFIX_WORDS * 4)
        return [w for w in block if OSA.distance(prefix, w[:len(prefix)], score_cutoff=1) <= 1]

    def _word_matches(self, word: str, last: bool) -> list[tuple[str, float]]:
        if last and len(word) >= 2:
            found = self._prefix_words(word, _MAX_PREFIX_WORDS)
            if found:
                return [(w, _WORD if w == word else _PREFIX) for w in found]
        elif word in self._postings:
            return [(word, _WORD)]
        fixed = self._speller.correct(word)
        if fixed is not None:
            return [(fixed, _FIXED)]
        if last and len(word) >= 3:
            return [(w, _FIXED) for w in self._near_prefix_words(word)]
        return []

    def lookup(self, text: str, limit: int = MAX_CHOICES) -> list[int]:
        """Entry numbers best first; empty text gives the first entries in browsing order."""
        limit = max(0, min(limit, MAX_CHOICES))
        query = normalise_name(text)
        if not query:
            return list(range(min(limit, len(self.entries))))
        scores = np.zeros(len(self.entries), dtype=np.float32)
        if query in self.exact:
            scores[self.exact[query]] = _EXACT
        start = bisect.bisect_left(self._names, (query, -1))
        starting = [number for name, number in self._names[start:start + _MAX_NAME_PREFIX]
                    if name.startswith(query)]
        if starting:
            ids = np.array(starting, dtype=np.int64)
            scores[ids] = np.maximum(scores[ids], _STARTS)
        typed = query.split()
        finished = text[-1:].isspace()
        for i, word in enumerate(typed):
            last = i == len(typed) - 1 and not finished
            best = np.zeros(len(self.entries), dtype=np.float32)
            for match, quality in self._word_matches(word, last):
                ids = self._postings[match]
                best[ids] = np.maximum(best[ids], quality * self._idf[match])
            scores += best
        found = int(np.count_nonzero(scores))
        k = min(limit, found)
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.flatnonzero(scores)
        return sorted(top.tolist(), key=lambda number: (-scores[number], number))[:k]
