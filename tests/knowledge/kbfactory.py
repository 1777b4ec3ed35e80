"""Build small, valid knowledge directories on disk for tests, then break them on purpose."""

from __future__ import annotations

import textwrap
from pathlib import Path

AREAS = """\
areas:
  - id: role
    title: The role
    description: What the job is.
  - id: certifications
    title: Certifications
    description: PMP and friends.
"""

SYNONYMS = """\
groups:
  - [pmp, project management professional]
  - [pm, project manager]
"""

MILESTONES = """\
milestones:
  - id: understand-the-role
    title: Understand the role
    description: Know the job.
    steps:
      - Read the overview
    learn: [role-overview]
  - id: earn-pmp
    title: Earn the PMP
    description: Pass the exam.
    steps:
      - Apply
    learn: [pmp-fees]
    requires: [understand-the-role]
tracks:
  - id: switcher
    title: Career switcher
    description: From scratch.
    milestones: [understand-the-role, earn-pmp]
"""


def entry_yaml(
    entry_id: str,
    area: str,
    *,
    title: str | None = None,
    questions: list[str] | None = None,
    related: str = "",
    extra: str = "",
    reviewed: str = "2026-11-01",
) -> str:
    """An entry file's text; ``extra`` lines are appended as written."""
    qs = questions or [f"what is {entry_id}", f"tell me about {entry_id} please", f"{entry_id}?"]
    lines = [
        f"id: {entry_id}",
        f"title: {title or entry_id.replace('-', ' ').title()}",
        f"area: {area}",
        "questions:",
        *[f"  - {q}" for q in qs],
        "answer: |",
        f"  All about {entry_id}.",
        "links:",
        "  - title: PMI",
        "    url: https://www.pmi.org/",
        f"reviewed: {reviewed}",
    ]
    if related:
        lines.append(f"related: [{related}]")
    if extra:
        lines.append(textwrap.dedent(extra).strip("\n"))
    return "\n".join(lines) + "\n"


def make_kb(root: Path) -> Path:
    """A valid knowledge directory with two entries; returns its path."""
    (root / "entries" / "role").mkdir(parents=True)
    (root / "entries" / "certifications").mkdir(parents=True)
    (root / "areas.yaml").write_text(AREAS)
    (root / "synonyms.yaml").write_text(SYNONYMS)
    (root / "milestones.yaml").write_text(MILESTONES)
    write_entry(root, "role-overview", "role", related="pmp-fees")
    write_entry(root, "pmp-fees", "certifications", extra="aliases: [pmp cost]\nmilestone: earn-pmp")
    return root


def write_entry(root: Path, entry_id: str, area: str, **kwargs: str | list[str] | None) -> Path:
    path = root / "entries" / area / f"{entry_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(entry_yaml(entry_id, area, **kwargs))  # type: ignore[arg-type]
    return path
