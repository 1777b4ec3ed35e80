"""Rules and upkeep for ``real_questions.yaml``, the set of questions real people asked.

``kind`` and ``split`` are never chosen by hand: they follow from the question text by the
rules below, so nobody can move a hard question out of the measure-only split. After
adding items, run ``python -m tests.eval.real_questions`` to fill both fields in and
rewrite the file in its canonical key order (the header comment is kept).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

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
