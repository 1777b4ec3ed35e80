"""Fit the answer engine's confidence model and choose its outcome thresholds from data.

    python benchmarks/calibrate.py [--knowledge DIR] [--table] [QUESTION_FILE ...]

Default question files: tests/eval/questions.yaml, ../shared/eval/dev_questions.yaml
(when present) and the ``tune`` split of tests/eval/real_questions.yaml (its ``measure``
split is never fitted on). For every question the engine's best candidate is labelled
*right* when the question is in scope and the entry holds an expected fact (or is one of
the expected ids), *wrong* otherwise (every out-of-scope or gap question is wrong by
definition). Then:

1. rank weights: how ``qsim`` and ``hard`` enter the rank score, by top-1 *ranking*
   accuracy (is the best candidate right, whatever the outcome);
2. a logistic regression of right/wrong on the best candidate's features (L2-penalised,
   Newton's method, numpy only). It ships as ``ANSWER_WEIGHTS``, the answer check; the
   confidence itself (``WEIGHTS``, which the thresholds and menus use) keeps the first wave's
   fit, since refitting it turns the menus of near ties into refusals (docs/benchmarks.md,
   twenty-fifth and twenty-sixth rounds). The same fit over ``FIT_POOL`` (every question file's
   items but the held-out ones, so also real questions nobody wrote an entry from: the
   calibration, probe and first nine fresh sets) ships as ``LONG_ANSWER_WEIGHTS``, the check
   for long posts (docs/benchmarks.md, twenty-ninth round);
3. a threshold sweep: ``ANSWER_AT`` is the lowest confidence that keeps >= 95% of
   out-of-scope questions refused with the smallest wrong-answer count, ``SUGGEST_AT``
   the lowest that still keeps the refusal target;
4. a cross-check: fit on one file and score the other, so the numbers are not only the
   training fit.

It prints the constants to put in ``bot/search/calibration.py`` and the tables that
docs/benchmarks.md quotes. Nothing is written.
"""

from __future__ import annotations

import argparse
import itertools
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.knowledge.loader import load_or_raise  # noqa: E402
from bot.search import engine as engine_module  # noqa: E402
from bot.search.calibration import FEATURES, NO_ANCHOR_FACTOR, Features  # noqa: E402
from bot.search.engine import AnswerEngine, Candidate  # noqa: E402
from bot.search.evaluation import EvalItem, load_items  # noqa: E402
from bot.search.index import FIELDS  # noqa: E402
from bot.settings import load_settings  # noqa: E402

DEFAULT_FILES = (
    REPO / "tests/eval/questions.yaml",
    REPO.parent / "shared/eval/dev_questions.yaml",
    REPO / "tests/eval/real_questions.yaml",
)
#: What the long posts' answer check is fitted on (less each file's held-out items).
FIT_POOL = (*sorted((REPO / "tests/eval").glob("*.yaml")), REPO.parent / "shared/eval/dev_questions.yaml")
#: Questions of this split are only ever measured (``kb eval``), never fitted on.
HELD_OUT = "measure"
OOS_TARGET = 0.95
PENALTY = 0.05


@dataclass
class Row:
    """One question: raw per-candidate features, and which candidates are right."""

    item: EvalItem
    source: str
    raw: list[tuple[float, float, float, float, float]]  # (soft, hard, anchor, qsim, similar) per candidate
    right: list[bool]
    direct: bool  # served by an exact name match


def collect(engine: AnswerEngine, items: Sequence[EvalItem], source: str) -> list[Row]:
    rows = []
    for item in items:
        query, candidates = engine.rank(item.q, depth=20)
        direct = query.norm in engine._names.exact
        raw = [
            (c.features.soft, c.features.hard, c.features.anchor, c.features.qsim, similarity(c))
            for c in candidates
        ]
        right = [item.in_scope and item.is_right(c.entry) for c in candidates]
        rows.append(Row(item, source, raw, right, direct))
    return rows


def fit_rows(engine: AnswerEngine, paths: Sequence[Path]) -> list[Row]:
    """The rows of every question of ``paths`` that may be fitted on (not ``HELD_OUT``)."""
    return [
        row
        for path in paths
        for row in collect(engine, [i for i in load_items(path) if i.split != HELD_OUT], path.name)
    ]


def similarity(candidate: Candidate) -> float:
    """The phrase similarity the engine ranks with (F-beta, ``QSIM_BETA``), recovered from the
    rank score; the ``qsim`` feature is the F1 of the same overlap."""
    f = candidate.features
    rest = candidate.score - f.soft - engine_module.HARD_WEIGHT * f.hard
    return rest / engine_module.QSIM_WEIGHT if engine_module.QSIM_WEIGHT else f.qsim


