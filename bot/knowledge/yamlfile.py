"""Read one YAML file defensively, keeping the line of every key and value.

Moderators' edits arrive through pull requests, so a file may be empty, binary, huge,
hostile (a "billion laughs" alias bomb) or simply mistyped. Everything here turns such
input into one clear ``Problem`` instead of an exception, and only ever uses PyYAML's safe
loader (in ``bot.knowledge.yamlparse``, imported when a file is parsed).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.knowledge.problems import Problem, Severity

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000
MAX_DEPTH = 40


class YamlMap(dict[str, Any]):
    """A mapping that remembers the 1-based line of each key and of each value."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}
        self.value_lines: dict[str, int] = {}


class YamlList(list[Any]):
    """A sequence that remembers the 1-based line of each item."""

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


@dataclass
class ParsedFile:
    """A file's content (``None`` when it could not be read) and the raw bytes for hashing."""

    rel: str
    data: Any = None
    raw: bytes = b""
    problems: list[Problem] = field(default_factory=list)


class UnreadableFile(Exception):
    """The file was not read; the message says why (never quoting what the file holds)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def read_inside(path: Path, root: Path) -> bytes:
    """The bytes of ``path`` if it is a regular file of at most ``MAX_FILE_BYTES`` in ``root``.

    A symbolic link is followed only when it ends inside ``root``: a link to a secret
    elsewhere (``.env``) would otherwise be echoed in problem lines. Devices, FIFOs and
    sockets are refused before they are opened for reading (``/dev/zero`` never ends, a FIFO
    blocks forever); ``O_NONBLOCK`` and ``O_NOFOLLOW`` keep a file swapped in between the
    check and the open from hanging or leaving the folder, and ``fstat`` on the open file is
    what the size and kind are finally judged on.
    """
    real = os.path.realpath(path)
    top = os.path.realpath(root)
    if os.path.commonpath([real, top]) != top:
        raise UnreadableFile("is a symbolic link to a file outside the knowledge folder; not read")
    try:
        _check_regular(os.stat(real).st_mode)
        fd = os.open(real, _OPEN_FLAGS)
    except OSError as exc:
        raise UnreadableFile(f"cannot read the file: {exc.strerror or exc}", line=1) from None
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        _check_regular(info.st_mode)
        raw = b"" if info.st_size > MAX_FILE_BYTES else stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES or info.st_size > MAX_FILE_BYTES:
        size = max(info.st_size, len(raw))
        raise UnreadableFile(f"file is too large ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})", line=1)
    return raw


def _check_regular(mode: int) -> None:
    for test, kind in _KINDS:
        if test(mode):
            raise UnreadableFile(f"is {kind}, not a regular file; not read")
    if not stat.S_ISREG(mode):
        raise UnreadableFile("is not a regular file; not read")


def parse_yaml(raw: bytes, rel: str) -> ParsedFile:
    """Parse ``raw`` safely; any problem comes back as an error, never an exception."""
    result = ParsedFile(rel, raw=raw)

    def fail(line: int, message: str) -> ParsedFile:
        result.problems.append(Problem(rel, line, Severity.ERROR, message))
        return result

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return fail(line, f"not UTF-8 text (bad byte at offset {exc.start}); is this a binary file?")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        return fail(line, "contains a NUL byte; is this a binary file?")
    if not text.strip():
        return fail(1, "file is empty")

    from bot.knowledge.yamlparse import read_document  # PyYAML: only once a file is parsed

    try:
        result.data = read_document(text)
    except UnreadableFile as exc:
        return fail(exc.line, str(exc))
    return result
