"""What kind of failure each real question is, so a round of engine work starts from the biggest kind.

    python benchmarks/failure_kinds.py [--file tests/eval/real_questions.yaml] [--list] [--measure]

Every question that ``kb eval`` counts as failed is put in one kind, from what the member saw
and where the whole message's ranking put a right entry:

* ``confident wrong, right shown``: answered with a wrong entry, a right one among the others shown;
* ``confident wrong, right not shown``: answered with a wrong entry, no right one shown;
* ``right first, not answered``: the ranking puts a right entry first, the outcome is a menu or
  "I don't know" (the confidence stayed under the threshold);
* ``right 2nd-3rd, not answered`` and ``right not in top 3, not answered``: a menu or a refusal
  with the right entry lower down (a ranking failure);
* ``gap answered``: a question no entry answers, answered with an entry;
* ``off-topic answered`` / ``off-topic offered a menu``: the coach should have declined.

It prints one row per kind and one column per split and length (tune long, tune short; with
``--measure`` also the measure split's counts, for the one check at the end of a round).
``--list`` adds each *tune* failure's kind and the start of its text; the text of measure
items is never printed (they are only measured, docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.knowledge.loader import load_or_raise  # noqa: E402
from bot.search import AnswerEngine, Outcome  # noqa: E402
from bot.search.evaluation import Result, load_items, shown  # noqa: E402
from bot.settings import load_settings  # noqa: E402

DEFAULT_FILE = REPO / "tests/eval/real_questions.yaml"
#: The only split whose texts may be printed; ``HELD_OUT`` is counted only on request.
LISTED_SPLIT = "tune"
HELD_OUT = "measure"
KINDS = (
    "confident wrong, right shown",
    "confident wrong, right not shown",
    "right first, not answered",
    "right 2nd-3rd, not answered",
    "right not in top 3, not answered",
    "gap answered",
    "off-topic answered",
    "off-topic offered a menu",
)


def kind_of(result: Result, engine: AnswerEngine) -> str:
    """The kind of a failed result (see the module docstring)."""
    item, answer = result.item, result.answer
    if item.off_topic:
        return KINDS[6] if answer.outcome is Outcome.ANSWER else KINDS[7]
    if item.gap:
        return KINDS[5]
    if answer.outcome is Outcome.ANSWER:
        return KINDS[0] if any(item.is_right(e) for e in shown(answer)) else KINDS[1]
    ranked = [c.entry for c in engine.rank(item.q)[1]]
    place = next((i for i, entry in enumerate(ranked) if item.is_right(entry)), None)
    if place == 0:
        return KINDS[2]
    return KINDS[3] if place is not None and place < 3 else KINDS[4]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--knowledge", type=Path, default=None)
    parser.add_argument("--list", action="store_true", help="also list each tune failure")
    parser.add_argument("--measure", action="store_true", help="also count the measure split")
    args = parser.parse_args(argv)
    engine = AnswerEngine.build(load_or_raise(args.knowledge or load_settings().knowledge_dir))
    items = [item for item in load_items(args.file) if args.measure or item.split != HELD_OUT]
    groups = sorted({(item.split, item.kind) for item in items}, key=lambda g: (g[0] != "tune", g))
    counts: Counter[tuple[str, tuple[str, str]]] = Counter()
    listed: list[str] = []
    for item in items:
        result = Result(item, engine.answer(item.q))
        if result.passed:
            continue
        kind = kind_of(result, engine)
        counts[kind, (item.split, item.kind)] += 1
        if args.list and item.split == LISTED_SPLIT:
            listed.append(f"  {kind:34s} [{item.kind:5s}] {item.q[:100]!r}")
    names = [f"{split or '-'} {length}" for split, length in groups]
    print(f"{len(items)} questions, {len(engine.entries)} entries; failures by kind")
    print(f"  {'':34s}" + "".join(f"{name:>15s}" for name in names) + f"{'all':>7s}")
    for kind in KINDS:
        row = [counts[kind, group] for group in groups]
        print(f"  {kind:34s}" + "".join(f"{n:15d}" for n in row) + f"{sum(row):7d}")
    if listed:
        print(f"\n{LISTED_SPLIT} failures:")
        print("\n".join(listed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
