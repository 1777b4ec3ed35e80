"""Fixtures that run the real bot (real cogs, real database, real knowledge) against the fake Discord."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import TypeVar

import pytest

from bot.client import CoachBot
from bot.coach import Coach
from bot.settings import DEFAULT_KNOWLEDGE_DIR, Settings, load_settings
from tests.backends import BACKENDS, TestDatabase, new_database
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember
from tests.fake_discord.fixtures import fake_discord  # noqa: F401 - re-exported fixture

RunBot = Callable[..., AbstractAsyncContextManager[CoachBot]]


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """A private copy of the shipped knowledge, so a test may edit it."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, target)
    return target


@pytest.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[TestDatabase]:
    """The bot's database: SQLite, and PostgreSQL too when TEST_DATABASE_URL is set (except for
    tests marked ``sqlite_only``, which fault an SQLite file on purpose)."""
    if request.param != "sqlite" and request.node.get_closest_marker("sqlite_only"):
        pytest.skip("tests SQLite's own behaviour")
    db = new_database(request.param, tmp_path)
    await db.create()
    yield db
    await db.drop()


@pytest.fixture
def make_settings(tmp_path: Path, knowledge_dir: Path, database: TestDatabase) -> Callable[..., Settings]:
    def build(**overrides: str) -> Settings:
        env = {
            "DATABASE_URL": database.url,
            "KNOWLEDGE_DIR": str(knowledge_dir),
            "KNOWLEDGE_POLL_SECONDS": "0",
            "DISCORD_TOKEN": "fake-token",
            **overrides,
        }
        return load_settings(env, dotenv_path=tmp_path / "no.env")

    return build


@pytest.fixture
def run_coach(fake_discord: FakeDiscord, make_settings: Callable[..., Settings]) -> RunBot:  # noqa: F811
    """``async with run_coach() as bot:`` starts a fresh Coach and CoachBot on the same database."""

    @asynccontextmanager
    async def run(**overrides: str) -> AsyncIterator[CoachBot]:
        settings = make_settings(**overrides)
        coach = await Coach.open(settings)
        bot = CoachBot(settings, coach)
        async with fake_discord.run_bot(bot):
            yield bot

    return run


@pytest.fixture
def guild(fake_discord: FakeDiscord) -> FakeGuild:  # noqa: F811
    return fake_discord.create_guild("PM Careers")


@pytest.fixture
def alice(fake_discord: FakeDiscord, guild: FakeGuild) -> FakeMember:  # noqa: F811
    return fake_discord.create_member(guild, "alice")


@pytest.fixture
def mod(fake_discord: FakeDiscord, guild: FakeGuild) -> FakeMember:  # noqa: F811
    return fake_discord.create_member(guild, "mod", moderator=True)


@pytest.fixture
def owner(guild: FakeGuild) -> FakeMember:
    """The server owner: every permission, and may assign any role below the bot's."""
    return guild.member(guild.owner_id)


T = TypeVar("T")


async def counted(read: Callable[[], Awaitable[T]], timeout: float = 5.0) -> T:
    """What ``read`` returns once it is truthy. A question is counted (and a gap logged) just
    after its reply goes out, in a batch: a test that reads the counts as soon as it sees the
    reply can run before that."""
    async with asyncio.timeout(timeout):
        while not (value := await read()):
            await asyncio.sleep(0.01)
    return value
