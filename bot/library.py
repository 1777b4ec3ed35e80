"""The knowledge in service: loaded, validated and indexed together, swapped atomically.

A ``Library`` pairs one ``Knowledge`` with the search index built from it, so a question is
always answered from one version, never a mix. ``Librarian`` owns the current library and
reloads it off the event loop; a failed reload keeps serving the last good version.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path

from bot.knowledge.loader import KnowledgeError, LoadResult, load_knowledge
from bot.knowledge.models import Knowledge
from bot.knowledge.problems import REPORTED_PROBLEMS, Problem, left_out
from bot.search import AnswerEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Library:
    knowledge: Knowledge
    engine: AnswerEngine

    @classmethod
    def build(cls, knowledge: Knowledge) -> Library:
        return cls(knowledge, AnswerEngine.build(knowledge))


@dataclass(frozen=True, slots=True)
class KnowledgeDiff:
    """What changed between two versions, for the moderator who reloaded."""

    entries_added: tuple[str, ...] = ()
    entries_removed: tuple[str, ...] = ()
    entries_changed: tuple[str, ...] = ()
    milestones_added: tuple[str, ...] = ()
    milestones_removed: tuple[str, ...] = ()
    tracks_added: tuple[str, ...] = ()
    tracks_removed: tuple[str, ...] = ()

    @classmethod
    def between(cls, old: Knowledge, new: Knowledge) -> KnowledgeDiff:
        def added(before: Mapping[str, object], after: Mapping[str, object]) -> tuple[str, ...]:
            return tuple(k for k in after if k not in before)

        changed = tuple(k for k, e in new.entries.items() if k in old.entries and old.entries[k] != e)
        return cls(
            entries_added=added(old.entries, new.entries),
            entries_removed=added(new.entries, old.entries),
            entries_changed=changed,
            milestones_added=added(old.milestones, new.milestones),
            milestones_removed=added(new.milestones, old.milestones),
            tracks_added=added(old.tracks, new.tracks),
            tracks_removed=added(new.tracks, old.tracks),
        )

    @property
    def empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    """The result of one reload: either a new version with its diff, or the errors that kept the old."""

    ok: bool
    version: str
    problems: tuple[Problem, ...] = ()  # the first REPORTED_PROBLEMS
    total: int = 0  # of problems found
    diff: KnowledgeDiff = field(default_factory=KnowledgeDiff)


@dataclass
class FailedReload:
    at: datetime
    problems: tuple[Problem, ...]  # the first REPORTED_PROBLEMS
    total: int


class Librarian:
    """Owns the library in service and its reloads (one at a time)."""

    def __init__(self, directory: Path, library: Library) -> None:
        self.directory = directory
        self._library = library
        self._lock = asyncio.Lock()
        self._fingerprint = fingerprint(directory)
        self.last_failure: FailedReload | None = None

    @classmethod
    async def open(cls, directory: Path) -> Librarian:
        """Load, validate and index ``directory`` in a worker thread; raise on errors."""
        result, library = await asyncio.to_thread(_load_and_index, directory)
        if library is None:
            raise KnowledgeError(result)
        return cls(directory, library)

    @property
    def library(self) -> Library:
        return self._library

    @property
    def knowledge(self) -> Knowledge:
        return self._library.knowledge

    def changed_on_disk(self) -> bool:
        """Whether any knowledge file was added, removed or modified since the last load."""
        return fingerprint(self.directory) != self._fingerprint

    async def reload(self) -> ReloadOutcome:
        """Load, validate and index the directory again in a worker thread, then swap.

        Everything proportional to the size of the knowledge runs in the worker: the load,
        the index, the diff against the version in service, and freeing that version.
        """
        async with self._lock:
            stamp = await asyncio.to_thread(fingerprint, self.directory)
            result, library, diff = await asyncio.to_thread(_reload, self.directory, self._library)
            self._fingerprint = stamp
            if library is None:
                errors = result.errors
                first = tuple(errors[:REPORTED_PROBLEMS])
                self.last_failure = FailedReload(datetime.now(UTC), first, len(errors))
                log.warning(
                    "knowledge reload kept version %s; the edit has %d errors:\n%s",
                    self.knowledge.version,
                    len(errors),
                    "\n".join([*map(str, first), left_out(len(errors) - len(first))]).rstrip(),
                )
                return ReloadOutcome(False, self.knowledge.version, first, len(errors))
            old = [self._library]
            self._library = library
            old_version = old[0].knowledge.version
            await asyncio.to_thread(old.clear)  # the last reference, unless a command still holds it
            log.info("knowledge reloaded: version %s -> %s", old_version, library.knowledge.version)
            first = tuple(result.problems[:REPORTED_PROBLEMS])
            return ReloadOutcome(True, library.knowledge.version, first, len(result.problems), diff)


_pause_lock = threading.Lock()
_pauses = 0


def _set_aside_survivors(phase: str, info: dict[str, int]) -> None:
    """A ``gc.callbacks`` hook: once a collection of the middle generation has promoted its
    survivors to the oldest one, move them aside too, so no full collection during the
    reload has the new library to walk either."""
    if phase == "stop" and info["generation"] >= 1:
        gc.freeze()


@contextmanager
def _collector_skips_live_objects() -> Iterator[None]:
    """While a reload runs, full garbage collections leave alone the objects that are alive
    when it starts (the library in service, the rest of the bot) and those that survive
    young collections meanwhile (the library being built).

    A full collection walks every container object the process holds while holding the
    GIL, so during a reload, which allocates a new library's worth of objects and so
    triggers full collections, each would stall the event loop for as long as the heap
    takes to walk. ``gc.freeze`` moves live objects aside (they are still freed by
    reference counting as usual) and ``gc.unfreeze`` puts them all back in the oldest
    generation when the reload ends, so the collector only misses them for the duration of
    the reload, and young collections keep reclaiming short-lived cycles all along. Unlike
    ``gc.disable``, which is process-wide too, nothing stops collecting, and nothing
    piles up for one long collection afterwards. Overlapping reloads share one pause.
    """
    global _pauses
    with _pause_lock:
        if _pauses == 0:
            gc.freeze()
            gc.callbacks.append(_set_aside_survivors)
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0:
                gc.callbacks.remove(_set_aside_survivors)
                gc.unfreeze()


def _load_and_index(directory: Path) -> tuple[LoadResult, Library | None]:
    with _collector_skips_live_objects():
        result = load_knowledge(directory)
        if result.knowledge is None:
            return result, None
        return result, Library.build(result.knowledge)


def _reload(directory: Path, current: Library) -> tuple[LoadResult, Library | None, KnowledgeDiff]:
    result, library = _load_and_index(directory)
    if library is None:
        return result, None, KnowledgeDiff()
    return result, library, KnowledgeDiff.between(current.knowledge, library.knowledge)


def fingerprint(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of every file below ``directory`` (cheap to poll)."""
    stamps: list[tuple[str, int, int]] = []
    for folder, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = os.path.join(folder, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            stamps.append((path, info.st_size, info.st_mtime_ns))
    return tuple(sorted(stamps))
