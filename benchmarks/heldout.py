"""Held-out questions: how well the ranking finds an entry from a question it has not seen.

    python benchmarks/heldout.py [--knowledge DIR]

The evaluation sets are small and the shipped knowledge already answers nearly all of them,
so they barely tell two rankings apart. Every entry's curated questions are paraphrases a
member could type, though: in fold k, each entry's k-th question (when it has at least
three) is taken out of the knowledge, the engine is built on the rest and the question is
asked. The right entry is the one it came from, which is strict (a near neighbour, such as
a related entry, often answers it too), so compare rankings by these numbers rather than
read them as accuracy:

* rank@1 / rank@3 / MRR: where the entry comes in the ranking, whatever the outcome;
* answered right / answered wrong / refused: the outcome the member would see.

Nothing is written; use it next to benchmarks/calibrate.py when changing the ranking.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.knowledge.loader import load_or_raise  # noqa: E402
from bot.knowledge.models import Knowledge  # noqa: E402
from bot.search import AnswerEngine, Outcome  # noqa: E402
from bot.settings import load_settings  # noqa: E402

MIN_QUESTIONS = 3


def folds(knowledge: Knowledge) -> list[tuple[Knowledge, dict[str, str]]]:
    """Per fold: the knowledge without each entry's k-th question, and those questions by entry."""
    entries = list(knowledge.entries.values())
    out = []
    for k in range(max((len(e.questions) for e in entries), default=0)):
        held: dict[str, str] = {}
        kept = {}
        for entry in entries:
            if len(entry.questions) > k and len(entry.questions) >= MIN_QUESTIONS:
                held[entry.id] = entry.questions[k]
                entry = dataclasses.replace(entry, questions=entry.questions[:k] + entry.questions[k + 1 :])
            kept[entry.id] = entry
        out.append((dataclasses.replace(knowledge, entries=kept), held))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--knowledge", type=Path, default=None)
    args = parser.parse_args(argv)
    knowledge = load_or_raise(args.knowledge or load_settings().knowledge_dir)
    n = at1 = at3 = right = wrong = refused = 0
    rr = 0.0
    for trial, held in folds(knowledge):
        engine = AnswerEngine.build(trial)
        for entry_id, question in held.items():
            n += 1
            _, candidates = engine.rank(question, depth=10)
            ids = [c.entry.id for c in candidates]
            if entry_id in ids:
                position = ids.index(entry_id)
                at1 += position == 0
                at3 += position < 3
                rr += 1.0 / (position + 1)
            answer = engine.answer(question)
            if answer.outcome is Outcome.ANSWER:
                right += answer.entry is not None and answer.entry.id == entry_id
                wrong += answer.entry is None or answer.entry.id != entry_id
            refused += answer.outcome is Outcome.UNKNOWN
    if not n:
        print("no entry has enough questions to hold one out")
        return 1
    print(f"{len(knowledge.entries)} entries, {n} held-out questions")
    print(f"   rank@1 {at1 / n:.3f}   rank@3 {at3 / n:.3f}   MRR {rr / n:.3f}")
    print(f"   answered right {right / n:.3f}   answered wrong {wrong / n:.3f}   refused {refused / n:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
