"""Problems found while loading knowledge, reported as ``PATH:LINE: severity: message``.

One line per problem is the contract moderators (and CI logs) read, so the formatting lives
in exactly one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

QUOTED_CHARS = 40
MAX_MESSAGE_CHARS = 200
# A broken tree can hold hundreds of thousands of problems: what is kept, logged and shown
# outside ``kb check`` is the first ones and their number, never one record of every line.
REPORTED_PROBLEMS = 50


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a knowledge file; ``line`` is 1-based (0 when unknown)."""

    path: str
    line: int
    severity: Severity
    message: str

    def __post_init__(self) -> None:
        # A backstop: every value a message quotes goes through ``quote``, but no line may
        # carry a file's content into a log or a Discord message.
        if len(self.message) > MAX_MESSAGE_CHARS:
            object.__setattr__(self, "message", self.message[: MAX_MESSAGE_CHARS - 1] + "…")

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"


def quote(text: str) -> str:
    """``text`` quoted for a problem line, cut to a short fragment."""
    return repr(text if len(text) <= QUOTED_CHARS else text[:QUOTED_CHARS] + "…")


def left_out(count: int) -> str:
    """The line that ends a shortened list of problems (empty when nothing was left out)."""
    return f"… and {count} more problems" if count > 0 else ""


def summarise(problems: list[Problem]) -> str:
    """``ok`` or ``3 errors, 1 warning``: the tail of the validator's summary line."""
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "ok"
    return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"
