"""The benchmarks' 10,000-entry knowledge stays valid whatever the shipped entries hold.

``benchmarks/search_bench.write_knowledge`` (used by search_bench and load_bench) copies each
shipped entry under a project codename. A 48-character alias once lost its codename to the
50-character limit, so the copies collided and the load benchmark's large runs failed.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.search_bench import write_knowledge
from bot.knowledge.loader import load_knowledge, load_or_raise
from tests.knowledge.kbfactory import make_kb, write_entry


def test_copies_of_long_aliases_and_questions_stay_apart(tmp_path: Path) -> None:
    source = make_kb(tmp_path / "source")
    write_entry(
        source,
        "long-names",
        "role",
        questions=["what is " + "a very long question " * 13, "long names?", "tell me the long names"],
        extra="aliases: [reading list for infrastructure project managers]",
    )
    copies = 30  # ten per seed: enough codenames to share a clipped prefix
    write_knowledge(load_or_raise(source), copies, tmp_path / "scaled")
    result = load_knowledge(tmp_path / "scaled")
    assert result.errors == []
    assert result.knowledge is not None and len(result.knowledge.entries) == copies
