"""The server half of the fake: world state, the REST API and the gateway glue.

One aiohttp application on 127.0.0.1 (random port) serves both the REST API under
``/api/v10`` and the gateway websocket, so discord.py only needs its base URLs patched
(see :mod:`.patching`). Handlers enforce the Discord rules a bot can trip over in real
life (permissions, role hierarchy, acknowledging an interaction twice, 3-second callback
deadline, followups before acknowledging) and record everything in :mod:`.recording`.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from aiohttp import BodyPartReader, hdrs, web

from .errors import ApiError, Errors, Injection, json_response
from .gateway import FakeGateway, GatewaySession, Intent
from .payloads import (
    API_VERSION,
    JSON,
    THREAD_ARCHIVE_MINUTES,
    ChannelType,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeThread,
    FakeUser,
    InteractionType,
    MessageFlag,
    OptionType,
    Permission,
    Snowflakes,
)
from .recording import (
    Action,
    CallbackType,
    InteractionCallback,
    InteractionRecord,
    RecordedFile,
    RequestRecord,
    RoleChange,
    StoredMessage,
    Waiters,
)

log = logging.getLogger(__name__)

API_PREFIX = f"/api/v{API_VERSION}"
UserLike = FakeUser | FakeMember
Handler = Callable[["ApiRequest"], Awaitable[web.StreamResponse]]

ALLOWED_CALLBACKS: dict[InteractionType, frozenset[CallbackType]] = {
    InteractionType.PING: frozenset({CallbackType.PONG}),
    InteractionType.APPLICATION_COMMAND: frozenset(
        {
            CallbackType.CHANNEL_MESSAGE,
            CallbackType.DEFERRED_CHANNEL_MESSAGE,
            CallbackType.MODAL,
            CallbackType.LAUNCH_ACTIVITY,
        }
    ),
    InteractionType.MESSAGE_COMPONENT: frozenset(
        {
            CallbackType.CHANNEL_MESSAGE,
            CallbackType.DEFERRED_CHANNEL_MESSAGE,
            CallbackType.DEFERRED_UPDATE_MESSAGE,
            CallbackType.UPDATE_MESSAGE,
            CallbackType.MODAL,
            CallbackType.LAUNCH_ACTIVITY,
        }
    ),
    InteractionType.AUTOCOMPLETE: frozenset({CallbackType.AUTOCOMPLETE_RESULT}),
    InteractionType.MODAL_SUBMIT: frozenset(
        {
            CallbackType.CHANNEL_MESSAGE,
            CallbackType.DEFERRED_CHANNEL_MESSAGE,
            CallbackType.DEFERRED_UPDATE_MESSAGE,
            CallbackType.UPDATE_MESSAGE,
        }
    ),
}
"""Which callback types Discord accepts for which interaction types."""

DM_APP_PERMISSIONS = int(
    Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
)

_TRUTHY = {"1", "true", "True"}
_COMMAND_NAME = re.compile(r"^[-_\w]{1,32}$")
_THREAD_TYPES = (ChannelType.PUBLIC_THREAD, ChannelType.PRIVATE_THREAD)


@dataclass
class ApiRequest:
    """A parsed REST request: JSON or ``payload_json`` body plus uploaded files."""

    method: str
    path: str
    route: str | None
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    files: list[RecordedFile]
    headers: Mapping[str, str]

    def int_param(self, name: str) -> int:
        return int(self.params[name])

    @property
    def json(self) -> JSON:
        return self.body if isinstance(self.body, dict) else {}

    @property
    def reason(self) -> str | None:
        raw = self.headers.get("X-Audit-Log-Reason")
        return None if raw is None else unquote(raw)


API_REQUEST = web.RequestKey("fake_discord_api_request", ApiRequest)


def command_problems(command: JSON) -> list[str]:
    """The validation Discord applies to application commands that bots most often violate."""
    problems: list[str] = []
    name = command.get("name", "")
    if command.get("type", 1) == 1:
        if not _COMMAND_NAME.match(name) or name != name.lower():
            problems.append(f"command name {name!r} must be 1-32 lowercase letters, digits, - or _")
        if not 1 <= len(command.get("description", "")) <= 100:
            problems.append(f"command {name!r} needs a 1-100 character description")
    elif not 1 <= len(name) <= 32:
        problems.append(f"context menu name {name!r} must be 1-32 characters")
    return problems + _option_problems(command.get("options", []), name)


def thread_problems(body: JSON) -> list[str]:
    """Discord's checks on ``POST /channels/{id}/threads`` (a thread without a message)."""
    problems = []
    if body.get("type", ChannelType.PRIVATE_THREAD) not in _THREAD_TYPES:
        problems.append(f"thread type {body.get('type')!r} must be 11 (public) or 12 (private)")
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        problems.append("thread name must be 1-100 characters")
    if body.get("auto_archive_duration", 1440) not in THREAD_ARCHIVE_MINUTES:
        problems.append(f"auto_archive_duration must be one of {THREAD_ARCHIVE_MINUTES}")
    slowmode = body.get("rate_limit_per_user") or 0
    if not isinstance(slowmode, int) or not 0 <= slowmode <= 21600:
        problems.append("rate_limit_per_user must be 0-21600 seconds")
    return problems


