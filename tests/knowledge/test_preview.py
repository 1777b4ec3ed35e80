"""``check_draft`` validates a draft without touching anything on disk (issue 10, finding 5)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.knowledge.preview import check_draft
from tests.knowledge.kbfactory import entry_yaml, make_kb


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return make_kb(tmp_path / "knowledge")


def snapshot(*roots: Path) -> dict[str, bytes | str]:
    """Every path below ``roots`` with its content (or link target), to compare before and after."""
    seen: dict[str, bytes | str] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            for name in dirs + files:
                path = os.path.join(folder, name)
                if os.path.islink(path):
                    seen[path] = "-> " + os.readlink(path)
                elif os.path.isfile(path):
                    seen[path] = Path(path).read_bytes()
                else:
                    seen[path] = "dir"
    return seen


def test_draft_matching_a_linked_entry_leaves_the_link_target_alone(kb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = outside / "precious.yaml"
    original = (kb / "entries/certifications/pmp-fees.yaml").read_text()
    target.write_text(original)
    (kb / "entries/certifications/pmp-fees.yaml").unlink()
    os.symlink(target, kb / "entries/certifications/pmp-fees.yaml")
    before = snapshot(kb, outside)
    draft = entry_yaml("pmp-fees", "certifications", title="Overwritten")
    result = check_draft(kb, draft)
    assert snapshot(kb, outside) == before
    assert target.read_text() == original
    assert result.path == "entries/certifications/pmp-fees.yaml"
    assert result.entry is not None and result.entry.title == "Overwritten"


def test_draft_in_a_linked_area_folder_creates_nothing_there(kb: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, kb / "entries/career")
    before = snapshot(kb, outside)
    result = check_draft(kb, entry_yaml("new-thing", "career"))
    assert snapshot(kb, outside) == before
    assert list(outside.iterdir()) == []
    assert result.path == "entries/career/new-thing.yaml"


def test_draft_named_like_a_special_file_does_not_replace_it(kb: Path) -> None:
    result = check_draft(kb, entry_yaml("areas", "role"))
    assert result.path == "entries/role/areas.yaml"
    assert result.knowledge is not None and "role" in result.knowledge.areas


def test_impossible_date_gives_the_validators_line(kb: Path) -> None:
    result = check_draft(kb, entry_yaml("late", "role", reviewed="2026-11-31"))
    assert [str(p) for p in result.problems] == [
        "entries/drafts/draft.yaml:13: error: invalid value '2026-11-31': day is out of range for month"
    ]
    assert not result.ok
