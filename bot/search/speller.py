"""Correct a misspelt word to a word the knowledge base actually uses.

Members type "certifcation", "requirments" and "linkdin". Checking a word against the
whole vocabulary with an edit-distance scorer costs milliseconds on a large knowledge
base, so candidates come from a symmetric-delete table (the SymSpell idea): every
vocabulary word is stored under itself and each single-character deletion of it; a query
word looks up its own deletions (one or two). ``osa_distance`` then checks the true
Damerau-style distance (optimal string alignment) of the few candidates.

A word spelt right is not a typo: a common English word the knowledge never uses ("tiger",
"litigation") is only ever corrected to a form of itself ("constantly" to "constant"), never to
a different word that happens to be close ("timer", "mitigation"). The list of such words
(``english_words.txt``, made by ``benchmarks/build_english_words.py``) is read once, when the
first speller is built; the query parser also asks it before reading a word as a clipping
("water" is not "waterfall").

The budget is strict on purpose: nothing under 5 letters, one edit (first letter kept)
up to 7 letters, two edits from 8 letters. A looser budget turns out-of-scope words into in-scope ones
("weather" into "gather") and would make the engine answer things it does not know.

The cost is bounded too: two deletions of an n-letter word are about n*n/2 probes, so a
1,000-letter "word" made half a million strings (1-2 s, +500 MB). A word more than two
letters longer than the longest vocabulary word cannot be within two edits of any of them,
so it is not looked up at all, and no word above ``MAX_LENGTH`` letters is, whatever the
vocabulary: at most ``MAX_PROBES`` strings per word.
"""

from __future__ import annotations

import functools
import logging
from array import array
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

MIN_LENGTH = 5
LONG_WORD = 8
#: No word longer than this is corrected (no English word a member means is longer).
MAX_LENGTH = 24
ENGLISH_WORDS = Path(__file__).with_name("english_words.txt")

log = logging.getLogger(__name__)


@functools.cache
def _english_words(path: Path) -> tuple[str, dict[str, tuple[int, int]]]:
    """The sorted words of ``path`` (one a line, ``#`` comments) as one newline-framed string,
    with where each first letter's words lie in it: 0.11 MB where a set of the same 14,000
    words takes 0.5 MB, for a lookup made only for words the knowledge lacks. Empty, with a
    warning, when the file cannot be read: the speller then corrects as if it knew no word."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("English word list unreadable, correcting without it: %s", exc)
        return "", {}
    words = sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    text = "\n" + "".join(f"{word}\n" for word in words)
    spans: dict[str, tuple[int, int]] = {}
    at = 0
    for word in words:
        first = spans.get(word[0], (at, at))[0]
        at += len(word) + 1
        spans[word[0]] = (first, at + 1)  # the closing newline included
    return text, spans


def is_common_english(word: str, path: Path = ENGLISH_WORDS) -> bool:
    """Whether ``word`` (lowercase letters) is in the common English word list."""
    text, spans = _english_words(path)
    start, end = spans.get(word[:1], (0, 0))
    return text.find(f"\n{word}\n", start, end) >= 0


def _same_word(word: str, fix: str) -> bool:
    """Whether one is the other with an ending added: a form of the same word."""
    return word.startswith(fix) or fix.startswith(word)


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def probes(word: str) -> set[str]:
    """The strings looked up for a word: itself and its deletions (two of them from
    ``LONG_WORD`` letters). Empty for words outside ``MIN_LENGTH..MAX_LENGTH``."""
    n = len(word)
    if n > MAX_LENGTH:
        return set()
    found = {word} | _deletes(word)
    if n >= LONG_WORD:
        found |= {d2 for d1 in found if len(d1) == n - 1 for d2 in _deletes(d1)}
    return found


#: The most probes any word makes: a ``MAX_LENGTH``-letter word with no repeated letters.
MAX_PROBES = 1 + MAX_LENGTH + MAX_LENGTH * (MAX_LENGTH - 1) // 2


def _stripped(a: str, b: str) -> tuple[str, str]:
    """``a`` and ``b`` without the start and the end they share."""
    i, n = 0, min(len(a), len(b))
    while i < n and a[i] == b[i]:
        i += 1
    j, n = 0, n - i
    while j < n and a[-1 - j] == b[-1 - j]:
        j += 1
    return a[i : len(a) - j], b[i : len(b) - j]


def _within(a: str, b: str, limit: int) -> bool:
    """Whether ``a`` becomes ``b`` in at most ``limit`` edits (insert, delete, replace, swap
    two neighbours; no stretch edited twice). Recursion ``limit`` deep with 4 branches a level:
    cheap for the speller's budget of 2, and only an edit where the strings differ is tried."""
    a, b = _stripped(a, b)
    if not a or not b:
        return len(a) + len(b) <= limit
    if limit == 0 or abs(len(a) - len(b)) > limit:
        return False
    less = limit - 1
    if len(a) > 1 and len(b) > 1 and a[0] == b[1] and a[1] == b[0] and _within(a[2:], b[2:], less):
        return True
    return _within(a[1:], b[1:], less) or _within(a[1:], b, less) or _within(a, b[1:], less)


