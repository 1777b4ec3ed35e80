"""What the fake remembers about the bot's behaviour, and how tests wait for it.

Everything the bot does over REST ends up here as plain objects with monotonic timestamps
(``at``), so tests can assert on content, ordering and ``allowed_mentions`` without
parsing HTTP traffic. Waiting is event-driven: every mutation calls
:meth:`Waiters.notify`, so a test awaiting a response wakes as soon as the callback lands
instead of polling.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from .payloads import (
    JSON,
    InteractionType,
    MessageFlag,
    iso_timestamp,
    pinged_targets,
    walk_components,
)

T = TypeVar("T")

DEFAULT_TIMEOUT = 3.0


class Waiters:
    """Futures woken whenever recorded state changes.

    A predicate returns the awaited value, or anything falsy (None, False, an empty list)
    to keep waiting; if it raises, the waiter fails with that exception (used to say "this
    will never happen").
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []

    def notify(self) -> None:
        for entry in list(self._pending):
            predicate, future = entry
            if future.done():
                self._pending.remove(entry)
                continue
            try:
                result = predicate()
            except Exception as exc:
                future.set_exception(exc)
                self._pending.remove(entry)
                continue
            if result:
                future.set_result(result)
                self._pending.remove(entry)

    async def wait(self, predicate: Callable[[], T | None], timeout: float, what: str) -> T:
        result = predicate()
        if result:
            return result
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        entry = (predicate, future)
        self._pending.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}") from None
        finally:
            if entry in self._pending:
                self._pending.remove(entry)


class CallbackType(enum.IntEnum):
    PONG = 1
    CHANNEL_MESSAGE = 4
    DEFERRED_CHANNEL_MESSAGE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    AUTOCOMPLETE_RESULT = 8
    MODAL = 9
    LAUNCH_ACTIVITY = 12


@dataclass(frozen=True)
class RecordedFile:
    """One uploaded file from a multipart request (``files[n]`` form field)."""

    field: str
    filename: str
    content_type: str
    data: bytes


@dataclass
class StoredMessage:
    """A message as Discord stores it; live, so edits show up on the same object.

    ``revisions`` keeps every body the bot sent for it (create first, then each edit), and
    ``allowed_mentions`` is the last one sent, because that is what Discord applies.
    """

    id: int
    channel_id: int
    guild_id: int | None
    author: JSON
    source: str
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    flags: int = 0
    attachments: list[JSON] = field(default_factory=list)
    files: list[RecordedFile] = field(default_factory=list)
    allowed_mentions: JSON | None = None
    message_reference: JSON | None = None
    replied_user_id: int | None = None
    interaction: JSON | None = None
    webhook_id: int | None = None
    type: int = 0
    revisions: list[JSON] = field(default_factory=list)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    edited_at: datetime | None = None
    deleted: bool = False
    at: float = field(default_factory=time.monotonic)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & MessageFlag.EPHEMERAL)

    @property
    def loading(self) -> bool:
        """True while a deferred ("thinking") response has not been filled in yet."""
        return bool(self.flags & MessageFlag.LOADING)

    @property
    def pings(self) -> set[str]:
        """Who this message notifies (``"user:<id>"``, ``"role:<id>"``, ``"everyone"``)."""
        return pinged_targets(self.content, self.allowed_mentions, self.replied_user_id)

    @property
    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in walk_components(self.components) if "custom_id" in c]

    def apply(self, body: JSON, files: list[RecordedFile], new_attachments: list[JSON]) -> None:
        """Apply a create/edit body: only fields present change, as with Discord's PATCH."""
        self.revisions.append(body)
        if "content" in body:
            self.content = body["content"] or ""
        if "embeds" in body:
            self.embeds = body["embeds"] or []
        if "components" in body:
            self.components = body["components"] or []
        if "allowed_mentions" in body:
            self.allowed_mentions = body["allowed_mentions"]
        if "flags" in body and body["flags"] is not None:
            # Visibility is fixed when a message is created; edits cannot toggle it.
            fixed = MessageFlag.EPHEMERAL | MessageFlag.LOADING
            self.flags = (int(body["flags"]) & ~fixed) | (self.flags & fixed)
        if "attachments" in body:
            kept_ids = {str(a.get("id")) for a in body["attachments"] or []}
            self.attachments = [a for a in self.attachments if a["id"] in kept_ids]
        self.attachments.extend(new_attachments)
        self.files.extend(files)
        if "message_reference" in body:
            self.message_reference = body["message_reference"]

    def payload(self) -> JSON:
        """The message JSON discord.py turns into ``Message`` / ``InteractionMessage``."""
        payload: JSON = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.type,
            "author": self.author,
            "content": self.content,
            "timestamp": iso_timestamp(self.created_at),
            "edited_timestamp": None if self.edited_at is None else iso_timestamp(self.edited_at),
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.attachments,
            "embeds": self.embeds,
            "components": self.components,
            "pinned": False,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            payload["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            payload["webhook_id"] = str(self.webhook_id)
            payload["application_id"] = str(self.webhook_id)
        if self.interaction is not None:
            payload["interaction_metadata"] = self.interaction
        if self.message_reference is not None:
            payload["message_reference"] = self.message_reference
        return payload


@dataclass(frozen=True)
class InteractionCallback:
    """The initial response to an interaction (``POST /interactions/{id}/{token}/callback``)."""

    interaction_id: int
    type: CallbackType
    data: JSON
    files: tuple[RecordedFile, ...]
    at: float

    @property
    def content(self) -> str | None:
        return self.data.get("content")

    @property
    def embeds(self) -> list[JSON]:
        return self.data.get("embeds") or []

    @property
    def components(self) -> list[JSON]:
        return self.data.get("components") or []

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & MessageFlag.EPHEMERAL)

    @property
    def choices(self) -> list[JSON]:
        """Autocomplete suggestions (callback type 8)."""
        return self.data.get("choices") or []

    @property
    def allowed_mentions(self) -> JSON | None:
        return self.data.get("allowed_mentions")


