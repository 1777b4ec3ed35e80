"""Shared fixtures: the engine over the shipped knowledge, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge.loader import load_or_raise
from bot.search import AnswerEngine

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def engine() -> AnswerEngine:
    return AnswerEngine.build(load_or_raise(REPO / "knowledge"))
