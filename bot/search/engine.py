"""The answer engine: from any text a member types to one entry, a short pick-list, or an
honest "I don't know".

Matching is tiered, as in the best community bots: an exact id, alias or title is served
directly; otherwise a ranked full-text search runs, in two stages:

1. candidates: the best 40 by BM25F over title, aliases, questions and answer
   (``bot.search.index``), scored per *concept* (``bot.search.query``) so a synonym never
   counts twice, plus up to 40 entries one of whose phrasings (title, alias, question)
   shares the most of the question's less common words, so that entries which merely
   mention the question's common words many times cannot crowd out the one that asks it;
2. the candidates are reranked with the overlap between the question and each entry's own
   phrasings, which is what a paraphrase shares (F0.5: a curated question wrapped in the
   member's own words still matches in full).

A logistic model (``bot.search.calibration``) turns the best candidate's features into a
confidence, and the thresholds fitted on labelled questions decide answer / suggest /
unknown.

Why our own BM25F rather than SQLite FTS5 or a BM25 package: what decides quality here
sits between the tokens and the scores: synonym phrases as one concept (best alternative,
never a sum), typo correction against the index's own vocabulary, sentence weighting for
long messages, an importance for words the knowledge base has never seen (what makes
out-of-scope questions fall through), and per-candidate features for the confidence.
With FTS5 all of that would be query-string rewriting (with its syntax to escape) plus a
second pass over its results, and FTS5's ``bm25()`` sums per-column BM25 scores instead
of saturating once across fields (true BM25F). Saturation is precomputed per (term,
entry), so a query is a few loops over posting arrays (``bot.search.kernels``: C where it
was built, numpy otherwise): under 1 ms at 10,000 entries (docs/benchmarks.md), and
0.99/1.00 of in-scope questions ranked right where plain BM25 (rank_bm25, bm25s) gets
0.88-0.92.

The engine is immutable after ``build`` (only word caches grow), so the Discord bot
builds it in a worker thread and swaps it in whole when the knowledge reloads.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import numpy as np

from bot.knowledge.models import Entry, Knowledge
from bot.search import calibration, kernels
from bot.search.analyzer import Analyzer, base_word
from bot.search.calibration import Features
from bot.search.corpus import Corpus
from bot.search.index import FIELDS, K1, FieldIndex, PhraseIndex
from bot.search.lexicon import TOPIC_WORDS, WORKING_LIFE_WORDS, named_in
from bot.search.lookup import MAX_CHOICES, MAX_LOOKUP_CHARS, NameIndex, normalise_name
from bot.search.query import SPELLING_BUDGET, Query, QueryParser
from bot.search.scope import (
    asks_about_a_move,
    asks_about_another_exam,
    enters_pm,
    leaves_pm,
    other_career,
    pastes_code,
    reports_a_fault,
)
from bot.search.small_talk import SmallTalk, example_questions, small_talk_reply, small_talk_words
from bot.search.speller import Speller

#: How many ranked candidates ``rank`` returns by default: enough for the pick-list.
RERANK_DEPTH = 6
#: Autocomplete adds entries whose content matches when names give fewer choices than this.
LOOKUP_FILL_BELOW = 5
# /open in the terminal opens the best name match at once when it scores this much more than the next
CLEAR_NAME_MARGIN = 1.5
CLEAR_SPELLING_MARGIN = 10.0  # rapidfuzz ratio points (0-100) between the closest two names
CLEAR_SPELLING_FLOOR = 80.0  # and the closest must spell nearly the whole text
#: How many entries the BM25F first pass hands to the phrase-overlap (qsim) rerank.
QSIM_DEPTH = 40
#: ... and how many entries with the phrases closest to the question it adds to them, found
#: through the question's less common terms: those in at most this share of all phrases.
SIMILAR_DEPTH = 40
SIMILAR_MAX_SHARE = 0.05
#: Rank score = soft + QSIM_WEIGHT * similarity + HARD_WEIGHT * hard, where similarity is the
#: best F-beta overlap of the question with one of the entry's phrases (chosen with
#: benchmarks/heldout.py and benchmarks/calibrate.py). Beta below 1 weighs precision (how
#: much of the phrase the question covers) above recall: members wrap a curated question in
#: their own words, so "all of this phrase is in the message" is the stronger evidence. The
#: ``qsim`` feature of the confidence stays the F1 overlap the model was fitted on.
QSIM_WEIGHT = 0.5
QSIM_BETA = 0.5
HARD_WEIGHT = 0.0
#: How many scores ``_largest`` samples for its lower bound.
_SAMPLE = 512
#: Words written with two or more capitals in the answers (PgMP, PMIEF, VRMS): the
#: subject's own jargon, which names what an entry is about even when only its answer
#: mentions it, unlike an ordinary word found there ("nursing").
_ACRONYM = re.compile(r"\b[A-Za-z]*[A-Z][a-z]*[A-Z][A-Za-z0-9]*\b")
#: A long post's question sentences (at most ``MAX_QUESTIONS``) are answered on their own once
#: the whole post reaches a confidence of ``AGREE_FLOOR`` (a pasted build error ending "what do
#: you do to solve it?" must not open the problem-solving entry). A sentence lends confidence only
#: to the entry the whole post ranks first, and only the mean of its own and the post's (alone, a
#: short sentence reaches 0.9 on a few shared words: on the tune posts its confidence barely tells
#: a right entry from a wrong one): the story picks the entry better than a lone sentence does,
#: and a sentence that names another entry is offered beside the answer instead.
MAX_QUESTIONS = 3
AGREE_FLOOR = 0.2
#: ... except when a question sentence alone is all but certain (``SURE_QUESTION``) of an entry
#: the post also ranks, and the whole post is far less sure of its own best one (by
#: ``SURE_MARGIN``): then the question's entry heads the menu. "How do you take time off as a PM?"
#: after a story about being the switchboard for every team: the story's words picked an entry
#: about the story, the question named its subject plainly. Chosen on the tune split (thirteenth
#: round, when it answered); a menu since the thirtieth: on the tune sets the question's entry was
#: wrong for 9 of the 15 posts it answered (docs/benchmarks.md).
SURE_QUESTION = 0.97
SURE_MARGIN = 0.5
#: A long post's question sentences and its first sentence (often a forum post's title), each
#: ranked on its own, add their evidence to the post's ranking: candidates are reordered by their
#: score over the best one's, plus ``SENTENCE_WEIGHT`` times their best such share in a question
#: sentence's own ranking and ``TITLE_WEIGHT`` times their share in the first sentence's. Weights
#: fitted pairwise (right entry above wrong ones) on the tune split, own, common and dev sets,
#: five-fold cross-validated; docs/benchmarks.md, nineteenth round.
SENTENCE_WEIGHT = 0.065
TITLE_WEIGHT = 0.174
#: A candidate's rank score is multiplied by this for each named thing of the question (an
#: acronym the answers write, at least ``MIN_JARGON`` letters: "rmp", not "pm") it never mentions.
JARGON_MISS = 0.7
MIN_JARGON = 3
#: Two subject words matched in an entry's title, aliases or questions make a full anchor.
ANCHORS_FOR_FULL = 2.0


class Outcome(StrEnum):
    ANSWER = "answer"
    SUGGEST = "suggest"
    UNKNOWN = "unknown"
    SMALL_TALK = "small_talk"  # greetings, thanks, "what can you do": a friendly reply, not a gap


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
    ``small_talk`` holds the reply and example questions for ``small_talk``.
    """

    outcome: Outcome
    confidence: float
    entry: Entry | None = None
    suggestions: list[tuple[Entry, float]] = field(default_factory=list)
    corrections: tuple[tuple[str, str], ...] = ()
    small_talk: SmallTalk | None = None
    also_asked: tuple[Entry, ...] = ()  # a long post's other questions, each answered by an entry

    @property
    def is_gap(self) -> bool:
        """The knowledge may lack what was asked: logged for moderators (small talk is not)."""
        return self.outcome in (Outcome.SUGGEST, Outcome.UNKNOWN)

    def to_json(self, question: str) -> dict[str, Any]:
        """The ``ask --json`` contract: one object per question. Small talk adds ``reply``
        and ``examples`` (``[{question, id, title}]``), a post that asks two things adds
        ``also_asked`` (``[{id, title}]``); the other keys keep their meaning."""
        entry = None
        if self.entry is not None:
            entry = {
                "id": self.entry.id,
                "title": self.entry.title,
                "answer": self.entry.answer,
                "links": [{"title": link.title, "url": link.url} for link in self.entry.links],
            }
        payload = {
            "question": question,
            "outcome": str(self.outcome),
            "confidence": round(self.confidence, 4),
            "entry": entry,
            "suggestions": [
                {"id": e.id, "title": e.title, "confidence": round(c, 4)} for e, c in self.suggestions
            ],
        }
        if self.also_asked:
            payload["also_asked"] = [{"id": e.id, "title": e.title} for e in self.also_asked]
        if self.small_talk is not None:
            payload["reply"] = self.small_talk.reply
            payload["examples"] = [
                {"question": q, "id": e.id, "title": e.title} for q, e in self.small_talk.examples
            ]
        return payload