def osa_distance(a: str, b: str, limit: int) -> int:
    """The optimal string alignment distance of ``a`` and ``b``, or ``limit + 1`` when above
    ``limit``. Plain Python, about 4 us a pair at the speller's budget: rapidfuzz (the same
    figure in C) costs 2.8 MB of memory on import, for a check made a few times per typo."""
    for distance in range(limit + 1):
        if _within(a, b, distance):
            return distance
    return limit + 1


def _hashes(strings: Iterable[str]) -> np.ndarray:
    return np.fromiter(map(hash, strings), dtype=np.int64)


class Speller:
    """A fixed vocabulary (word -> how often it occurs) with fast nearest-word lookup.

    The delete table is two sorted arrays (the hash of each word and of each of its
    deletions, and the word it came from) rather than a dict of lists: a few hundred
    thousand entries at 10,000 knowledge entries, which as Python lists would be as many
    objects for the garbage collector to walk. A hash that collides only adds a candidate,
    which the distance check then rejects.
    """

    def __init__(self, frequencies: Mapping[str, int], min_length: int = MIN_LENGTH) -> None:
        self._freq = dict(frequencies)
        self._min_length = min_length
        _english_words(ENGLISH_WORDS)  # read while the engine builds, not on a member's question
        self._words = [w for w in self._freq if len(w) >= min_length - 1 and w.isalpha()]
        #: no word more than two edits longer than every vocabulary word can be corrected
        self._max_length = min(MAX_LENGTH, max(map(len, self._words), default=0) + 2)
        keys = array("q")
        owners = array("q")
        for number, word in enumerate(self._words):
            variants = _deletes(word)
            variants.add(word)
            keys.extend(map(hash, variants))
            owners.extend(array("q", (number,)) * len(variants))
        keys_np = np.frombuffer(keys, dtype=np.int64) if keys else np.zeros(0, dtype=np.int64)
        order = np.argsort(keys_np)
        self._keys = keys_np[order]
        self._owners = np.frombuffer(owners, dtype=np.int64)[order] if owners else np.zeros(0, dtype=np.int64)

    def __contains__(self, word: str) -> bool:
        return word in self._freq

    def _candidates(self, keys: set[str]) -> set[str]:
        """The vocabulary words stored under any of the keys."""
        wanted = _hashes(keys)
        lo = np.searchsorted(self._keys, wanted, side="left")
        hi = np.searchsorted(self._keys, wanted, side="right")
        found = set()
        for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
            if a < b:
                found.update(self._owners[a:b].tolist())
        return {self._words[i] for i in found}

    def cost(self, word: str) -> int:
        """How many probes ``correct`` would look up for ``word`` (at most ``MAX_PROBES``)."""
        n = len(word)
        if not self._min_length <= n <= self._max_length:
            return 0
        return 1 + n + (n * (n - 1) // 2 if n >= LONG_WORD else 0)

    def correct(self, word: str) -> str | None:
        """The closest vocabulary word within the edit budget, or None (also for known words)."""
        n = len(word)
        if not self._min_length <= n <= self._max_length or word in self._freq or not word.isalpha():
            return None
        budget = 2 if n >= LONG_WORD else 1
        candidates = self._candidates(probes(word))
        best: tuple[int, int, str] | None = None
        for candidate in candidates:
            distance = osa_distance(word, candidate, budget)
            if distance > budget or ((distance == 2 or n < LONG_WORD) and candidate[0] != word[0]):
                continue
            key = (distance, -self._freq[candidate], candidate)
            if best is None or key < best:
                best = key
        if best is None or (is_common_english(word) and not _same_word(word, best[2])):
            return None
        return best[2]
