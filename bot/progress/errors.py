"""Typed errors of the progress services; messages are written for the member who sees them.

``StorageUnavailable`` (the database cannot serve the call; nothing was written) comes from
the storage layer and is re-exported here so callers catch everything from one module.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.errors import CoachError
from bot.knowledge.names import closest_names
from bot.limits import NOTE_MAX_CHARS
from bot.storage.errors import StorageError, StorageUnavailable, Unavailable

__all__ = [
    "NoteTooLong",
    "ProgressError",
    "StorageError",
    "StorageUnavailable",
    "Unavailable",
    "UnknownId",
    "UnknownMilestone",
    "UnknownTrack",
]

_LISTED = 10  # valid ids named when nothing is close


class ProgressError(CoachError):
    """A request the member can fix (bad id, long note); the message says how."""


class UnknownId(ProgressError):
    """An id that names nothing; ``suggestions`` are the closest valid ids, best first."""

    kind = "id"

    def __init__(self, given: str, valid: Iterable[str]) -> None:
        valid = list(valid)
        self.given = given
        self.suggestions: tuple[str, ...] = tuple(closest_names(given.strip().lower(), valid))
        if self.suggestions:
            hint = "did you mean " + " or ".join(f"'{s}'" for s in self.suggestions) + "?"
        else:
            shown = ", ".join(valid[:_LISTED]) + (", ..." if len(valid) > _LISTED else "")
            hint = f"valid {self.kind}s: {shown}" if valid else f"there are no {self.kind}s yet"
        super().__init__(f"unknown {self.kind} '{given}': {hint}")


class UnknownMilestone(UnknownId):
    kind = "milestone"


class UnknownTrack(UnknownId):
    kind = "track"


class NoteTooLong(ProgressError):
    def __init__(self, length: int, limit: int = NOTE_MAX_CHARS) -> None:
        self.length = length
        self.limit = limit
        super().__init__(f"the note has {length} characters; keep it to {limit} or fewer")
