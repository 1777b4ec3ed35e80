"""The knowledge in service: loaded, validated and indexed together, swapped atomically.

A ``Library`` pairs one ``Knowledge`` with the search index built from it, so a question is
always answered from one version, never a mix. ``Librarian`` owns the current library and
reloads it off the event loop; a failed reload keeps serving the last good version.
"""

from __future__ import annotations

import asyncio
import copyreg
import ctypes
import gc
import hashlib
import logging
import os
import pickle
import platform
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

import numpy as np

from bot.knowledge.loader import EntryMemo, KnowledgeError, LoadResult, load_knowledge
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

    def __init__(self, directory: Path, library: Library, memo: EntryMemo | None = None) -> None:
        self.directory = directory
        self._library = library
        self._memo = EntryMemo() if memo is None else memo  # the last load's entry files, for the next
        self._lock = asyncio.Lock()
        self._fingerprint = fingerprint(directory)
        self.last_failure: FailedReload | None = None

    @classmethod
    async def open(cls, directory: Path, *, cache_dir: Path | None = None) -> Librarian:
        """Load, validate and index ``directory`` in a worker thread; raise on errors.

        With ``cache_dir``, a library built from exactly the same files by exactly the same
        code is read from the cache there instead (see ``IndexCache``).
        """
        keep_large_blocks_apart()
        cache = IndexCache(cache_dir) if cache_dir is not None else None
        library = await asyncio.to_thread(cache.read, directory) if cache is not None else None
        memo = EntryMemo()
        if library is None:
            result, library = await asyncio.to_thread(_load_and_index, directory, memo)
            if library is None:
                raise KnowledgeError(result)
            if cache is not None:
                await asyncio.to_thread(cache.write, directory, library)
        await asyncio.to_thread(return_freed_memory)
        settle_heap()  # the library, read from the cache or built, stays out of full collections
        return cls(directory, library, memo)

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
            # the version in service, in a list _release empties: a worker thread still holds
            # its call's arguments for a moment after the await has returned
            old = [self._library]
            result, library, diff = await asyncio.to_thread(_reload, self.directory, old, self._memo)
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
            self._library = library
            old_version = old[0].knowledge.version
            await asyncio.to_thread(_release, old)
            log.info("knowledge reloaded: version %s -> %s", old_version, library.knowledge.version)
            first = tuple(result.problems[:REPORTED_PROBLEMS])
            return ReloadOutcome(True, library.knowledge.version, first, len(result.problems), diff)


def _release(old: list[Library]) -> None:
    old.clear()  # the last reference, unless a command still holds it
    return_freed_memory()


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
LARGE_BLOCK = 256 * 1024


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return None


def keep_large_blocks_apart() -> None:
    """Give every block of 256 KB or more (the index's arrays) its own pages.

    glibc otherwise raises that threshold each time such a block is freed, so after a
    reload the next library's arrays land in the heap among small objects, and the memory
    of each replaced library can no longer be handed back: RSS ratchets up reload by reload.
    """
    libc = _libc()
    with suppress(AttributeError):
        if libc is not None:
            libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)


def return_freed_memory() -> None:
    """Hand freed heap pages back to the system (glibc keeps them otherwise)."""
    libc = _libc()
    with suppress(AttributeError):
        if libc is not None:
            libc.malloc_trim(0)


def _mapping_proxy(items: dict[str, object]) -> MappingProxyType[str, object]:
    return MappingProxyType(items)


copyreg.pickle(MappingProxyType, lambda proxy: (_mapping_proxy, (dict(proxy),)))  # Knowledge's maps

#: Bump when a cached library could differ for another reason than the files hashed below.
CACHE_FORMAT = 1
#: The code that turns knowledge files into a library: a change to any of it is a new key.
_BUILDERS = (Path(__file__).parent / "knowledge", Path(__file__).parent / "search", Path(__file__))


class IndexCache:
    """The last library built, kept on disk so that a start with unchanged knowledge skips
    the load, validation and index build (seconds at 10,000 entries).

    The key is a hash of every file in the knowledge folder (names, contents, links), of
    the source code that builds a library, and of the Python and numpy versions; anything
    else (a missing, corrupt, foreign or stale file) is ignored and the library is built.
    The file is a pickle, and loading a pickle runs code: it lives next to the database,
    is written atomically by this process with owner-only permissions, and is refused if
    anyone else could have written it, so it is exactly as trusted as the database itself.
    """

    NAME = "knowledge-index.pickle"

    def __init__(self, directory: Path) -> None:
        self.path = directory / self.NAME

    def read(self, knowledge_dir: Path) -> Library | None:
        try:
            info = self.path.stat()
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                log.warning("ignoring %s: it could have been written by another user", self.path)
                return None
            key = cache_key(knowledge_dir)
            with self.path.open("rb") as file:
                stored_key, library = pickle.load(file)
        except FileNotFoundError:
            return None
        except Exception as error:  # any unreadable cache is rebuilt, never fatal
            log.warning("ignoring the knowledge cache %s: %s", self.path, error)
            return None
        if stored_key != key or not isinstance(library, Library):
            return None
        log.info("knowledge and index read from the cache (%s)", library.knowledge.version)
        return library

    def write(self, knowledge_dir: Path, library: Library) -> None:
        """Best effort: a start-up never fails because the cache cannot be written."""
        try:
            key = cache_key(knowledge_dir)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=".knowledge-index-", dir=self.path.parent)
            try:
                with os.fdopen(handle, "wb") as file:
                    pickle.dump((key, library), file, protocol=pickle.HIGHEST_PROTOCOL)
                    file.flush()
                    os.fsync(file.fileno())
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError as error:
            log.warning("could not write the knowledge cache %s: %s", self.path, error)


