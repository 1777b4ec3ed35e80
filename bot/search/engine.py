"""The answer engine: from any text a member types to one entry, a short pick-list, or an
honest "I don't know".

Matching is tiered, as in the best community bots: an exact id, alias or title is served
directly; otherwise a ranked full-text search runs. The ranker is a BM25F index of our own
(``bot.search.index``) rather than SQLite FTS5 or a BM25 package, because the features
that decide quality here sit between the tokens and the scores: synonym phrases scored
as one concept (best alternative, never a sum), typo correction against the index's own
vocabulary, sentence weighting for long messages, an importance for words the knowledge
base has never seen (what makes out-of-scope questions fall through), and per-candidate
features for a calibrated confidence. With FTS5 all of that would be query-string
rewriting plus a second pass over its results; FTS5's ``bm25()`` also sums per-column
BM25 scores instead of saturating once across fields (true BM25F). Precomputed
saturation arrays keep a query at a few vectorised numpy operations (well under a
millisecond at 10,000 entries; see docs/benchmarks.md).

The engine is immutable after ``build`` (only a stem cache grows), so the Discord bot
builds it in a worker thread and swaps it in whole when the knowledge reloads.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from bot.knowledge.models import Entry, Knowledge
from bot.search import calibration
from bot.search.analyzer import Analyzer, base_word
from bot.search.calibration import Features
from bot.search.index import FIELDS, K1, FieldIndex, PhraseIndex
from bot.search.lookup import MAX_CHOICES, NameIndex, normalise_name
from bot.search.query import Query, QueryParser
from bot.search.speller import Speller

#: How many ranked candidates ``rank`` returns by default: enough for the pick-list.
RERANK_DEPTH = 6
#: Rank score = soft + QSIM_WEIGHT * qsim + HARD_WEIGHT * hard (chosen by benchmarks/calibrate.py).
QSIM_WEIGHT = 0.4
HARD_WEIGHT = 0.0
#: Two subject words matched in an entry's title, aliases or questions make a full anchor.
ANCHORS_FOR_FULL = 2.0


class Outcome(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Candidate:
    entry: Entry
    score: float
    features: Features
    confidence: float


@dataclass(frozen=True, slots=True)
class Answer:
    """The engine's reply to one message.

    ``entry`` is the best candidate for both ``answer`` and ``suggest`` (None for
    ``unknown``). ``suggestions`` holds the 2 to 5 candidates to pick from for ``suggest``
    (best first, so it starts with ``entry``); for ``answer`` it holds up to two other
    plausible entries ("not what you meant?"), and it is empty for ``unknown``.
    """

    outcome: Outcome
    confidence: float
    entry: Entry | None = None
    suggestions: list[tuple[Entry, float]] = field(default_factory=list)
    corrections: tuple[tuple[str, str], ...] = ()

    def to_json(self, question: str) -> dict[str, Any]:
        """The ``ask --json`` contract: one object per question."""
        entry = None
        if self.entry is not None:
            entry = {"id": self.entry.id, "title": self.entry.title, "answer": self.entry.answer,
                     "links": [{"title": link.title, "url": link.url} for link in self.entry.links]}
        return {
            "question": question,
            "outcome": str(self.outcome),
            "confidence": round(self.confidence, 4),
            "entry": entry,
            "suggestions": [{"id": e.id, "title": e.title, "confidence": round(c, 4)}
                            for e, c in self.suggestions],
        }


def decide(candidates: Sequence[Candidate], corrections: tuple[tuple[str, str], ...] = ()) -> Answer:
    """The outcome for ranked candidates (best first), by the thresholds in ``calibration``."""
    if not candidates:
        return Answer(Outcome.UNKNOWN, 0.0, corrections=corrections)
    best = candidates[0]
    if best.confidence >= calibration.ANSWER_AT:
        others = [(c.entry, c.confidence) for c in candidates[1:1 + calibration.MAX_ALTERNATIVES]
                  if c.confidence >= calibration.SUGGEST_AT]
        return Answer(Outcome.ANSWER, best.confidence, best.entry, others, corrections)
    if best.confidence >= calibration.SUGGEST_AT and len(candidates) > 1:
        floor = best.confidence * calibration.SUGGEST_SHARE
        picks = [c for c in candidates if c.confidence >= floor][:calibration.MAX_SUGGESTIONS]
        if len(picks) < 2:
            picks = list(candidates[:2])
        return Answer(Outcome.SUGGEST, best.confidence, best.entry,
                      [(c.entry, c.confidence) for c in picks], corrections)
    return Answer(Outcome.UNKNOWN, best.confidence, corrections=corrections)


class AnswerEngine:
    """Built once per knowledge load with ``AnswerEngine.build``; read-only afterwards."""

    def __init__(self, knowledge: Knowledge, analyzer: Analyzer, index: FieldIndex,
                 phrases: PhraseIndex, parser: QueryParser,
                 names: NameIndex) -> None:
        self.knowledge = knowledge
        self.entries: list[Entry] = list(knowledge.entries.values())
        self._analyzer = analyzer
        self._index = index
        self._phrases = phrases
        self._parser = parser
        self._names = names

    @classmethod
    def build(cls, knowledge: Knowledge, *, fields: Mapping[str, tuple[float, float]] = FIELDS,
              k1: float = K1) -> AnswerEngine:
        """Index a knowledge snapshot. Pure and CPU-bound: call it off the event loop.

        ``fields`` and ``k1`` exist for benchmarks/calibrate.py, which tunes them.
        """
        analyzer = Analyzer(knowledge.synonyms)
        entries = list(knowledge.entries.values())
        docs: list[dict[str, list[str]]] = []
        phrase_terms: list[list[list[str]]] = []
        surface: Counter[str] = Counter()
        for entry in entries:
            title = analyzer.terms(entry.title, surface)
            aliases = [analyzer.terms(a, surface) for a in entry.aliases]
            questions = [analyzer.terms(q, surface) for q in entry.questions]
            docs.append({"title": title, "aliases": [t for a in aliases for t in a],
                         "questions": [t for q in questions for t in q],
                         "answer": analyzer.terms(entry.answer, surface)})
            phrase_terms.append([title, *aliases, *questions])
        index = FieldIndex(docs, fields, k1)
        phrases = PhraseIndex(phrase_terms, index.idf)
        vocabulary: Counter[str] = Counter()
        for word, count in surface.items():
            base = base_word(word)
            if analyzer.stem(base) in index or base in analyzer.synonym_words:
                vocabulary[base] += count
        speller = Speller(vocabulary)
        parser = QueryParser(analyzer, index, speller)
        return cls(knowledge, analyzer, index, phrases, parser, NameIndex(entries))

    # -- ranking -------------------------------------------------------------------------

    def _coverage(self, query: Query) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per entry: the BM25F score and the importance matched anywhere, both over the
        query's total importance, and the *anchor*: how many concepts a subject word (not an
        everyday one) matches in a naming field (title, alias, question), saturating at
        ``ANCHORS_FOR_FULL``."""
        n = self._index.size
        soft = np.zeros(n, dtype=np.float32)
        hard = np.zeros(n, dtype=np.float32)
        anchor = np.zeros(n, dtype=np.float32)
        postings = self._index.postings
        everyday = self._parser.everyday
        for concept in query.concepts:
            alternatives = concept.alternatives
            if not alternatives:
                continue
            w = concept.weight
            if len(alternatives) == 1:
                term, value = alternatives[0]
                p = postings[term]
                soft[p.docs] += (w * value) * p.sat
                hard[p.docs] += w * value
                if term not in everyday:
                    anchor[p.docs] += w * p.strong
                continue
            best = np.zeros(n, dtype=np.float32)
            matched = np.zeros(n, dtype=np.float32)
            named = np.zeros(n, dtype=np.float32)
            for term, value in alternatives:
                p = postings[term]
                best[p.docs] = np.maximum(best[p.docs], value * p.sat)
                matched[p.docs] = np.maximum(matched[p.docs], value)
                if term not in everyday:
                    named[p.docs] = np.maximum(named[p.docs], p.strong)
            soft += w * best
            hard += w * matched
            anchor += w * named
        mass = query.mass
        return soft / mass, hard / mass, np.minimum(1.0, anchor / ANCHORS_FOR_FULL)

    def _qsim(self, query: Query) -> np.ndarray:
        """Per entry: the best F1 overlap between the query and one of its phrases (title,
        an alias or a question). Recall is over the query's importance (one concept counts
        once, through its best alternative), precision over the phrase's idf."""
        index = self._phrases
        recall = np.zeros(index.size, dtype=np.float32)
        precision = np.zeros(index.size, dtype=np.float32)
        terms: set[str] = set()
        for concept in query.concepts:
            alternatives = [(index.phrases[t], v) for t, v in concept.alternatives if t in index.phrases]
            terms.update(t for t, _ in concept.alternatives)
            if len(alternatives) == 1:
                ids, value = alternatives[0]
                recall[ids] += concept.weight * value
            elif alternatives:
                best = np.zeros(index.size, dtype=np.float32)
                for ids, value in alternatives:
                    best[ids] = np.maximum(best[ids], value)
                recall += concept.weight * best
        idf = self._index.idf
        for term in terms:
            ids = index.phrases.get(term)
            if ids is not None:
                precision[ids] += idf[term]
        recall /= query.mass
        precision /= index.total
        total = recall + precision
        f1 = np.divide(2 * recall * precision, total, out=np.zeros_like(total), where=total > 0)
        return np.maximum.reduceat(f1, index.starts) if index.size else np.zeros(self._index.size)

    def rank(self, text: str, depth: int = RERANK_DEPTH) -> tuple[Query, list[Candidate]]:
        """The query and its best ``depth`` candidates, best first, with features and confidence."""
        query = self._parser.parse(text)
        if not query.known or query.mass <= 0 or depth <= 0:
            return query, []
        soft, hard, anchor = self._coverage(query)
        qsim = self._qsim(query)
        score = soft + QSIM_WEIGHT * qsim + HARD_WEIGHT * hard
        k = min(depth + 1, int(np.count_nonzero(score)))
        if k == 0:
            return query, []
        top = np.argpartition(-score, k - 1)[:k] if k < len(score) else np.arange(len(score))
        order = sorted(top.tolist(), key=lambda i: (-score[i], i))
        candidates = []
        for position, number in enumerate(order[:depth]):
            rival = order[1] if position == 0 and len(order) > 1 else order[0]
            margin = float(score[number] - (score[rival] if rival != number else 0.0))
            features = Features(float(soft[number]), float(hard[number]), float(anchor[number]),
                                float(qsim[number]), margin)
            candidates.append(Candidate(self.entries[number], float(score[number]), features,
                                        calibration.confidence(features)))
        return query, candidates

    # -- public API ----------------------------------------------------------------------

    def answer(self, text: str) -> Answer:
        """Answer, suggest or admit not knowing; never raises for any ``str``."""
        query, candidates = self.rank(text)
        corrections = tuple(query.corrections)
        direct = self._names.exact.get(query.norm)
        if direct is not None:
            return Answer(Outcome.ANSWER, calibration.NAME_MATCH_CONFIDENCE, self.entries[direct],
                          corrections=corrections)
        return decide(candidates, corrections)

    def lookup(self, text: str, limit: int = MAX_CHOICES) -> list[Entry]:
        """Autocomplete: entries by id, title or alias (fuzzy, prefix, typo-tolerant), at most 25.

        Empty text lists the first entries in browsing order. When names give fewer than
        ``limit`` choices, entries whose content matches fill the rest, so a member can
        find an entry without knowing what it is called.
        """
        limit = max(0, min(limit, MAX_CHOICES))
        numbers = self._names.lookup(text, limit)
        if len(numbers) < limit and len(text.strip()) >= 3:
            seen = set(numbers)
            _, candidates = self.rank(text, depth=limit)
            for candidate in candidates:
                number = self._number(candidate.entry)
                if number not in seen:
                    numbers.append(number)
                    seen.add(number)
        return [self.entries[n] for n in numbers[:limit]]

    def entry_named(self, text: str) -> Entry | None:
        """The entry whose id, alias or title is exactly ``text`` (ignoring case and punctuation)."""
        number = self._names.exact.get(normalise_name(text))
        return None if number is None else self.entries[number]

    def _number(self, entry: Entry) -> int:
        return self._names.number[entry.id]
