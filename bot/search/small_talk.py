"""Greetings, thanks, "what can you do", "who made you": a friendly reply, not "I don't know".

A message is small talk when, once its small-talk phrases are taken out, nothing but
filler words ("there", "so much", "bot") is left: "hi!", "thanks a lot coach", "what
can you do?". A message that also asks something ("hi, how much is the PMP?") is not, and
its small-talk sentences are left out of the ranking (``is_small_talk`` per sentence) so
"Thanks in advance!" at the end of a long post does not count as a question.

Small talk is not a gap in the knowledge, so it is never logged for moderators. The reply
names three example questions (from the first steps of the default roadmap) and /topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.knowledge.models import Entry, Knowledge

#: Longer messages are never small talk: real questions carry a greeting or thanks.
MAX_WORDS = 14
EXAMPLES = 3


class Kind(StrEnum):
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    IDENTITY = "identity"


# Patterns over the cleaned words joined by single spaces; the first kind found decides
# the reply, so a greeting that also asks "what can you do" gets the help reply.
_PATTERNS: tuple[tuple[Kind, str], ...] = (
    (
        Kind.IDENTITY,
        r"who (?:made|built|created|wrote|programmed|runs|owns) (?:you|u|this bot|this)"
        r"|who (?:are|r) (?:you|u)|what are (?:you|u)|whats your name|what is your name"
        r"|are (?:you|u) (?:a )?(?:bot|robot|human|real|ai|an ai|person|chatgpt|gpt)"
        r"|who is your (?:creator|maker|developer|author)",
    ),
    (
        Kind.HELP,
        r"what (?:can|do|could) (?:you|u) (?:do|help (?:me )?with|know|answer)"
        r"|what (?:can|should) i ask(?: (?:you|u))?|how (?:do|does) (?:you|u|this|this bot|it) work"
        r"|what (?:are you|is this bot) for|what do you know about|how (?:do|can) i use (?:you|u|this)"
        r"|help(?: me)?|commands|menu|start|get started|getting started|how to start using (?:you|u|this)",
    ),
    (
        Kind.THANKS,
        r"thank(?:s|you| you)?|thx|ty|tysm|cheers|much appreciated|appreciate (?:it|that|you)"
        r"|(?:that|this) (?:helped|helps|was helpful)|(?:very )?helpful|perfect|got it|great answer",
    ),
    (
        Kind.GREETING,
        r"hi+|hello+|hey+|heya|hiya|howdy|yo|sup|greetings|hola|good (?:morning|afternoon|evening|day)"
        r"|morning|gm|whats up|how are (?:you|u)|hows it going|bye|goodbye|see (?:you|ya)|good night",
    ),
)
_FILLER = frozenset(
    (
        "a",
        "an",
        "the",
        "so",
        "very",
        "much",
        "lot",
        "lots",
        "all",
        "again",
        "there",
        "here",
        "everyone",
        "everybody",
        "guys",
        "folks",
        "yall",
        "friend",
        "buddy",
        "mate",
        "bot",
        "coach",
        "pm",
        "it",
        "itpm",
        "please",
        "pls",
        "plz",
        "ok",
        "okay",
        "cool",
        "great",
        "nice",
        "awesome",
        "wow",
        "lol",
        "oh",
        "ah",
        "well",
        "and",
        "just",
        "really",
        "for",
        "to",
        "me",
        "you",
        "u",
        "i",
        "im",
        "my",
        "your",
        "this",
        "that",
        "is",
        "are",
        "do",
        "can",
        "with",
        "of",
        "in",
        "advance",
        "anyway",
        "today",
        "again",
        "btw",
        "x",
        "xd",
    )
)
_COMPILED = tuple((kind, re.compile(rf"\b(?:{pattern})\b")) for kind, pattern in _PATTERNS)


#: Courtesy words that say nothing about what is asked; the ranking skips them.
COURTESY = frozenset(
    (
        "hi",
        "hello",
        "hey",
        "heya",
        "hiya",
        "howdy",
        "greetings",
        "hola",
        "thanks",
        "thank",
        "thx",
        "tysm",
        "cheers",
        "regards",
        "appreciated",
        "everyone",
        "everybody",
        "folks",
        "guys",
        "yall",
        "lol",
    )
)


def small_talk_words(found_words: list[str]) -> Kind | None:
    """The kind of small talk a message's cleaned words are (``words(clean(text))``, or one
    sentence's), or None when they ask (or say) anything else."""
    if not found_words or len(found_words) > MAX_WORDS:
        return None
    found: Kind | None = None
    rest = " ".join(found_words)
    for kind, pattern in _COMPILED:
        rest, hits = pattern.subn(" ", rest)
        if hits and found is None:
            found = kind
    if found is None or any(word not in _FILLER for word in rest.split()):
        return None
    return found


_REPLIES = {
    Kind.GREETING: "Hi! I'm the IT PM Coach. Ask me anything about getting into IT project management.",
    Kind.THANKS: "You're welcome! Ask again any time: one question per message works best.",
    Kind.HELP: "I answer questions about getting into IT project management: what the role is, "
    "certifications such as the CAPM and PMP, getting experience, resumes and interviews, "
    "and changing careers. I can also track your progress on a roadmap (`/roadmap`).",
    Kind.IDENTITY: "I'm the IT PM Coach, a bot this community runs. Every answer I give is an entry "
    "from a knowledge base the moderators write and check, quoted word for word, with sources.",
}


@dataclass(frozen=True, slots=True)
class SmallTalk:
    kind: Kind
    reply: str
    examples: tuple[tuple[str, Entry], ...]  # (example question, the entry that answers it)


def example_questions(knowledge: Knowledge, count: int = EXAMPLES) -> tuple[tuple[str, Entry], ...]:
    """One question a newcomer might ask per early step of the default roadmap (the first
    question of each step's first entry); the first areas' entries if it has none."""
    picks: list[Entry] = []
    if knowledge.tracks:
        for milestone_id in knowledge.default_track.milestones:
            milestone = knowledge.milestones.get(milestone_id)
            learn = (
                [knowledge.entries[e] for e in milestone.learn if e in knowledge.entries] if milestone else []
            )
            if learn and learn[0] not in picks:
                picks.append(learn[0])
    for area in knowledge.areas:
        area_entries = knowledge.entries_in_area(area)
        if area_entries and area_entries[0] not in picks:
            picks.append(area_entries[0])
    out = []
    for entry in picks[:count]:
        question = entry.questions[0] if entry.questions else entry.title
        question = question[:1].upper() + question[1:]
        out.append((question if question.endswith("?") else question + "?", entry))
    return tuple(out)


def small_talk_reply(kind: Kind, examples: tuple[tuple[str, Entry], ...]) -> SmallTalk:
    return SmallTalk(kind, _REPLIES[kind], examples)
