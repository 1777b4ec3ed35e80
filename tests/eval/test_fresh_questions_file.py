"""The fresh question set is well formed: same format as ``real_questions.yaml``, labels point
at shipped entries, every item is measure-only, the minimums hold, and nothing repeats a
question or a source already in ``real_questions.yaml``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge.loader import normalise_question
from tests.eval.real_questions import KEY_ORDER, check_file, check_item, kind_for, label, load_items

FRESH = Path(__file__).with_name("fresh_questions.yaml")
ITEMS = load_items(FRESH)
REAL = load_items()


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["q"][:40])
def test_item_has_the_documented_keys_one_label_and_a_source(item: dict[str, Any]) -> None:
    check_item(item)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["q"][:40])
def test_kind_follows_the_rule_and_every_item_is_measure_only(item: dict[str, Any]) -> None:
    assert item["kind"] == kind_for(item["q"])
    assert item["split"] == "measure", "nobody tunes on the fresh set"
    assert list(item) == [key for key in KEY_ORDER if key in item], "keys in the documented order"


def test_labels_name_shipped_entries_and_no_question_repeats() -> None:
    check_file(ITEMS)


def test_nothing_is_shared_with_the_real_question_set() -> None:
    real_questions = {normalise_question(item["q"]) for item in REAL}
    real_sources = {item["source"] for item in REAL}
    assert [i["q"][:60] for i in ITEMS if normalise_question(i["q"]) in real_questions] == []
    assert [i["source"] for i in ITEMS if i["source"] in real_sources] == []


def test_counts_meet_the_minimums() -> None:
    labels = Counter(label(item) for item in ITEMS)
    assert len(ITEMS) >= 80
    assert sum(item["kind"] == "long" for item in ITEMS) >= 25
    assert labels["gap"] >= 10
    assert labels["off_topic"] >= 15
