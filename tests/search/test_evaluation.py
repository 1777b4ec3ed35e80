"""``kb eval`` reads the real-question format (entry ids, gaps, off-topic, splits) and reports
the same figures per split and per short/long question."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.search import AnswerEngine
from bot.search.evaluation import EvalFileError, evaluate, format_report, load_items

REAL = """
- q: how much does the pmp exam cost
  source: https://example.org/1
  expect: [pmp-fees]
  split: measure
- q: what's the weather in paris tomorrow
  source: https://example.org/2
  off_topic: true
  split: tune
- q: how do I negotiate a PM salary offer in Luxembourg as a contractor with a dog
  source: https://example.org/3
  gap: true
  topic: contractor salary negotiation in Luxembourg
  split: measure
- q: "{long}"
  source: https://example.org/4
  expect: [capm-exam-format]
  split: tune
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "real.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_real_format_is_scored_per_split_and_kind(engine: AnswerEngine, tmp_path: Path) -> None:
    story = "I work in retail and I have been reading about project management for a while now. " * 3
    items = load_items(write(tmp_path, REAL.format(long=story + "How many questions are on the CAPM exam?")))
    assert [(i.in_scope, i.off_topic, i.gap, i.split, i.kind) for i in items] == [
        (True, False, False, "measure", "short"),
        (False, True, False, "tune", "short"),
        (False, False, True, "measure", "short"),
        (True, False, False, "tune", "long"),
    ]
    report = evaluate(engine.answer, items)
    assert report.subset("measure").top1 == 1.0 and report.oos_refusal == 1.0
    lines = format_report(report, "real")
    rows = {m[1] for line in lines if (m := re.match(r"  ((?:all|tune|measure)(?: short| long)?) +\d", line))}
    assert rows == {
        "all",
        "all short",
        "all long",
        "tune",
        "tune short",
        "tune long",
        "measure",
        "measure short",
    }
    assert "gaps answered honestly" in "\n".join(lines)


def test_failures_of_the_measure_split_can_stay_out_of_sight(engine: AnswerEngine, tmp_path: Path) -> None:
    """Whoever tunes the engine reads the failures; ``--failures tune`` lists none of the
    measure-only questions, so they stay unseen (the count says how many were left out)."""
    refused = "- q: zzqx wibble frobnicate\n  source: https://example.org/{n}\n  expect: [pmp-fees]\n  split: {split}\n"
    text = refused.format(n=1, split="measure") + refused.format(n=2, split="tune").replace("zzqx", "qqzx")
    report = evaluate(engine.answer, load_items(write(tmp_path, text)))
    assert len(report.failures) == 2
    everything = "\n".join(format_report(report, "real"))
    assert "zzqx" in everything and "qqzx" in everything
    tuning = "\n".join(format_report(report, "real", "tune"))
    assert "zzqx" not in tuning and "qqzx" in tuning and "1 not listed" in tuning
    assert "wibble" not in "\n".join(format_report(report, "real", "none"))


def test_an_entry_id_right_by_id_not_by_words(engine: AnswerEngine, tmp_path: Path) -> None:
    item = load_items(write(tmp_path, REAL.format(long="x")))[0]
    assert item.is_right(engine.knowledge.entries["pmp-fees"])
    assert not item.is_right(engine.knowledge.entries["capm-exam-format"])


@pytest.mark.parametrize(
    "bad",
    [
        "- q: both\n  expect: [pmp-fees]\n  gap: true\n",
        "- q: neither\n  expect: []\n",
        "- q: wrong type\n  expect: pmp-fees\n",
        "- q: off\n  off_topic: 'yes'\n",
    ],
)
def test_an_item_must_be_exactly_one_kind(tmp_path: Path, bad: str) -> None:
    with pytest.raises(EvalFileError, match="item 1"):
        load_items(write(tmp_path, bad))
