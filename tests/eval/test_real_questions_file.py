"""The real-question set is well formed: labels point at shipped entries, the minimums hold,
and ``kind``/``split`` follow the hash rule (so nobody tunes on the measure-only part)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.eval.real_questions import (
    canonical,
    check_file,
    check_item,
    kind_for,
    label,
    load_items,
    split_for,
)

ITEMS = load_items()
GAP_FLOOR = 30


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["q"][:40])
def test_item_has_the_documented_keys_one_label_and_a_source(item: dict[str, Any]) -> None:
    check_item(item)


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["q"][:40])
def test_kind_and_split_follow_the_rules(item: dict[str, Any]) -> None:
    assert item["kind"] == kind_for(item["q"])
    assert item["split"] == split_for(item["q"])
    assert list(item) == list(canonical(item)), "run python -m tests.eval.real_questions"


def test_labels_name_shipped_entries_and_no_question_repeats() -> None:
    check_file(ITEMS)


def test_counts_meet_the_minimums() -> None:
    labels = Counter(label(item) for item in ITEMS)
    long_posts = sum(item["kind"] == "long" for item in ITEMS)
    assert len(ITEMS) >= 200
    assert long_posts >= 60
    assert labels["gap"] >= GAP_FLOOR
    assert labels["off_topic"] >= 40


@pytest.mark.parametrize("stratum", ["answerable-short", "answerable-long", "gap", "off_topic"])
def test_both_splits_hold_each_kind_of_question(stratum: str) -> None:
    def stratum_of(item: dict[str, Any]) -> str:
        return f"answerable-{item['kind']}" if label(item) == "answerable" else label(item)

    splits = Counter(item["split"] for item in ITEMS if stratum_of(item) == stratum)
    total = sum(splits.values())
    assert splits["measure"] >= 0.2 * total and splits["tune"] >= 0.2 * total, splits
