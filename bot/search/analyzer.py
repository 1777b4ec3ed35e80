"""Words to index terms: stop words, Porter stems and synonym groups.

Entries and questions go through the same ``Analyzer``, so both sides agree on every term.
A synonym group becomes one extra term (``_pmp`` for ``[pmp, project management
professional]``) added wherever any of its phrases occurs. Groups come from
``knowledge/synonyms.yaml`` plus the engine's few everyday-English groups
(``bot.search.lexicon``).

How phrases are matched: a one-word term matches the word itself or its plural
("resumes" finds ``resume``), but not other forms, because stems collide ("master" in
"scrum master" would otherwise join ``[masters, msc]``). A phrase of several words matches
on stems, so "job postings" finds ``job posting``, and before stop words are dropped, so
"it pm" and "body of knowledge" still match.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, compress, pairwise
from typing import Any

from bot.search.lexicon import GENERAL_SYNONYMS, IRREGULAR, STOPWORDS, american
from bot.search.porter import stem
from bot.search.text import clean, text_words, words

__all__ = ["STOPWORDS", "Analyzer", "Span", "base_word", "base_words"]

#: Joins an entry's texts for one tokenising pass; a made-up word no stem or phrase matches.
_SEPARATOR = "zqxsepzqx"


_BASE: dict[str, str] = {}
_BASE_LIMIT = 200_000


def base_word(word: str) -> str:
    """A word's base spelling: irregular forms and British spellings mapped (cached)."""
    base = _BASE.get(word)
    if base is None:
        base = american(IRREGULAR.get(word, word))
        if len(_BASE) >= _BASE_LIMIT:  # arbitrary input must not grow the cache forever
            _BASE.clear()
        _BASE[word] = base
    return base


def base_words(text: str) -> list[str]:
    """The words of raw text in their base spelling ("paid" -> "pay", "centre" -> "center")."""
    return [base_word(w) for w in words(clean(text))]


