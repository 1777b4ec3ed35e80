"""Fit how much a long post's question sentences and first sentence weigh in its ranking.

    python benchmarks/fit_sentence_evidence.py [--knowledge DIR] [--folds 5] [QUESTION_FILE ...]

Default question files: ``calibrate.FIT_POOL``, every question file in tests/eval and
../shared/eval/dev_questions.yaml (when present); items of the ``measure`` split (the held-out
sets) are never read.

For every answerable question the engine's first six candidates get three features: the
candidate's score over the best candidate's, its best such share in the ranking of one of the
post's question sentences alone, and its share in the ranking of the post's first sentence
alone (both zero for short questions). A pairwise logistic regression (each right candidate
against each wrong one of the same question, L2-penalised, numpy only) learns their weights;
divided by the first weight they are ``SENTENCE_WEIGHT`` and ``TITLE_WEIGHT`` in
``bot/search/engine.py``. The script prints, for k-fold cross-validation by question, how often
a right entry comes first with the engine's own order and with the fitted one (over questions
with a right entry among the six), then the weights fitted on everything. Nothing is written.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from benchmarks.calibrate import FIT_POOL  # noqa: E402
from bot.knowledge.loader import load_or_raise  # noqa: E402
from bot.search.engine import AnswerEngine, sentence_evidence  # noqa: E402
from bot.search.evaluation import EvalItem, load_items  # noqa: E402

DEPTH = 6


@dataclass(frozen=True)
class Question:
    features: np.ndarray  # one row per candidate, best first in the engine's own order
    right: np.ndarray  # per candidate


def features(engine: AnswerEngine, item: EvalItem) -> Question | None:
    query, candidates = engine.rank(item.q, depth=DEPTH)
    if not candidates or candidates[0].score <= 0:
        return None
    # the evidence the engine adds to a long post with questions (short ones have none)
    sentence, title = sentence_evidence(*engine.sentences_ranked(query)) if query.questions else ({}, {})
    best = candidates[0].score
    rows = [[c.score / best, sentence.get(c.entry.id, 0.0), title.get(c.entry.id, 0.0)] for c in candidates]
    return Question(np.array(rows), np.array([item.is_right(c.entry) for c in candidates]))


def fit(questions: list[Question], l2: float = 1.0, steps: int = 300, rate: float = 0.5) -> np.ndarray:
    """Weights of a pairwise logistic regression: right candidates above wrong ones."""
    pairs = [
        q.features[i] - q.features[j]
        for q in questions
        for i in np.flatnonzero(q.right)
        for j in np.flatnonzero(~q.right)
    ]
    if not pairs:
        return np.array([1.0, 0.0, 0.0])
    diffs = np.array(pairs)
    weights = np.zeros(diffs.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(diffs @ weights)))
        weights -= rate * (-(diffs * (1 - p)[:, None]).mean(axis=0) + l2 * weights / len(diffs))
    return weights


def first_right(questions: list[Question], weights: np.ndarray | None) -> int:
    """Questions whose first candidate is right: the engine's order, or the fitted one."""
    if weights is None:
        return sum(bool(q.right[0]) for q in questions)
    return sum(bool(q.right[int(np.argmax(q.features @ weights))]) for q in questions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("files", nargs="*", type=Path, default=[f for f in FIT_POOL if f.exists()])
    parser.add_argument("--knowledge", type=Path, default=REPO / "knowledge")
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    engine = AnswerEngine.build(load_or_raise(args.knowledge))
    questions: list[Question] = []
    for path in args.files:
        if not path.exists():
            continue
        for item in load_items(path):
            if item.in_scope and item.split != "measure":
                question = features(engine, item)
                if question is not None and question.right.any():
                    questions.append(question)

    order = np.random.default_rng(0).permutation(len(questions))
    own = fitted = 0
    for fold in np.array_split(order, args.folds):
        held = set(fold.tolist())
        weights = fit([questions[i] for i in order if i not in held])
        test = [questions[i] for i in fold]
        own, fitted = own + first_right(test, None), fitted + first_right(test, weights)
    print(f"{len(questions)} questions with a right entry among the first {DEPTH}")
    print(f"right entry first, {args.folds}-fold cross-validation: engine {own}, with the evidence {fitted}")
    weights = fit(questions)
    print(f"SENTENCE_WEIGHT = {weights[1] / weights[0]:.3f}")
    print(f"TITLE_WEIGHT = {weights[2] / weights[0]:.3f}")


if __name__ == "__main__":
    main()
