"""``FakeDiscord``: the test-facing half of the fake.

Everything here is something a *user* (or the test author) does: build guilds and members,
start the bot, type slash commands, click buttons, submit modals, break the connection,
inject errors, and wait for the bot's reactions. What *Discord* does in response lives in
:mod:`.server`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import discord

from .errors import DiscordError, Errors, Injection
from .gateway import Intent
from .patching import patch_discord
from .payloads import (
    BOT_ROLE_POSITION,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    JSON,
    MODERATOR_PERMISSIONS,
    ComponentType,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeThread,
    FakeUser,
    InteractionType,
    OptionType,
    Resolver,
    build_command_options,
    component_data,
    find_component,
    interaction_payload,
    modal_submit_data,
    text_inputs_modal,
)
from .recording import DEFAULT_TIMEOUT, CallbackType, InteractionRecord, StoredMessage
from .server import DM_APP_PERMISSIONS, ApiRequest, FakeDiscordServer, UserLike, user_of

ClientT = TypeVar("ClientT", bound=discord.Client)
T = TypeVar("T")

SELECT_OPTION_TYPES = {
    ComponentType.USER_SELECT: OptionType.USER,
    ComponentType.ROLE_SELECT: OptionType.ROLE,
    ComponentType.MENTIONABLE_SELECT: OptionType.MENTIONABLE,
    ComponentType.CHANNEL_SELECT: OptionType.CHANNEL,
}
"""Which world objects an entity select's values resolve to."""


