"""Discord-style API errors and per-route error injection.

discord.py maps status codes to exception classes (403 -> ``Forbidden``, 404 -> ``NotFound``)
and exposes the JSON ``code`` as ``exc.code``, so bot code branches on both; the fake
therefore always answers errors with Discord's exact status/code/message triples.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .server import ApiRequest


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON the way discord.py accepts it.

    ``discord.http.json_or_text`` only decodes when Content-Type is *exactly*
    ``application/json``; aiohttp's ``web.json_response`` appends ``; charset=utf-8``,
    which would make every body arrive in the bot as a plain string.
    """
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers=headers,
        content_type="application/json",
    )


@dataclass(frozen=True)
class DiscordError:
    status: int
    code: int
    message: str

    def exception(self, detail: str | None = None, errors: dict[str, Any] | None = None) -> ApiError:
        return ApiError(self, detail, errors)


class Errors:
    """The error catalogue, named after Discord's JSON error codes."""

    UNAUTHORIZED = DiscordError(401, 0, "401: Unauthorized")
    NOT_FOUND = DiscordError(404, 0, "404: Not Found")
    UNKNOWN_CHANNEL = DiscordError(404, 10003, "Unknown Channel")
    UNKNOWN_GUILD = DiscordError(404, 10004, "Unknown Guild")
    UNKNOWN_MEMBER = DiscordError(404, 10007, "Unknown Member")
    UNKNOWN_MESSAGE = DiscordError(404, 10008, "Unknown Message")
    UNKNOWN_ROLE = DiscordError(404, 10011, "Unknown Role")
    UNKNOWN_USER = DiscordError(404, 10013, "Unknown User")
    UNKNOWN_WEBHOOK = DiscordError(404, 10015, "Unknown Webhook")
    UNKNOWN_INTERACTION = DiscordError(404, 10062, "Unknown interaction")
    UNKNOWN_COMMAND = DiscordError(404, 10063, "Unknown application command")
    ALREADY_ACKNOWLEDGED = DiscordError(400, 40060, "Interaction has already been acknowledged.")
    MISSING_ACCESS = DiscordError(403, 50001, "Missing Access")
    CANNOT_EDIT_OTHERS = DiscordError(403, 50005, "Cannot edit a message authored by another user")
    CANNOT_DM = DiscordError(403, 50007, "Cannot send messages to this user")
    MISSING_PERMISSIONS = DiscordError(403, 50013, "Missing Permissions")
    INVALID_CHANNEL_TYPE = DiscordError(400, 50024, "Cannot execute action on this channel type")
    INVALID_ROLE = DiscordError(400, 50028, "Invalid Role")
    INVALID_FORM_BODY = DiscordError(400, 50035, "Invalid Form Body")
    RATE_LIMITED = DiscordError(429, 0, "You are being rate limited.")
    SERVER_ERROR = DiscordError(500, 0, "500: Internal Server Error")
    FAKE_CRASHED = DiscordError(400, 0, "The fake crashed handling this; see fake.internal_errors")
    """Not a Discord error: a bug in the fake. 400, because discord.py retries 5xx with sleeps."""


class ApiError(Exception):
    """Raised by route handlers; the middleware turns it into Discord's JSON error body."""

    def __init__(
        self, error: DiscordError, detail: str | None = None, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{error.status} {error.code} {error.message}" + (f": {detail}" if detail else ""))
        self.error = error
        self.errors = errors

    def response(self, retry_after: float = 0.05) -> web.Response:
        body: dict[str, Any] = {"message": self.error.message, "code": self.error.code}
        if self.errors:
            body["errors"] = self.errors
        headers: dict[str, str] = {}
        if self.error.status == 429:
            # discord.py only retries a 429 that came through Discord's proxy (``Via``).
            body.update(retry_after=retry_after, **{"global": False})
            headers = {"Via": "1.1 google", "Retry-After": str(retry_after)}
        return json_response(body, self.error.status, headers)


@dataclass
class Injection:
    """A rule that fails (or slows down) requests to one route.

    ``route`` is the template as Discord documents it, e.g.
    ``/guilds/{guild_id}/members/{user_id}/roles/{role_id}``; ``when`` can narrow it
    down using the parsed request (path params, body). ``times=None`` means forever.
    """

    method: str
    route: str
    error: DiscordError | None = None
    delay: float = 0.0
    times: int | None = None
    when: Callable[[ApiRequest], bool] | None = None
    hits: int = field(default=0, init=False)

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, request: ApiRequest) -> bool:
        return (
            not self.exhausted
            and self.method in (request.method, "*")
            and self.route == request.route
            and (self.when is None or self.when(request))
        )

    async def apply(self) -> None:
        """Sleep and/or raise; called by the middleware before the real handler runs."""
        self.hits += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.error is not None:
            raise self.error.exception("injected by test")