def ranked(row: Row, qsim_w: float, hard_w: float) -> list[tuple[float, int]]:
    scores = [(s + qsim_w * sim + hard_w * h, i) for i, (s, h, _, _, sim) in enumerate(row.raw)]
    return sorted(scores, key=lambda x: -x[0])


def top_features(row: Row, qsim_w: float, hard_w: float) -> tuple[Features, bool] | None:
    order = ranked(row, qsim_w, hard_w)
    if not order:
        return None
    score, best = order[0]
    margin = score - (order[1][0] if len(order) > 1 else 0.0)
    s, h, st, q, _ = row.raw[best]
    return Features(s, h, st, q, margin), row.right[best]


def rank_accuracy(rows: Sequence[Row], qsim_w: float, hard_w: float) -> float:
    in_scope = [r for r in rows if r.item.in_scope]
    hits = 0
    for r in in_scope:
        top = top_features(r, qsim_w, hard_w)
        hits += bool(top and top[1])
    return hits / len(in_scope)


def design(rows: Sequence[Row], weights: tuple[float, float]) -> tuple[np.ndarray, np.ndarray, list[Row]]:
    xs, ys, kept = [], [], []
    for r in rows:
        top = top_features(r, *weights)
        if top is None or r.direct:
            continue
        xs.append((1.0, *top[0].vector()))
        ys.append(1.0 if top[1] else 0.0)
        kept.append(r)
    return np.array(xs), np.array(ys), kept


def fit_logistic(x: np.ndarray, y: np.ndarray, penalty: float = PENALTY) -> np.ndarray:
    """L2-penalised logistic regression by Newton's method (the intercept is not penalised)."""
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], penalty)
    reg[0] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + reg * w
        hess = (x.T * (p * (1 - p))) @ x + np.diag(reg) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def outcomes(conf: np.ndarray, y: np.ndarray, rows: Sequence[Row], answer_at: float) -> dict[str, float]:
    in_scope = np.array([r.item.in_scope for r in rows])
    answered = conf >= answer_at
    return {
        "right answers": float((answered & (y == 1)).sum()),
        "wrong answers": float((answered & (y == 0) & in_scope).sum()),
        "oos answered": float((answered & ~in_scope).sum()),
        "oos refused": float((~answered[~in_scope]).mean()) if (~in_scope).any() else 1.0,
    }


def choose_thresholds(conf: np.ndarray, y: np.ndarray, rows: Sequence[Row]) -> tuple[float, float]:
    """``ANSWER_AT``: least cost, smoothed over +-0.05 so it does not sit on the edge of the
    training data; ``SUGGEST_AT``: the lowest threshold that still refuses >= 95% of the
    out-of-scope questions."""
    in_scope = np.array([r.item.in_scope for r in rows])
    grid = np.round(np.arange(0.05, 0.96, 0.01), 2)

    def cost(t: float) -> float:
        m = outcomes(conf, y, rows, t)
        penalty = 100.0 if m["oos refused"] < OOS_TARGET else 0.0
        # a wrong answer costs more than sending a right one to the pick-list
        return (
            penalty
            + 2.0 * m["wrong answers"]
            + 3.0 * m["oos answered"]
            + float((in_scope & (y == 1)).sum())
            - m["right answers"]
        )

    smoothed = [(np.mean([cost(t + d) for d in (-0.05, -0.025, 0.0, 0.025, 0.05)]), t) for t in grid]
    answer_at = float(min(smoothed)[1])
    suggest_at = answer_at
    for t in grid[::-1]:
        if t <= answer_at and ((conf[~in_scope] < t).mean() if (~in_scope).any() else 1.0) >= OOS_TARGET:
            suggest_at = float(t)
    return answer_at, suggest_at


