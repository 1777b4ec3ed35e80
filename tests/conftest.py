from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.knowledge.models import Knowledge
from bot.progress.service import ProgressService
from bot.storage.protocol import Storage
from tests.backends import BACKENDS, POSTGRES_URL, SKIP_REASON, TestDatabase, new_database
from tests.factory import sample


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


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Contract tests (those using ``database``, ``storage`` or ``service``) run once per
    backend; modules marked ``sqlite_only`` test SQLite's own behaviour."""
    if "backend" in metafunc.fixturenames:
        sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("backend", ["sqlite"] if sqlite_only else BACKENDS, scope="function")


def pytest_report_header() -> str:
    return f"storage backends: {', '.join(BACKENDS)}" + ("" if POSTGRES_URL else f" ({SKIP_REASON})")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "coach.db"


@pytest.fixture
async def database(backend: str, tmp_path: Path) -> AsyncIterator[TestDatabase]:
    db = new_database(backend, tmp_path)
    await db.create()
    yield db
    await db.drop()


@pytest.fixture
async def storage(database: TestDatabase) -> AsyncIterator[Storage]:
    store = await database.open()
    yield store
    await store.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def kb() -> KnowledgeBox:
    return KnowledgeBox(sample())


@pytest.fixture
def service(storage: Storage, kb: KnowledgeBox, clock: Callable[[], datetime]) -> ProgressService:
    return ProgressService(storage, kb, clock=clock)