def decide(
    candidates: Sequence[Candidate],
    corrections: tuple[tuple[str, str], ...] = (),
    long_post: bool = False,
    menu_confidence: float = 0.0,
    may_answer: bool = True,
    checked: bool = False,
    on_topic: bool = True,
    long_check: bool = False,
) -> Answer:
    """The outcome for ranked candidates (best first), by the thresholds in ``calibration``
    (a long post is answered from ``LONG_ANSWER_AT``, and offered a menu from
    ``LONG_SUGGEST_AT`` when its best entry has a full anchor). ``menu_confidence``, when
    higher than the best candidate's, is what the menu threshold is compared with: a long
    post's story can earn a menu, never an answer. ``may_answer=False``: a menu at most. An
    answer also needs ``calibration.likely_right``: the first of a near tie gets a menu, unless
    ``checked``: a question sentence of the post, ranked alone, is sure of the same entry and
    passed the check there. ``on_topic=False`` (``AnswerEngine.strays_from_the_topic``): no
    menu, since its near misses share words with the message by accident. ``long_check``: a
    question of ``LONG_CHECK_WORDS`` or more gets a long post's answer check, not its lines."""
    if not candidates:
        return Answer(Outcome.UNKNOWN, 0.0, corrections=corrections)
    best = candidates[0]
    answer_at = calibration.LONG_ANSWER_AT if long_post else calibration.ANSWER_AT
    if (
        best.confidence >= answer_at
        and may_answer
        and (checked or calibration.likely_right(best.features, long_post or long_check))
    ):
        others = [
            (c.entry, c.confidence)
            for c in candidates[1 : 1 + calibration.MAX_ALTERNATIVES]
            if c.confidence >= calibration.SUGGEST_AT
        ]
        return Answer(Outcome.ANSWER, best.confidence, best.entry, others, corrections)
    named = best.features.anchor >= 1.0
    suggest_at = calibration.LONG_SUGGEST_AT if long_post and named else calibration.SUGGEST_AT
    if on_topic and max(best.confidence, menu_confidence) >= suggest_at and len(candidates) > 1:
        floor = best.confidence * calibration.SUGGEST_SHARE
        picks = [c for c in candidates if c.confidence >= floor][: calibration.MAX_SUGGESTIONS]
        if len(picks) < 2:
            picks = list(candidates[:2])
        return Answer(
            Outcome.SUGGEST,
            best.confidence,
            best.entry,
            [(c.entry, c.confidence) for c in picks],
            corrections,
        )
    return Answer(Outcome.UNKNOWN, best.confidence, corrections=corrections)


