"""Turn whatever a member types into clean lowercase words.

Discord messages carry mentions (``<@123>``, ``<#1>``, ``<@&1>``), custom emoji, Markdown,
links, zero-width and bidi control characters, and sometimes NUL bytes or lone surrogates
pasted from elsewhere. None of that is a word, and none of it may raise: every function
here accepts any ``str`` and returns plain text made of letters, digits, spaces and the
sentence marks ``. ! ?`` (kept so long messages can be split into sentences).
"""

from __future__ import annotations

import re
import unicodedata

#: Text longer than this is cut (keeping the start and, mostly, the end, where the question
#: usually is). Discord messages hold at most 4,000 characters, so this only bounds abuse.
MAX_CHARS = 6000
_HEAD = 1500

_DISCORD_MARKUP = re.compile(
    r"<a?:\w{1,64}:\d+>"  # custom emoji <:name:id>, <a:name:id>
    r"|</[^<>:]{1,64}:\d+>"  # slash-command mention </name:id>
    r"|<(?:@[!&]?|#)\d+>"  # user, role and channel mentions
    r"|<t:-?\d+(?::\w)?>"  # timestamps
    r"|@(?:everyone|here)\b"
)
_SHORTCODE = re.compile(r":[a-zA-Z0-9_+-]{1,32}:")  # emoji shortcodes :smile:
_URL = re.compile(r"https?://\S+|www\.\S+")
#: Numbers with a dot inside (versions "0.4.5", "18.04", decimals "3.5") are dropped: read as
#: "4" and "5" they would meet what entries number (ITIL 4, a 5-day course), and no entry is
#: found by a version or a decimal. Matched from the start of a run of digits, without
#: backtracking into it, so a 6,000-digit run costs one pass, not one per digit.
_DOTTED = re.compile(r"(?<!\d)\d++(?:\.\d++)+")
#: A unit of time glued to its number ("35hrs", "3yrs", "6months") is split off in members'
#: messages: glued, the whole is a word no entry has, the heaviest of the question, and the
#: unit is lost. Curated entries write them apart, and a scan of every entry's text would
#: double the time a large knowledge base takes to load and index.
_GLUED_UNIT = re.compile(
    r"\b(\d++)(?=(?:hrs|hours?|yrs?|years?|wks?|weeks?|months?|days?|mins?|minutes?)\b)", re.IGNORECASE
)
#: "Spring" before a Scrum event or artifact is a slip for "sprint" ("the Scrum Master's role in
#: Spring Planning"): a real word, so the speller leaves it, and the question loses its subject.
_SPRING_FOR_SPRINT = re.compile(
    r"\bspring(?=[\s-]+(?:planning|review|retrospective|retro|backlog|goal|length|zero)\b)", re.IGNORECASE
)
#: "co-" joined to the word it prefixes, as most writers spell it ("co-ordination" is
#: "coordination", "co-located" is "colocated"): split, "co" stood alone as a rare word and
#: matched whatever entry writes another "co-" word.
_CO_PREFIX = re.compile(r"\b(co)-(?=[a-z])", re.IGNORECASE)
# Patterns start with their literal character so the regex engine can skip ahead to it.
_THOUSANDS = re.compile(r",(?<=\d,)(?=\d{3}\b)")
_PLUS = re.compile(r"\+(?<=[^\W_]\+)")
#: Apostrophes go ("what's" -> "whats"); elsewhere they would split words just the same.
#: "&" and "%" become words, "_" a space (``\w`` would otherwise keep it inside words).
#: Plain ``str.replace`` calls: far faster than ``str.translate`` on non-ASCII text.
_SYMBOLS = (
    ("'", ""),
    ("\u2019", ""),
    ("\u2018", ""),
    ("`", ""),
    ("\u00b4", ""),
    ("&", " and "),
    ("%", " percent "),
    ("_", " "),
)
_NOT_TEXT = re.compile(r"[^\w.!?\n]+")
_SENTENCE = re.compile(r"[.!?]+(?=\s|$)|\n+")
#: A word is cut to its first ``MAX_WORD`` characters (the rest of the run is dropped): no
#: real word is longer, and a 1,000-letter token must not cost its length in every cache.
MAX_WORD = 40
_WORD = re.compile(r"\w+")
_CUT_WORD = re.compile(rf"(\w{{1,{MAX_WORD}}})\w*")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
#: ASCII letters and digits kept, every other byte a space: ``\w`` on ASCII text, since
#: ``_prepare`` has already turned "_" into a space.
_ASCII_WORD_BYTES = bytes(c if chr(c).isalnum() and c < 128 else 0x20 for c in range(256))