def cache_key(knowledge_dir: Path) -> str:
    """What a cached library must have been built from: these files, by this code."""
    digest = hashlib.blake2b(digest_size=32)
    digest.update(f"{CACHE_FORMAT}|{platform.python_version()}|{np.__version__}".encode())
    for root in _BUILDERS:
        for path in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for folder, dirs, files in os.walk(knowledge_dir):
        dirs.sort()
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]):
            found = os.path.join(folder, name)
            digest.update(b"\0" + os.path.relpath(found, knowledge_dir).encode(errors="surrogateescape"))
            info = os.lstat(found)
            if stat.S_ISREG(info.st_mode):
                with open(found, "rb") as file:
                    digest.update(file.read())
            elif stat.S_ISLNK(info.st_mode):  # the loader decides what to make of it; its target counts
                try:
                    target = os.stat(found)
                    digest.update(
                        f"{os.readlink(found)}|{target.st_ino}|{target.st_size}|{target.st_mtime_ns}".encode()
                    )
                except OSError:
                    digest.update(b"dangling")
            else:  # a FIFO or device is never read here
                digest.update(str(stat.S_IFMT(info.st_mode)).encode())
    return digest.hexdigest()


_pause_lock = threading.Lock()
_pauses = 0
#: Seconds a thread that wants the GIL waits before the holder must hand it over, while a
#: reload runs. Python's default (5 ms) is paid by the event loop after each socket read or
#: write it makes while the worker computes: some twenty per /ask, about 100 ms in all.
RELOAD_SWITCH_INTERVAL = 0.0005
_switch_interval_before = 0.005


def _set_aside_survivors(phase: str, info: dict[str, int]) -> None:
    """A ``gc.callbacks`` hook: once a collection of the middle generation has promoted its
    survivors to the oldest one, move them aside too, so no full collection during the
    reload has the new library to walk either."""
    if phase == "stop" and info["generation"] >= 1:
        gc.freeze()


def settle_heap() -> None:
    """Collect what is garbage now, then move every object still alive aside (``gc.freeze``),
    so that full collections walk only what was allocated since.

    A full collection walks every container object the process holds while holding the GIL.
    At 10,000 entries that is some 140,000 objects, mostly the library's, and 100-150 ms of
    stalled event loop about once every 1,000 /ask (docs/benchmarks.md, twenty-sixth round).
    Frozen objects are still freed by reference counting: a replaced library, which holds no
    reference cycle, is freed as soon as its last user lets go of it. Called once the first
    library is in service (``Librarian.open``) and before and after each reload.
    """
    gc.collect()
    gc.freeze()


@contextmanager
def _reload_gives_way_to_the_loop() -> Iterator[None]:
    """While a reload runs, the event loop comes first: the worker hands it the GIL sooner,
    and full garbage collections leave alone the objects that are alive when it starts (the
    library in service, the rest of the bot) and those that survive young collections
    meanwhile (the library being built).

    A reload allocates a new library's worth of objects and so triggers full collections;
    with the heap settled first (``settle_heap``) and the survivors of each young collection
    moved aside too, those collections have only the newest objects to walk. Settling again
    when the reload ends leaves the new library aside for the collector as the first one
    was. Unlike ``gc.disable``, which is process-wide too, nothing stops collecting, and
    nothing piles up for one long collection afterwards. Overlapping reloads share one pause.

    The worker also hands the GIL over after ``RELOAD_SWITCH_INTERVAL`` instead of Python's
    5 ms, so the loop's replies do not queue behind it.
    """
    global _pauses, _switch_interval_before
    with _pause_lock:
        if _pauses == 0:
            settle_heap()
            gc.callbacks.append(_set_aside_survivors)
            _switch_interval_before = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_interval_before, RELOAD_SWITCH_INTERVAL))
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0:
                sys.setswitchinterval(_switch_interval_before)
                gc.callbacks.remove(_set_aside_survivors)
                settle_heap()


def _load_and_index(directory: Path, memo: EntryMemo) -> tuple[LoadResult, Library | None]:
    with _reload_gives_way_to_the_loop():
        result = load_knowledge(directory, memo=memo)
        if result.knowledge is None:
            return result, None
        return result, Library.build(result.knowledge)


def _reload(
    directory: Path, current: list[Library], memo: EntryMemo
) -> tuple[LoadResult, Library | None, KnowledgeDiff]:
    result, library = _load_and_index(directory, memo)
    if library is None:
        return result, None, KnowledgeDiff()
    return result, library, KnowledgeDiff.between(current[0].knowledge, library.knowledge)


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
