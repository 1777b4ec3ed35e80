"""Validate a draft entry against the knowledge base, exactly as the validator would.

Moderators paste a draft into ``/kb preview`` before opening a pull request. The draft is
written into a temporary copy of the knowledge directory (replacing the entry of the same
id, if any) and the whole copy is loaded, so cross-entry checks (duplicate questions and
aliases, dangling references) apply too, and messages read exactly like ``kb check``'s.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.knowledge.fields import KEBAB
from bot.knowledge.loader import load_knowledge
from bot.knowledge.models import Entry, Knowledge
from bot.knowledge.problems import Problem

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
    entry_id, area = _peek(text)
    with tempfile.TemporaryDirectory(prefix="kb-preview-") as tmp:
        copy = Path(tmp) / "knowledge"
        shutil.copytree(directory, copy, symlinks=True)
        existing = next(copy.rglob(f"{entry_id}.yaml"), None) if entry_id else None
        target = existing or copy / "entries" / (area or "drafts") / f"{entry_id or 'draft'}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text[:MAX_DRAFT_CHARS], encoding="utf-8", errors="replace")
        rel = target.relative_to(copy).as_posix()
        result = load_knowledge(copy)
    mine = tuple(p for p in result.problems if p.path == rel or rel in p.message)
    entry = result.knowledge.entries.get(entry_id or "") if result.knowledge else None
    return DraftCheck(rel, mine, entry, result.knowledge)


def _peek(text: str) -> tuple[str | None, str | None]:
    """The draft's id and area if they can be read safely (for where to put the file)."""
    try:
        data = yaml.safe_load(text[:MAX_DRAFT_CHARS])
    except (yaml.YAMLError, RecursionError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    entry_id, area = data.get("id"), data.get("area")
    good = [v if isinstance(v, str) and KEBAB.match(v) else None for v in (entry_id, area)]
    return good[0], good[1]