#: Combining marks (accents after NFKD) and format characters (zero-width, bidi controls,
#: soft hyphen, tags): removed, so "cert\u200bification" is one word again.
_NOISE = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000e0000-\U000e007f]"
)


def _strip_unicode_noise(text: str) -> str:
    """Fold accents and width forms, and drop format characters (zero-width, bidi marks)."""
    return _NOISE.sub("", unicodedata.normalize("NFKD", text))


def _prepare(text: str, chat: bool = True, lower: bool = True) -> str:
    """Lowercase text without markup, accents and format characters; punctuation kept.

    ``chat=False`` skips the Discord markup (mentions, custom emoji, :shortcodes:), which
    curated entry texts do not contain; ``lower=False`` keeps the case (every step here is
    the same on either case, so lowercasing the words afterwards gives the same words).
    """
    if not text.isascii():
        text = text.encode("utf-8", "ignore").decode("utf-8")  # lone surrogates cannot be encoded
        text = _strip_unicode_noise(text)
    if chat and ("<" in text or "@" in text):
        text = _DISCORD_MARKUP.sub(" ", text)
    if chat and ":" in text:
        text = _SHORTCODE.sub(" ", text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "," in text:
        text = _THOUSANDS.sub("", text)
    if "." in text:
        text = _DOTTED.sub(" ", text)
    if "+" in text:
        text = _PLUS.sub(" plus", text)
    if "o-" in text or "O-" in text:
        text = _CO_PREFIX.sub(r"\1", text)
    if chat:
        text = _GLUED_UNIT.sub(r"\1 ", text)
        if "pring" in text or "PRING" in text:
            text = _SPRING_FOR_SPRINT.sub("sprint", text)
    if lower:
        text = text.lower()
    for symbol, replacement in _SYMBOLS:
        if symbol in text:
            text = text.replace(symbol, replacement)
    return text


def clean(text: str) -> str:
    """Lowercase text without markup, accents, control or format characters.

    Keeps ``. ! ?`` and newlines as sentence boundaries; everything else that is not a
    letter or digit becomes a space. ``project+`` becomes ``project plus`` and ``what's``
    becomes ``whats``, the way members also type them.
    """
    if len(text) > MAX_CHARS:
        text = text[:_HEAD] + "\n" + text[-(MAX_CHARS - _HEAD - 1) :]
    return _NOT_TEXT.sub(" ", _prepare(text)).strip()


def _split_words(prepared: str) -> list[str] | None:
    """``_WORD.findall(prepared)`` for text whose only word characters are ASCII: one C
    translate and split instead of a regex match per word (a third of the time). None when
    the text has non-ASCII letters or digits, which only the regex splits right."""
    if not prepared.isascii():
        runs = _NON_ASCII.findall(prepared)
        if any(map(str.isalnum, "".join(runs))):
            return None
        prepared = _NON_ASCII.sub(" ", prepared)
    return prepared.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split()


def text_words(text: str) -> list[str]:
    """The words of an entry's (curated, bounded) text: ``words(clean(text))`` without the
    Discord markup handling, and faster."""
    prepared = _prepare(text, chat=False)
    found = _split_words(prepared)
    return _WORD.findall(prepared) if found is None else found


def cased_words(text: str) -> list[str] | None:
    """``text_words`` with each word's case kept (``[w.lower() for w in cased_words(t)] ==
    text_words(t)``), so callers can lowercase each distinct word once and still see how it
    was written ("PgMP"). None when the text has non-ASCII letters or digits: use
    ``text_words`` then."""
    return _split_words(_prepare(text, chat=False, lower=False))


def words(text: str) -> list[str]:
    """The words of already ``clean`` text, each at most ``MAX_WORD`` characters."""
    return _CUT_WORD.findall(text)


def sentences(text: str) -> list[tuple[str, bool]]:
    """Split ``clean`` text into (sentence, ends_with_question_mark), skipping empty ones."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for match in _SENTENCE.finditer(text):
        part = text[pos : match.start()].strip()
        if part:
            out.append((part, "?" in match.group()))
        pos = match.end()
    tail = text[pos:].strip()
    if tail:
        out.append((tail, False))
    return out
