"""Plain-text rendering of answers for the terminal (``ask`` and ``chat``).

Entries are written as Markdown for Discord embeds; a terminal gets the same words with
the emphasis markers removed, links spelled out and lines wrapped, so the reply reads
the way a member would read it in Discord.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

from bot.knowledge.models import Entry, Knowledge
from bot.search.engine import Answer, Outcome

WIDTH = 88
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_EMPHASIS = re.compile(r"(\*\*|__|~~|\|\|)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])")
_BULLET = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")


def plain(markdown: str) -> str:
    """Markdown without emphasis markers; links become ``text (url)``."""
    text = _LINK.sub(r"\1 (\2)", markdown)
    return _EMPHASIS.sub(lambda m: m.group(2) if m.group(2) is not None else m.group(3), text)


def wrap(text: str, width: int = WIDTH, indent: str = "") -> str:
    """Wrap each line, keeping bullet and numbered-list indentation."""
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            continue
        bullet = _BULLET.match(line)
        hang = " " * len(bullet.group(0)) if bullet else ""
        out.append(
            textwrap.fill(
                line.strip() if not bullet else line,
                width=width,
                initial_indent=indent,
                subsequent_indent=indent + hang,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(out)


_HANG = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|\[[ x]\]\s+(?:\d+\.\s+)?)?")


def fit(text: str, width: int) -> str:
    """Wrap only the lines longer than ``width``, continuing under their own indent and list marker,
    so that lists, tables of choices and already wrapped text keep their shape."""
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line)
            continue
        marker = _HANG.match(line)
        hang = " " * (marker.end() if marker else 0)
        out.append(
            textwrap.fill(
                line, width=width, subsequent_indent=hang, break_long_words=False, break_on_hyphens=False
            )
        )
    return "\n".join(out)


def numbered(items: Sequence[str], start: int = 1) -> list[str]:
    return [f"  {i}. {item}" for i, item in enumerate(items, start=start)]


def related_entries(entry: Entry, knowledge: Knowledge) -> list[Entry]:
    return [knowledge.entries[i] for i in entry.related if i in knowledge.entries]


def entry_text(entry: Entry, width: int = WIDTH) -> list[str]:
    """Title, answer and sources of one entry."""
    lines = [entry.title, "=" * min(len(entry.title), width), "", wrap(plain(entry.answer.strip()), width)]
    if entry.links:
        lines += ["", "Sources:"]
        lines += [f"  - {link.title}: {link.url}" for link in entry.links]
    return lines


def choice_label(entry: Entry) -> str:
    return f"{entry.title}  [{entry.id}]"


def render(
    answer: Answer, knowledge: Knowledge, *, width: int = WIDTH, pick_hint: str = ""
) -> tuple[str, list[Entry]]:
    """The reply text and the entries it numbers (related and runner-ups, or suggestions)."""
    lines: list[str] = []
    choices: list[Entry] = []
    if answer.corrections:
        fixed = ", ".join(f"{a} -> {b}" for a, b in answer.corrections)
        lines += [f"(read as: {fixed})", ""]
    if answer.outcome is Outcome.ANSWER and answer.entry is not None:
        lines += entry_text(answer.entry, width)
        related = related_entries(answer.entry, knowledge)
        if related:
            lines += ["", "Related:", *numbered([choice_label(e) for e in related])]
            choices += related
        asked = [e for e in answer.also_asked if e not in choices]
        if asked:
            lines += [
                "",
                "You also asked about:",
                *numbered([choice_label(e) for e in asked], start=len(choices) + 1),
            ]
            choices += asked
        others = [e for e, _ in answer.suggestions if e not in choices]
        if others:
            lines += [
                "",
                "Not what you meant?",
                *numbered([choice_label(e) for e in others], start=len(choices) + 1),
            ]
            choices += others
    elif answer.outcome is Outcome.SUGGEST:
        choices = [e for e, _ in answer.suggestions]
        lines += ["I'm not sure which of these you mean:", *numbered([choice_label(e) for e in choices])]
    elif answer.small_talk is not None:
        choices = [entry for _, entry in answer.small_talk.examples]
        lines += [
            wrap(answer.small_talk.reply, width),
            "",
            "Try asking:",
            *numbered([question for question, _ in answer.small_talk.examples]),
            "",
            "Or browse everything with /topics.",
        ]
    else:
        lines += [
            "Sorry, I don't know that one: it isn't covered by the knowledge base.",
            "I can help with getting into IT project management. Topics:",
        ]
        lines += [f"  - {area.title}: {area.description}" for area in knowledge.areas.values()]
    if choices and pick_hint:
        lines += ["", pick_hint]
    return "\n".join(lines), choices