def predict(w: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The engine's confidence: the logistic model, times NO_ANCHOR_FACTOR without an anchor."""
    p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
    return np.where(x[:, 3] <= 0.0, p * NO_ANCHOR_FACTOR, p)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--knowledge", type=Path, default=None)
    parser.add_argument("--table", action="store_true", help="print every question's features")
    parser.add_argument("--fields", action="store_true", help="also grid-search BM25F field weights and k1")
    args = parser.parse_args(argv)
    files = args.files or [f for f in DEFAULT_FILES if f.exists()]
    knowledge = load_or_raise(args.knowledge or load_settings().knowledge_dir)
    engine = AnswerEngine.build(knowledge)
    rows = fit_rows(engine, files)
    print(f"{len(knowledge.entries)} entries; {len(rows)} questions from {', '.join(f.name for f in files)}")

    if args.fields:
        print("\n0. BM25F field weights and k1 (top-1 ranking accuracy with the rank weights in use)")
        results = []
        for title, questions, answer, k1 in itertools.product(
            (2.0, 3.0, 4.0), (1.5, 2.0, 3.0), (0.5, 0.75, 1.0), (0.8, 1.2, 1.6)
        ):
            fields = dict(
                FIELDS,
                title=(title, FIELDS["title"][1]),
                aliases=(title, FIELDS["aliases"][1]),
                questions=(questions, FIELDS["questions"][1]),
                answer=(answer, FIELDS["answer"][1]),
            )
            trial = AnswerEngine.build(knowledge, fields=fields, k1=k1)
            trial_rows = fit_rows(trial, files)
            results.append(
                (
                    rank_accuracy(trial_rows, engine_module.QSIM_WEIGHT, engine_module.HARD_WEIGHT),
                    title,
                    questions,
                    answer,
                    k1,
                )
            )
        for acc, title, questions, answer, k1 in sorted(results, reverse=True)[:10]:
            print(f"   title/aliases {title} questions {questions} answer {answer} k1 {k1}: {acc:.3f}")

    print("\n1. rank weights (top-1 ranking accuracy, in-scope questions; best 8 of the grid)")
    grid = [(q, h) for q in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0) for h in (0.0, 0.15, 0.3, 0.5)]
    scores = {g: rank_accuracy(rows, *g) for g in grid}
    for g in sorted(grid, key=lambda g: -scores[g])[:8]:
        print(f"   qsim {g[0]:.2f} hard {g[1]:.2f}: {scores[g]:.3f}")
    current = (engine_module.QSIM_WEIGHT, engine_module.HARD_WEIGHT)
    print(f"   in use: qsim {current[0]} hard {current[1]}: {rank_accuracy(rows, *current):.3f}")

    print(f"\n2. logistic fit of P(best candidate right) on {FEATURES}")
    x, y, kept = design(rows, current)
    w = fit_logistic(x, y)
    print(f"   ANSWER_WEIGHTS = ({', '.join(f'{v:.2f}' for v in w)})")
    pool_x, pool_y, _ = design(fit_rows(engine, [f for f in FIT_POOL if f.exists()]), current)
    print(
        f"   LONG_ANSWER_WEIGHTS = ({', '.join(f'{v:.2f}' for v in fit_logistic(pool_x, pool_y))})"
        f"   (the same fit on the {len(pool_y)} questions of the fit pool)"
    )
    conf = predict(w, x)
    answer_at, suggest_at = choose_thresholds(conf, y, kept)
    print(
        f"   as the confidence, it would choose ANSWER_AT = {answer_at:.2f}   SUGGEST_AT = {suggest_at:.2f}"
    )
    in_scope = np.array([r.item.in_scope for r in kept])
    print(
        f"   below SUGGEST_AT: in-scope {(conf[in_scope] < suggest_at).mean():.1%} (false refusals), "
        f"out-of-scope {(conf[~in_scope] < suggest_at).mean():.1%} (refused)"
    )
    for t in (0.3, 0.4, 0.5, 0.6, 0.7, answer_at):
        print(f"   answer at {t:.2f}: {outcomes(conf, y, kept, t)}")

    if args.table:
        print("\n   source  right  conf  soft  hard anchor  qsim margin  question")
        order = np.argsort(conf)
        for i in order:
            f = x[i]
            values = " ".join(f"{v:5.2f}" for v in (conf[i], *f[1:]))
            item = kept[i].item
            print(f"   {kept[i].source[:6]:6s} {int(y[i]):5d} {values}  {item.q[:70]!r} [{item.topic}]")

    print("\n3. cross-check: fit on one file, score the other")
    for train in files:
        mask = np.array([r.source == train.name for r in kept])
        if mask.all() or not mask.any():
            continue
        wt = fit_logistic(x[mask], y[mask])
        a_t, _ = choose_thresholds(
            predict(wt, x[mask]), y[mask], [r for r, m in zip(kept, mask, strict=True) if m]
        )
        test_rows = [r for r, m in zip(kept, mask, strict=True) if not m]
        print(
            f"   fit on {train.name}: answer_at {a_t:.2f}; on the other file: "
            f"{outcomes(predict(wt, x[~mask]), y[~mask], test_rows, a_t)}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
