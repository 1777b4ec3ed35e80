"""Typed reads of one YAML mapping, reporting each bad field at its own line.

The schema of every knowledge file is declared with these reads (see ``loader.py``); the
JSON Schemas in ``knowledge/schema/`` mirror them for editors, and a test keeps the two in
step.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.knowledge.names import did_you_mean
from bot.knowledge.problems import Problem, Severity, quote
from bot.knowledge.yamlfile import YamlList, YamlMap

KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TYPE_NAMES = {str: "text", list: "a list", dict: "a mapping", date: "a date (YYYY-MM-DD)"}


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing"
    if isinstance(value, YamlMap):
        return "a mapping"
    if isinstance(value, YamlList):
        return "a list"
    if isinstance(value, str):
        return f"str {quote(value)}"
    return f"{type(value).__name__} {quote(repr(value))}"


class Fields:
    """Reads fields of ``mapping`` and appends a ``Problem`` for each one that is wrong.

    Every getter returns a usable value (or None) so that one run reports all problems.
    """

    def __init__(self, mapping: YamlMap, rel: str, problems: list[Problem], what: str) -> None:
        self.map = mapping
        self.rel = rel
        self.problems = problems
        self.what = what

    def line(self, key: str) -> int:
        return self.map.value_lines.get(key, self.map.line)

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel, line, Severity.ERROR, message))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel, line, Severity.WARNING, message))

    def check_keys(self, allowed: tuple[str, ...]) -> None:
        for key, line in self.map.key_lines.items():
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f" (allowed: {', '.join(allowed)})"
                self.error(line, f"unknown key {quote(key)} in {self.what}{hint}")

    def _present(self, key: str, required: bool) -> bool:
        if key in self.map and self.map[key] is not None:
            return True
        if required:
            if key in self.map:
                self.error(self.line(key), f"'{key}' is empty")
            else:
                self.error(self.map.line, f"{self.what} is missing required key '{key}'")
        return False

    def text(
        self, key: str, *, required: bool = True, max_len: int | None = None, kebab: bool = False
    ) -> str | None:
        if not self._present(key, required):
            return None
        value = self.map[key]
        if not isinstance(value, str):
            self.error(self.line(key), f"'{key}' must be text, found {type_name(value)}")
            return None
        return self._check_text(key, value.strip(), self.line(key), max_len, kebab)

    def _check_text(self, key: str, value: str, line: int, max_len: int | None, kebab: bool) -> str | None:
        if not value:
            self.error(line, f"'{key}' is empty")
            return None
        if max_len is not None and len(value) > max_len:
            self.error(line, f"'{key}' is {len(value):,} characters; the limit is {max_len:,}")
        if kebab and not KEBAB.match(value):
            self.error(line, f"'{key}' must be lowercase kebab-case like 'pmp-fees', found {quote(value)}")
        return value

    def items(self, key: str, *, required: bool = True, min_items: int = 0) -> list[tuple[Any, int]]:
        """The items of a list field with their lines."""
        if not self._present(key, required):
            return []
        value = self.map[key]
        if not isinstance(value, YamlList):
            self.error(self.line(key), f"'{key}' must be a list, found {type_name(value)}")
            return []
        if len(value) < min_items:
            self.error(
                self.map.key_lines[key], f"'{key}' needs at least {min_items} items, found {len(value)}"
            )
        return list(zip(value, value.item_lines, strict=True))

    def text_items(
        self,
        key: str,
        *,
        required: bool = True,
        min_items: int = 0,
        max_len: int | None = None,
        kebab: bool = False,
    ) -> list[tuple[str, int]]:
        """A list of text; bad items are reported and dropped."""
        good: list[tuple[str, int]] = []
        for item, line in self.items(key, required=required, min_items=min_items):
            if not isinstance(item, str):
                self.error(line, f"each item of '{key}' must be text, found {type_name(item)}")
                continue
            text = self._check_text(key, item.strip(), line, max_len, kebab)
            if text is not None:
                good.append((text, line))
        return good

    def date(self, key: str) -> date | None:
        if not self._present(key, True):
            return None
        value = self.map[key]
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.error(self.line(key), f"'{key}' must be a date like 2026-11-26, found {type_name(value)}")
        return None


def as_mapping(value: Any, rel: str, line: int, what: str, problems: list[Problem]) -> YamlMap | None:
    """``value`` if it is a mapping, else report that ``what`` must be one."""
    if isinstance(value, YamlMap):
        return value
    problems.append(Problem(rel, line, Severity.ERROR, f"{what} must be a mapping, found {type_name(value)}"))
    return None
