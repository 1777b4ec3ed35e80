"""Group what members asked that the coach could not answer, so moderators see what to write.

Near-duplicates ("pmp for nurses?", "can nurses get the pmp") are grouped by fuzzy
token-set similarity of their content words (case, punctuation, stop words and word order
ignored); the biggest groups come first.

Members fill this log, so the cost is bounded whatever they type: only the newest
``MAX_GROUPED`` questions are grouped, a question's key is its first ``KEY_WORDS`` content
words from its first ``KEY_CHARS`` characters, and a question is compared only with the
``CANDIDATES`` groups sharing the most words with it (found through a word index), never
with every group. Callers on the event loop run it in a worker thread, which is also where
rapidfuzz (2.8 MB) is first imported: the running bot needs it for this command only.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.search.lexicon import STOPWORDS
from bot.search.text import clean, words
from bot.storage.protocol import LoggedQuestion

SIMILAR = 80  # token-set ratio (0-100) at which two questions count as the same gap
MAX_GROUPED = 2000
KEY_CHARS = 300
KEY_WORDS = 16
CANDIDATES = 16
# A word already in this many groups stops pointing to new ones: it is too common to tell
# groups apart (a question is still found through its rarer words).
COMMON_WORD_GROUPS = 64


@dataclass
class Gap:
    example: str
    count: int = 0
    variants: list[str] = field(default_factory=list)
    best_entry_ids: dict[str, int] = field(default_factory=dict)
    last_asked: datetime | None = None
    _key: str = ""

    @property
    def best_entry_id(self) -> str | None:
        """The entry the engine most often half-matched: maybe the one to extend."""
        return max(self.best_entry_ids, key=self.best_entry_ids.__getitem__) if self.best_entry_ids else None


def group_gaps(questions: Sequence[LoggedQuestion], limit: int = 20) -> list[Gap]:
    """Cluster near-duplicates among the newest ``MAX_GROUPED`` questions; most asked first."""
    from rapidfuzz.fuzz import token_set_ratio

    if len(questions) > MAX_GROUPED:
        newest = heapq.nlargest(MAX_GROUPED, range(len(questions)), key=lambda i: questions[i].asked_at)
        questions = [questions[i] for i in sorted(newest)]
    gaps: list[Gap] = []
    by_word: defaultdict[str, list[int]] = defaultdict(list)
    for logged in questions:
        key_words = _key_words(logged.question)
        if not key_words:
            continue
        key = " ".join(sorted(key_words))
        text = " ".join(logged.question[:KEY_CHARS].split())[:200]
        gap = _closest(key, key_words, gaps, by_word, token_set_ratio)
        if gap is None:
            gap = Gap(example=text, _key=key)
            for word in key_words:
                if len(by_word[word]) < COMMON_WORD_GROUPS:
                    by_word[word].append(len(gaps))
            gaps.append(gap)
        gap.count += 1
        if text not in gap.variants and len(gap.variants) < 5:
            gap.variants.append(text)
        if logged.best_entry_id:
            gap.best_entry_ids[logged.best_entry_id] = gap.best_entry_ids.get(logged.best_entry_id, 0) + 1
        if gap.last_asked is None or logged.asked_at > gap.last_asked:
            gap.last_asked = logged.asked_at
    gaps.sort(key=lambda g: (-g.count, g.example))
    return gaps[:limit]


def _key_words(question: str) -> list[str]:
    """The first distinct content words of the start of ``question``."""
    found = dict.fromkeys(w for w in words(clean(question[:KEY_CHARS])) if w not in STOPWORDS)
    return list(found)[:KEY_WORDS]


def _closest(
    key: str,
    key_words: list[str],
    gaps: list[Gap],
    by_word: dict[str, list[int]],
    similarity: Callable[[str, str], float],
) -> Gap | None:
    """The most similar group among those sharing the most words with the key, if similar enough."""
    shared = Counter(i for word in key_words for i in by_word.get(word, ()))
    candidates = sorted(i for i, _ in shared.most_common(CANDIDATES))  # oldest group wins a tie
    scores = [(similarity(key, gaps[i]._key), i) for i in candidates]
    score, best = max(scores, key=lambda pair: pair[0], default=(0, -1))
    return gaps[best] if score >= SIMILAR else None
