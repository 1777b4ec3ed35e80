"""The JSON Schemas editors use stay in step with what the validator enforces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.knowledge import loader

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "knowledge" / "schema"


def schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text())


def test_entry_schema_matches_validator_keys() -> None:
    entry = schema("entry.schema.json")
    assert set(entry["properties"]) == set(loader.ENTRY_KEYS)
    assert set(entry["properties"]["links"]["items"]["properties"]) == set(loader.LINK_KEYS)
    assert entry["properties"]["answer"]["maxLength"] == loader.LIMITS["answer"]
    assert entry["properties"]["questions"]["minItems"] == loader.MIN_QUESTIONS


@pytest.mark.parametrize(
    ("name", "key", "keys"),
    [
        ("milestones.schema.json", "milestones", loader.MILESTONE_KEYS),
        ("milestones.schema.json", "tracks", loader.TRACK_KEYS),
        ("areas.schema.json", "areas", loader.AREA_KEYS),
    ],
)
def test_list_schemas_match_validator_keys(name: str, key: str, keys: tuple[str, ...]) -> None:
    assert set(schema(name)["properties"][key]["items"]["properties"]) == set(keys)


def test_every_shipped_file_points_at_its_schema() -> None:
    root = SCHEMA_DIR.parent
    for path in root.rglob("*.yaml"):
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{path} points at a missing schema {target}"