class FakeDiscord(FakeDiscordServer):
    """A local Discord for end-to-end tests of a real discord.py bot.

    Build the world (:meth:`create_guild`, :meth:`create_member`), enter the object as an
    async context manager (starts the server and patches discord.py), run the bot with
    :meth:`run_bot`, then drive it with :meth:`slash`, :meth:`click`, :meth:`select`,
    :meth:`autocomplete`, :meth:`submit_modal` and inspect what it did.
    """

    def __init__(
        self,
        *,
        token: str = "fake-bot-token",
        bot_name: str = "IT PM Coach",
        heartbeat_interval: float = 2.0,
        callback_deadline: float | None = 3.0,
        require_registered_commands: bool = False,
        internet_guard: bool = True,
        shard_count: int = 1,
    ) -> None:
        super().__init__(
            token=token,
            bot_name=bot_name,
            heartbeat_interval=heartbeat_interval,
            callback_deadline=callback_deadline,
            shard_count=shard_count,
        )
        self.require_registered_commands = require_registered_commands
        """Refuse to invoke commands the bot never synced (off by default: many bots only
        sync from a CLI, and their tests should not have to)."""
        self.internet_guard = internet_guard
        self._exit_stack = contextlib.ExitStack()

    # ---- lifecycle

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        self._exit_stack.enter_context(
            patch_discord(self.base_url, self.gateway_url, internet_guard=self.internet_guard)
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._exit_stack.close()
        await self.stop()

    @contextlib.asynccontextmanager
    async def run_bot(
        self,
        bot: ClientT,
        *,
        timeout: float = 10.0,
        wait_until_ready: bool = True,
        fast: bool = True,
    ) -> AsyncIterator[ClientT]:
        """Run ``bot.start()`` against the fake for the duration of the block.

        Waits until the client processed READY and every GUILD_CREATE (and, by default,
        dispatched ``on_ready``). Closes the bot on exit and re-raises anything the bot's
        task died of.

        ``fast`` removes two sleeps discord.py does for the real Discord's sake: the 2 s
        ``guild_ready_timeout`` of silence it waits for after the last GUILD_CREATE (50 ms
        here, as loopback delivers every GUILD_CREATE at once), and the 5 s pause of the
        default ``before_identify_hook`` before re-IDENTIFYing (kept if the bot overrides it).
        """
        if fast:
            state = bot._connection
            state.guild_ready_timeout = min(state.guild_ready_timeout, 0.05)
            if type(bot).before_identify_hook is discord.Client.before_identify_hook:
                bot.before_identify_hook = _identify_without_delay  # type: ignore[method-assign]
        task = asyncio.create_task(bot.start(self.token), name="fake-discord-bot")
        try:
            identified = self.gateway.identify_count + 1
            await self._unless_bot_dies(task, self.gateway.wait_ready(identified, timeout))
            if wait_until_ready:
                await self._unless_bot_dies(task, asyncio.wait_for(bot.wait_until_ready(), timeout))
            yield bot
        finally:
            await bot.close()
            await asyncio.wait_for(task, timeout)

    @staticmethod
    async def _unless_bot_dies(bot_task: asyncio.Task[None], awaitable: Awaitable[T]) -> T:
        waiter = asyncio.ensure_future(awaitable)
        await asyncio.wait({bot_task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        if waiter.done():
            return waiter.result()
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await waiter
        bot_task.result()
        raise RuntimeError("the bot stopped before it became ready")

    # ---- world building

    def create_guild(
        self,
        name: str = "Test Guild",
        *,
        owner: FakeUser | None = None,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        everyone_permissions: int = DEFAULT_EVERYONE_PERMISSIONS,
        channels: Sequence[str] = ("general",),
        shard: int | None = None,
    ) -> FakeGuild:
        """A guild with an owner, the bot (in a managed role at the top) and text channels.

        ``shard`` picks its id so Discord routes it to that shard of :attr:`shard_count`.
        If a client is already connected it receives GUILD_CREATE, as when a bot is invited.
        """
        owner = owner or self.create_user(f"owner-of-{name.lower().replace(' ', '-')}")
        guild_id = None if shard is None else self.ids.on_shard(shard, self.shard_count)
        guild = FakeGuild.create(self.ids, name, owner.id, guild_id)
        guild.everyone.permissions = int(everyone_permissions)
        guild.add_member(owner)
        bot_role = guild.add_role(
            self.bot_user.global_name or self.bot_user.username,
            bot_permissions,
            position=BOT_ROLE_POSITION,
            bot_id=self.bot_user.id,
        )
        guild.add_member(self.bot_user, [bot_role])
        for channel in channels:
            guild.add_channel(channel)
        self.guilds[guild.id] = guild
        session = self.gateway.session_for(guild.id)
        if session is not None and session.ready:
            self.gateway.dispatch("GUILD_CREATE", self._guild_create(guild, session))
        return guild

    def moderator_role(self, guild: FakeGuild) -> FakeRole:
        """The guild's "Moderator" role (MANAGE_GUILD + MANAGE_MESSAGES), created on first use."""
        try:
            return guild.role("Moderator")
        except KeyError:
            return guild.add_role("Moderator", MODERATOR_PERMISSIONS)

    def edit_role(self, guild: FakeGuild, role: FakeRole, *, permissions: int) -> FakeRole:
        """Change a role's permissions as an admin would; a connected bot gets GUILD_ROLE_UPDATE."""
        role.permissions = int(permissions)
        self.gateway.dispatch_if(
            Intent.GUILDS, "GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role.payload()}
        )
        return role

    def create_member(
        self,
        guild: FakeGuild,
        username: str,
        *,
        moderator: bool = False,
        roles: Iterable[FakeRole] = (),
        nick: str | None = None,
    ) -> FakeMember:
        """A new user joined to ``guild``; ``moderator=True`` adds the Moderator role."""
        user = self.create_user(username)
        role_list = [*roles, self.moderator_role(guild)] if moderator else list(roles)
        member = guild.add_member(user, role_list, nick=nick)
        self.gateway.dispatch_if(
            Intent.GUILD_MEMBERS,
            "GUILD_MEMBER_ADD",
            {**member.payload(), "guild_id": str(guild.id)},
        )
        return member

    def close_dms(self, user: UserLike, *, at: str = "send") -> None:
        """Make DMs to ``user`` fail with 50007, as for a user who blocks server DMs.

        ``at="send"`` is what Discord really does (opening the DM channel works, sending
        fails); ``at="open"`` fails already at ``POST /users/@me/channels``.
        """
        if at not in ("send", "open"):
            raise ValueError("at must be 'send' or 'open'")
        self.closed_dms[user_of(user).id] = at

    def seed_message(
        self,
        channel: FakeChannel,
        *,
        content: str = "",
        components: Sequence[JSON] = (),
        embeds: Sequence[JSON] = (),
        author: FakeUser | None = None,
    ) -> StoredMessage:
        """A message that already exists (e.g. a persistent panel posted before a restart)."""
        body = {"content": content, "components": list(components), "embeds": list(embeds)}
        return self._new_message(channel, author or self.bot_user, body, [], source="seed")

    # ---- gateway

    async def wait_ready(self, count: int = 1, timeout: float = 10.0) -> None:
        """Until the ``count``-th IDENTIFY's READY and GUILD_CREATEs were processed."""
        await self.gateway.wait_ready(count, timeout)

    async def sync(self, timeout: float = 5.0) -> None:
        """Wait until the client processed every gateway event dispatched so far."""
        await self.gateway.sync(timeout)

    async def force_resume(self, *, code: int = 4000, abrupt: bool = False, timeout: float = 10.0) -> None:
        """Drop the connection and wait until the client RESUMEd and caught up."""
        resumes = self.gateway.resume_count
        await self.gateway.drop_connection(code=code, abrupt=abrupt)
        await self.gateway.wait_resumed(resumes + 1, timeout)

    def dispatch(self, event: str, data: JSON) -> int:
        """Send any gateway event to the bot (queued for RESUME replay while disconnected)."""
        return self.gateway.dispatch(event, data)

    # ---- interactions

    async def slash(
        self,
        guild: FakeGuild | None,
        user: UserLike,
        command: str,
        /,
        *,
        options: Mapping[str, Any] | None = None,
        channel: FakeChannel | None = None,
        locale: str = "en-US",
        **values: Any,
    ) -> InteractionRecord:
        """Invoke ``/command`` (``"group sub"`` paths allowed) with typed option values.

        Option values may be str/int/float/bool or FakeMember/FakeUser/FakeRole/FakeChannel
        (which land in ``resolved``). Use ``options={...}`` for option names that clash
        with this method's keywords (``channel``, ``locale``, ``options``).
        """
        data = self._command_data(guild, user, command, {**(options or {}), **values}, focused=None)
        return self._dispatch_interaction(
            InteractionType.APPLICATION_COMMAND, data, guild, user, channel, locale=locale
        )

    async def autocomplete(
        self,
        guild: FakeGuild | None,
        user: UserLike,
        command: str,
        /,
        *,
        focused: str,
        options: Mapping[str, Any] | None = None,
        channel: FakeChannel | None = None,
        locale: str = "en-US",
        **values: Any,
    ) -> InteractionRecord:
        """The user is typing into option ``focused``; its value is the partial text."""
        data = self._command_data(guild, user, command, {**(options or {}), **values}, focused=focused)
        return self._dispatch_interaction(
            InteractionType.AUTOCOMPLETE, data, guild, user, channel, locale=locale
        )

    async def click(self, user: UserLike, message: StoredMessage | int, custom_id: str) -> InteractionRecord:
        """Click the button ``custom_id`` on a message the fake knows."""
        return self._component_interaction(user, message, custom_id, None)

    async def select(
        self, user: UserLike, message: StoredMessage | int, custom_id: str, values: Sequence[Any]
    ) -> InteractionRecord:
        """Pick ``values`` in a select menu: option values for string selects, world objects
        (or their ids) for user/role/channel/mentionable selects."""
        return self._component_interaction(user, message, custom_id, list(values))

    async def submit_modal(
        self,
        source: InteractionRecord | str,
        values: Mapping[str, Any],
        *,
        user: UserLike | None = None,
        guild: FakeGuild | None = None,
        channel: FakeChannel | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> InteractionRecord:
        """Submit a modal, keyed by field custom_id or label.

        Pass the interaction the bot answered with the modal (waited for if needed); user,
        guild, channel and message then default to that interaction's. A bare custom_id
        string needs ``user`` and is submitted as plain text inputs.
        """
        message: StoredMessage | None = None
        if isinstance(source, InteractionRecord):
            callback = await source.response(timeout)
            if callback.type != CallbackType.MODAL:
                raise ValueError(f"{source!r} was answered with {callback.type.name}, not a modal")
            modal = callback.data
            user = user or self.users[source.user_id]
            if guild is None and "guild_id" in source.payload:
                guild = self.guilds[int(source.payload["guild_id"])]
            channel = channel or self._channel(source.channel_id)[0]
            message = source.source_message
        else:
            if user is None:
                raise ValueError("submitting a modal by custom_id needs user=")
            modal = text_inputs_modal(source, values)
        data = modal_submit_data(modal, values)
        return self._dispatch_interaction(InteractionType.MODAL_SUBMIT, data, guild, user, channel, message)

    def command(self, name: str, guild: FakeGuild | None = None) -> JSON | None:
        """A registered chat-input command: the guild's own first, then the global one."""
        for key in ([guild.id] if guild else []) + [None]:
            for command in self.commands.get(key, []):
                if command["name"] == name and command.get("type", 1) == 1:
                    return command
        return None

    def interaction(self, interaction_id: int) -> InteractionRecord:
        return self.interactions[interaction_id]

    def _command_data(
        self,
        guild: FakeGuild | None,
        user: UserLike,
        command: str,
        values: Mapping[str, Any],
        *,
        focused: str | None,
    ) -> JSON:
        name, *path = command.split()
        registered = self.command(name, guild)
        if registered is None and self.require_registered_commands:
            raise LookupError(f"/{name} is not registered (did the bot sync its command tree?)")
        if registered is not None:
            self._check_command_visible(registered, guild, user_of(user))
        resolver = Resolver(guild, user_of(user).id)
        options, resolved = build_command_options(registered, path, values, resolver, focused=focused)
        data: JSON = {
            "id": registered["id"] if registered else str(self.ids.next()),
            "name": name,
            "type": 1,
            "options": options,
        }
        if resolved:
            data["resolved"] = resolved
        if registered and registered.get("guild_id"):
            data["guild_id"] = registered["guild_id"]
        return data

    @staticmethod
    def _check_command_visible(command: JSON, guild: FakeGuild | None, user: FakeUser) -> None:
        """Discord never shows users a command they may not use, so they cannot invoke it.

        Raises ``PermissionError`` so a test can assert that e.g. plain members cannot
        reach a moderator command.
        """
        contexts = command.get("contexts")
        context = 1 if guild is None else 0
        if contexts is not None and context not in contexts:
            raise PermissionError(f"/{command['name']} is not available in this context")
        if guild is None and command.get("dm_permission") is False:
            raise PermissionError(f"/{command['name']} is not available in DMs")
        required = command.get("default_member_permissions")
        if guild is not None and required is not None:
            required = int(required)
            if guild.permissions_for(user.id) & required != required:
                raise PermissionError(f"{user.username} lacks permissions to see /{command['name']}")

    def _component_interaction(
        self, user: UserLike, message: StoredMessage | int, custom_id: str, values: list[Any] | None
    ) -> InteractionRecord:
        stored = message if isinstance(message, StoredMessage) else self.messages[message]
        component = find_component(stored.components, custom_id)
        if component is None:
            raise LookupError(
                f"message {stored.id} has no component {custom_id!r}; it has {stored.custom_ids}"
            )
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled; users cannot use it")
        kind = ComponentType(component["type"])
        if (kind == ComponentType.BUTTON) != (values is None):
            raise ValueError(f"{custom_id!r} is a {kind.name}; use click() for buttons, select() otherwise")
        guild = self.guilds.get(stored.guild_id) if stored.guild_id else None
        resolver = Resolver(guild, user_of(user).id)
        if values is not None and kind in SELECT_OPTION_TYPES:
            values = [
                resolver.lookup(v, SELECT_OPTION_TYPES[kind]) if isinstance(v, int) else v for v in values
            ]
        data = component_data(custom_id, kind, values, resolver)
        channel = self._channel(stored.channel_id)[0]
        return self._dispatch_interaction(
            InteractionType.MESSAGE_COMPONENT, data, guild, user, channel, stored
        )

    def _dispatch_interaction(
        self,
        kind: InteractionType,
        data: JSON,
        guild: FakeGuild | None,
        user: UserLike,
        channel: FakeChannel | None,
        message: StoredMessage | None = None,
        *,
        locale: str = "en-US",
    ) -> InteractionRecord:
        fake_user = user_of(user)
        if guild is not None:
            guild.member(fake_user)  # fail early with a clear error for non-members
            channel = channel or guild.text_channels[0]
            app_permissions = guild.permissions_for(self.bot_user.id, channel.id)
        else:
            channel = channel or self.dm_channel(fake_user)
            app_permissions = DM_APP_PERMISSIONS
        payload = interaction_payload(
            interaction_id=self.ids.next(),
            application_id=self.application_id,
            type=kind,
            data=data,
            guild=guild,
            channel=channel,
            user=fake_user,
            app_permissions=app_permissions,
            message=None if message is None else message.payload(),
            locale=locale,
        )
        record = InteractionRecord(payload, self.waiters, message)
        self.interactions[record.id] = record
        self.interactions_by_token[record.token] = record
        self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    # ---- queries, waiting, error injection

    def messages_in(
        self, channel: FakeChannel | int, *, include_deleted: bool = False
    ) -> list[StoredMessage]:
        channel_id = channel if isinstance(channel, int) else channel.id
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and (include_deleted or not m.deleted)
        ]

    def threads_in(self, channel: FakeChannel | int) -> list[FakeThread]:
        """Threads whose parent is ``channel``, oldest first; ``thread.members`` maps
        user ids to join timestamps."""
        parent_id = channel if isinstance(channel, int) else channel.id
        return [
            thread
            for guild in self.guilds.values()
            for thread in guild.threads
            if thread.parent_id == parent_id
        ]

    def dms_to(self, user: UserLike) -> list[StoredMessage]:
        channel = self.dm_channels.get(user_of(user).id)
        return [] if channel is None else self.messages_in(channel)

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = DEFAULT_TIMEOUT,
        what: str = "condition",
    ) -> T:
        """Wait until ``predicate()`` returns something truthy (re-checked on every change)."""
        return await self.waiters.wait(predicate, timeout, what)

    async def wait_for_message(
        self,
        channel: FakeChannel | int | None = None,
        *,
        where: Callable[[StoredMessage], bool] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> StoredMessage:
        """The earliest live message (in ``channel``, matching ``where``), waiting if needed."""

        def find() -> StoredMessage | None:
            pool = (
                self.messages_in(channel)
                if channel is not None
                else [m for m in self.messages.values() if not m.deleted]
            )
            return next((m for m in pool if where is None or where(m)), None)

        return await self.waiters.wait(find, timeout, "a matching message")

    def inject(
        self,
        method: str,
        route: str,
        error: DiscordError | None = Errors.MISSING_PERMISSIONS,
        *,
        delay: float = 0.0,
        times: int | None = None,
        when: Callable[[ApiRequest], bool] | None = None,
    ) -> Injection:
        """Fail (or, with ``error=None``, only delay) requests to ``route`` (see ``Injection``).

        ``route`` must be a template the fake implements, e.g.
        ``"/channels/{channel_id}/messages"``; a typo raises instead of never matching.
        """
        method = method.upper()
        known = {(m, r) for m, r, _, _ in self._routes()}
        if (method, route) not in known and not (method == "*" and route in {r for _, r in known}):
            raise ValueError(f"{method} {route} is not a route of the fake; see _routes()")
        injection = Injection(method, route, error, delay, times, when)
        self.injections.append(injection)
        return injection

    def assert_healthy(self) -> None:
        """Fail if the bot hit routes the fake lacks, or the fake itself crashed.

        Both would otherwise only show up as a confusing 404/400 inside the bot's logs.
        """
        problems = [f"unknown route {r.method} {r.path}" for r in self.unknown_requests]
        problems += [f"fake crashed: {exc!r}" for exc in self.internal_errors]
        if problems:
            raise AssertionError("fake discord: " + "; ".join(problems))


async def _identify_without_delay(shard_id: int | None, *, initial: bool = False) -> None:
    """Stand-in for ``Client.before_identify_hook`` minus its 5-second re-IDENTIFY pause."""
