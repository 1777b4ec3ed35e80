"""Parse a member's message into weighted concepts the index can score.

A *concept* is one thing the member said (a word, or a synonym phrase such as "project
management professional") with the index terms that satisfy it: its stem and the synonym
groups it belongs to. An entry gets the best of the alternatives, not their sum, so a
synonym never counts twice. Every concept also carries its importance (idf); words the
knowledge base has never seen keep the importance of the rarest word, and that is what
lets "how do I become a dentist" fall below the answer threshold: "dentist" is half the
question and no entry has it.

Words the index lacks are first corrected (``Speller``: "certifcation"; not in the story
around a long message's questions), then read as clippings of longer words ("execs" ->
"executive", "admin" -> "administrator"), before they are counted as unknown.

Long messages: when a message runs past a couple of sentences, its questions (sentences
ending in "?" or opening like one; the last sentence when none does) carry full weight and
each word of the story around them ``STORY_WEIGHT`` of it (the story at most ``STORY_CAP``
times the questions in all): real forum posts tell a 300-word story and then ask one or two
things, often in words that do not name the subject ("is this normal?", "any advice?"), so
the story must still be able to say what the post is about. Greetings and "thanks in
advance" sentences are left out. The question sentences are also kept
(``Query.questions``) so the engine can answer each on its own.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from bot.search import analyzer as analysis  # its MEMBER_LIMIT, read when used (tests lower it)
from bot.search.analyzer import STOPWORDS, Analyzer, base_word
from bot.search.index import FieldIndex
from bot.search.lexicon import (
    COMMON_WORDS,
    CUE_WORDS,
    EVERYDAY_NEIGHBOURS,
    EVERYDAY_WITH,
    FILLER_PHRASES,
    NUMBER_WORDS,
    OTHER_SENSES,
    WHERE_WORDS,
)
from bot.search.small_talk import COURTESY, small_talk_words
from bot.search.speller import LONG_WORD, Speller, is_common_english
from bot.search.text import MAX_CHARS, clean, sentences, words

#: Messages with more content words than this get a focus sentence.
LONG_MESSAGE = 16
#: At most this many words of a message are read: the first quarter of them and the rest
#: from the end (where the question usually is), so a message costs bounded work.
MAX_WORDS = 240
#: The spelling corrector looks up at most this many probes per message (about 20 long
#: misspelt words, or 300 short ones): what bounds the cost of a message full of typos.
SPELLING_BUDGET = 3000
#: Each word of the story around a long message's questions weighs this much of a word of
#: the questions. A fixed share per word, not a cap on the story's total: capped, a long
#: story's words weighed next to nothing and a question sentence that does not name its
#: subject ("is this normal?") decided the ranking alone (tune long posts ranked right first
#: 54.5% with the story capped at a quarter of the questions, 74.5% with 0.5 per word).
STORY_WEIGHT = 0.5
#: ... up to this many times the questions' own importance in all, so that a clear question
#: after a very long story ("... Which certification should I get first?") still counts.
STORY_CAP = 6.0
#: A concept the member wrote exactly beats one matched through a synonym or a correction.
SYNONYM_VALUE = 0.9
CORRECTED_VALUE = 0.8
SHORT_CORRECTED_VALUE = 0.6  # short words are often real words the knowledge lacks
CLIPPED_VALUE = 0.7
MIN_CLIPPING = 4
#: Everyday words are never more specific than a word found in this share of the entries.
EVERYDAY_DF_SHARE = 0.2
#: Unknown numbers and one- or two-letter tokens say less than unknown words.
WEAK_UNKNOWN = 0.3

#: In a long message, a capitalised word after a lowercase word or a comma is a name (Leeds,
#: Valve, Coursera) far more often than a typo, and the spelling corrector leaves it alone
#: ("Leeds" is not a misspelt "leads"); unless the message capitalises more than
#: ``TITLE_CASE_SHARE`` of its words, as titles do. A short question is corrected throughout:
#: each of its few words counts, and members capitalise the subject's words ("my Scrum Mastr cert").
_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}\b")
_CAPITALISED = re.compile(r"\b[A-Z]")
TITLE_CASE_SHARE = 0.3
#: A word written in capitals ("PPM", "PMQ") is the name of a credential, tool or body; more
#: than ``MAX_ACRONYMS`` of them is a message typed in capitals, not names. Capitals only,
#: unlike the engine's mixed-case jargon pattern (``engine._ACRONYM``, "PgMP"): a brand such
#: as "YouTube" is a name the knowledge need not know (tried: one tune question lost).
_IN_CAPITALS = re.compile(r"\b[A-Z][A-Z0-9]{1,5}\b")
MAX_ACRONYMS = 4
#: A word as the member wrote it, capitals kept.
_AS_WRITTEN = re.compile(r"\w+")
#: A level or version glued to a credential's name ("psm2", "itil4") is split off when the
#: knowledge knows the name and not the glued word: glued, it would be an unknown word, the
#: heaviest of the question. Not an English word's ("python3"): that stays the unknown word
#: that keeps a programmer's question out.
_GLUED_LEVEL = re.compile(r"([a-z]{2,})(\d{1,2})")
#: Words that open a letter or a post to someone: "Dear Elizabeth", "Hi Vicki".
_GREETINGS = frozenset(("hi", "hello", "hey", "dear", "hiya", "heya"))

_QUESTION_OPENERS = frozenset(
    (
        "how",
        "what",
        "which",
        "when",
        "where",
        "why",
        "who",
        "whats",
        "hows",
        "is",
        "are",
        "am",
        "do",
        "does",
        "did",
        "can",
        "could",
        "should",
        "would",
        "will",
        "any",
        "anyone",
        "anybody",
        "tips",
        "advice",
        "help",
    )
)


#: Words that ask without a question mark: "I was wondering if...", "please advise", "any
#: suggestions welcome", "I'd appreciate your thoughts".
_INDIRECT = frozenset(
    (
        "wondering",
        "wonder",
        "advise",
        "advice",
        "suggestions",
        "suggestion",
        "recommend",
        "recommendations",
        "appreciate",
        "appreciated",
        "thoughts",
        "tips",
        "ideas",
        "insights",
        "guidance",
    )
)


@dataclass(frozen=True, slots=True)
class Concept:
    weight: float  # how much the member stressed it
    importance: float  # idf: how specific it is
    alternatives: tuple[tuple[str, float], ...]  # (index term, value <= importance)
    context: bool = False  # from the story around the question, not the question


@dataclass(slots=True)
class Query:
    concepts: list[Concept] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    norm: str = ""  # the cleaned text, words joined by single spaces
    mass: float = 0.0  # the most an entry can score: every concept fully matched
    spelling_budget: int = SPELLING_BUDGET  # probes the corrector may still look up for this message
    questions: list[str] = field(default_factory=list)  # a long message's question sentences, corrected
    title: str = ""  # a long message's first sentence (often a forum post's title), corrected if it asks
    #: several sentences and more than ``LONG_MESSAGE`` content words, story or not
    long: bool = False
    #: words read in their everyday sense here (``OTHER_SENSES``): unknown words, whatever the index has
    other_sense: frozenset[str] = frozenset()
    #: the message names something in capitals that no entry knows ("is the PPM worth it")
    unknown_acronym: bool = False

    @property
    def known(self) -> bool:
        return any(c.alternatives for c in self.concepts)


def _names(text: str) -> frozenset[str]:
    """The words ``text`` writes as names (see ``_NAME``), lowercased."""
    found = _NAME.findall(text)
    if not found or len(_CAPITALISED.findall(text)) > TITLE_CASE_SHARE * len(text.split()):
        return frozenset()
    return frozenset(base_word(w.lower(), remember=False) for w in found)


def _capped(parts: list[tuple[list[str], bool]]) -> list[tuple[list[str], bool]]:
    """Sentences with at most ``MAX_WORDS`` words in all: the first quarter and the last
    three quarters of that budget are kept, the middle of the message is dropped."""
    total = sum(len(ws) for ws, _ in parts)
    if total <= MAX_WORDS:
        return parts
    head = MAX_WORDS // 4
    tail_from = total - (MAX_WORDS - head)
    out: list[tuple[list[str], bool]] = []
    seen = 0
    for ws, asked in parts:
        kept = [w for i, w in enumerate(ws, seen) if i < head or i >= tail_from]
        seen += len(ws)
        if kept:
            out.append((kept, asked))
    return out


#: A word as written, its stem, its synonym groups, and whether it was corrected, is story
#: (context) and names the member's background.
_ConceptKey = tuple[str, str, tuple[tuple[str, int], ...], bool, bool, bool]


def _written_as_names(text: str) -> frozenset[str]:
    """The words ``text`` writes with a capital after the first letter ("SAFe", "SAFE"),
    lowercased: a word of ``EVERYDAY_NEIGHBOURS`` written so is the name, whatever surrounds it."""
    return frozenset(w.lower() for w in _AS_WRITTEN.findall(text[:MAX_CHARS]) if w[1:] != w[1:].lower())


def _everyday(raw: list[str], p: int, names: frozenset[str]) -> bool:
    """Whether word ``p`` is meant in its everyday sense by the words around it
    (``EVERYDAY_NEIGHBOURS``) and the message does not write it as a name (``names``)."""
    before, after = EVERYDAY_NEIGHBOURS[raw[p]]
    beside = (p > 0 and raw[p - 1] in before) or (p + 1 < len(raw) and raw[p + 1] in after)
    return beside and raw[p] not in names


def _background(raw: list[str], p: int) -> bool:
    """Whether word ``p`` names what the member is or was ("as a chef", "I'm a florist", "former
    dancer"): a question about moving on from it needs no entry that knows the word."""
    return (p >= 2 and raw[p - 1] in ("a", "an") and raw[p - 2] in ("as", "im", "am")) or (
        p >= 1 and raw[p - 1] in ("former", "ex")
    )


#: How a sentence that says who the writer is opens ("I am a...", "I've been...", "I work as...").
_ABOUT_THE_WRITER = re.compile(r"^(?:im|i (?:am|m|was|have been|ve been|work (?:as|in|at|for))) ")


def _about_the_writer(sentence: list[str]) -> bool:
    """Whether a sentence (base words) introduces the writer: a post's first sentence that does
    is its story ("I am a PM in the public sector"), not a title naming what it asks about."""
    return _ABOUT_THE_WRITER.match(" ".join(sentence[:5]) + " ") is not None


_FILLER_OPENERS = frozenset(phrase[0] for phrase in FILLER_PHRASES)


def _filler(raw: list[str]) -> set[int]:
    """The positions of words that only say how or when to answer (``FILLER_PHRASES``)."""
    found: set[int] = set()
    for start, word in enumerate(raw):
        if word in _FILLER_OPENERS:
            for phrase in FILLER_PHRASES:
                if tuple(raw[start : start + len(phrase)]) == phrase:
                    found.update(range(start, start + len(phrase)))
    return found


class QueryParser:
    """Turns text into a ``Query`` using the index's vocabulary and idf."""

    def __init__(self, analyzer: Analyzer, index: FieldIndex, speller: Speller) -> None:
        self.analyzer = analyzer
        self.index = index
        self.speller = speller
        self._stems = sorted(t for t in index.terms if not t.startswith("_"))
        #: Stems of everyday English words and the general synonym groups: not subject words.
        self.everyday = frozenset(analyzer.stem(base_word(w)) for w in COMMON_WORDS) | {
            t for t in index.terms if t.startswith("__")
        }
        where = [base_word(w) for w in WHERE_WORDS]
        #: Terms that never show what a question is about: everyday words, places and employers (which
        #: still weigh in the ranking, so a question about jobs in Germany finds that entry).
        self.not_subject = (
            self.everyday
            | {analyzer.stem(w) for w in where}
            | {s.group for w in where for s in analyzer.spans([w], [analyzer.stem(w)])}
        )
        self._everyday_cap = index.idf_for(max(1, round(index.size * EVERYDAY_DF_SHARE)))
        self._concepts: dict[_ConceptKey, Concept] = {}

    def _known(self, word: str) -> bool:
        return self.analyzer.stem(word, remember=False) in self.index or word in self.analyzer.synonym_words

    def _clipped(self, stem: str) -> list[str]:
        """Known stems that start with an unknown one ("exec" -> "execut"), most frequent first."""
        if len(stem) < MIN_CLIPPING:
            return []
        start = bisect.bisect_left(self._stems, stem)
        found: list[str] = []
        for term in self._stems[start : start + 32]:
            if not term.startswith(stem):
                break
            found.append(term)
        return sorted(found, key=lambda t: self.index.idf[t])[:3]

    def _weighted_sentences(self, text: str) -> tuple[list[tuple[list[str], bool, bool]], bool]:
        """Each sentence's words, whether it is context around the focus question and whether
        its words may be spell-corrected; and whether the message is long (several sentences,
        more than ``LONG_MESSAGE`` content words).

        When the question sentences name no subject ("What would you do here?"), the first
        sentence is a focus too: a forum post's title says what the post is about. Its words
        are not corrected, as a story's are not (see ``parse``)."""
        seen: dict[str, tuple[str, ...]] = {}
        parts = [(self._split_levels(words(s), seen), q) for s, q in sentences(text)]
        if len(parts) > 1:  # "Hi all!" and "Thanks in advance." around a question are not part of it
            parts = [(ws, q) for ws, q in parts if small_talk_words(ws) is None] or parts
        parts = [
            ([base_word(w, remember=False) for w in self._addressed(ws) if w not in COURTESY], q)
            for ws, q in _capped(parts)
        ]
        parts = [(ws, q) for ws, q in parts if ws]
        content = sum(1 for ws, _ in parts for w in ws if w not in STOPWORDS)
        if len(parts) < 2 or content <= LONG_MESSAGE:
            return [(ws, False, True) for ws, _ in parts], False
        asks = [asked or ws[0] in _QUESTION_OPENERS for ws, asked in parts]
        if not any(asks):  # no question mark, no opener: "I was wondering if...", else the last sentence
            asks = [not _INDIRECT.isdisjoint(ws) for ws, _ in parts]
            asks[-1] = asks[-1] or not any(asks)
        title = (
            not asks[0]
            and not _about_the_writer(parts[0][0])
            and not any(self._names_a_subject(ws) for (ws, _), ask in zip(parts, asks, strict=True) if ask)
        )
        asks[0] = asks[0] or title
        return [
            (ws, not ask, ask and not (title and i == 0))
            for i, ((ws, _), ask) in enumerate(zip(parts, asks, strict=True))
        ], True

    def _split_levels(self, sentence: list[str], seen: dict[str, tuple[str, ...]]) -> list[str]:
        """The sentence's words with levels split off names (see ``_GLUED_LEVEL``); ``seen``
        remembers each glued word's reading for the message, which may repeat it to its limit."""
        mended: list[str] = []
        for word in sentence:
            if not word[-1].isdigit():
                mended.append(word)
                continue
            parts = seen.get(word)
            if parts is None:
                parts = seen[word] = self._level_split(word)
            mended += parts
        return mended

    def _level_split(self, word: str) -> tuple[str, ...]:
        """``word`` as a known name and its level, or ``word`` alone (see ``_GLUED_LEVEL``)."""
        glued = _GLUED_LEVEL.fullmatch(word)
        if glued is None or self._known(word) or not self._known(name := glued[1]):
            return (word,)
        # the English word list holds words of four letters or more: a shorter name needs no look-up
        return (word,) if len(name) >= 4 and is_common_english(name) else (name, glued[2])

    def _addressed(self, sentence: list[str]) -> list[str]:
        """The sentence without the name it greets ("Hi Vicki", "Dear Elizabeth"): a word the
        knowledge lacks right after an opening greeting is whom the post is written to."""
        if len(sentence) > 1 and sentence[0] in _GREETINGS and not self._known(sentence[1]):
            return sentence[:1] + sentence[2:]
        return sentence

    def _names_a_subject(self, sentence: list[str]) -> bool:
        """Whether a sentence holds a word that is neither a function word nor an everyday word,
        a place or an employer (``not_subject``)."""
        stem = self.analyzer.stem
        return any(w not in STOPWORDS and stem(w, remember=False) not in self.not_subject for w in sentence)

    def _correct(self, raw: list[str], query: Query, names: frozenset[str]) -> list[bool]:
        """Correct unknown words in place while the message's probe budget lasts (``names``:
        words the member wrote as names, left as they are)."""
        corrected = [False] * len(raw)
        for i, word in enumerate(raw):
            if (
                word not in STOPWORDS
                and word not in names
                and word not in CUE_WORDS
                and word not in NUMBER_WORDS
                and not self._known(word)
            ):
                cost = self.speller.cost(word)
                if cost > query.spelling_budget:
                    continue
                query.spelling_budget -= cost
                fix = self.speller.correct(word)
                if fix is not None:
                    query.corrections.append((word, fix))
                    raw[i], corrected[i] = fix, True
        return corrected

    def _concept_of(
        self,
        word: str,
        stem: str,
        groups: list[tuple[str, int]],
        corrected: bool,
        context: bool,
        background: bool = False,
    ) -> Concept:
        """``_concept``, remembered: members use the same words over and over, and a concept
        depends only on the word as written and this parser's index. Bounded like the
        members' word caches (``analysis.MEMBER_LIMIT``), emptied when full."""
        key = (word, stem, tuple(groups), corrected, context, background)
        concept = self._concepts.get(key)
        if concept is None:
            concept = self._concept(key)
            if len(self._concepts) >= analysis.MEMBER_LIMIT:
                self._concepts.clear()
            self._concepts[key] = concept
        return concept

    def _concept(self, key: _ConceptKey) -> Concept:
        """What a word weighs and the terms it matches (``key``: see ``_concept_of``)."""
        word, stem, groups, corrected, context, background = key
        idf = self.index.idf
        if groups:
            importance = max(idf[g] for g, _ in groups)
            share = 1.0 / max(n for _, n in groups)
            if all(g in self.everyday for g, _ in groups):
                importance = min(importance, self._everyday_cap)
        elif stem in idf:
            importance, share = idf[stem], 1.0
            # a bare number is a count, score or age that some entry happens to quote: everyday
            if stem in self.everyday or word.isdigit():
                importance = min(importance, self._everyday_cap)
        else:
            # a word spelt right is no clipping: "water" is not "waterfall"
            clipped = [] if word in CUE_WORDS or is_common_english(word) else self._clipped(stem)
            if clipped:
                importance = max(idf[t] for t in clipped)
                return Concept(1.0, importance, tuple((t, idf[t] * CLIPPED_VALUE) for t in clipped), context)
            weak = background or word.isdigit() or len(word) <= 2 or word in NUMBER_WORDS
            return Concept(1.0, self.index.unknown_idf * (WEAK_UNKNOWN if weak else 1.0), (), context)
        alternatives: list[tuple[str, float]] = []
        if stem in idf and word not in STOPWORDS:
            value = min(idf[stem], importance)
            if corrected:
                value *= CORRECTED_VALUE if len(word) >= LONG_WORD else SHORT_CORRECTED_VALUE
            alternatives.append((stem, value))
        value = SYNONYM_VALUE if alternatives else 1.0
        alternatives.extend((g, idf[g] * value) for g in dict.fromkeys(g for g, _ in groups))
        return Concept(share, importance, tuple(alternatives), context)

    def parse(
        self, text: str, spelling_budget: int = SPELLING_BUDGET, other_sense: frozenset[str] = frozenset()
    ) -> Query:
        """The message's concepts. ``other_sense`` adds words to read in their everyday sense
        (a sentence of a longer message inherits the message's: its cues may sit elsewhere)."""
        norm = clean(text)
        query = Query(norm=" ".join(words(norm)), spelling_budget=spelling_budget)
        present = {base_word(w, remember=False) for w in query.norm.split()}
        # looked up once a message, and only when it holds such a word: a message that repeats
        # one (up to the limit) must not scan itself again at each
        cased = _written_as_names(text) if not present.isdisjoint(EVERYDAY_NEIGHBOURS) else frozenset()
        query.other_sense = other_sense.union(
            *(senses for senses, cues in OTHER_SENSES if not cues.isdisjoint(present))
        )
        skipped = frozenset().union(
            *(senses for senses, cues in EVERYDAY_WITH if not cues.isdisjoint(present))
        )
        best: dict[object, Concept] = {}
        idf = self.index.idf
        weighted, query.long = self._weighted_sentences(norm)
        names = _names(text[:MAX_CHARS]) if query.long else frozenset()
        story = any(context for _, context, _ in weighted)
        for raw, context, correct in weighted:
            # a story's words are not corrected: they only say what the post is about, and a real
            # word the knowledge lacks would be turned into one it has ("hiking" -> "hiring")
            corrected = self._correct(raw, query, names) if correct else [False] * len(raw)
            if story and not context:
                query.questions.append(" ".join(raw))
            if story and not query.title:
                query.title = " ".join(raw)
            stems = [self.analyzer.stem(w, remember=False) for w in raw]
            covering: list[list[tuple[str, int]]] = [[] for _ in raw]
            for span in self.analyzer.spans(raw, stems):
                if span.group in idf:
                    for p in range(span.start, span.end):
                        covering[p].append((span.group, span.end - span.start))
            # the longest phrase over a word says what it means: "scrum masters" is the role,
            # not the degree that "masters" alone names
            covering = [[g for g in c if g[1] == max(n for _, n in c)] for c in covering]
            filler = _filler(raw)
            for p, word in enumerate(raw):
                if (
                    (word in STOPWORDS and not covering[p])
                    or p in filler
                    or (word in EVERYDAY_NEIGHBOURS and _everyday(raw, p, cased))
                    or word in skipped
                ):
                    continue
                if word in query.other_sense:
                    concept = Concept(1.0, self.index.unknown_idf, (), context)
                else:
                    concept = self._concept_of(
                        word, stems[p], covering[p], corrected[p], context, _background(raw, p)
                    )
                key = concept.alternatives or word
                old = best.get(key)
                if (
                    old is None
                    or (old.context and not concept.context)
                    or (old.context == concept.context and old.weight < concept.weight)
                ):
                    best[key] = concept
        concepts = list(best.values())
        focus_mass = sum(c.weight * c.importance for c in concepts if not c.context)
        context_mass = sum(c.weight * c.importance for c in concepts if c.context)
        scale = STORY_WEIGHT
        if context_mass * scale > STORY_CAP * focus_mass > 0:
            scale = STORY_CAP * focus_mass / context_mass
        concepts = [replace(c, weight=c.weight * scale) if c.context else c for c in concepts]
        query.concepts = concepts
        query.mass = sum(c.weight * c.importance for c in concepts)
        query.unknown = [k for k, c in best.items() if isinstance(k, str)]
        if query.unknown:
            written = _IN_CAPITALS.findall(text[:MAX_CHARS])
            query.unknown_acronym = 0 < len(written) <= MAX_ACRONYMS and not set(query.unknown).isdisjoint(
                base_word(w.lower(), remember=False) for w in written
            )
        return query
