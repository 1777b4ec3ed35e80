"""Load and validate ``knowledge/``: the only code that reads the knowledge files.

``load_knowledge`` never raises for bad content. It returns every problem it found (as
``PATH:LINE: severity: message``) and, only when there is no error, an immutable
``Knowledge``. The validator command, the bot's reload and the tests all go through it, so
what CI accepts is exactly what the bot serves.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from bot.knowledge.addresses import masked_links, shows_another_address
from bot.knowledge.fields import Fields, as_mapping, type_name
from bot.knowledge.models import Area, Entry, Knowledge, Link, Milestone, Track
from bot.knowledge.names import closest_names
from bot.knowledge.problems import REPORTED_PROBLEMS, Problem, Severity, left_out, quote, summarise
from bot.knowledge.yamlfile import ParsedFile, UnreadableFile, parse_yaml, read_inside

AREAS_FILE = "areas.yaml"
SYNONYMS_FILE = "synonyms.yaml"
MILESTONES_FILE = "milestones.yaml"
SPECIAL_FILES = (AREAS_FILE, SYNONYMS_FILE, MILESTONES_FILE)
SCHEMA_DIR = "schema"

ENTRY_KEYS = (
    "id",
    "title",
    "area",
    "aliases",
    "milestone",
    "questions",
    "answer",
    "links",
    "related",
    "reviewed",
)
LINK_KEYS = ("title", "url")
AREA_KEYS = ("id", "title", "description", "emoji")
MILESTONE_KEYS = ("id", "title", "description", "steps", "learn", "requires", "formerly")
TRACK_KEYS = ("id", "title", "description", "milestones")

LIMITS = {
    "id": 64,
    "title": 256,
    "answer": 4000,
    "question": 300,
    "alias": 50,
    "link_title": 100,
    "description": 1000,
    "step": 200,
}
MIN_QUESTIONS = 3
AREA_MENU_LIMIT = 25
_NORMALISE = re.compile(r"[\W_]+")
_WHITESPACE = re.compile(r"\s")  # what str.isspace() calls whitespace


@dataclass
class LoadResult:
    """What one load found: the knowledge (None when there is any error) and all problems."""

    problems: list[Problem]
    knowledge: Knowledge | None = None
    counts: tuple[int, int, int] = (0, 0, 0)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        entries, milestones, tracks = self.counts
        return f"{entries} entries, {milestones} milestones, {tracks} tracks: {summarise(self.problems)}"


class KnowledgeError(Exception):
    """Raised by ``load_or_raise`` when the knowledge has errors; carries the problem lines."""

    def __init__(self, result: LoadResult) -> None:
        self.result = result
        errors = result.errors
        lines = [*map(str, errors[:REPORTED_PROBLEMS]), left_out(len(errors) - REPORTED_PROBLEMS)]
        super().__init__("knowledge has errors:\n" + "\n".join(lines).rstrip())


def load_or_raise(directory: Path, *, today: date | None = None) -> Knowledge:
    result = load_knowledge(directory, today=today)
    if result.knowledge is None:
        raise KnowledgeError(result)
    return result.knowledge


def load_knowledge(
    directory: Path,
    *,
    today: date | None = None,
    overlay: Mapping[str, bytes] | None = None,
    memo: EntryMemo | None = None,
) -> LoadResult:
    """Load and validate ``directory``.

    ``overlay`` maps paths relative to it to content that is read instead of the file on
    disk (or as one more entry file): how ``/kb preview`` checks a draft against the whole
    knowledge base without writing it anywhere. ``memo`` carries the entry files of the
    previous load of the same directory from one reload to the next (see ``EntryMemo``).
    """
    loader = _Loader(Path(directory), today or date.today(), overlay=dict(overlay or {}), memo=memo)
    return loader.run()


@dataclass(frozen=True, slots=True)
class _Remembered:
    """One entry file as the last load left it: what it held and what was wrong with it."""

    digest: bytes
    today: date
    source: _EntrySource | None
    problems: tuple[Problem, ...]


class EntryMemo:
    """The entry files of the last load, each with a digest of its bytes.

    A reload usually follows an edit of one file or a few; parsing and checking the other
    thousands again is most of a reload's time, and it fills the heap with short-lived parse
    trees that leave it fragmented, so that the process grows a little with every reload. A file
    whose bytes (and the day, which decides "review due" warnings) are unchanged keeps its
    ``Entry`` and its problems. What depends on other files (duplicate ids, areas, cross-references)
    is checked again on every load.
    """

    def __init__(self) -> None:
        self._files: dict[str, _Remembered] = {}

    def __len__(self) -> int:
        return len(self._files)

    def recall(self, rel: str, digest: bytes, today: date) -> _Remembered | None:
        known = self._files.get(rel)
        return known if known is not None and known.digest == digest and known.today == today else None

    def replace(self, files: dict[str, _Remembered]) -> None:
        """Keep exactly the files of the load that just ended (deleted files are forgotten)."""
        self._files = files


def _empty_one_by_one(contents: dict[str, bytes]) -> None:
    """Let go of the files' contents one at a time: freeing 10,000 of them in one call holds the
    GIL for some 50 ms, which a reload's worker thread would take from the bot's event loop."""
    while contents:
        contents.popitem()


def normalise_question(text: str) -> str:
    """Questions that differ only in case, spacing or punctuation count as the same."""
    return " ".join(_NORMALISE.sub(" ", text.lower()).split())


def entry_files(root: Path, problems: list[Problem]) -> Iterator[Path]:
    """Every ``.yaml`` file below ``root`` that is an entry, in a stable order.

    Hidden files and folders, ``schema/`` and the special files are skipped; a linked
    folder is not entered and a file that is not ``.yaml`` is not read (a warning each,
    appended to ``problems``).
    """

    def warn(path: Path, message: str) -> None:
        problems.append(Problem(path.relative_to(root).as_posix(), 0, Severity.WARNING, message))

    for folder, dirs, files in os.walk(root, followlinks=False):
        here = Path(folder)
        for name in sorted(dirs):
            path = here / name
            if name.startswith(".") or (here == root and name == SCHEMA_DIR):
                dirs.remove(name)
            elif path.is_symlink():
                dirs.remove(name)
                warn(path, "folder is a symbolic link and was not followed")
        dirs.sort()
        for name in sorted(files):
            path = here / name
            if name.startswith(".") or (here == root and name in SPECIAL_FILES):
                continue
            if name.endswith(".yaml"):
                yield path
            else:
                hint = " (rename it to .yaml to load it)" if name.endswith(".yml") else ""
                warn(path, f"not a .yaml file, ignored{hint}")


def _misleading(text: str, target: str) -> str:
    return (
        f"link text {quote(text)} shows a web address but the link opens {quote(target)}; "
        "show the address it really opens, or use words"
    )


@dataclass(slots=True)
class _EntrySource:
    """A loaded entry with the lines its cross-references were written on.

    Tuples of (text, line) pairs, not lists: a load holds one of these per entry until the
    cross-checks, and the garbage collector stops walking a tuple of plain values after its
    first pass, where it walks a list every time (a reload should stall the bot as little
    as possible).
    """

    entry: Entry
    rel: str
    lines: dict[str, int]
    related: tuple[tuple[str, int], ...]
    aliases: tuple[tuple[str, int], ...]
    questions: tuple[tuple[str, int], ...]


@dataclass
class _MilestoneSource:
    milestone: Milestone
    line: int
    learn: list[tuple[str, int]]
    requires: list[tuple[str, int]]
    formerly: list[tuple[str, int]]


_Value = TypeVar("_Value")


@dataclass
class _Loader:
    root: Path
    today: date
    problems: list[Problem] = field(default_factory=list)
    raw: dict[str, bytes] = field(default_factory=dict)
    # Stems of entry files that failed to load: references to them are not reported again.
    unloadable: set[str] = field(default_factory=set)
    overlay: dict[str, bytes] = field(default_factory=dict)
    memo: EntryMemo | None = None
    remembered: dict[str, _Remembered] = field(default_factory=dict)
    # Equal values read from different files, kept once (see ``_one``).
    values: dict[object, object] = field(default_factory=dict)

    def problem(self, rel: str, line: int, message: str, severity: Severity = Severity.ERROR) -> None:
        self.problems.append(Problem(rel, line, severity, message))

    # -- files -------------------------------------------------------------------------

    def run(self) -> LoadResult:
        if not self.root.is_dir():
            self.problem(str(self.root), 0, "knowledge directory not found")
            return LoadResult(self.problems)
        areas = self._areas()
        synonyms = self._synonyms()
        entries = self._entries(areas)
        milestones, tracks = self._milestones(entries)
        self._cross_check(areas, entries, milestones)
        counts = (len(entries), len(milestones), len(tracks))
        result = LoadResult(self.problems, counts=counts)
        if result.ok:
            area_order = list(areas)
            ordered = sorted(entries.values(), key=lambda s: (area_order.index(s.entry.area), s.entry.id))
            result.knowledge = Knowledge(
                areas={a.id: a for a, _ in areas.values()},
                entries={s.entry.id: s.entry for s in ordered},
                milestones={m.milestone.id: m.milestone for m in milestones.values()},
                tracks=tracks,
                synonyms=synonyms,
                version=self._version(),
                loaded_at=datetime.now(UTC),
            )
        self.problems.sort(key=lambda p: (p.path, p.line))
        _empty_one_by_one(self.raw)
        if self.memo is not None:
            self.memo.replace(self.remembered)
        return result

    def _read(self, path: Path) -> ParsedFile:
        rel, raw = self._raw(path)
        return ParsedFile(rel) if raw is None else self._parse(raw, rel)

    def _raw(self, path: Path) -> tuple[str, bytes | None]:
        """The file's bytes (a draft's, under ``overlay``), or ``None`` with the reason reported."""
        rel = path.relative_to(self.root).as_posix()
        draft = self.overlay.get(rel)
        if draft is not None:
            return rel, draft
        try:
            return rel, read_inside(path, self.root)
        except UnreadableFile as exc:
            self.problem(rel, exc.line, str(exc))
            return rel, None

    def _parse(self, raw: bytes, rel: str) -> ParsedFile:
        parsed = parse_yaml(raw, rel)
        self.problems.extend(parsed.problems)
        self.raw[rel] = parsed.raw
        return parsed

    def _special(self, name: str, key: str) -> tuple[list[tuple[object, int]], str]:
        """The items of the one top-level list in a special file (areas, synonyms...)."""
        path = self.root / name
        if not path.exists():
            self.problem(name, 1, f"{name} is missing: the knowledge base needs it")
            return [], name
        parsed = self._read(path)
        if parsed.data is None:
            return [], name
        top = as_mapping(parsed.data, name, 1, f"the top level of {name}", self.problems)
        if top is None:
            return [], name
        fields = Fields(top, name, self.problems, name)
        fields.check_keys((key,))
        return fields.items(key, min_items=1), name

    def _iter_entry_files(self) -> Iterator[Path]:
        on_disk: set[str] = set()
        for path in entry_files(self.root, self.problems):
            on_disk.add(path.relative_to(self.root).as_posix())
            yield path
        for rel in sorted(self.overlay.keys() - on_disk - set(SPECIAL_FILES)):
            yield self.root / rel

    def _version(self) -> str:
        digest = hashlib.sha256()
        for rel in sorted(self.raw):
            digest.update(rel.encode() + b"\0" + self.raw[rel] + b"\0")
        return digest.hexdigest()[:12]

    # -- areas and synonyms --------------------------------------------------------------

    def _areas(self) -> dict[str, tuple[Area, int]]:
        items, rel = self._special(AREAS_FILE, "areas")
        areas: dict[str, tuple[Area, int]] = {}
        for item, line in items:
            mapping = as_mapping(item, rel, line, "an area", self.problems)
            if mapping is None:
                continue
            f = Fields(mapping, rel, self.problems, "an area")
            f.check_keys(AREA_KEYS)
            area_id = f.text("id", kebab=True, max_len=LIMITS["id"])
            title = f.text("title", max_len=100)
            description = f.text("description", max_len=LIMITS["description"])
            emoji = f.text("emoji", required=False, max_len=8) or ""
            if area_id in areas:
                self.problem(rel, f.line("id"), f"duplicate area id {quote(area_id)}")
            elif area_id and title and description:
                areas[area_id] = (Area(area_id, title, description, emoji), f.line("id"))
        return areas

    def _synonyms(self) -> tuple[tuple[str, ...], ...]:
        items, rel = self._special(SYNONYMS_FILE, "groups")
        groups: list[tuple[str, ...]] = []
        seen: dict[str, int] = {}
        for item, line in items:
            if not isinstance(item, list) or len(item) < 2:
                self.problem(rel, line, "a synonym group must be a list of at least 2 terms")
                continue
            terms: list[str] = []
            for term in item:
                if not isinstance(term, str) or not term.strip():
                    self.problem(rel, line, f"synonym terms must be text, found {type_name(term)}")
                    continue
                term = " ".join(term.split())
                if term != term.lower():
                    self.problem(rel, line, f"synonym {quote(term)} must be lowercase")
                elif term in seen:
                    self.problem(rel, line, f"{quote(term)} is already in the group at line {seen[term]}")
                else:
                    seen[term] = line
                    terms.append(term)
            if len(terms) >= 2:
                groups.append(tuple(terms))
        return tuple(groups)

    # -- entries -------------------------------------------------------------------------

    def _entries(self, areas: dict[str, tuple[Area, int]]) -> dict[str, _EntrySource]:
        entries: dict[str, _EntrySource] = {}
        for path in self._iter_entry_files():
            source = self._entry_file(path)
            if source is None:
                self.unloadable.add(path.stem)
                continue
            entry = source.entry
            if entry.id in entries:
                first = entries[entry.id]
                self.problem(
                    source.rel,
                    source.lines["id"],
                    f"duplicate id {quote(entry.id)} (also in {first.rel}:{first.lines['id']})",
                )
                continue
            entries[entry.id] = source
            self._check_area(source, areas)
        return entries

    def _entry_file(self, path: Path) -> _EntrySource | None:
        """One entry file, from the memo when its bytes did not change since the last load."""
        rel, raw = self._raw(path)
        if raw is None:
            return None
        digest = hashlib.blake2b(raw, digest_size=16).digest()
        known = self.memo.recall(rel, digest, self.today) if self.memo is not None else None
        if known is None:
            before = len(self.problems)
            parsed = self._parse(raw, rel)
            source = None if parsed.data is None else self._entry(parsed, path.stem)
            known = _Remembered(digest, self.today, source, tuple(self.problems[before:]))
        else:
            self.raw[rel] = raw
            self.problems.extend(known.problems)
        self.remembered[rel] = known
        return known.source

    def _entry(self, parsed: ParsedFile, stem: str) -> _EntrySource | None:
        rel = parsed.rel
        mapping = as_mapping(parsed.data, rel, 1, "an entry file", self.problems)
        if mapping is None:
            return None
        f = Fields(mapping, rel, self.problems, "the entry")
        f.check_keys(ENTRY_KEYS)
        entry_id = f.text("id", kebab=True, max_len=LIMITS["id"])
        if entry_id and entry_id != stem:
            f.error(
                f.line("id"),
                f"id {quote(entry_id)} must equal the file name {quote(stem)} (rename the file or change the id)",
            )
        title = f.text("title", max_len=LIMITS["title"])
        area = f.text("area")
        questions = f.text_items("questions", min_items=MIN_QUESTIONS, max_len=LIMITS["question"])
        answer = f.text("answer", max_len=LIMITS["answer"])
        for text, target in masked_links(answer or ""):
            if shows_another_address(text, target):
                f.error(f.line("answer"), _misleading(text, target))
        links = self._links(f)
        related = f.text_items("related", required=False)
        milestone = f.text("milestone", required=False)
        aliases = f.text_items("aliases", required=False, max_len=LIMITS["alias"])
        for alias, line in aliases:
            if alias != alias.lower():
                f.error(line, f"alias {quote(alias)} must be lowercase")
        reviewed = f.date("reviewed")
        if reviewed is not None:
            self._check_reviewed(f, reviewed)
        if not (entry_id and title and area and answer and reviewed and links is not None):
            return None
        entry = Entry(
            id=entry_id,
            title=title,
            area=self._one(area),
            questions=tuple(q for q, _ in questions),
            answer=answer,
            links=links,
            reviewed=self._one(reviewed),
            related=tuple(r for r, _ in related),
            milestone=milestone,
            aliases=tuple(" ".join(a.split()) for a, _ in aliases),
            path=rel,
        )
        lines = {key: f.line(key) for key in ("id", "area", "milestone")}
        return _EntrySource(entry, rel, lines, tuple(related), tuple(aliases), tuple(questions))

    def _links(self, f: Fields) -> tuple[Link, ...] | None:
        links: list[Link] = []
        for item, line in f.items("links", min_items=1):
            mapping = as_mapping(item, f.rel, line, "each link", self.problems)
            if mapping is None:
                continue
            lf = Fields(mapping, f.rel, self.problems, "a link")
            lf.check_keys(LINK_KEYS)
            title = lf.text("title", max_len=LIMITS["link_title"])
            url = lf.text("url")
            if url and (not url.startswith("https://") or _WHITESPACE.search(url)):
                lf.error(lf.line("url"), f"link url must be an https:// address, found {quote(url)}")
            elif title and url and shows_another_address(title, url):
                lf.error(lf.line("title"), _misleading(title, url))
            elif title and url:
                links.append(self._one(Link(title, url)))
        return tuple(links) if links else None

    def _one(self, value: _Value) -> _Value:
        """``value``, or the equal one an earlier file gave: hundreds of entries cite the same
        pages and name the same area and review date (about 10 MB of copies at 10,000 entries)."""
        return self.values.setdefault(value, value)  # type: ignore[return-value]

    def _check_reviewed(self, f: Fields, reviewed: date) -> None:
        line = f.line("reviewed")
        try:
            year_ago = self.today.replace(year=self.today.year - 1)
        except ValueError:  # 29 February
            year_ago = self.today.replace(year=self.today.year - 1, day=28)
        if reviewed > self.today:
            f.warning(line, f"'reviewed' date {reviewed} is in the future")
        elif reviewed < year_ago:
            f.warning(
                line,
                f"facts last reviewed {reviewed}, more than 12 months ago: "
                "re-check them and update 'reviewed'",
            )

    def _check_area(self, source: _EntrySource, areas: dict[str, tuple[Area, int]]) -> None:
        entry = source.entry
        if entry.area not in areas:
            self._unknown(source.rel, source.lines["area"], "area", entry.area, areas)
            return
        parts = Path(source.rel).parts
        if len(parts) == 3 and parts[0] == "entries" and parts[1] != entry.area:
            self.problem(
                source.rel,
                source.lines["area"],
                f"entry is in folder '{parts[1]}' but its area is '{entry.area}'",
                Severity.WARNING,
            )

    def _unknown(self, rel: str, line: int, kind: str, value: str, valid: Mapping[str, object]) -> None:
        close = closest_names(value, valid)
        if close:
            hint = f"did you mean {', '.join(repr(c) for c in close)}?"
        elif len(valid) <= 12:
            hint = f"valid: {', '.join(sorted(valid)) or 'none'}"
        else:
            hint = f"no {kind} has this id"
        self.problem(rel, line, f"unknown {kind} {quote(value)} ({hint})")

    # -- milestones and tracks -----------------------------------------------------------

    def _milestones(
        self, entries: dict[str, _EntrySource]
    ) -> tuple[dict[str, _MilestoneSource], dict[str, Track]]:
        path = self.root / MILESTONES_FILE
        rel = MILESTONES_FILE
        if not path.exists():
            self.problem(rel, 1, f"{rel} is missing: the knowledge base needs milestones and tracks")
            return {}, {}
        parsed = self._read(path)
        top = (
            None
            if parsed.data is None
            else as_mapping(parsed.data, rel, 1, f"the top level of {rel}", self.problems)
        )
        if top is None:
            return {}, {}
        f = Fields(top, rel, self.problems, rel)
        f.check_keys(("milestones", "tracks"))
        milestones: dict[str, _MilestoneSource] = {}
        for item, line in f.items("milestones", min_items=1):
            source = self._milestone(item, line, rel)
            if source is None:
                continue
            if source.milestone.id in milestones:
                self.problem(rel, source.line, f"duplicate milestone id {quote(source.milestone.id)}")
            else:
                milestones[source.milestone.id] = source
        self._check_milestone_refs(milestones, entries, rel)
        tracks: dict[str, Track] = {}
        for item, line in f.items("tracks", min_items=1):
            track = self._track(item, line, rel, milestones)
            if track is None:
                continue
            if track.id in tracks:
                self.problem(rel, line, f"duplicate track id {quote(track.id)}")
            else:
                tracks[track.id] = track
        in_tracks = {m for t in tracks.values() for m in t.milestones}
        for source in milestones.values():
            if tracks and source.milestone.id not in in_tracks:
                self.problem(
                    rel,
                    source.line,
                    f"milestone '{source.milestone.id}' is in no track, so members cannot reach it",
                    Severity.WARNING,
                )
        return milestones, tracks

    def _milestone(self, item: object, line: int, rel: str) -> _MilestoneSource | None:
        mapping = as_mapping(item, rel, line, "a milestone", self.problems)
        if mapping is None:
            return None
        f = Fields(mapping, rel, self.problems, "the milestone")
        f.check_keys(MILESTONE_KEYS)
        milestone_id = f.text("id", kebab=True, max_len=LIMITS["id"])
        title = f.text("title", max_len=LIMITS["title"])
        description = f.text("description", max_len=LIMITS["description"])
        steps = f.text_items("steps", min_items=1, max_len=LIMITS["step"])
        learn = f.text_items("learn", min_items=1)
        requires = f.text_items("requires", required=False)
        formerly = f.text_items("formerly", required=False, kebab=True)
        if not (milestone_id and title and description):
            return None
        milestone = Milestone(
            id=milestone_id,
            title=title,
            description=description,
            steps=tuple(s for s, _ in steps),
            learn=tuple(x for x, _ in learn),
            requires=tuple(r for r, _ in requires),
            formerly=tuple(x for x, _ in formerly),
        )
        return _MilestoneSource(milestone, f.line("id"), learn, requires, formerly)

    def _check_milestone_refs(
        self, milestones: dict[str, _MilestoneSource], entries: dict[str, _EntrySource], rel: str
    ) -> None:
        former: dict[str, str] = {}
        for source in milestones.values():
            mid = source.milestone.id
            for entry_id, line in source.learn:
                if entry_id not in entries and entry_id not in self.unloadable:
                    self._unknown(rel, line, "entry", entry_id, entries)
            for required, line in source.requires:
                if required == mid:
                    self.problem(rel, line, f"milestone '{mid}' requires itself")
                elif required not in milestones:
                    self._unknown(rel, line, "milestone", required, milestones)
            for old, line in source.formerly:
                if old in milestones:
                    self.problem(rel, line, f"former id '{old}' is still the id of a milestone")
                elif old in former:
                    self.problem(rel, line, f"former id '{old}' is already claimed by '{former[old]}'")
                else:
                    former[old] = mid
        self._check_cycles(milestones, rel)

    def _check_cycles(self, milestones: dict[str, _MilestoneSource], rel: str) -> None:
        state: dict[str, int] = {}  # 1: on the current path, 2: finished
        reported: set[frozenset[str]] = set()

        def visit(mid: str, path: list[str]) -> None:
            state[mid] = 1
            for required, line in milestones[mid].requires:
                if required not in milestones or required == mid:
                    continue
                if state.get(required) == 1:
                    cycle = [*path[path.index(required) :], required]
                    if frozenset(cycle) not in reported:
                        reported.add(frozenset(cycle))
                        self.problem(rel, line, f"'requires' forms a cycle: {' -> '.join(cycle)}")
                elif required not in state:
                    visit(required, [*path, required])
            state[mid] = 2

        for mid in milestones:
            if mid not in state:
                visit(mid, [mid])

    def _track(
        self, item: object, line: int, rel: str, milestones: dict[str, _MilestoneSource]
    ) -> Track | None:
        mapping = as_mapping(item, rel, line, "a track", self.problems)
        if mapping is None:
            return None
        f = Fields(mapping, rel, self.problems, "the track")
        f.check_keys(TRACK_KEYS)
        track_id = f.text("id", kebab=True, max_len=LIMITS["id"])
        title = f.text("title", max_len=LIMITS["title"])
        description = f.text("description", max_len=LIMITS["description"])
        members: list[str] = []
        for mid, mline in f.text_items("milestones", min_items=1):
            if mid not in milestones:
                self._unknown(rel, mline, "milestone", mid, milestones)
            elif mid in members:
                self.problem(rel, mline, f"milestone '{mid}' is listed twice in this track")
            else:
                members.append(mid)
        if not (track_id and title and description and members):
            return None
        return Track(track_id, title, description, tuple(members))

    # -- cross-entry checks --------------------------------------------------------------

    def _cross_check(
        self,
        areas: dict[str, tuple[Area, int]],
        entries: dict[str, _EntrySource],
        milestones: dict[str, _MilestoneSource],
    ) -> None:
        names: dict[str, tuple[str, str, int]] = {
            eid: (eid, s.rel, s.lines["id"]) for eid, s in entries.items()
        }
        questions: dict[str, tuple[str, int]] = {}
        per_area: dict[str, int] = {}
        for eid, source in entries.items():
            entry = source.entry
            per_area[entry.area] = per_area.get(entry.area, 0) + 1
            for alias, line in source.aliases:
                alias = " ".join(alias.split())
                owner = names.get(alias)
                if owner is None:
                    names[alias] = (eid, source.rel, line)
                elif owner[0] != eid:
                    self.problem(
                        source.rel,
                        line,
                        f"alias {quote(alias)} is already a name of entry '{owner[0]}' ({owner[1]}:{owner[2]})",
                    )
                elif owner[1:] != (source.rel, line) and alias != eid:
                    self.problem(source.rel, line, f"alias {quote(alias)} is listed twice")
            for question, line in source.questions:
                key = normalise_question(question)
                if key in questions:
                    where = questions[key]
                    self.problem(
                        source.rel, line, f"the same question is already asked at {where[0]}:{where[1]}"
                    )
                else:
                    questions[key] = (source.rel, line)
            seen_related: set[str] = set()
            for related, line in source.related:
                if related == eid:
                    self.problem(source.rel, line, "an entry cannot be related to itself")
                elif related not in entries and related not in self.unloadable:
                    self._unknown(source.rel, line, "related entry", related, entries)
                elif related in seen_related:
                    self.problem(source.rel, line, f"{quote(related)} is listed twice in 'related'")
                seen_related.add(related)
            if entry.milestone is not None and milestones and entry.milestone not in milestones:
                self._unknown(source.rel, source.lines["milestone"], "milestone", entry.milestone, milestones)
        for area_id, (_, line) in areas.items():
            if per_area.get(area_id, 0) > AREA_MENU_LIMIT:
                self.problem(
                    AREAS_FILE,
                    line,
                    f"area '{area_id}' has {per_area[area_id]} entries; "
                    f"a select menu holds {AREA_MENU_LIMIT}, so /topics "
                    "will page it",
                    Severity.WARNING,
                )
