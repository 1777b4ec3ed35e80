"""benchmarks/question_sets.py: right minus wrong per item, and comparisons that keep held-out items blind."""

from __future__ import annotations

from benchmarks.question_sets import Row, comparison, row
from bot.search import AnswerEngine, Outcome
from bot.search.evaluation import EvalItem, Result


def test_an_item_is_right_wrong_or_neither(engine: AnswerEngine) -> None:
    """A right answer scores +1, a confident wrong one -1, a menu for an answerable question 0;
    ``split: measure`` marks an item held out."""
    asked = "how much does the pmp exam cost"
    answer = engine.answer(asked)
    assert answer.entry is not None
    right = row("set", Result(EvalItem(asked, "", expect_ids=(answer.entry.id,), split="tune"), answer))
    wrong = row("set", Result(EvalItem(asked, "", expect_ids=("some-other-entry",), split="measure"), answer))
    assert (right.score, wrong.score) == (1, -1)
    assert (right.held, wrong.held) == (False, True)
    vague = engine.answer("is it worth it")
    assert vague.outcome is Outcome.SUGGEST
    assert row("set", Result(EvalItem("is it worth it", "", expect_ids=("x",)), vague)).score == 0


def test_held_out_changes_are_counted_never_listed() -> None:
    old = [
        Row(
            file="tune_set",
            key="a",
            held=False,
            outcome="suggest",
            shown=("e1", "e2"),
            right=False,
            wrong=False,
        ),
        Row(file="held_set", key="b", held=True, outcome="answer", shown=("e3",), right=True, wrong=False),
        Row(file="held_set", key="c", held=True, outcome="unknown", shown=(), right=True, wrong=False),
    ]
    new = [
        Row(file="tune_set", key="a", held=False, outcome="answer", shown=("e1",), right=True, wrong=False),
        Row(file="held_set", key="b", held=True, outcome="answer", shown=("e4",), right=False, wrong=True),
        Row(file="held_set", key="c", held=True, outcome="unknown", shown=(), right=True, wrong=False),
    ]
    lines = comparison(old, new)
    assert lines[0] == "+1 tune_set: suggest ['e1', 'e2'] -> answer ['e1']"
    assert lines[-1] == "decide +1; held out -2 (held_set -2)"
    assert not any("e3" in line or "e4" in line for line in lines)