def _option_problems(options: list[JSON], where: str) -> list[str]:
    problems = [f"{where}: more than 25 options"] if len(options) > 25 else []
    seen_optional = False
    for option in options:
        name = option.get("name", "")
        label = f"{where}.{name}"
        if not _COMMAND_NAME.match(name) or name != name.lower():
            problems.append(f"option name {label!r} must be 1-32 lowercase letters, digits, - or _")
        if not 1 <= len(option.get("description", "")) <= 100:
            problems.append(f"option {label!r} needs a 1-100 character description")
        if len(option.get("choices") or []) > 25:
            problems.append(f"option {label!r} has more than 25 choices")
        if option.get("type") in (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP):
            problems += _option_problems(option.get("options", []), label)
        elif option.get("required"):
            if seen_optional:
                problems.append(f"required option {label!r} comes after an optional one")
        else:
            seen_optional = True
    return problems


class FakeDiscordServer:
    """World state plus the REST API discord.py talks to; :class:`.FakeDiscord` adds the test API.

    Split from the facade so route handlers (what Discord does) and test helpers (what a
    user does) can be read separately; both share this state.
    """

    # ---- lifecycle

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "IT PM Coach",
        heartbeat_interval: float = 2.0,
        callback_deadline: float | None = 3.0,
        shard_count: int = 1,
    ) -> None:
        self.ids = Snowflakes()
        self.token = token
        self.shard_count = shard_count
        """What ``GET /gateway/bot`` recommends; ``create_guild(shard=...)`` places guilds by it."""
        self.callback_deadline = callback_deadline
        """Seconds to answer an interaction before it is "Unknown interaction"; None disables."""
        self.waiters = Waiters()
        self.gateway = FakeGateway(self, self.waiters, heartbeat_interval=heartbeat_interval)

        self.users: dict[int, FakeUser] = {}
        self.guilds: dict[int, FakeGuild] = {}
        self.dm_channels: dict[int, FakeChannel] = {}
        self.closed_dms: dict[int, str] = {}
        self.bot_user = self.create_user(bot_name.lower().replace(" ", "-"), global_name=bot_name, bot=True)
        self.application_id = self.bot_user.id
        self.app_owner = self.create_user("app-owner")

        self.commands: dict[int | None, list[JSON]] = {None: []}
        """Registered application commands; key None holds the global ones."""
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.messages: dict[int, StoredMessage] = {}
        self.role_changes: list[RoleChange] = []
        self.requests: list[RequestRecord] = []
        self.unknown_requests: list[RequestRecord] = []
        self.internal_errors: list[Exception] = []
        """Exceptions raised by the fake's own handlers, i.e. bugs in the fake."""
        self.actions: list[Action] = []
        self.injections: list[Injection] = []
        self.attachment_data: dict[int, RecordedFile] = {}

        self.base_url = ""
        self._authenticated_routes: set[tuple[str, str | None]] = set()
        self._catch_all: web.AbstractResource | None = None
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Serve on a random free loopback port."""
        app = web.Application(middlewares=[self._middleware])
        for path in ("/gateway", "/gateway-resume"):
            app.router.add_get(path, self.gateway.handle)
        app.router.add_get("/attachments/{attachment_id}/{filename}", self._serve_attachment)
        for method, route, handler, needs_auth in self._routes():
            app.router.add_route(method, API_PREFIX + route, self._adapt(handler))
            if needs_auth:
                self._authenticated_routes.add((method, route))
        catch_all = app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._adapt(self._unknown_route))
        self._catch_all = catch_all.resource

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    async def stop(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def gateway_url(self) -> str:
        return self._ws_url("/gateway")

    def _ws_url(self, path: str) -> str:
        return self.base_url.replace("http://", "ws://", 1) + path

    # ---- state shared with the facade

    def create_user(self, username: str, *, global_name: str | None = None, bot: bool = False) -> FakeUser:
        user = FakeUser(id=self.ids.next(), username=username, global_name=global_name, bot=bot)
        self.users[user.id] = user
        return user

    def dm_channel(self, user: UserLike) -> FakeChannel:
        fake_user = user_of(user)
        channel = self.dm_channels.get(fake_user.id)
        if channel is None:
            channel = FakeChannel(id=self.ids.next(), name="", type=ChannelType.DM, recipients=[fake_user])
            self.dm_channels[fake_user.id] = channel
        return channel

    def _act(self, kind: str, detail: Any) -> None:
        self.actions.append(Action(kind, detail))
        self.waiters.notify()

    # ---- gateway glue

    def ready_payload(self, session: GatewaySession) -> JSON:
        return {
            "v": API_VERSION,
            "user": self._me(),
            "guilds": [
                {"id": str(guild_id), "unavailable": True}
                for guild_id in self.guilds
                if session.owns(guild_id)
            ],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._ws_url("/gateway-resume"),
            "shard": session.shard,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "auth": {},
            "geo_ordered_rtc_regions": [],
        }

    def guild_create_payloads(self, session: GatewaySession) -> list[JSON]:
        return [
            self._guild_create(guild, session) for guild in self.guilds.values() if session.owns(guild.id)
        ]

    def _guild_create(self, guild: FakeGuild, session: GatewaySession) -> JSON:
        """Without the members intent Discord only sends the bot's own member."""
        if session.has_intent(Intent.GUILD_MEMBERS):
            members: Iterable[FakeMember] = guild.members.values()
        else:
            members = [guild.members[self.bot_user.id]]
        return guild.payload(members, viewer_id=self.bot_user.id)

    def member_chunks(self, request: JSON, session: GatewaySession) -> list[JSON]:
        guild = self.guilds[int(request["guild_id"])]
        wanted = {int(u) for u in request.get("user_ids") or []}
        query = (request.get("query") or "").lower()
        members = [
            m
            for m in guild.members.values()
            if (m.id in wanted if wanted else m.user.username.lower().startswith(query))
        ]
        limit = request.get("limit") or 0
        return [
            {
                "guild_id": str(guild.id),
                "members": [m.payload() for m in (members[:limit] if limit else members)],
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [str(u) for u in wanted - set(guild.members)],
                "nonce": request.get("nonce"),
            }
        ]

    # ---- REST plumbing

    def _routes(self) -> list[tuple[str, str, Handler, bool]]:
        """(method, route template, handler, needs bot token) for every implemented route."""
        messages = "/channels/{channel_id}/messages/{message_id}"
        member = "/guilds/{guild_id}/members/{user_id}"
        webhook = "/webhooks/{application_id}/{token}"
        return [
            ("GET", "/gateway", self._get_gateway, False),
            ("GET", "/gateway/bot", self._get_gateway, True),
            ("GET", "/users/@me", self._get_me, True),
            ("GET", "/users/{user_id}", self._get_user, True),
            ("POST", "/users/@me/channels", self._open_dm, True),
            ("GET", "/oauth2/applications/@me", self._get_application, True),
            ("GET", "/applications/@me", self._get_application, True),
            *[
                (method, prefix + suffix, handler, True)
                for prefix in (
                    "/applications/{application_id}",
                    "/applications/{application_id}/guilds/{guild_id}",
                )
                for method, suffix, handler in (
                    ("GET", "/commands", self._list_commands),
                    ("PUT", "/commands", self._bulk_overwrite_commands),
                    ("POST", "/commands", self._upsert_command),
                    ("GET", "/commands/{command_id}", self._get_command),
                    ("DELETE", "/commands/{command_id}", self._delete_command),
                )
            ],
            (
                "POST",
                "/interactions/{interaction_id}/{token}/callback",
                self._interaction_callback,
                False,
            ),
            ("POST", webhook, self._execute_webhook, False),
            ("GET", webhook + "/messages/{message_id}", self._get_webhook_message, False),
            ("PATCH", webhook + "/messages/{message_id}", self._edit_webhook_message, False),
            ("DELETE", webhook + "/messages/{message_id}", self._delete_webhook_message, False),
            ("GET", "/channels/{channel_id}", self._get_channel, True),
            ("POST", "/channels/{channel_id}/messages", self._create_message, True),
            ("POST", "/channels/{channel_id}/typing", self._no_content, True),
            ("POST", "/channels/{channel_id}/threads", self._create_thread, True),
            (
                "PUT",
                "/channels/{channel_id}/thread-members/{user_id}",
                self._add_thread_member,
                True,
            ),
            ("GET", "/channels/{channel_id}/messages", self._channel_history, True),
            ("GET", messages, self._get_message, True),
            ("PATCH", messages, self._edit_message, True),
            ("DELETE", messages, self._delete_message, True),
            ("GET", "/guilds/{guild_id}", self._get_guild, True),
            ("GET", "/guilds/{guild_id}/roles", self._get_roles, True),
            ("GET", "/guilds/{guild_id}/channels", self._get_guild_channels, True),
            ("GET", member, self._get_member, True),
            ("PATCH", member, self._edit_member, True),
            ("PUT", member + "/roles/{role_id}", self._add_member_role, True),
            ("DELETE", member + "/roles/{role_id}", self._remove_member_role, True),
        ]

    def _adapt(self, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def aiohttp_handler(request: web.Request) -> web.StreamResponse:
            return await handler(request[API_REQUEST])

        return aiohttp_handler

    @web.middleware
    async def _middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        """Parse, authenticate, inject errors, run the handler, record — for every API call."""
        if not request.path.startswith(API_PREFIX + "/"):
            return await handler(request)
        api = await self._parse(request)
        request[API_REQUEST] = api
        try:
            if (api.method, api.route) in self._authenticated_routes:
                self._check_auth(request)
            for injection in self.injections:
                if injection.matches(api):
                    await injection.apply()
            response = await handler(request)
        except ApiError as exc:
            response = exc.response()
        except Exception as exc:
            log.exception("fake discord crashed on %s %s", api.method, api.path)
            self.internal_errors.append(exc)
            response = Errors.FAKE_CRASHED.exception(repr(exc)).response()
        record = RequestRecord(
            api.method, api.path, api.route, api.query, api.body, tuple(api.files), response.status
        )
        self.requests.append(record)
        if api.route is None:
            log.warning("fake discord: unknown route %s %s", api.method, api.path)
            self.unknown_requests.append(record)
        self.waiters.notify()
        return response

    async def _parse(self, request: web.Request) -> ApiRequest:
        body: Any = None
        files: list[RecordedFile] = []
        if request.content_type == "multipart/form-data":
            async for part in await request.multipart():
                if not isinstance(part, BodyPartReader):
                    continue
                if part.filename is not None:
                    content_type = part.headers.get(hdrs.CONTENT_TYPE, "application/octet-stream")
                    files.append(
                        RecordedFile(part.name or "", part.filename, content_type, bytes(await part.read()))
                    )
                elif part.name == "payload_json":
                    body = json.loads(await part.text())
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        resource = request.match_info.route.resource
        known = resource is not None and resource is not self._catch_all
        route = resource.canonical[len(API_PREFIX) :] if known and resource else None
        return ApiRequest(
            method=request.method,
            path=request.path[len(API_PREFIX) :],
            route=route,
            params=dict(request.match_info),
            query=dict(request.query),
            body=body,
            files=files,
            headers=request.headers,
        )

    def _check_auth(self, request: web.Request) -> None:
        if request.headers.get("Authorization") != f"Bot {self.token}":
            raise Errors.UNAUTHORIZED.exception()

    @staticmethod
    def _json(data: Any, status: int = 200) -> web.Response:
        return json_response(data, status)

    async def _no_content(self, api: ApiRequest) -> web.Response:
        return web.Response(status=204)

    async def _unknown_route(self, api: ApiRequest) -> web.Response:
        raise Errors.NOT_FOUND.exception(f"{api.method} {api.path} is not implemented by the fake")

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        stored = self.attachment_data.get(int(request.match_info["attachment_id"]))
        if stored is None:
            raise web.HTTPNotFound()
        return web.Response(body=stored.data, content_type=stored.content_type)

    def _me(self) -> JSON:
        return {
            **self.bot_user.payload(),
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
        }

    def _guild(self, api: ApiRequest) -> FakeGuild:
        guild = self.guilds.get(api.int_param("guild_id"))
        if guild is None:
            raise Errors.UNKNOWN_GUILD.exception()
        return guild

    def _guild_member(self, api: ApiRequest) -> tuple[FakeGuild, FakeMember]:
        guild = self._guild(api)
        member = guild.members.get(api.int_param("user_id"))
        if member is None:
            raise Errors.UNKNOWN_MEMBER.exception()
        return guild, member

    def _channel(self, channel_id: int) -> tuple[FakeChannel, FakeGuild | None]:
        for guild in self.guilds.values():
            if channel_id in guild.channels:
                return guild.channels[channel_id], guild
        for channel in self.dm_channels.values():
            if channel.id == channel_id:
                return channel, None
        raise Errors.UNKNOWN_CHANNEL.exception()

    def _channel_message(self, api: ApiRequest) -> tuple[StoredMessage, FakeChannel, FakeGuild | None]:
        channel, guild = self._channel(api.int_param("channel_id"))
        message = self.messages.get(api.int_param("message_id"))
        if message is None or message.deleted or message.channel_id != channel.id:
            raise Errors.UNKNOWN_MESSAGE.exception()
        return message, channel, guild

    def _require_thread_access(self, guild: FakeGuild | None, channel: FakeChannel) -> None:
        """A private thread the bot neither joined nor moderates is invisible to it."""
        if (
            guild is not None
            and isinstance(channel, FakeThread)
            and not guild.can_see_thread(self.bot_user.id, channel)
        ):
            raise Errors.MISSING_ACCESS.exception("the bot cannot see this thread")

    def _require_bot_permission(
        self, guild: FakeGuild | None, channel: FakeChannel | None, needed: int
    ) -> None:
        if guild is None:
            return
        granted = guild.permissions_for(self.bot_user.id, None if channel is None else channel.id)
        if granted & needed != needed:
            raise Errors.MISSING_PERMISSIONS.exception(f"bot lacks {Permission(needed & ~granted)!r}")

    def _new_message(
        self,
        channel: FakeChannel,
        author: FakeUser,
        body: JSON,
        files: list[RecordedFile],
        *,
        source: str,
        interaction: InteractionRecord | None = None,
        extra_flags: int = 0,
    ) -> StoredMessage:
        """The single place messages are born, whichever route created them."""
        message = StoredMessage(
            id=self.ids.next(),
            channel_id=channel.id,
            guild_id=channel.guild_id,
            author=author.payload(),
            source=source,
            flags=extra_flags | (int(body.get("flags") or 0) & MessageFlag.EPHEMERAL),
        )
        if interaction is not None:
            message.webhook_id = self.application_id
            message.interaction = {
                "id": str(interaction.id),
                "type": int(interaction.type),
                "user": self.users[interaction.user_id].payload(),
                "authorizing_integration_owners": interaction.payload["authorizing_integration_owners"],
            }
            is_command_reply = (
                source == "callback" and interaction.type == InteractionType.APPLICATION_COMMAND
            )
            message.type = 20 if is_command_reply else 0
        message.apply(body, files, self._store_attachments(files))
        reference = body.get("message_reference")
        if reference and reference.get("message_id"):
            referenced = self.messages.get(int(reference["message_id"]))
            message.replied_user_id = None if referenced is None else int(referenced.author["id"])
            message.type = 19
        self.messages[message.id] = message
        if isinstance(channel, FakeThread):
            channel.message_count += 1
            channel.last_message_id = message.id
        self._act("message", message)
        return message

    def _edit(self, message: StoredMessage, body: JSON, files: list[RecordedFile]) -> StoredMessage:
        message.apply(body, files, self._store_attachments(files))
        message.edited_at = datetime.now(UTC)
        self._act("edit", message)
        return message

    def _delete(self, message: StoredMessage) -> web.Response:
        message.deleted = True
        self._act("delete", message)
        return web.Response(status=204)

    def _store_attachments(self, files: list[RecordedFile]) -> list[JSON]:
        attachments = []
        for file in files:
            attachment_id = self.ids.next()
            self.attachment_data[attachment_id] = file
            url = f"{self.base_url}/attachments/{attachment_id}/{file.filename}"
            attachments.append(
                {
                    "id": str(attachment_id),
                    "filename": file.filename,
                    "size": len(file.data),
                    "url": url,
                    "proxy_url": url,
                    "content_type": file.content_type,
                }
            )
        return attachments

    async def _get_gateway(self, api: ApiRequest) -> web.Response:
        limits = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return self._json(
            {"url": self.gateway_url, "shards": self.shard_count, "session_start_limit": limits}
        )

    async def _get_me(self, api: ApiRequest) -> web.Response:
        return self._json(self._me())

    async def _get_user(self, api: ApiRequest) -> web.Response:
        user = self.users.get(api.int_param("user_id"))
        if user is None:
            raise Errors.UNKNOWN_USER.exception()
        return self._json(user.payload())

    async def _get_application(self, api: ApiRequest) -> web.Response:
        return self._json(
            {
                "id": str(self.application_id),
                "name": self.bot_user.global_name or self.bot_user.username,
                "description": "",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.app_owner.payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "bot": self.bot_user.payload(),
                "redirect_uris": [],
                "interactions_endpoint_url": None,
            }
        )

    async def _open_dm(self, api: ApiRequest) -> web.Response:
        user = self.users.get(int(api.json.get("recipient_id", 0)))
        if user is None:
            raise Errors.UNKNOWN_USER.exception()
        if self.closed_dms.get(user.id) == "open":
            raise Errors.CANNOT_DM.exception()
        channel = self.dm_channel(user)
        self._act("dm_open", channel)
        return self._json(channel.payload())

    def _command_list(self, api: ApiRequest) -> list[JSON]:
        if int(api.params["application_id"]) != self.application_id:
            raise Errors.MISSING_ACCESS.exception("wrong application id")
        if "guild_id" not in api.params:
            return self.commands[None]
        guild = self._guild(api)
        return self.commands.setdefault(guild.id, [])

    def _stored_command(self, api: ApiRequest, command: JSON, existing: list[JSON]) -> JSON:
        """Give a command its id (kept across re-syncs of the same name, as Discord does)."""
        problems = command_problems(command)
        if problems:
            raise Errors.INVALID_FORM_BODY.exception(
                "; ".join(problems),
                {
                    command.get("name", "?"): {
                        "_errors": [{"code": "INVALID_COMMAND", "message": p} for p in problems]
                    }
                },
            )
        kind = command.get("type", 1)
        previous = next((c for c in existing if c["name"] == command["name"] and c["type"] == kind), None)
        stored: JSON = {
            "description": "",
            "options": [],
            "default_member_permissions": None,
            "nsfw": False,
            **command,
            "id": previous["id"] if previous else str(self.ids.next()),
            "application_id": str(self.application_id),
            "type": kind,
            "version": str(self.ids.next()),
        }
        if "guild_id" in api.params:
            stored["guild_id"] = api.params["guild_id"]
        return stored

    async def _list_commands(self, api: ApiRequest) -> web.Response:
        return self._json(self._command_list(api))

    async def _bulk_overwrite_commands(self, api: ApiRequest) -> web.Response:
        existing = self._command_list(api)
        names = [(c.get("name"), c.get("type", 1)) for c in api.body or []]
        if len(names) != len(set(names)):
            raise Errors.INVALID_FORM_BODY.exception("duplicate command names")
        stored = [self._stored_command(api, command, existing) for command in api.body or []]
        existing[:] = stored
        self._act("commands", stored)
        return self._json(stored)

    async def _upsert_command(self, api: ApiRequest) -> web.Response:
        existing = self._command_list(api)
        stored = self._stored_command(api, api.json, existing)
        existing[:] = [c for c in existing if c["id"] != stored["id"]] + [stored]
        self._act("commands", [stored])
        return self._json(stored, status=201)

    def _find_command(self, api: ApiRequest) -> tuple[list[JSON], JSON]:
        existing = self._command_list(api)
        command = next((c for c in existing if c["id"] == api.params["command_id"]), None)
        if command is None:
            raise Errors.UNKNOWN_COMMAND.exception()
        return existing, command

    async def _get_command(self, api: ApiRequest) -> web.Response:
        return self._json(self._find_command(api)[1])

    async def _delete_command(self, api: ApiRequest) -> web.Response:
        existing, command = self._find_command(api)
        existing.remove(command)
        return web.Response(status=204)

    def _interaction_for(self, api: ApiRequest) -> InteractionRecord:
        record = self.interactions.get(api.int_param("interaction_id"))
        if record is None or record.token != api.params["token"]:
            raise Errors.UNKNOWN_INTERACTION.exception()
        return record

    async def _interaction_callback(self, api: ApiRequest) -> web.Response:
        record = self._interaction_for(api)
        late = (
            self.callback_deadline is not None
            and time.monotonic() - record.created_at > self.callback_deadline
        )
        if late:
            raise Errors.UNKNOWN_INTERACTION.exception(f"answered after {self.callback_deadline}s")
        if record.acknowledged:
            raise Errors.ALREADY_ACKNOWLEDGED.exception()
        try:
            kind = CallbackType(api.json.get("type"))
        except ValueError:
            raise Errors.INVALID_FORM_BODY.exception(
                f"unknown callback type {api.json.get('type')}"
            ) from None
        if kind not in ALLOWED_CALLBACKS[record.type]:
            raise Errors.INVALID_FORM_BODY.exception(
                f"{record.type.name} cannot be answered with {kind.name}"
            )
        data = api.json.get("data") or {}
        channel = self._channel(record.channel_id)[0]

        message: StoredMessage | None = None
        if kind == CallbackType.CHANNEL_MESSAGE:
            message = self._new_message(
                channel, self.bot_user, data, api.files, source="callback", interaction=record
            )
        elif kind == CallbackType.DEFERRED_CHANNEL_MESSAGE:
            message = self._new_message(
                channel,
                self.bot_user,
                {"flags": data.get("flags", 0)},
                [],
                source="callback",
                interaction=record,
                extra_flags=MessageFlag.LOADING,
            )
        elif kind in (CallbackType.DEFERRED_UPDATE_MESSAGE, CallbackType.UPDATE_MESSAGE):
            message = record.source_message
            if message is None:
                raise Errors.INVALID_FORM_BODY.exception(f"{kind.name} needs a message to update")
            if kind == CallbackType.UPDATE_MESSAGE:
                self._edit(message, data, api.files)

        record.original = message
        callback = InteractionCallback(record.id, kind, data, tuple(api.files), time.monotonic())
        record.callbacks.append(callback)
        self._act("callback", callback)
        if api.query.get("with_response") not in _TRUTHY:
            return web.Response(status=204)
        return self._json(self._callback_response(record, kind, message))

    @staticmethod
    def _callback_response(
        record: InteractionRecord, kind: CallbackType, message: StoredMessage | None
    ) -> JSON:
        """The ``?with_response=1`` body; discord.py 2.7 always asks for it."""
        interaction: JSON = {"id": str(record.id), "type": int(record.type)}
        resource: JSON = {"type": int(kind)}
        shows_message = kind in (
            CallbackType.CHANNEL_MESSAGE,
            CallbackType.DEFERRED_CHANNEL_MESSAGE,
            CallbackType.UPDATE_MESSAGE,
        )
        if message is not None and shows_message:
            interaction.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
            resource["message"] = message.payload()
        return {"interaction": interaction, "resource": resource}

    def _webhook_interaction(self, api: ApiRequest) -> InteractionRecord:
        """Interaction webhooks exist only once the interaction has been acknowledged."""
        record = self.interactions_by_token.get(api.params["token"])
        if (
            record is None
            or int(api.params["application_id"]) != self.application_id
            or not record.acknowledged
        ):
            raise Errors.UNKNOWN_WEBHOOK.exception()
        return record

    def _webhook_message(self, api: ApiRequest) -> tuple[InteractionRecord, StoredMessage]:
        record = self._webhook_interaction(api)
        message_id = api.params["message_id"]
        if message_id == "@original":
            message = record.original
        else:
            candidates = [record.original, *record.followups]
            message = next((m for m in candidates if m is not None and str(m.id) == message_id), None)
        if message is None or message.deleted:
            raise Errors.UNKNOWN_MESSAGE.exception()
        return record, message

    async def _execute_webhook(self, api: ApiRequest) -> web.Response:
        record = self._webhook_interaction(api)
        original = record.original
        if (
            original is not None
            and original.loading
            and not original.deleted
            and original is not record.source_message
        ):
            # Discord: the first followup after a "thinking" defer fills in the loading
            # message, and its visibility was fixed by the defer (the ``flags`` 64 of the
            # followup is ignored). A classic source of "why is this not ephemeral?" bugs.
            # Once that message is deleted, a followup is a message of its own.
            message = self._fill_original(record, api.json, api.files)
        else:
            channel = self._channel(record.channel_id)[0]
            message = self._new_message(
                channel, self.bot_user, api.json, api.files, source="followup", interaction=record
            )
        record.followups.append(message)
        self.waiters.notify()
        if api.query.get("wait") in _TRUTHY:
            return self._json(message.payload())
        return web.Response(status=204)

    async def _get_webhook_message(self, api: ApiRequest) -> web.Response:
        return self._json(self._webhook_message(api)[1].payload())

    async def _edit_webhook_message(self, api: ApiRequest) -> web.Response:
        record, message = self._webhook_message(api)
        if message is record.original:
            return self._json(self._fill_original(record, api.json, api.files).payload())
        return self._json(self._edit(message, api.json, api.files).payload())

    def _fill_original(
        self, record: InteractionRecord, body: JSON, files: list[RecordedFile]
    ) -> StoredMessage:
        """Edit ``@original``, which also ends a deferred response's loading state."""
        original = record.original
        assert original is not None
        original.flags &= ~MessageFlag.LOADING
        record.original_edits += 1
        return self._edit(original, body, files)

    async def _delete_webhook_message(self, api: ApiRequest) -> web.Response:
        return self._delete(self._webhook_message(api)[1])

    async def _get_channel(self, api: ApiRequest) -> web.Response:
        channel, guild = self._channel(api.int_param("channel_id"))
        self._require_thread_access(guild, channel)
        return self._json(channel.payload())

    async def _create_message(self, api: ApiRequest) -> web.Response:
        channel, guild = self._channel(api.int_param("channel_id"))
        if channel.type == ChannelType.DM:
            if self.closed_dms.get(channel.recipients[0].id) is not None:
                raise Errors.CANNOT_DM.exception()
        else:
            self._require_thread_access(guild, channel)
            needed = Permission.VIEW_CHANNEL | (
                Permission.SEND_MESSAGES_IN_THREADS
                if isinstance(channel, FakeThread)
                else Permission.SEND_MESSAGES
            )
            if api.files:
                needed |= Permission.ATTACH_FILES
            self._require_bot_permission(guild, channel, needed)
        message = self._new_message(channel, self.bot_user, api.json, api.files, source="message")
        intent = Intent.DIRECT_MESSAGES if guild is None else Intent.GUILD_MESSAGES
        self.gateway.dispatch_if(intent, "MESSAGE_CREATE", message.payload())
        return self._json(message.payload())

    async def _create_thread(self, api: ApiRequest) -> web.Response:
        """Start a thread without a message; the bot becomes its owner and first member."""
        parent, guild = self._channel(api.int_param("channel_id"))
        if guild is None or parent.type != ChannelType.TEXT:
            raise Errors.INVALID_CHANNEL_TYPE.exception("threads without a message need a text channel")
        body = api.json
        problems = thread_problems(body)
        if problems:
            raise Errors.INVALID_FORM_BODY.exception("; ".join(problems))
        kind = body.get("type", ChannelType.PRIVATE_THREAD)
        create = (
            Permission.CREATE_PRIVATE_THREADS
            if kind == ChannelType.PRIVATE_THREAD
            else Permission.CREATE_PUBLIC_THREADS
        )
        self._require_bot_permission(guild, parent, Permission.VIEW_CHANNEL | create)
        thread = guild.add_thread(
            parent,
            body["name"],
            owner_id=self.bot_user.id,
            type=kind,
            invitable=bool(body.get("invitable", True)),
            auto_archive_duration=body.get("auto_archive_duration", 1440),
            rate_limit_per_user=body.get("rate_limit_per_user") or 0,
        )
        self._act("thread", thread)
        self.gateway.dispatch_if(Intent.GUILDS, "THREAD_CREATE", {**thread.payload(), "newly_created": True})
        return self._json(thread.payload(), status=201)

    async def _add_thread_member(self, api: ApiRequest) -> web.Response:
        """Add a guild member (or ``@me``) to a thread; on a private thread that is not
        ``invitable`` only its owner or a MANAGE_THREADS holder may add others."""
        thread, guild = self._channel(api.int_param("channel_id"))
        if guild is None or not isinstance(thread, FakeThread):
            raise Errors.INVALID_CHANNEL_TYPE.exception("not a thread")
        self._require_thread_access(guild, thread)
        raw_user = api.params["user_id"]
        user_id = self.bot_user.id if raw_user == "@me" else int(raw_user)
        if user_id not in guild.members:
            raise Errors.UNKNOWN_MEMBER.exception()
        if user_id != self.bot_user.id:
            self._require_bot_permission(
                guild, thread, Permission.VIEW_CHANNEL | Permission.SEND_MESSAGES_IN_THREADS
            )
            if thread.private and not thread.invitable and thread.owner_id != self.bot_user.id:
                self._require_bot_permission(guild, thread, Permission.MANAGE_THREADS)
        if thread.add_member(user_id):
            self._act("thread_member", (thread, user_id))
            # Without the members intent Discord only reports the bot's own joins.
            self.gateway.dispatch_if(
                Intent.GUILDS if user_id == self.bot_user.id else Intent.GUILD_MEMBERS,
                "THREAD_MEMBERS_UPDATE",
                {
                    "id": str(thread.id),
                    "guild_id": str(guild.id),
                    "member_count": len(thread.members),
                    "added_members": [thread.member_payload(user_id)],
                },
            )
        return web.Response(status=204)

    async def _channel_history(self, api: ApiRequest) -> web.Response:
        """Newest first, honouring ``limit``/``before``/``after`` like ``channel.history()``."""
        channel, guild = self._channel(api.int_param("channel_id"))
        self._require_bot_permission(
            guild, channel, Permission.VIEW_CHANNEL | Permission.READ_MESSAGE_HISTORY
        )
        before = int(api.query.get("before", 1 << 63))
        after = int(api.query.get("after", 0))
        visible = [
            m
            for m in self.messages.values()
            if m.channel_id == channel.id and not m.deleted and not m.ephemeral and after < m.id < before
        ]
        limit = int(api.query.get("limit", 50))
        return self._json([m.payload() for m in sorted(visible, key=lambda m: -m.id)[:limit]])

    async def _get_message(self, api: ApiRequest) -> web.Response:
        return self._json(self._channel_message(api)[0].payload())

    async def _edit_message(self, api: ApiRequest) -> web.Response:
        message = self._channel_message(api)[0]
        if int(message.author["id"]) != self.bot_user.id:
            raise Errors.CANNOT_EDIT_OTHERS.exception()
        return self._json(self._edit(message, api.json, api.files).payload())

    async def _delete_message(self, api: ApiRequest) -> web.Response:
        message, channel, guild = self._channel_message(api)
        if int(message.author["id"]) != self.bot_user.id:
            self._require_bot_permission(guild, channel, Permission.MANAGE_MESSAGES)
        return self._delete(message)

    async def _get_guild(self, api: ApiRequest) -> web.Response:
        guild = self._guild(api)
        payload = guild.payload(members=[])
        payload.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
        return self._json(payload)

    async def _get_roles(self, api: ApiRequest) -> web.Response:
        return self._json([role.payload() for role in self._guild(api).roles.values()])

    async def _get_guild_channels(self, api: ApiRequest) -> web.Response:
        return self._json([channel.payload() for channel in self._guild(api).non_thread_channels])

    async def _get_member(self, api: ApiRequest) -> web.Response:
        return self._json(self._guild_member(api)[1].payload())

    async def _edit_member(self, api: ApiRequest) -> web.Response:
        guild, member = self._guild_member(api)
        body = api.json
        if "roles" in body:
            wanted = [int(r) for r in body["roles"] or []]
            unknown = [r for r in wanted if r not in guild.roles]
            if unknown:
                raise Errors.UNKNOWN_ROLE.exception(str(unknown))
            changes = [(guild.roles[r], "add") for r in wanted if r not in member.role_ids]
            changes += [(guild.roles[r], "remove") for r in member.role_ids if r not in wanted]
            for role, _ in changes:  # all-or-nothing, like Discord
                self._check_role_assignable(guild, role)
            for role, action in changes:
                self._change_role(guild, member, role, action, api.reason)
        if "nick" in body:
            own = member.id == self.bot_user.id
            needed = Permission.CHANGE_NICKNAME if own else Permission.MANAGE_NICKNAMES
            self._require_bot_permission(guild, None, needed)
            member.nick = body["nick"]
        return self._json(member.payload())

    async def _add_member_role(self, api: ApiRequest) -> web.Response:
        return self._member_role(api, "add")

    async def _remove_member_role(self, api: ApiRequest) -> web.Response:
        return self._member_role(api, "remove")

    def _member_role(self, api: ApiRequest, action: str) -> web.Response:
        guild, member = self._guild_member(api)
        role = guild.roles.get(api.int_param("role_id"))
        if role is None:
            raise Errors.UNKNOWN_ROLE.exception()
        self._check_role_assignable(guild, role)
        self._change_role(guild, member, role, action, api.reason)
        return web.Response(status=204)

    def _check_role_assignable(self, guild: FakeGuild, role: FakeRole) -> None:
        """Discord's checks: MANAGE_ROLES, not managed/@everyone, below the bot's top role."""
        self._require_bot_permission(guild, None, Permission.MANAGE_ROLES)
        if role.managed or role.id == guild.id:
            raise Errors.INVALID_ROLE.exception(f"{role.name!r} cannot be assigned")
        if self.bot_user.id != guild.owner_id and role.position >= guild.top_role_position(self.bot_user.id):
            raise Errors.MISSING_PERMISSIONS.exception(f"{role.name!r} is not below the bot's top role")

    def _change_role(
        self, guild: FakeGuild, member: FakeMember, role: FakeRole, action: str, reason: str | None
    ) -> None:
        """Apply and record one (already checked) role change."""
        if action == "add" and role.id not in member.role_ids:
            member.role_ids.append(role.id)
        elif action == "remove" and role.id in member.role_ids:
            member.role_ids.remove(role.id)
        change = RoleChange(guild.id, member.id, role.id, action, reason)
        self.role_changes.append(change)
        self._act(f"role_{action}", change)
        self.gateway.dispatch_if(
            Intent.GUILD_MEMBERS,
            "GUILD_MEMBER_UPDATE",
            {**member.payload(), "guild_id": str(guild.id)},
        )


def user_of(user: UserLike) -> FakeUser:
    """Tests pass members or users interchangeably; the API mostly needs the user."""
    return user.user if isinstance(user, FakeMember) else user
