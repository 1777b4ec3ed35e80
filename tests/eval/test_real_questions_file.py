"""The real-question set is well formed: labels point at shipped entries, the minimums hold,
and ``kind``/``split`` follow the hash rule (so nobody tunes on the measure-only part)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from bot.knowledge.loader import load_or_raise, normalise_question
from tests.eval.real_questions import KEY_ORDER, canonical, kind_for, load_items, split_for

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
ITEMS = load_items()
GAP_FLOOR = 30


def label(item: dict[str, Any]) -> str:
    return "off_topic" if item.get("off_topic") else "gap" if item.get("gap") else "answerable"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["q"][:40])
def test_item_has_the_documented_keys_and_exactly_one_label(item: dict[str, Any]) -> None:
    assert set(item) <= set(KEY_ORDER)
    assert isinstance(item["q"], str) and item["q"].strip() == item["q"] and item["q"]
    labels = [bool(item.get("expect")), item.get("gap") is True, item.get("off_topic") is True]
    assert labels.count(True) == 1, "one of expect / gap / off_topic"
    if "expect" in item:
        assert isinstance(item["expect"], list) and all(isinstance(e, str) for e in item["expect"])
        assert len(set(item["expect"])) == len(item["expect"])
    if item.get("gap"):
        assert isinstance(item.get("topic"), str) and item["topic"], "a gap says what is missing"


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["q"][:40])
def test_source_is_an_http_address(item: dict[str, Any]) -> None:
    address = urlparse(item["source"])
    assert address.scheme in {"http", "https"} and address.netloc


@pytest.mark.parametrize("item", ITEMS, ids=lambda i: i["q"][:40])
def test_kind_and_split_follow_the_rules(item: dict[str, Any]) -> None:
    assert item["kind"] == kind_for(item["q"])
    assert item["split"] == split_for(item["q"])
    assert list(item) == list(canonical(item)), "run python -m tests.eval.real_questions"


def test_every_expected_id_is_a_shipped_entry() -> None:
    entries = load_or_raise(KNOWLEDGE).entries
    unknown = sorted({e for item in ITEMS for e in item.get("expect", []) if e not in entries})
    assert not unknown


def test_no_question_appears_twice() -> None:
    counts = Counter(normalise_question(item["q"]) for item in ITEMS)
    assert [q for q, n in counts.items() if n > 1] == []


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
