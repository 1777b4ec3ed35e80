from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.knowledge.models import Knowledge
from bot.progress.service import ProgressService
from bot.storage.sqlite import SqliteStorage
from tests.progress.factory import sample


class Clock:
    """A settable clock, so timestamps and weekly statistics are deterministic."""

    def __init__(self, start: datetime = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(microseconds=1)  # distinct and increasing, like real time
        return self.now


class KnowledgeBox:
    """What the bot's reload does: swap the knowledge the service reads."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.value = knowledge

    def __call__(self) -> Knowledge:
        return self.value


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "coach.db"


@pytest.fixture
async def storage(db_path: Path) -> AsyncIterator[SqliteStorage]:
    store = await SqliteStorage.open(db_path)
    yield store
    await store.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def kb() -> KnowledgeBox:
    return KnowledgeBox(sample())


@pytest.fixture
def service(
    storage: SqliteStorage, kb: KnowledgeBox, clock: Callable[[], datetime]
) -> ProgressService:
    return ProgressService(storage, kb, clock=clock)
