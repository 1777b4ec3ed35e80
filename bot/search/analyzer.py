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

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain, compress
from typing import Any

from bot.search.lexicon import GENERAL_SYNONYMS, IRREGULAR, STOPWORDS, american
from bot.search.porter import stem
from bot.search.text import clean, text_words, words

__all__ = ["STOPWORDS", "Analyzer", "Span", "base_word", "base_words"]


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
        self._phrases_by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
        for options in self._phrases.values():
            options.sort(key=lambda option: -len(option[0]))
            for key, token in options:
                self._phrases_by_pair.setdefault(key[:2], []).append((key, token))

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

    def terms(self, text: str, surface: Counter[str] | None = None) -> list[str]:
        """The index terms of a text: stems of content words plus synonym group terms.

        The same terms as ``spans`` over ``base_words`` would give, through cached per-word
        lookups run by ``map`` (no Python loop over the words): this runs over every entry's
        text when the index is built. ``surface``, when given, also counts the text's words
        (for the spelling corrector).
        """
        raw = text_words(text)
        if surface is not None:
            surface.update(raw)
        out = list(filter(None, map(self._content_stem.__getitem__, raw)))
        out.extend(chain.from_iterable(map(self._word_group_terms.__getitem__, raw)))
        starts = list(compress(range(len(raw) - 1), map(self._starts_phrase.__getitem__, raw)))
        if starts:
            full, n, by_pair = self._full_stem, len(raw), self._phrases_by_pair
            for i in starts:
                options = by_pair.get((full[raw[i]], full[raw[i + 1]]))
                if options is None:
                    continue
                groups = self._word_group_terms[raw[i]]
                for key, token in options:
                    end = i + len(key)
                    if end <= n and token not in groups and all(
                            full[raw[i + k]] == key[k] for k in range(2, len(key))):
                        out.append(token)
        return out
