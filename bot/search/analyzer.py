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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from bot.search.lexicon import GENERAL_SYNONYMS, IRREGULAR, KEPT_WHOLE, STOPWORDS, american
from bot.search.porter import stem
from bot.search.text import clean, text_words, words

__all__ = ["STOPWORDS", "Analyzer", "Span", "base_word", "base_words"]

T = TypeVar("T")

_BASE: dict[str, str] = {}
_STEMS: dict[str, str] = {}
_BASE_LIMIT = 200_000
#: Members' words have caches of their own, emptied whenever they fill: common words are not
#: worked out again for every message (a bot started from the index cache has met none of the
#: knowledge's words either), and whatever members type can take at most this many entries.
_MEMBER_BASE: dict[str, str] = {}
_MEMBER_STEMS: dict[str, str] = {}
MEMBER_LIMIT = 5_000  # a few MB at most; a community's everyday words fit


def _cached(
    word: str, remember: bool, caches: tuple[dict[str, T], dict[str, T]], work: Callable[[str], T]
) -> T:
    """``work(word)``, remembered in the knowledge's cache (``remember``) or the members' one."""
    known, members = caches
    value = known.get(word)
    if value is None:
        cache, limit = (known, _BASE_LIMIT) if remember else (members, MEMBER_LIMIT)
        value = None if remember else members.get(word)
        if value is None:
            value = work(word)
            if len(cache) >= limit:
                cache.clear()
            cache[word] = value
    return value


def _base(word: str) -> str:
    return american(IRREGULAR.get(word, word))


def _stem(word: str) -> str:
    return word if word in KEPT_WHOLE else stem(word)


def base_word(word: str, remember: bool = True) -> str:
    """A word's base spelling: irregular forms and British spellings mapped (cached).

    ``remember=False`` (members' text) reads the knowledge's cache and keeps what it adds in
    the members' smaller one, so whatever members type never grows the knowledge's caches.
    """
    return _cached(word, remember, (_BASE, _MEMBER_BASE), _base)


def base_words(text: str) -> list[str]:
    """The words of raw text in their base spelling ("paid" -> "pay", "centre" -> "center")."""
    return [base_word(w) for w in words(clean(text))]


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

    def __init__(
        self, synonyms: Iterable[tuple[str, ...]] = (), general: Iterable[tuple[str, ...]] = GENERAL_SYNONYMS
    ) -> None:
        self._group_caches: tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]] = ({}, {})
        self._single: dict[str, list[str]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        self.synonym_words: set[str] = set()
        self._group_words: dict[str, set[str]] = {}  # the knowledge's group terms -> their words
        groups = [("_", g) for g in synonyms] + [("__", g) for g in general]
        for prefix, terms in groups:
            token = prefix + terms[0].replace(" ", "_")
            if prefix == "_":
                self._group_words.setdefault(token, set()).update(w for t in terms for w in base_words(t))
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
        for options in self._phrases.values():
            options.sort(key=lambda option: -len(option[0]))

    def groups_naming(self, words: frozenset[str]) -> frozenset[str]:
        """The group terms of the knowledge's synonym groups that hold one of ``words`` (the
        daily scrum's group holds "standup", so "the daily stand up" names it)."""
        return frozenset(token for token, held in self._group_words.items() if not words.isdisjoint(held))

    def stem(self, word: str, remember: bool = True) -> str:
        """The Porter stem (cached for the process: the stemmer depends on nothing else, so
        a reload only stems the words it has not met before; see ``base_word`` for
        ``remember``). Words in ``KEPT_WHOLE`` are their own stem."""
        return _cached(word, remember, (_STEMS, _MEMBER_STEMS), _stem)

    @property
    def phrase_options(self) -> dict[str, list[tuple[tuple[str, ...], str]]]:
        """First stem -> (stems, group term) of every synonym phrase of several words."""
        return self._phrases

    def groups_of(self, word: str) -> tuple[str, ...]:
        """The group terms of the one-word synonyms a base word (or its singular) is."""
        return self._groups_of(word)

    def _groups_of(self, word: str, remember: bool = True) -> tuple[str, ...]:
        """The one-word synonym groups a word (or its singular) belongs to (cached; see
        ``base_word`` for ``remember``)."""
        return _cached(word, remember, self._group_caches, self._find_groups)

    def _find_groups(self, word: str) -> tuple[str, ...]:
        found = [t for form in _singular_forms(word) for t in self._single.get(form, ())]
        return tuple(dict.fromkeys(found))

    def spans(self, raw: list[str], stems: list[str]) -> list[Span]:
        """Every synonym phrase in a member's words; overlapping phrases are all kept."""
        found: list[Span] = []
        phrases, groups_of = self._phrases, self._groups_of
        n = len(stems)
        for i, word in enumerate(raw):
            groups = groups_of(word, remember=False)
            options = phrases.get(stems[i])
            if not groups and options is None:
                continue
            found.extend(Span(i, i + 1, token) for token in groups)
            for key, token in options or ():
                end = i + len(key)
                if end <= n and token not in groups and tuple(stems[i:end]) == key:
                    found.append(Span(i, end, token))
        return found

    def terms(self, text: str) -> list[str]:
        """The index terms of a text: the stems of its content words, the group term of each
        one-word synonym, and the group term of each synonym phrase of several words (matched
        on stems, stop words included; a two-word phrase counts once per place however many
        of its group's phrases share its stems). This is the definition: ``Corpus`` computes
        the same for all entries at once."""
        bases = [base_word(w) for w in text_words(text)]
        stems = [self.stem(b) for b in bases]
        found = [s for b, s in zip(bases, stems, strict=True) if b not in STOPWORDS]
        for b in bases:
            found.extend(self._groups_of(b))
        n = len(stems)
        for i, first in enumerate(stems):
            pairs: set[str] = set()
            for key, token in self._phrases.get(first, ()):
                if i + len(key) > n or tuple(stems[i : i + len(key)]) != key:
                    continue
                if len(key) == 2:
                    if token in pairs:
                        continue
                    pairs.add(token)
                found.append(token)
        return found
