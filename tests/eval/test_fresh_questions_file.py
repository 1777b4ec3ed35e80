"""The fresh question sets, the calibration set and the probe sets are well formed: same format
as ``real_questions.yaml``, labels point at shipped entries, every item of a held-out fresh set
is measure-only and every item of the fit pool (the first nine fresh sets, the calibration and
probe sets) tune-only, each set's minimums hold, and nothing repeats a question or a source
already in ``real_questions.yaml`` or in another of these sets."""

from __future__ import annotations

from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge.loader import normalise_question
from tests.eval.real_questions import KEY_ORDER, check_file, check_item, kind_for, label, load_items

HERE = Path(__file__).parent
# file name -> (minimum items, minimum long, minimum gap, minimum off_topic)
MINIMUMS = {
    "fresh_questions.yaml": (80, 25, 4, 15),
    "fresh_questions_2.yaml": (100, 40, 4, 15),
    "fresh_questions_3.yaml": (66, 40, 3, 14),
    "fresh_questions_4.yaml": (50, 35, 1, 14),
    "fresh_questions_5.yaml": (60, 35, 1, 15),
    "fresh_questions_6.yaml": (60, 45, 9, 12),
    "fresh_questions_7.yaml": (50, 40, 2, 12),
    "fresh_questions_8.yaml": (60, 50, 5, 12),
    "fresh_questions_9.yaml": (58, 39, 1, 12),
    "fresh_questions_10.yaml": (53, 41, 8, 11),
    "fresh_questions_11.yaml": (45, 39, 9, 11),
    "fresh_questions_12.yaml": (38, 30, 3, 11),
    "fresh_questions_13.yaml": (42, 20, 7, 13),
    "fresh_questions_14.yaml": (22, 14, 2, 8),
    "fresh_questions_15.yaml": (24, 15, 3, 8),
    "fresh_questions_16.yaml": (20, 15, 2, 6),
    "fresh_questions_17.yaml": (15, 14, 1, 6),
    "fresh_questions_18.yaml": (23, 17, 4, 6),
    "fresh_questions_19.yaml": (20, 18, 2, 6),
    "fresh_questions_20.yaml": (22, 18, 2, 7),
    "fresh_questions_21.yaml": (21, 16, 4, 7),
    "fresh_questions_22.yaml": (20, 18, 5, 7),
    "fresh_questions_23.yaml": (22, 18, 4, 8),
    "fresh_questions_24.yaml": (20, 14, 2, 8),
    "fresh_questions_25.yaml": (20, 19, 5, 8),
    "fresh_questions_26.yaml": (20, 17, 2, 7),
    "fresh_questions_27.yaml": (20, 18, 3, 7),
    "fresh_questions_28.yaml": (20, 18, 4, 5),
    "fresh_questions_29.yaml": (20, 17, 4, 5),
    "calibration_questions.yaml": (65, 57, 0, 13),
    "probe_questions.yaml": (34, 11, 0, 8),
    "probe_questions_2.yaml": (40, 15, 0, 8),
    "probe_questions_3.yaml": (45, 15, 1, 9),
    "probe_questions_4.yaml": (45, 14, 1, 12),
    "probe_questions_5.yaml": (17, 3, 0, 9),
    "probe_questions_6.yaml": (53, 29, 0, 53),
    "probe_questions_7.yaml": (39, 0, 0, 8),
    "probe_questions_8.yaml": (39, 0, 2, 8),
    "probe_questions_9.yaml": (40, 0, 0, 8),
    "probe_questions_10.yaml": (40, 0, 2, 8),
}
#: The calibration set is for fitting thresholds and the probe sets for finding what to fix (all
#: tuning); the first nine fresh sets are in the answer check's fit pool since the twenty-ninth round
#: (benchmarks/calibrate.py); the later fresh sets are measure-only.
SPLIT = {
    "fresh_questions.yaml": "tune",
    **{f"fresh_questions_{n}.yaml": "tune" for n in range(2, 10)},
    "calibration_questions.yaml": "tune",
    "probe_questions.yaml": "tune",
    "probe_questions_2.yaml": "tune",
    "probe_questions_3.yaml": "tune",
    "probe_questions_4.yaml": "tune",
    "probe_questions_5.yaml": "tune",
    "probe_questions_6.yaml": "tune",
    "probe_questions_7.yaml": "tune",
    "probe_questions_8.yaml": "tune",
    "probe_questions_9.yaml": "tune",
    "probe_questions_10.yaml": "tune",
}
SETS = {name: load_items(HERE / name) for name in MINIMUMS}
REAL = load_items()
ITEMS = [(name, item) for name, items in SETS.items() for item in items]


def _item_id(entry: tuple[str, dict[str, Any]]) -> str:
    name, item = entry
    return f"{name.removesuffix('.yaml')}:{item['q'][:40]}"


@pytest.mark.parametrize("entry", ITEMS, ids=_item_id)
def test_item_has_the_documented_keys_one_label_and_a_source(entry: tuple[str, dict[str, Any]]) -> None:
    check_item(entry[1])


@pytest.mark.parametrize("entry", ITEMS, ids=_item_id)
def test_kind_follows_the_rule_and_every_item_has_its_sets_split(entry: tuple[str, dict[str, Any]]) -> None:
    name, item = entry
    assert item["kind"] == kind_for(item["q"])
    assert item["split"] == SPLIT.get(name, "measure"), "nobody tunes on the held-out fresh sets"
    assert list(item) == [key for key in KEY_ORDER if key in item], "keys in the documented order"


@pytest.mark.parametrize("name", sorted(SETS))
def test_labels_name_shipped_entries_and_no_question_repeats(name: str) -> None:
    check_file(SETS[name])


def _shared(items: list[dict[str, Any]], other: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    questions = {normalise_question(item["q"]) for item in other}
    sources = {item["source"] for item in other}
    return (
        [i["q"][:60] for i in items if normalise_question(i["q"]) in questions],
        [i["source"] for i in items if i["source"] in sources],
    )


@pytest.mark.parametrize("name", sorted(SETS))
def test_nothing_is_shared_with_the_real_question_set(name: str) -> None:
    assert _shared(SETS[name], REAL) == ([], [])


@pytest.mark.parametrize(("first", "second"), list(combinations(sorted(SETS), 2)))
def test_the_fresh_sets_share_no_question_and_no_source(first: str, second: str) -> None:
    assert _shared(SETS[first], SETS[second]) == ([], [])


@pytest.mark.parametrize("name", sorted(SETS))
def test_counts_meet_the_minimums(name: str) -> None:
    items = SETS[name]
    least_items, least_long, least_gap, least_off_topic = MINIMUMS[name]
    labels = Counter(label(item) for item in items)
    assert len(items) >= least_items
    assert sum(item["kind"] == "long" for item in items) >= least_long
    assert labels["gap"] >= least_gap
    assert labels["off_topic"] >= least_off_topic
