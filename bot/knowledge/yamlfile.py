"""Read one YAML file defensively, keeping the line of every key and value.

Moderators' edits arrive through pull requests, so a file may be empty, binary, huge,
hostile (a "billion laughs" alias bomb) or simply mistyped. Everything here turns such
input into one clear ``Problem`` instead of an exception, and only ever uses PyYAML's safe
loader.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from bot.knowledge.problems import Problem, Severity, quote

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _SafeLoader(Composer, CParser, SafeConstructor, Resolver):
        """libyaml's scanner and parser (about 10x faster) with PyYAML's own composer.

        The Python composer keeps composition subject to Python's recursion limit, and the
        safe constructor builds nothing but plain data: ``yaml.safe_load`` semantics.
        """

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

else:  # pragma: no cover - PyYAML built without libyaml
    _SafeLoader = yaml.SafeLoader  # type: ignore[misc,assignment]

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 50_000
MAX_DEPTH = 40

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"


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


class _Reject(Exception):
    """Raised inside the tree walk to stop at the first structural problem."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


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

    loader = _SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return fail(1, "file holds no YAML content (only comments?)")
        result.data = _Walker(loader).value(node, depth=0)
    except _Reject as exc:
        return fail(exc.line, exc.message)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return fail(line, f"invalid YAML: {exc.problem or exc.context}")
    except yaml.YAMLError as exc:
        return fail(1, f"invalid YAML: {exc}")
    except RecursionError:
        return fail(1, f"YAML is nested too deeply (the limit is {MAX_DEPTH} levels)")
    finally:
        loader.dispose()
    return result


class _Walker:
    """Turns a composed node tree into YamlMap/YamlList/scalars, enforcing the limits.

    Anchors and aliases are refused outright: knowledge files never need them, and refusing
    them is what defuses alias bombs (the walk never revisits a node).
    """

    def __init__(self, loader: _SafeLoader) -> None:
        self._loader = loader
        self._seen: set[int] = set()

    def value(self, node: yaml.Node, depth: int) -> Any:
        line = node.start_mark.line + 1
        if id(node) in self._seen:
            raise _Reject(line, "YAML anchors and aliases (&name / *name) are not supported here")
        self._seen.add(id(node))
        if len(self._seen) > MAX_NODES:
            raise _Reject(line, f"too many YAML values (the limit is {MAX_NODES:,})")
        if depth > MAX_DEPTH:
            raise _Reject(line, f"YAML is nested too deeply (the limit is {MAX_DEPTH} levels)")
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth, line)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                raise _Reject(line, f"unsupported YAML tag {node.tag}")
            items = YamlList(line)
            for child in node.value:
                items.append(self.value(child, depth + 1))
                items.item_lines.append(child.start_mark.line + 1)
            return items
        if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
            return node.value  # what the safe constructor makes of a str scalar, without its dispatch
        try:
            return self._loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise _Reject(line, f"invalid value: {getattr(exc, 'problem', None) or exc}") from None
        except ValueError as exc:
            raise _Reject(line, f"invalid value {quote(node.value)}: {exc}") from None

    def _mapping(self, node: yaml.MappingNode, depth: int, line: int) -> YamlMap:
        if node.tag != _MAP_TAG:
            raise _Reject(line, f"unsupported YAML tag {node.tag}")
        mapping = YamlMap(line)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Reject(key_line, "YAML merge keys (<<) are not supported here")
            key = self.value(key_node, depth + 1)
            if not isinstance(key, str):
                raise _Reject(key_line, f"keys must be text, found {quote(repr(key))}")
            if key in mapping:
                raise _Reject(
                    key_line, f"duplicate key {quote(key)} (first at line {mapping.key_lines[key]})"
                )
            mapping[key] = self.value(value_node, depth + 1)
            mapping.key_lines[key] = key_line
            mapping.value_lines[key] = value_node.start_mark.line + 1
        return mapping
