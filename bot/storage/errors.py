"""Errors every storage backend raises, so callers never see a driver's exception types."""

from __future__ import annotations

from enum import StrEnum


class StorageError(Exception):
    """Base class: something went wrong storing or reading data; the message says what."""


class Unavailable(StrEnum):
    """Why the database cannot serve a call right now (an operator can usually fix it)."""

    LOCKED = "locked"
    READ_ONLY = "read-only"
    FULL = "full"
    IO = "io"
    CORRUPT = "corrupt"
    CANNOT_OPEN = "cannot-open"
    CLOSED = "closed"
    GONE = "gone"  # the database file was deleted or replaced while the bot ran
    UNREACHABLE = "unreachable"  # a database server did not answer


class StorageUnavailable(StorageError):
    """The call failed as a whole (nothing was written); retrying later may work."""

    def __init__(self, reason: Unavailable, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class SchemaError(StorageError):
    """The database's schema is not one this code can safely use (e.g. written by a newer bot)."""


class NotSupported(StorageError):
    """A configured backend that this version does not implement yet."""