class NoMessageError(AssertionError):
    """The interaction was answered in a way that never produces a message (modal, choices)."""


class InteractionRecord:
    """One interaction the fake dispatched, and everything the bot did with its token."""

    def __init__(self, payload: JSON, waiters: Waiters, source_message: StoredMessage | None) -> None:
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type = InteractionType(payload["type"])
        self.created_at = time.monotonic()
        self.source_message = source_message
        """The message whose component was used, for component (and some modal) interactions."""
        self.callbacks: list[InteractionCallback] = []
        self.original: StoredMessage | None = None
        self.original_edits = 0
        self.followups: list[StoredMessage] = []
        self._waiters = waiters

    def __repr__(self) -> str:
        kind, answered = self.type.name, len(self.callbacks)
        return f"<InteractionRecord id={self.id} type={kind} callbacks={answered}>"

    @property
    def user_id(self) -> int:
        user = self.payload.get("member", {}).get("user") or self.payload["user"]
        return int(user["id"])

    @property
    def channel_id(self) -> int:
        return int(self.payload["channel_id"])

    @property
    def acknowledged(self) -> bool:
        return bool(self.callbacks)

    @property
    def messages(self) -> list[StoredMessage]:
        """Messages this interaction created (response, then followups), without duplicates.

        The first followup after a defer *is* the original, and a component's own message
        (updated by type 6/7) was not created here, so both are filtered accordingly.
        """
        created = [self.original, *self.followups]
        unique = {id(m): m for m in created if m is not None and m is not self.source_message}
        return list(unique.values())

    @property
    def delivered(self) -> bool:
        """The member sees the reply: a message response, or a deferral filled in."""
        try:
            return self._final() is not None
        except NoMessageError:
            return bool(self.callbacks)

    async def response(self, timeout: float = DEFAULT_TIMEOUT) -> InteractionCallback:
        """The initial callback, whatever its type."""
        return await self._waiters.wait(
            lambda: self.callbacks[0] if self.callbacks else None,
            timeout,
            f"a response to {self!r}",
        )

    async def followup(self, index: int = 0, timeout: float = DEFAULT_TIMEOUT) -> StoredMessage:
        return await self._waiters.wait(
            lambda: self.followups[index] if len(self.followups) > index else None,
            timeout,
            f"followup #{index} of {self!r}",
        )

    async def final_message(self, timeout: float = DEFAULT_TIMEOUT) -> StoredMessage:
        """The message the user ends up seeing.

        Type 4/7 callbacks: that message. Deferred (5/6): the ``@original`` once edited, or
        the first followup, whichever comes first. Modals and autocomplete raise
        :class:`NoMessageError` immediately rather than time out.
        """
        return await self._waiters.wait(self._final, timeout, f"the final message of {self!r}")

    async def wait_until(
        self, predicate: Callable[[InteractionRecord], T | None], timeout: float = DEFAULT_TIMEOUT
    ) -> T:
        return await self._waiters.wait(lambda: predicate(self), timeout, f"condition on {self!r}")

    def _final(self) -> StoredMessage | None:
        if not self.callbacks:
            return None
        kind = self.callbacks[0].type
        if kind in (CallbackType.CHANNEL_MESSAGE, CallbackType.UPDATE_MESSAGE):
            return self.original
        if kind in (CallbackType.DEFERRED_CHANNEL_MESSAGE, CallbackType.DEFERRED_UPDATE_MESSAGE):
            if self.original is not None and self.original_edits:
                return self.original
            return self.followups[0] if self.followups else None
        raise NoMessageError(f"{self!r} was answered with {kind.name}, which shows no message")


@dataclass(frozen=True)
class RoleChange:
    guild_id: int
    user_id: int
    role_id: int
    action: str
    """``"add"`` or ``"remove"``."""
    reason: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class RequestRecord:
    """One REST request as the fake saw it (after multipart parsing)."""

    method: str
    path: str
    route: str | None
    """The matched route template (``/channels/{channel_id}/messages``), None if unknown."""
    query: dict[str, str]
    body: Any
    files: tuple[RecordedFile, ...]
    status: int
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Action:
    """A timeline entry: one thing the bot did, for ordering assertions across kinds."""

    kind: str
    """``message`` (new; see its ``source``), ``edit``, ``delete``, ``callback``,
    ``role_add``, ``role_remove``, ``dm_open``, ``commands`` (a sync), ``thread`` (created)
    or ``thread_member`` (``(thread, user_id)`` added)."""
    detail: Any
    at: float = field(default_factory=time.monotonic)