class AnswerEngine:
    """Built once per knowledge load with ``AnswerEngine.build``; read-only afterwards."""

    def __init__(
        self,
        knowledge: Knowledge,
        analyzer: Analyzer,
        index: FieldIndex,
        phrases: PhraseIndex,
        parser: QueryParser,
        names: NameIndex,
        jargon: frozenset[str] = frozenset(),
    ) -> None:
        self.knowledge = knowledge
        self.entries: list[Entry] = list(knowledge.entries.values())
        self._analyzer = analyzer
        self._index = index
        self._phrases = phrases
        self._parser = parser
        self._names = names
        self._jargon = jargon
        self._subject_groups = analyzer.groups_naming(TOPIC_WORDS - WORKING_LIFE_WORDS)
        self._examples = example_questions(knowledge)
        entering = [i for i, e in enumerate(self.entries) if enters_pm(e.title)]
        self._entering = np.array(entering, dtype=np.int64)
        self._entering_ids = frozenset(self.entries[i].id for i in entering)

    @classmethod
    def build(
        cls, knowledge: Knowledge, *, fields: Mapping[str, tuple[float, float]] = FIELDS, k1: float = K1
    ) -> AnswerEngine:
        """Index a knowledge snapshot. Pure and CPU-bound: call it off the event loop.

        ``fields`` and ``k1`` exist for benchmarks/calibrate.py, which tunes them. Tokens are
        integers and postings typed arrays throughout (``bot.search.corpus``), so the engine
        holds a few hundred Python objects whatever the size of the knowledge base, and the
        garbage collector is left running.
        """
        analyzer = Analyzer(knowledge.synonyms)
        entries = list(knowledge.entries.values())
        corpus = Corpus(entries, analyzer)
        index = FieldIndex(corpus, fields, k1)
        phrases = PhraseIndex(corpus, index)
        # the corrector prefers, among equally close words, the one in more entries
        vocabulary: dict[str, int] = {}
        synonym_words = analyzer.synonym_words
        for base, stem in zip(corpus.bases[1:], corpus.full_stems[1:], strict=True):
            if stem in index:
                vocabulary[base] = index.df(stem)
            elif base in synonym_words:
                vocabulary[base] = 1
        speller = Speller(vocabulary)
        parser = QueryParser(analyzer, index, speller)
        written = [w for w in corpus.answer_words() if not w.islower() and _ACRONYM.fullmatch(w)]
        for answer in corpus.uncased_answers:
            written.extend(_ACRONYM.findall(answer))
        jargon = frozenset(
            stem
            for word in dict.fromkeys(written)
            if (stem := analyzer.stem(base_word(word.lower()))) in index and stem not in parser.not_subject
        )
        return cls(knowledge, analyzer, index, phrases, parser, NameIndex(entries), jargon)

    # -- ranking -------------------------------------------------------------------------

    def _soft(self, query: Query) -> np.ndarray:
        """Per entry: the BM25F score over the query's total importance (a concept counts
        through its best alternative)."""
        postings = self._index.postings
        concepts = [
            (
                concept.weight,
                # the longest list first: it is assigned as it is, the others compared with it
                sorted(
                    ((*postings(term), value) for term, value in concept.alternatives),
                    key=lambda a: -len(a[0]),
                ),
            )
            for concept in query.concepts
            if concept.alternatives
        ]
        return kernels.bm25f(self._index.size, concepts, query.mass)

    def _matched(self, query: Query, entries: np.ndarray) -> tuple[list[float], list[float], list[float]]:
        """For a few entries (ascending): the importance matched anywhere over the query's
        total; the *anchor*: how many concepts a subject word (not an everyday word, a place or an
        employer: ``QueryParser.not_subject``) matches in a naming field (title, alias, question),
        saturating at ``ANCHORS_FOR_FULL``; and the share of the story's importance (a long post's
        context) that subject words match in a naming field. Only the candidates need these, so
        each posting list is searched for them rather than scattered over every entry, and the
        sums over a handful of entries are plain Python (float64, added concept by concept)."""
        terms = [term for concept in query.concepts for term, _ in concept.alternatives]
        hit, strong = self._index.found(terms, entries)
        not_subject, jargon = self._parser.not_subject, self._jargon
        jargon_row = np.array([t in jargon for t in terms])[:, None]
        # a single digit names nothing: "2." numbering a list matched "2 months to go" in a question
        subject = [t not in not_subject and not (len(t) == 1 and t.isdigit()) for t in terms]
        subject_row = np.array(subject)[:, None]
        hits = hit.tolist()
        names = (hit & (jargon_row | (subject_row & strong))).tolist()
        n = len(entries)
        hard, anchor, story = [0.0] * n, [0.0] * n, [0.0] * n
        story_mass = 0.0
        row = 0
        for concept in query.concepts:
            matched, named = [0.0] * n, [0.0] * n
            for _, value in concept.alternatives:
                for e in range(n):
                    if hits[row][e]:
                        matched[e] = max(matched[e], value)
                        if names[row][e]:
                            named[e] = 1.0
                row += 1
            w = concept.weight
            for e in range(n):
                hard[e] += w * matched[e]
                anchor[e] += w * named[e]
            if concept.context:
                mass = w * concept.importance
                for e in range(n):
                    story[e] += mass * named[e]
                story_mass += mass
        return (
            [h / query.mass for h in hard],
            [min(1.0, a / ANCHORS_FOR_FULL) for a in anchor],
            [s / story_mass for s in story] if story_mass > 0 else story,
        )

    def _qsim(self, query: Query, entries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For the given entries: the best overlap between the query and one of their phrases
        (title, an alias or a question), as F-beta with ``QSIM_BETA`` (which ranks) and as F1
        (the ``qsim`` feature the confidence model was fitted on). Recall is over the query's
        importance (a concept counts once, through its best alternative), precision over the
        phrase's idf."""
        index = self._phrases
        # the cells of each query term: the concepts it serves, with its value for each (a term
        # may serve several: a synonym phrase spans several words)
        cells: dict[int, list[tuple[int, float]]] = {}
        for ci, concept in enumerate(query.concepts):
            for term, value in concept.alternatives:
                tid = index.vocab.get(term)
                if tid is not None:
                    cells.setdefault(tid, []).append((ci, value))
        weights = np.array([c.weight for c in query.concepts], dtype=np.float32)
        return kernels.phrase_overlap(index, entries, cells, weights, query.mass, QSIM_BETA)

    def _jargon_kept(self, query: Query, entries: np.ndarray) -> np.ndarray:
        """Per entry (ascending numbers): ``JARGON_MISS`` to the power of how many of the
        question's named things (credentials, methods: words the answers write in capitals)
        the entry never mentions. A question about renewing the PMI-RMP is not answered by the
        CAPM's renewal entry, however much else of the question it shares."""
        kept = np.ones(len(entries), dtype=np.float32)
        jargon = self._jargon
        for concept in query.concepts:
            terms = [t for t, _ in concept.alternatives]
            if concept.context or not any(t in jargon and len(t) >= MIN_JARGON for t in terms):
                continue
            kept[~self._index.found(terms, entries)[0].any(axis=0)] *= JARGON_MISS
        return kept

    def _similar(self, query: Query, k: int) -> np.ndarray:
        """Up to ``k`` entries whose best phrase (title, alias or question) covers most of the
        query's importance, counting only the terms that are in few phrases.

        The BM25F pass alone hands the rerank the entries with the most matching text, and
        when many entries share the question's common words ("project", "pmp", or a topic
        that has dozens of near-copies) they crowd out the entry one of whose questions
        *is* the question. This finds those entries from the phrases side, at a cost bound
        by the posting lengths of uncommon terms.
        """
        index = self._phrases
        cap = max(1, int(SIMILAR_MAX_SHARE * index.size))
        lists: list[np.ndarray] = []
        concepts: list[int] = []
        weights: list[float] = []
        for ci, concept in enumerate(query.concepts):
            # a concept's best alternative first: below, the first of a phrase's is its best
            alternatives = concept.alternatives
            if len(alternatives) > 1:
                alternatives = tuple(sorted(alternatives, key=lambda a: -a[1]))
            for term, value in alternatives:
                tid = index.vocab.get(term)
                if tid is None:
                    continue
                start, end = index.term_start[tid], index.term_start[tid + 1]
                if 0 < end - start <= cap:
                    lists.append(index.phrases_of_term[start:end])
                    concepts.append(ci)
                    weights.append(value * concept.weight)
        if not lists:
            return np.zeros(0, dtype=np.int64)
        entries = kernels.closest_phrases(lists, concepts, weights, index.owner, k, 8 * k)
        return np.array(entries, dtype=np.int64)

    def rank(
        self,
        text: str,
        depth: int = RERANK_DEPTH,
        spelling_budget: int = SPELLING_BUDGET,
        other_sense: frozenset[str] = frozenset(),
    ) -> tuple[Query, list[Candidate]]:
        """The query and its best ``depth`` candidates, best first, with features and confidence
        (``other_sense``: see ``QueryParser.parse``)."""
        query = self._parser.parse(text, spelling_budget, other_sense)
        return query, self._ranked(query, depth)

    def _ranked(self, query: Query, depth: int) -> list[Candidate]:
        """``rank`` for a parsed query."""
        if not query.known or query.mass <= 0 or depth <= 0:
            return []
        soft = self._soft(query)
        first = (
            soft
            if HARD_WEIGHT == 0
            else soft + HARD_WEIGHT * np.array(self._matched(query, np.arange(len(soft)))[0])
        )
        k = min(max(depth + 1, QSIM_DEPTH), int(np.count_nonzero(first)))
        if k == 0:
            return []
        pool = _largest(first, k) if k < len(first) else np.flatnonzero(first)
        if k < len(first):
            chosen = np.zeros(len(first), dtype=bool)  # the union, ascending, without a sort
            chosen[pool] = True
            chosen[self._similar(query, SIMILAR_DEPTH)] = True
            pool = np.flatnonzero(chosen)
        similar, qsim = self._qsim(query, pool)  # pool: ascending
        score = first[pool] + QSIM_WEIGHT * similar
        score *= self._jargon_kept(query, pool)
        best_first = np.lexsort((pool, -score))  # best first, then by number
        if len(self._entering) and leaves_pm(query.norm):  # see bot.search.scope
            best_first = best_first[~np.isin(pool[best_first], self._entering)]
        ranked = best_first[: depth + 1].tolist()
        if not ranked:
            return []
        order = pool[ranked].tolist()
        shown = sorted(order[:depth])
        hard, anchor, story = self._matched(query, np.array(shown))
        slot = {number: i for i, number in enumerate(shown)}
        candidates = []
        for position, number in enumerate(order[:depth]):
            at = ranked[position]
            rival = ranked[1] if position == 0 and len(ranked) > 1 else ranked[0]
            margin = float(score[at] - (score[rival] if rival != at else 0.0))
            features = Features(
                float(soft[number]),
                hard[slot[number]],
                anchor[slot[number]],
                float(qsim[at]),
                margin,
                story[slot[number]],
            )
            candidates.append(
                Candidate(self.entries[number], float(score[at]), features, calibration.confidence(features))
            )
        return candidates

    def sentences_ranked(self, query: Query) -> tuple[list[list[Candidate]], list[Candidate]]:
        """A long post's question sentences (at most ``MAX_QUESTIONS``) and its first sentence,
        each ranked alone: their words are corrected already, and read in the senses the whole
        post gives them."""
        asked = [
            self.rank(sentence, spelling_budget=0, other_sense=query.other_sense)[1]
            for sentence in query.questions[:MAX_QUESTIONS]
        ]
        title = next((r for s, r in zip(query.questions, asked, strict=False) if s == query.title), None)
        if title is None:
            title = self.rank(query.title, spelling_budget=0, other_sense=query.other_sense)[1]
        return asked, title

    # -- public API ----------------------------------------------------------------------

    def answer(self, text: str) -> Answer:
        """Answer, suggest or admit not knowing; never raises for any ``str``."""
        query = self._parser.parse(text)
        corrections = tuple(query.corrections)
        direct = self._names.exact.get(query.norm)
        if direct is not None:
            return Answer(
                Outcome.ANSWER,
                calibration.NAME_MATCH_CONFIDENCE,
                self.entries[direct],
                corrections=corrections,
            )
        kind = small_talk_words(query.norm.split())  # ``norm``: the message's cleaned words
        if kind is not None:
            return Answer(Outcome.SMALL_TALK, 1.0, small_talk=small_talk_reply(kind, self._examples))
        if (
            (not query.long and other_career(query.norm) is not None)
            or reports_a_fault(query.norm)
            or pastes_code(text, query.norm)
            or asks_about_another_exam(query.norm)
        ):
            return Answer(Outcome.UNKNOWN, 0.0, corrections=corrections)  # see bot.search.scope
        candidates = self._ranked(query, RERANK_DEPTH)  # only now: a name or small talk needs none
        on_topic = not self.strays_from_the_topic(query)
        # a way into PM from some field answers only a question that asks about a move (see
        # bot.search.scope): a short question is then declined; a long post's story merely says
        # where the writer works, so its other candidates stay
        move_asked_in = query.questions if query.long else [query.norm]
        if (
            candidates
            and candidates[0].entry.id in self._entering_ids
            and move_asked_in
            and not any(asks_about_a_move(q) for q in move_asked_in)
        ):
            if not query.long:
                return Answer(Outcome.UNKNOWN, 0.0, corrections=corrections)
            candidates = [c for c in candidates if c.entry.id not in self._entering_ids]
        if not query.questions:  # a long message of questions only has no sentences to rank apart
            # a short question about something named in capitals that no entry knows ("is the
            # PPM worth it after the PMP") is not answered by what its other words match
            sure = query.long or not query.unknown_acronym
            wordy = len(query.norm.split()) >= calibration.LONG_CHECK_WORDS
            return decide(
                candidates,
                corrections,
                long_post=query.long,
                may_answer=sure,
                on_topic=on_topic,
                long_check=wordy,
            )
        # a long post: answered from its own threshold (its confidence, fitted mostly on short
        # questions, runs high for a story's many words) and offered a menu from a lower one,
        # raised when the entry's own phrasings name what the story is about. Its question
        # sentences and first sentence, each ranked on its own, reorder its candidates
        # (``SENTENCE_WEIGHT``). A post that matches nothing needs no sentence ranked: nothing
        # would be reordered or agreed with. Nor does one that strays from the topic: a retail
        # worker's "I can't just quit my job", asked alone, is sure of the entry on leaving PM
        if not candidates or not on_topic:
            return decide(candidates, corrections, long_post=True, on_topic=on_topic)
        asked, title = self.sentences_ranked(query)
        # reordering never costs the post the menu its own best candidate earned
        menu = calibration.with_story(candidates[0].confidence, candidates[0].features.story)
        candidates = _with_sentence_evidence(candidates, asked, title)
        menu = max(menu, calibration.with_story(candidates[0].confidence, candidates[0].features.story))
        best = decide(candidates, corrections, long_post=True, menu_confidence=menu, on_topic=on_topic)
        if best.confidence < AGREE_FLOOR:
            return best
        top = candidates[0]
        answered: list[Entry] = []
        for ranked in asked:
            alone = decide(ranked, corrections, long_post=True)
            if alone.outcome is not Outcome.ANSWER or alone.entry is None:
                continue
            answered.append(alone.entry)
            sure = alone.confidence >= SURE_QUESTION and top.confidence < alone.confidence - SURE_MARGIN
            ranked_too = any(c.entry == alone.entry for c in candidates)
            if sure and alone.entry != top.entry and ranked_too:
                # the question's entry first; a stable sort keeps the rest in the post's order
                headed = sorted(candidates, key=lambda c: c.entry != alone.entry)
                best = decide(headed, corrections, long_post=True, menu_confidence=menu, may_answer=False)
                break
            joint = (top.confidence + alone.confidence) / 2
            if alone.entry == top.entry and joint > best.confidence:
                # the post's own ranking, with the mean of its confidence and its question's alone
                lifted = [replace(top, confidence=joint), *candidates[1:]]
                best = decide(
                    lifted,
                    corrections,
                    long_post=True,
                    menu_confidence=menu,
                    checked=alone.confidence >= SURE_QUESTION,
                    on_topic=on_topic,
                )
        if best.outcome is not Outcome.ANSWER:
            return best
        also = tuple(dict.fromkeys(e for e in answered if e != best.entry))
        return replace(best, also_asked=also[: MAX_QUESTIONS - 1])

    def strays_from_the_topic(self, query: Query) -> bool:
        """Whether a message names something, but nothing of the coach's subject: none of
        ``TOPIC_WORDS``, no acronym the knowledge writes (PDU, UAT, IPMA...), yet a word the
        knowledge holds that is not everyday English ("taxes", "freelancer"). Such a message
        gets no menu (``decide``); a vague one ("is it worth it") still does. A long post strays
        when it names no more of the subject than ``WORKING_LIFE_WORDS`` (a boss, a promotion, a
        job offer): its story is about work in general."""
        terms = [term for concept in query.concepts for term, _ in concept.alternatives]
        if any(t in self._jargon for t in terms):
            return False
        named = named_in(query.norm.split(), TOPIC_WORDS)
        if query.long:
            return named <= WORKING_LIFE_WORDS and self._subject_groups.isdisjoint(terms)
        if named:
            return False
        return any(t not in self._parser.not_subject for t in terms)

    def lookup(self, text: str, limit: int = MAX_CHOICES) -> list[Entry]:
        """Autocomplete: entries by id, title or alias (fuzzy, prefix, typo-tolerant), at most 25,
        for the first ``MAX_LOOKUP_CHARS`` characters of ``text``.

        Empty text lists the first entries in browsing order. When names give fewer than
        ``limit`` choices, entries whose content matches fill the rest, so a member can
        find an entry without knowing what it is called.
        """
        limit = max(0, min(limit, MAX_CHOICES))
        text = text[:MAX_LOOKUP_CHARS]
        numbers = self._names.lookup(text, limit)
        if len(numbers) < min(limit, LOOKUP_FILL_BELOW) and len(text.strip()) >= 3:
            seen = set(numbers)
            numbers += [n for n in self._content_matches(text, limit) if n not in seen]
        return [self.entries[n] for n in numbers[:limit]]

    def _content_matches(self, text: str, limit: int) -> list[int]:
        """Entries whose text matches (BM25F only: cheap enough for every keystroke)."""
        query = self._parser.parse(text)
        if not query.known or query.mass <= 0:
            return []
        soft = self._soft(query)
        k = min(limit, int(np.count_nonzero(soft)))
        if k == 0:
            return []
        top = np.argpartition(-soft, k - 1)[:k] if k < len(soft) else np.flatnonzero(soft)
        return sorted(top.tolist(), key=lambda i: (-soft[i], i))

    def clear_name_match(self, text: str) -> Entry | None:
        """The entry whose name matches ``text`` far better than any other's (typos allowed), if one does.

        Entries whose names score alike ("pmp fees" and "pmp retake fees" both hold the typed
        words) are told apart by how closely one of their names spells the whole text."""
        ranked = self._names.scored(text, 5)
        if not ranked:
            return None
        close = [number for number, score in ranked if score * CLEAR_NAME_MARGIN > ranked[0][1]]
        if len(close) == 1:
            return self.entries[close[0]]
        from rapidfuzz import fuzz  # 2.8 MB on import, and only the terminal's /open comes here

        typed = normalise_name(text)
        spelled = sorted(
            (
                (max(fuzz.ratio(typed, normalise_name(n)) for n in _names_of(self.entries[i])), i)
                for i in close
            ),
            reverse=True,
        )
        if spelled[0][0] >= CLEAR_SPELLING_FLOOR and spelled[0][0] - spelled[1][0] >= CLEAR_SPELLING_MARGIN:
            return self.entries[spelled[0][1]]
        return None

    def entry_named(self, text: str) -> Entry | None:
        """The entry whose id, alias or title is exactly ``text`` (ignoring case and punctuation)."""
        number = self._names.exact.get(normalise_name(text))
        return None if number is None else self.entries[number]


def _shares(ranked: Sequence[Candidate]) -> dict[str, float]:
    """Each ranked entry's score over the best one's."""
    if not ranked or ranked[0].score <= 0:
        return {}
    return {c.entry.id: c.score / ranked[0].score for c in ranked}


def sentence_evidence(
    asked: Sequence[Sequence[Candidate]], title: Sequence[Candidate]
) -> tuple[dict[str, float], dict[str, float]]:
    """Per entry id: its best share of the top score in a question sentence's own ranking, and
    its share in the first sentence's (``AnswerEngine.sentences_ranked``)."""
    sentence: dict[str, float] = {}
    for ranked in asked:
        for entry_id, share in _shares(ranked).items():
            sentence[entry_id] = max(sentence.get(entry_id, 0.0), share)
    return sentence, _shares(title)


def _with_sentence_evidence(
    candidates: list[Candidate], asked: Sequence[Sequence[Candidate]], title: Sequence[Candidate]
) -> list[Candidate]:
    """A long post's candidates reordered with what its question sentences (``asked``) and its
    first sentence (``title``), each ranked alone, say of them (``SENTENCE_WEIGHT``)."""
    sentence, first = sentence_evidence(asked, title)
    best = candidates[0].score
    if best <= 0:
        return candidates
    return sorted(  # stable: equal evidence keeps the post's own order
        candidates,
        key=lambda c: (
            -(
                c.score / best
                + SENTENCE_WEIGHT * sentence.get(c.entry.id, 0.0)
                + TITLE_WEIGHT * first.get(c.entry.id, 0.0)
            )
        ),
    )


def _largest(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` largest ``values`` (``0 < k < len(values)``), in no order; which of
    equal values at the cut is as arbitrary as with ``argpartition``.

    ``argpartition`` costs about 100 us over the 10,000 scores of a large knowledge base. The
    k-th largest of a sample can only be below the k-th largest of all, so only the values at or
    above it (a few hundred) need partitioning: about 25 us.
    """
    step = len(values) // _SAMPLE
    if step < 4 or k > _SAMPLE // 4:
        return np.argpartition(-values, k - 1)[:k]
    sample = values[::step]
    above = np.flatnonzero(values >= np.partition(sample, len(sample) - k)[len(sample) - k])
    return above[np.argpartition(-values[above], k - 1)[:k]]


def _names_of(entry: Entry) -> tuple[str, ...]:
    return (entry.id, entry.title, *entry.aliases)
