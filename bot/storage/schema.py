"""The numbered migration files shipped in ``bot/storage/migrations/``.

A migration is ``NNNN_name.sql``: plain SQL, portable where it costs nothing, applied once
in version order. Backends decide how to run them; this module only finds and checks them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.storage.errors import SchemaError

_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    sql: str


@cache
def load_migrations() -> tuple[Migration, ...]:
    """All shipped migrations in order; numbering must run 1, 2, 3... without gaps."""
    folder = resources.files("bot.storage").joinpath("migrations")
    found: list[Migration] = []
    for item in folder.iterdir():
        match = _FILE_NAME.match(item.name)
        if match:
            found.append(Migration(int(match[1]), match[2], item.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise SchemaError(
                f"migration files must be numbered 0001, 0002, ... without gaps; "
                f"expected {expected:04d} but found {migration.version:04d}_{migration.name}"
            )
    return tuple(found)


def latest_version() -> int:
    return len(load_migrations())
