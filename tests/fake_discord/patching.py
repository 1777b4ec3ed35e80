"""Point discord.py at the fake, and make sure nothing else leaves the machine.

Where discord.py 2.7 builds its URLs:

* every REST call, including the webhook adapter used for interaction callbacks and
  followups (``discord/webhook/async_.py``), goes through ``discord.http.Route``, whose URL is
  ``Route.BASE + path`` evaluated at construction time, so patching the class attribute
  covers them all;
* a plain ``Client`` never calls ``GET /gateway/bot``: it connects straight to
  ``DiscordWebSocket.DEFAULT_GATEWAY`` (also used after INVALID_SESSION), so that is patched
  too. ``AutoShardedClient`` asks ``/gateway/bot``, which the fake answers.

The internet guard wraps ``aiohttp.ClientSession._request`` (which both ``request`` and
``ws_connect`` use) and refuses any non-loopback host, so a missed URL fails loudly instead
of quietly reaching discord.com.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

import aiohttp
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from .payloads import API_VERSION

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class InternetAccessBlocked(RuntimeError):
    """A test tried to reach a host other than the fake."""


@contextlib.contextmanager
def block_internet() -> Iterator[None]:
    """Make every aiohttp request to a non-loopback host raise :class:`InternetAccessBlocked`."""
    original = aiohttp.ClientSession._request

    @functools.wraps(original)
    async def guarded(self: aiohttp.ClientSession, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        host = yarl.URL(str(url)).host
        if host not in LOOPBACK_HOSTS:
            raise InternetAccessBlocked(f"test tried to reach {method} {url}")
        return await original(self, method, url, *args, **kwargs)

    setattr(aiohttp.ClientSession, "_request", guarded)  # noqa: B010 - typed method assignment
    try:
        yield
    finally:
        setattr(aiohttp.ClientSession, "_request", original)  # noqa: B010


@contextlib.contextmanager
def patch_discord(base_url: str, gateway_url: str, *, internet_guard: bool = True) -> Iterator[None]:
    """Redirect discord.py's REST and gateway URLs to the fake, restoring them afterwards.

    ``base_url`` is the fake's root (``http://127.0.0.1:PORT``; REST lives under
    ``/api/v10``), ``gateway_url`` its websocket (``ws://127.0.0.1:PORT/gateway``).
    """
    original_base = Route.BASE
    original_gateway = DiscordWebSocket.DEFAULT_GATEWAY
    Route.BASE = f"{base_url}/api/v{API_VERSION}"
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        with block_internet() if internet_guard else contextlib.nullcontext():
            yield
    finally:
        Route.BASE = original_base
        DiscordWebSocket.DEFAULT_GATEWAY = original_gateway