class _Memo(dict[str, Any]):
    """A dict that computes missing values, so ``map(memo.__getitem__, words)`` runs in C."""

    def __init__(self, compute: Callable[[str], Any]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> Any:
        value = self[key] = self._compute(key)
        return value


@dataclass(frozen=True, slots=True)
class Span:
    """A synonym phrase found at word positions ``start`` to ``end`` (exclusive)."""

    start: int
    end: int
    group: str


def _singular_forms(word: str) -> tuple[str, ...]:
    forms = [word]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
        if word.endswith("es"):
            forms.append(word[:-2])
        if word.endswith("ies"):
            forms.append(word[:-3] + "y")
    return tuple(forms)


class Analyzer:
    """Stems (cached), stop words and synonym phrase matching, shared by index and queries."""

    def __init__(self, synonyms: Iterable[tuple[str, ...]] = (),
                 general: Iterable[tuple[str, ...]] = GENERAL_SYNONYMS) -> None:
        self._stems: dict[str, str] = {}
        self._word_groups: dict[str, tuple[str, ...]] = {}
        # per raw word of entry texts (bounded by the knowledge base's vocabulary)
        self._full_stem = _Memo(lambda w: self.stem(base_word(w)))
        self._content_stem = _Memo(lambda w: "" if base_word(w) in STOPWORDS else self._full_stem[w])
        self._word_group_terms = _Memo(lambda w: self._groups_of(base_word(w)))
        self._starts_phrase = _Memo(lambda w: self._full_stem[w] in self._phrases)
        self._single: dict[str, list[str]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.synonym_words: set[str] = set()
        groups = [("_", g) for g in synonyms] + [("__", g) for g in general]
        for prefix, terms in groups:
            token = prefix + terms[0].replace(" ", "_")
            for term in terms:
                raw = base_words(term)
                if not raw:
                    continue
                self.synonym_words.update(raw)
                if len(raw) == 1:
                    tokens = self._single.setdefault(raw[0], [])
                    if token not in tokens:
                        tokens.append(token)
                    continue
                key = tuple(self.stem(w) for w in raw)
                self._phrases.setdefault(key[0], []).append((key, token))
        # for entry texts: two-word phrases by their stems, longer ones by their first two
        two: dict[tuple[str, str], list[str]] = {}
        self._longer_by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
        for options in self._phrases.values():
            options.sort(key=lambda option: -len(option[0]))
            for key, token in options:
                if len(key) == 2:
                    tokens = two.setdefault((key[0], key[1]), [])
                    if token not in tokens:
                        tokens.append(token)
                else:
                    self._longer_by_pair.setdefault((key[0], key[1]), []).append((key, token))
        self._two_word_tokens = {pair: tuple(tokens) for pair, tokens in two.items()}

    def stem(self, word: str) -> str:
        cached = self._stems.get(word)
        if cached is None:
            if len(self._stems) >= _BASE_LIMIT:
                self._stems.clear()
            cached = self._stems[word] = stem(word)
        return cached

    def _groups_of(self, word: str) -> tuple[str, ...]:
        """The one-word synonym groups a word (or its singular) belongs to (cached)."""
        cached = self._word_groups.get(word)
        if cached is None:
            found = [t for form in _singular_forms(word) for t in self._single.get(form, ())]
            cached = tuple(dict.fromkeys(found))
            if len(self._word_groups) >= _BASE_LIMIT:
                self._word_groups.clear()
            self._word_groups[word] = cached
        return cached

    def spans(self, raw: list[str], stems: list[str]) -> list[Span]:
        """Every synonym phrase in a word sequence; overlapping phrases are all kept."""
        found: list[Span] = []
        phrases, groups_of = self._phrases, self._groups_of
        n = len(stems)
        for i, word in enumerate(raw):
            groups = groups_of(word)
            options = phrases.get(stems[i])
            if not groups and options is None:
                continue
            found.extend(Span(i, i + 1, token) for token in groups)
            for key, token in options or ():
                end = i + len(key)
                if end <= n and token not in groups and tuple(stems[i:end]) == key:
                    found.append(Span(i, end, token))
        return found

    def terms(self, text: str, surface: set[str] | None = None) -> list[str]:
        """The index terms of a text: stems of content words plus synonym group terms."""
        return self.terms_of_texts([text], surface)[0]

    def terms_of_texts(self, texts: Sequence[str], surface: set[str] | None = None) -> list[list[str]]:
        """The index terms of each text (as ``terms``), for an entry's texts at once.

        The same terms as ``spans`` over ``base_words`` would give, through cached per-word
        lookups run by ``map`` (no Python loop over the words), and one tokenising pass for
        all the texts: this runs over every entry when the index is built. ``surface``, when
        given, also collects the words (for the spelling corrector).
        """
        raw = text_words(f" {_SEPARATOR} ".join(texts))
        bounds = [0]
        if len(texts) > 1:
            if raw.count(_SEPARATOR) != len(texts) - 1:  # a text holds the separator word itself
                return [self.terms_of_texts([t], surface)[0] for t in texts]
            for _ in range(len(texts) - 1):
                bounds.append(raw.index(_SEPARATOR, bounds[-1]) + 1)
        bounds.append(len(raw) + 1)
        if surface is not None:
            surface.update(raw)
            surface.discard(_SEPARATOR)
        content = list(map(self._content_stem.__getitem__, raw))
        groups = list(map(self._word_group_terms.__getitem__, raw))
        out = []
        for start, end in pairwise(bounds):
            terms = list(filter(None, content[start:end - 1]))
            terms.extend(chain.from_iterable(groups[start:end - 1]))
            out.append(terms)
        for at, token in self._phrase_hits(raw):   # a phrase never spans the separator
            out[bisect_right(bounds, at) - 1].append(token)
        return out

    def _phrase_hits(self, raw: list[str]) -> list[tuple[int, str]]:
        """(position, group term) of every multi-word synonym phrase in a word list."""
        hits: list[tuple[int, str]] = []
        starts = list(compress(range(len(raw) - 1), map(self._starts_phrase.__getitem__, raw)))
        if not starts:
            return hits
        full, n = self._full_stem, len(raw)
        stem_at = full.__getitem__
        firsts = map(stem_at, map(raw.__getitem__, starts))
        seconds = map(stem_at, map(raw.__getitem__, map((1).__add__, starts)))
        pairs = list(zip(firsts, seconds, strict=True))
        two = list(map(self._two_word_tokens.get, pairs))
        hits = [(i, token) for i, tokens in compress(zip(starts, two, strict=True), two) for token in tokens]
        longer = list(map(self._longer_by_pair.get, pairs))
        for i, options in compress(zip(starts, longer, strict=True), longer):
            for key, token in options:
                if i + len(key) <= n and all(full[raw[i + k]] == key[k] for k in range(2, len(key))):
                    hits.append((i, token))
        return hits
