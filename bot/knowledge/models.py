"""Immutable domain objects for the knowledge base.

The loader builds these once per load; everything else (search, progress, Discord, the
terminal) only reads them, so a reload can swap a whole ``Knowledge`` atomically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Area:
    id: str
    title: str
    description: str
    emoji: str = ""


@dataclass(frozen=True, slots=True)
class Entry:
    """One answer in the knowledge base, loaded from ``entries/<area>/<id>.yaml``."""

    id: str
    title: str
    area: str
    questions: tuple[str, ...]
    answer: str
    links: tuple[Link, ...]
    reviewed: date
    related: tuple[str, ...] = ()
    milestone: str | None = None
    aliases: tuple[str, ...] = ()
    path: str = ""


@dataclass(frozen=True, slots=True)
class Milestone:
    id: str
    title: str
    description: str
    steps: tuple[str, ...]
    learn: tuple[str, ...]
    requires: tuple[str, ...] = ()
    formerly: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Track:
    id: str
    title: str
    description: str
    milestones: tuple[str, ...]


@dataclass(frozen=True, slots=True, weakref_slot=True)  # weakref: caches must not keep a version alive
class Knowledge:
    """A validated, self-consistent snapshot of ``knowledge/``.

    Mappings keep declaration order (areas, milestones and tracks as written; entries by
    area, then id), which is the order members browse them in.
    """

    areas: Mapping[str, Area]
    entries: Mapping[str, Entry]
    milestones: Mapping[str, Milestone]
    tracks: Mapping[str, Track]
    synonyms: tuple[tuple[str, ...], ...]
    version: str
    loaded_at: datetime
    _former_ids: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name in ("areas", "entries", "milestones", "tracks"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))
        former = {old: m.id for m in self.milestones.values() for old in m.formerly}
        object.__setattr__(self, "_former_ids", MappingProxyType(former))

    @property
    def default_track(self) -> Track:
        """The first declared track: where a new member starts."""
        return next(iter(self.tracks.values()))

    def entries_in_area(self, area_id: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.area == area_id]

    def current_milestone_id(self, stored_id: str) -> str | None:
        """Map a milestone id found in storage to today's id (following ``formerly``).

        Returns None for a retired milestone: its records are kept but not counted.
        """
        if stored_id in self.milestones:
            return stored_id
        return self._former_ids.get(stored_id)

    def milestone_ids_of(self, current_id: str) -> tuple[str, ...]:
        """Every id under which records of this milestone may be stored."""
        return (current_id, *self.milestones[current_id].formerly)

    def entries_for_milestone(self, milestone_id: str) -> list[Entry]:
        """The entries that teach a milestone: its ``learn`` list, then entries that name it."""
        milestone = self.milestones[milestone_id]
        ids = list(milestone.learn)
        ids += [e.id for e in self.entries.values() if e.milestone == milestone_id and e.id not in ids]
        return [self.entries[i] for i in ids if i in self.entries]
