"""Right minus wrong on every question file, split into the sets changes are chosen on and the held-out ones.

    python benchmarks/question_sets.py [--knowledge DIR] [--save RUN.json] [--against OLD.json]

Every item of every file in tests/eval (and ../shared/eval/dev_questions.yaml when present) is
answered once. An item is *right* when it passes as ``kb eval`` counts it (the right entry
answered, an off-topic message declined, a gap not answered with an entry) and *wrong* when the
coach answers with an entry that is not right (a wrong entry, an answered gap or off-topic
message). A menu is neither: it is honest, but it is not an answer. Right minus wrong is the one
number each round's changes are judged by (docs/benchmarks.md): a confident wrong answer costs a
member's trust as much as a right one earns it.

Items with ``split: measure`` are held out: nobody tunes on them, so ``--against`` (the saved run
of another commit or knowledge, read from ``--save``) lists what changed on the other items,
question by question, and only counts the held-out ones, by file. To compare two commits, check
the older one out in a worktree and run this script from there with ``--save`` (and ``--shared``:
the dev set lives beside the main checkout).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.knowledge.loader import load_or_raise  # noqa: E402
from bot.search import AnswerEngine, Outcome  # noqa: E402
from bot.search.evaluation import Report, Result, evaluate, load_items, shown  # noqa: E402

SHARED_SET = REPO.parent / "shared/eval/dev_questions.yaml"
HELD_OUT = "measure"


@dataclass(frozen=True, slots=True)
class Row:
    """One item's outcome, as saved by ``--save``: enough to compare two runs item by item."""

    file: str
    key: str  # a hash of the question: files may repeat a question, never within a split
    held: bool
    outcome: str
    shown: tuple[str, ...]
    right: bool
    wrong: bool

    @property
    def score(self) -> int:
        return int(self.right) - int(self.wrong)


def row(file: str, result: Result) -> Row:
    wrong = result.answer.outcome is Outcome.ANSWER and not result.top1
    key = hashlib.sha1(f"{result.item.split}\n{result.item.q}".encode()).hexdigest()[:12]
    entries = tuple(e.id for e in shown(result.answer)[:3])
    return Row(
        file, key, result.item.split == HELD_OUT, str(result.answer.outcome), entries, result.passed, wrong
    )


def run(engine: AnswerEngine, files: Sequence[Path]) -> tuple[list[Row], dict[bool, Report]]:
    """Every item's row, and the results of the sets changes are chosen on (False) and the held-out ones (True)."""
    rows: list[Row] = []
    reports: dict[bool, Report] = {False: Report(), True: Report()}
    for path in files:
        report = evaluate(engine.answer, load_items(path))
        for result in report.results:
            rows.append(row(path.stem, result))
            reports[rows[-1].held].results.append(result)
    return rows, reports


def summary(rows: Sequence[Row], reports: dict[bool, Report]) -> list[str]:
    header = f"{'':10s} {'items':>6s} {'right':>6s} {'wrong':>6s} {'R-W':>6s}"
    lines = [f"{header}   top-1 / top-3 / answerable refused / off-topic declined / gaps honest"]
    for held, name in ((False, "decide"), (True, "held out")):
        part = [r for r in rows if r.held == held]
        report = reports[held]
        right, wrong = sum(r.right for r in part), sum(r.wrong for r in part)
        counts = f"{name:10s} {len(part):6d} {right:6d} {wrong:6d} {right - wrong:6d}"
        rates = (report.top1, report.top3, report.false_refusal, report.oos_refusal, report.gap_honesty)
        lines.append(f"{counts}   " + " / ".join(f"{rate:.1%}" for rate in rates))
    return lines


def comparison(old: Sequence[Row], new: Sequence[Row]) -> list[str]:
    """The items whose outcome or entries changed; held-out ones only as counts per file."""
    before = {(r.file, r.key): r for r in old}
    lines, held_delta, decide_delta = [], 0, 0
    held_by_file: dict[str, int] = {}
    for r in new:
        was = before.get((r.file, r.key))
        if was is None or (was.outcome, was.shown) == (r.outcome, r.shown):
            continue
        delta = r.score - was.score
        if r.held:
            held_delta += delta
            held_by_file[r.file] = held_by_file.get(r.file, 0) + delta
            continue
        decide_delta += delta
        lines.append(f"{delta:+d} {r.file}: {was.outcome} {list(was.shown)} -> {r.outcome} {list(r.shown)}")
    counts = ", ".join(f"{f} {d:+d}" for f, d in sorted(held_by_file.items()) if d) or "no change in R-W"
    return [*lines, f"decide {decide_delta:+d}; held out {held_delta:+d} ({counts})"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    parser.add_argument(
        "--shared",
        type=Path,
        default=SHARED_SET,
        help="the shared dev set (give it when running from a worktree)",
    )
    parser.add_argument("--save", type=Path, help="write every item's outcome here (JSON)")
    parser.add_argument("--against", type=Path, help="a run saved with --save: list what changed since")
    args = parser.parse_args(argv)
    engine = AnswerEngine.build(load_or_raise(args.knowledge))
    files = [*sorted((REPO / "tests/eval").glob("*.yaml")), args.shared]
    rows, reports = run(engine, [p for p in files if p.exists()])
    print("\n".join(summary(rows, reports)))
    if args.save:
        args.save.write_text(json.dumps([asdict(r) for r in rows]), encoding="utf-8")
    if args.against:
        old = [
            Row(**{**r, "shown": tuple(r["shown"])})
            for r in json.loads(args.against.read_text(encoding="utf-8"))
        ]
        print("\n".join(comparison(old, rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
