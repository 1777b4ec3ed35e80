"""pytest fixtures for the fake; import them into a test module or a conftest.

Kept here rather than in ``tests/conftest.py`` so that only tests which ask for the fake
load it. Usage in a test module::

    pytest_plugins = ["tests.fake_discord.fixtures"]

or ``from tests.fake_discord.fixtures import fake_discord  # noqa: F401``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .fake import FakeDiscord


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A running, patched fake with no guilds yet.

    At teardown it fails the test if the bot called routes the fake does not implement or
    the fake crashed (:meth:`FakeDiscord.assert_healthy`); tests that provoke unknown routes
    on purpose should clear ``fake.unknown_requests``.
    """
    async with FakeDiscord() as fake:
        yield fake
        fake.assert_healthy()
