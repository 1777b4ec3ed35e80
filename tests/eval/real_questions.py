"""Rules and upkeep for ``real_questions.yaml``, the set of questions real people asked.

``kind`` and ``split`` are never chosen by hand: they follow from the question text by the
rules below, so nobody can move a hard question out of the measure-only split. After
adding items, run ``python -m tests.eval.real_questions`` to fill both fields in and
rewrite the file in its canonical key order (the header comment is kept).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

PATH = Path(__file__).with_name("real_questions.yaml")
LONG_WORDS = 40  # a post of 40+ words is a "long" forum post: story first, then the question
MEASURE_PERCENT = 40  # share of questions held out for measuring only
KEY_ORDER = ("q", "source", "kind", "expect", "gap", "off_topic", "topic", "split")


def kind_for(question: str) -> str:
    return "long" if len(question.split()) >= LONG_WORDS else "short"


def split_for(question: str) -> str:
    """A stable split from a hash of the text: adding items never moves existing ones."""
    bucket = int(hashlib.sha256(question.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "measure" if bucket < MEASURE_PERCENT else "tune"


def load_items(path: Path = PATH) -> list[dict[str, Any]]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a YAML list of questions")
    return items


def label(item: dict[str, Any]) -> str:
    return "off_topic" if item.get("off_topic") else "gap" if item.get("gap") else "answerable"


def check_item(item: dict[str, Any]) -> None:
    """The documented keys, exactly one label, and an http(s) source: what every question file holds."""
    assert set(item) <= set(KEY_ORDER)
    assert isinstance(item["q"], str) and item["q"].strip() == item["q"] and item["q"]
    labels = [bool(item.get("expect")), item.get("gap") is True, item.get("off_topic") is True]
    assert labels.count(True) == 1, "one of expect / gap / off_topic"
    if "expect" in item:
        assert isinstance(item["expect"], list) and all(isinstance(e, str) for e in item["expect"])
        assert len(set(item["expect"])) == len(item["expect"])
    if item.get("gap"):
        assert isinstance(item.get("topic"), str) and item["topic"], "a gap says what is missing"
    address = urlparse(item["source"])
    assert address.scheme in {"http", "https"} and address.netloc


def check_file(items: list[dict[str, Any]]) -> None:
    """Every expected id is a shipped entry and no question appears twice (sources may repeat:
    a forum's listing page holds several posts)."""
    from bot.knowledge.loader import load_or_raise, normalise_question

    entries = load_or_raise(Path(__file__).resolve().parents[2] / "knowledge").entries
    assert sorted({e for item in items for e in item.get("expect", []) if e not in entries}) == []
    counts = Counter(normalise_question(item["q"]) for item in items)
    assert [q for q, n in counts.items() if n > 1] == []


def canonical(item: dict[str, Any]) -> dict[str, Any]:
    """The item with ``kind`` and ``split`` derived and its keys in the documented order."""
    filled = dict(item, kind=kind_for(item["q"]), split=split_for(item["q"]))
    unknown = set(filled) - set(KEY_ORDER)
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)} in {item['q'][:60]!r}")
    return {key: filled[key] for key in KEY_ORDER if key in filled}


class _FlowList(list):
    """A list written inline (``expect: [a, b]``) while items stay in block style."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(
    _FlowList, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


def rewrite(path: Path = PATH) -> int:
    text = path.read_text(encoding="utf-8")
    header = text[: text.find("- q:")] if "- q:" in text else ""
    items = [canonical(item) for item in load_items(path)]
    for item in items:
        if "expect" in item:
            item["expect"] = _FlowList(item["expect"])
    body = yaml.dump(
        items, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10**6, default_flow_style=False
    )
    path.write_text(header + body, encoding="utf-8")
    return len(items)


if __name__ == "__main__":
    print(f"{rewrite()} questions written to {PATH}")
