"""A floor on the engine's own evaluation set: a ranking or calibration regression fails CI.

The targets are higher (top-1 >= 90%, top-3 >= 97%, out-of-scope refused >= 90%, false
refusals <= 5%); the floor leaves room for the knowledge base to change under it.
"""

from __future__ import annotations

from pathlib import Path

from bot.search import AnswerEngine
from bot.search.evaluation import evaluate, format_report, load_items

QUESTIONS = Path(__file__).resolve().parents[1] / "eval" / "questions.yaml"


def test_eval_set_is_large_and_varied() -> None:
    items = load_items(QUESTIONS)
    in_scope = [i for i in items if i.in_scope]
    assert len(in_scope) >= 100 and len(items) - len(in_scope) >= 20
    assert len({i.topic.split("-")[0] for i in in_scope}) >= 8


def test_quality_floor(engine: AnswerEngine) -> None:
    report = evaluate(engine.answer, load_items(QUESTIONS))
    detail = "\n".join(format_report(report))
    assert report.top1 >= 0.85, detail
    assert report.top3 >= 0.90, detail
    assert report.oos_refusal >= 0.90, detail
    assert report.false_refusal <= 0.08, detail


REAL = QUESTIONS.with_name("real_questions.yaml")


def test_real_questions_floor(engine: AnswerEngine) -> None:
    """A floor under today's figures on the real questions (docs/benchmarks.md, "Real
    questions"): long posts answered, a right entry on the first screen, the off-topic declined,
    gaps not answered with a wrong entry, answerable ones not refused. (Top-1 was 60% before the
    twenty-third round raised the long-post threshold: fewer posts answered, far fewer wrongly. The
    twenty-sixth round's answer check raised gap honesty and top-3, whose floors it raised; the
    twenty-seventh round's rule that a message naming nothing of the subject gets no menu raised
    the off-topic declined from about 91% to 94.6%, and its floor. The twenty-ninth round's check
    for long posts, fitted on real posts nobody wrote an entry from, sends more posts to a menu:
    top-1 57.5% -> 53.6%, long posts 42.5% -> 37.0%, with 24 fewer wrong answers on the held-out
    sets; those two floors came down with it.)"""
    report = evaluate(engine.answer, load_items(REAL))
    detail = "\n".join(format_report(report))
    assert report.top1 >= 0.52 and report.subset(kind="long").top1 >= 0.35, detail
    assert report.top3 >= 0.80 and report.gap_honesty >= 0.68, detail
    assert report.oos_refusal >= 0.92 and report.false_refusal <= 0.12, detail


COMMON = QUESTIONS.with_name("common_questions.yaml")


def test_common_questions_floor(engine: AnswerEngine) -> None:
    """The questions newcomers ask most: a wrong confident answer to one of these is what a
    moderator notices first (today 86.7% top-1, 96.7% top-3)."""
    report = evaluate(engine.answer, load_items(COMMON))
    detail = "\n".join(format_report(report))
    assert len(report.in_scope) >= 60, detail
    assert report.top1 >= 0.83 and report.top3 >= 0.93 and report.false_refusal <= 0.05, detail
