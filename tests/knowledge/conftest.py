"""The shipped knowledge and an engine over it, loaded once for the tests that read them."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import load_or_raise
from bot.knowledge.models import Knowledge
from bot.search import AnswerEngine
from bot.settings import DEFAULT_KNOWLEDGE_DIR


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_or_raise(DEFAULT_KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def engine(knowledge: Knowledge) -> AnswerEngine:
    return AnswerEngine.build(knowledge)
