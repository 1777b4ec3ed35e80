"""Group what members asked that the coach could not answer, so moderators see what to write.

Near-duplicates ("pmp for nurses?", "can nurses get the pmp") are grouped by fuzzy
token-set similarity of their content words (case, punctuation, stop words and word order
ignored); the biggest groups come first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz

from bot.search.lexicon import STOPWORDS
from bot.search.text import clean, words
from bot.storage.protocol import LoggedQuestion

SIMILAR = 80  # token-set ratio (0-100) at which two questions count as the same gap


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


def group_gaps(questions: Iterable[LoggedQuestion], limit: int = 20) -> list[Gap]:
    """Cluster near-duplicate questions; most asked first."""
    gaps: list[Gap] = []
    for logged in questions:
        key = " ".join(sorted({w for w in words(clean(logged.question)) if w not in STOPWORDS}))
        if not key:
            continue
        gap = next((g for g in gaps if fuzz.token_set_ratio(key, g._key) >= SIMILAR), None)
        if gap is None:
            gap = Gap(example=" ".join(logged.question.split())[:200], _key=key)
            gaps.append(gap)
        gap.count += 1
        text = " ".join(logged.question.split())[:200]
        if text not in gap.variants and len(gap.variants) < 5:
            gap.variants.append(text)
        if logged.best_entry_id:
            gap.best_entry_ids[logged.best_entry_id] = gap.best_entry_ids.get(logged.best_entry_id, 0) + 1
        if gap.last_asked is None or logged.asked_at > gap.last_asked:
            gap.last_asked = logged.asked_at
    gaps.sort(key=lambda g: (-g.count, g.example))
    return gaps[:limit]
