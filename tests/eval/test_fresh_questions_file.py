"""The fresh question set is well formed: same format as ``real_questions.yaml``, labels point
at shipped entries, every item is measure-only, the minimums hold, and nothing repeats a
question or a source already in ``real_questions.yaml``."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from bot.knowledge.loader import load_or_raise, normalise_question
from tests.eval.real_questions import KEY_ORDER, kind_for, load_items

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
FRESH = Path(__file__).with_name("fresh_questions.yaml")
ITEMS = load_items(FRESH)
REAL = load_items()


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
def test_kind_follows_the_rule_and_every_item_is_measure_only(item: dict[str, Any]) -> None:
    assert item["kind"] == kind_for(item["q"])
    assert item["split"] == "measure", "nobody tunes on the fresh set"
    assert list(item) == [key for key in KEY_ORDER if key in item], "keys in the documented order"


def test_every_expected_id_is_a_shipped_entry() -> None:
    entries = load_or_raise(KNOWLEDGE).entries
    unknown = sorted({e for item in ITEMS for e in item.get("expect", []) if e not in entries})
    assert not unknown


def test_no_question_appears_twice() -> None:
    # Sources may repeat: a subreddit listing page holds several different posts.
    counts = Counter(normalise_question(item["q"]) for item in ITEMS)
    assert [q for q, n in counts.items() if n > 1] == []


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
