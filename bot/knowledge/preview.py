"""Validate a draft entry against the knowledge base, exactly as the validator would.

Moderators paste a draft into ``/kb preview`` before opening a pull request. The whole
knowledge directory is loaded with the draft laid over it in memory (replacing the entry
file of the same id, if any), so cross-entry checks (duplicate questions and aliases,
dangling references) apply too and messages read exactly like ``kb check``'s. Nothing is
written anywhere: a draft can never reach a file through a symbolic link.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.knowledge.fields import KEBAB
from bot.knowledge.loader import entry_files, load_knowledge
from bot.knowledge.models import Entry, Knowledge
from bot.knowledge.problems import Problem
from bot.knowledge.yamlfile import YamlMap, parse_yaml

MAX_DRAFT_CHARS = 8000


@dataclass(frozen=True, slots=True)
class DraftCheck:
    path: str
    problems: tuple[Problem, ...]
    entry: Entry | None
    knowledge: Knowledge | None

    @property
    def ok(self) -> bool:
        return self.entry is not None and self.knowledge is not None


def check_draft(directory: Path, text: str) -> DraftCheck:
    """Load ``directory`` with ``text`` as one more (or a replaced) entry file."""
    raw = text[:MAX_DRAFT_CHARS].encode("utf-8", errors="replace")
    entry_id, area = _peek(raw)
    rel = _draft_path(directory, entry_id, area)
    result = load_knowledge(directory, overlay={rel: raw})
    mine = tuple(p for p in result.problems if p.path == rel or rel in p.message)
    entry = result.knowledge.entries.get(entry_id or "") if result.knowledge else None
    return DraftCheck(rel, mine, entry, result.knowledge)


def _draft_path(directory: Path, entry_id: str | None, area: str | None) -> str:
    """Where the draft goes: over the entry file of the same id, else in its area's folder."""
    if entry_id:
        for path in entry_files(directory, []):
            if path.stem == entry_id:
                return path.relative_to(directory).as_posix()
    return f"entries/{area or 'drafts'}/{entry_id or 'draft'}.yaml"


def _peek(raw: bytes) -> tuple[str | None, str | None]:
    """The draft's id and area if it parses (with the validator's own safe reader)."""
    data = parse_yaml(raw, "draft").data
    if not isinstance(data, YamlMap):
        return None, None
    entry_id, area = data.get("id"), data.get("area")
    good = [v if isinstance(v, str) and KEBAB.match(v) else None for v in (entry_id, area)]
    return good[0], good[1]
