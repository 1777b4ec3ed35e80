"""Members' progress through the career milestones: the rules, with no Discord in them."""

from bot.progress.errors import NoteTooLong, ProgressError, StorageUnavailable, UnknownMilestone, UnknownTrack
from bot.progress.service import ProgressService

__all__ = [
    "NoteTooLong",
    "ProgressError",
    "ProgressService",
    "StorageUnavailable",
    "UnknownMilestone",
    "UnknownTrack",
]
