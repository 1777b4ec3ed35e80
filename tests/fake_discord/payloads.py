"""The fake's world model (users, guilds, roles, channels, members) and payload builders.

Everything here is plain data: the REST server and the gateway both render these objects
into the JSON shapes that discord.py 2.7 parses, so the two never disagree about what a
member or a channel looks like. Builders only fill the fields discord.py actually reads
(checked against ``discord/guild.py``, ``member.py``, ``role.py``, ``channel.py``,
``message.py`` and ``interactions.py``) plus the few Discord always sends.
"""

from __future__ import annotations

import enum
import itertools
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000
API_VERSION = 10


class Snowflakes:
    """Hands out increasing, time-based snowflakes.

    Real-looking ids matter: discord.py derives ``created_at`` from them and sorts by them.
    """

    def __init__(self) -> None:
        self._last = 0

    def next(self) -> int:
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22
        self._last = max(now, self._last + 1)
        return self._last

    def on_shard(self, shard_id: int, shard_count: int) -> int:
        """The next id whose guild Discord routes to ``shard_id`` of ``shard_count``.

        The shard comes from the id's timestamp part (``id >> 22``), so this moves the
        timestamp forward by at most ``shard_count`` milliseconds.
        """
        stamp = self.next() >> 22
        stamp += (shard_id - stamp) % shard_count
        self._last = max(self._last, stamp << 22)
        return stamp << 22


def iso_timestamp(moment: datetime | None = None) -> str:
    """Discord's ISO-8601 timestamp format, always timezone-aware."""
    return (moment or datetime.now(UTC)).isoformat()


class Permission(enum.IntFlag):
    """The permission bits the bot and its tests care about (values from the Discord docs)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    USE_APPLICATION_COMMANDS = 1 << 31
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    SEND_MESSAGES_IN_THREADS = 1 << 38


ALL_PERMISSIONS = (1 << 53) - 1
"""What owners and administrators get: every bit, known or future."""

DEFAULT_EVERYONE_PERMISSIONS = int(
    Permission.CREATE_INSTANT_INVITE
    | Permission.ADD_REACTIONS
    | Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.USE_EXTERNAL_EMOJIS
    | Permission.CHANGE_NICKNAME
    | Permission.USE_APPLICATION_COMMANDS
    | Permission.CREATE_PUBLIC_THREADS
    | Permission.CREATE_PRIVATE_THREADS
    | Permission.SEND_MESSAGES_IN_THREADS
)
"""Roughly what a fresh Discord server grants @everyone."""

DEFAULT_BOT_PERMISSIONS = int(
    Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.EMBED_LINKS
    | Permission.ATTACH_FILES
    | Permission.READ_MESSAGE_HISTORY
    | Permission.MANAGE_ROLES
    | Permission.USE_APPLICATION_COMMANDS
)
"""The bot's managed role: enough to talk, upload and hand out roles below it."""

MODERATOR_PERMISSIONS = int(Permission.MANAGE_GUILD | Permission.MANAGE_MESSAGES)

BOT_ROLE_POSITION = 100
"""The bot's role sits above every role tests create unless they pass a higher position."""


class ChannelType(enum.IntEnum):
    TEXT = 0
    DM = 1
    VOICE = 2
    CATEGORY = 4
    NEWS = 5
    PUBLIC_THREAD = 11
    PRIVATE_THREAD = 12
    FORUM = 15


class OptionType(enum.IntEnum):
    SUB_COMMAND = 1
    SUB_COMMAND_GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11


class InteractionType(enum.IntEnum):
    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class ComponentType(enum.IntEnum):
    ACTION_ROW = 1
    BUTTON = 2
    STRING_SELECT = 3
    TEXT_INPUT = 4
    USER_SELECT = 5
    ROLE_SELECT = 6
    MENTIONABLE_SELECT = 7
    CHANNEL_SELECT = 8
    LABEL = 18


class MessageFlag(enum.IntFlag):
    SUPPRESS_EMBEDS = 1 << 2
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12
    IS_COMPONENTS_V2 = 1 << 15


# --------------------------------------------------------------------------- world model


@dataclass
class FakeUser:
    id: int
    username: str
    global_name: str | None = None
    bot: bool = False

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }


@dataclass
class FakeRole:
    id: int
    guild_id: int
    name: str
    permissions: int = 0
    position: int = 1
    managed: bool = False
    mentionable: bool = False
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def payload(self) -> JSON:
        payload: JSON = {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            payload["tags"] = {"bot_id": str(self.bot_id)}
        return payload


@dataclass
class Overwrite:
    """A channel permission overwrite; ``type`` 0 targets a role, 1 a member."""

    id: int
    type: int = 0
    allow: int = 0
    deny: int = 0

    def payload(self) -> JSON:
        return {
            "id": str(self.id),
            "type": self.type,
            "allow": str(self.allow),
            "deny": str(self.deny),
        }


@dataclass
class FakeChannel:
    id: int
    name: str
    type: int = ChannelType.TEXT
    guild_id: int | None = None
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    recipients: list[FakeUser] = field(default_factory=list)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def payload(self) -> JSON:
        if self.type == ChannelType.DM:
            return {
                "id": str(self.id),
                "type": self.type,
                "last_message_id": None,
                "recipients": [user.payload() for user in self.recipients],
            }
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "parent_id": None if self.parent_id is None else str(self.parent_id),
            "topic": self.topic,
            "nsfw": False,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "permission_overwrites": [overwrite.payload() for overwrite in self.overwrites],
        }


THREAD_ARCHIVE_MINUTES = (60, 1440, 4320, 10080)
"""The only ``auto_archive_duration`` values Discord accepts."""


@dataclass
class FakeThread(FakeChannel):
    """A thread: a channel whose permissions come from its ``parent_id`` channel.

    ``members`` maps user ids to their join timestamps; Discord counts and lists only these
    (for a private thread they are also the only ones who can see it).
    """

    type: int = ChannelType.PRIVATE_THREAD
    owner_id: int = 0
    invitable: bool = True
    auto_archive_duration: int = 1440
    rate_limit_per_user: int = 0
    created_at: str = field(default_factory=iso_timestamp)
    members: dict[int, str] = field(default_factory=dict)
    message_count: int = 0
    last_message_id: int | None = None

    @property
    def private(self) -> bool:
        return self.type == ChannelType.PRIVATE_THREAD

    def add_member(self, user_id: int) -> bool:
        """Join ``user_id``; False if already a member (Discord then changes nothing)."""
        if user_id in self.members:
            return False
        self.members[user_id] = iso_timestamp()
        return True

    def member_payload(self, user_id: int) -> JSON:
        return {
            "id": str(self.id),
            "user_id": str(user_id),
            "join_timestamp": self.members[user_id],
            "flags": 0,
        }

    def payload(self) -> JSON:
        metadata: JSON = {
            "archived": False,
            "auto_archive_duration": self.auto_archive_duration,
            "archive_timestamp": self.created_at,
            "locked": False,
            "create_timestamp": self.created_at,
        }
        if self.private:
            metadata["invitable"] = self.invitable
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "parent_id": str(self.parent_id),
            "owner_id": str(self.owner_id),
            "name": self.name,
            "last_message_id": None if self.last_message_id is None else str(self.last_message_id),
            "message_count": self.message_count,
            "total_message_sent": self.message_count,
            "member_count": len(self.members),
            "rate_limit_per_user": self.rate_limit_per_user,
            "flags": 0,
            "thread_metadata": metadata,
        }


@dataclass
class FakeMember:
    user: FakeUser
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_timestamp)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def mention(self) -> str:
        return self.user.mention

    def payload(self, *, permissions: int | None = None, with_user: bool = True) -> JSON:
        """Member JSON; interactions add ``permissions``, ``resolved.members`` drops ``user``."""
        payload: JSON = {
            "roles": [str(role_id) for role_id in self.role_ids],
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "communication_disabled_until": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
        }
        if with_user:
            payload["user"] = self.user.payload()
        if permissions is not None:
            payload["permissions"] = str(permissions)
        return payload


@dataclass
class FakeGuild:
    """A guild and everything in it; the @everyone role shares the guild's id, as on Discord."""

    id: int
    name: str
    owner_id: int
    ids: Snowflakes = field(repr=False)
    roles: dict[int, FakeRole] = field(default_factory=dict)
    channels: dict[int, FakeChannel] = field(default_factory=dict)
    members: dict[int, FakeMember] = field(default_factory=dict)

    @property
    def everyone(self) -> FakeRole:
        return self.roles[self.id]

    @property
    def text_channels(self) -> list[FakeChannel]:
        return [c for c in self.channels.values() if c.type == ChannelType.TEXT]

    @property
    def threads(self) -> list[FakeThread]:
        """Threads live in ``channels`` (so routes find them) but Discord lists them apart."""
        return [c for c in self.channels.values() if isinstance(c, FakeThread)]

    @property
    def non_thread_channels(self) -> list[FakeChannel]:
        return [c for c in self.channels.values() if not isinstance(c, FakeThread)]

    @classmethod
    def create(cls, ids: Snowflakes, name: str, owner_id: int, guild_id: int | None = None) -> FakeGuild:
        """A guild with just its @everyone role (whose id is the guild id, as on Discord)."""
        guild_id = ids.next() if guild_id is None else guild_id
        guild = cls(id=guild_id, name=name, owner_id=owner_id, ids=ids)
        guild.roles[guild.id] = FakeRole(
            id=guild.id,
            guild_id=guild.id,
            name="@everyone",
            permissions=DEFAULT_EVERYONE_PERMISSIONS,
            position=0,
        )
        return guild

    def add_role(
        self,
        name: str,
        permissions: int = 0,
        *,
        position: int | None = None,
        mentionable: bool = False,
        bot_id: int | None = None,
    ) -> FakeRole:
        """Create a role; by default it lands above existing test roles but below the bot."""
        if position is None:
            below_bot = [r.position for r in self.roles.values() if r.position < BOT_ROLE_POSITION]
            position = max(below_bot, default=0) + 1
        role = FakeRole(
            id=self.ids.next(),
            guild_id=self.id,
            name=name,
            permissions=int(permissions),
            position=position,
            managed=bot_id is not None,
            mentionable=mentionable,
            bot_id=bot_id,
        )
        self.roles[role.id] = role
        return role

    def add_channel(
        self,
        name: str,
        *,
        type: int = ChannelType.TEXT,
        topic: str | None = None,
        parent: FakeChannel | None = None,
        overwrites: Iterable[Overwrite] = (),
    ) -> FakeChannel:
        channel = FakeChannel(
            id=self.ids.next(),
            name=name,
            type=type,
            guild_id=self.id,
            position=len(self.non_thread_channels),
            parent_id=None if parent is None else parent.id,
            topic=topic,
            overwrites=list(overwrites),
        )
        self.channels[channel.id] = channel
        return channel

    def add_thread(
        self,
        parent: FakeChannel,
        name: str,
        *,
        owner_id: int,
        type: int = ChannelType.PRIVATE_THREAD,
        invitable: bool = True,
        auto_archive_duration: int = 1440,
        rate_limit_per_user: int = 0,
    ) -> FakeThread:
        """A thread under ``parent``, its owner already a member (as on Discord)."""
        thread = FakeThread(
            id=self.ids.next(),
            name=name,
            type=type,
            guild_id=self.id,
            parent_id=parent.id,
            owner_id=owner_id,
            invitable=invitable,
            auto_archive_duration=auto_archive_duration,
            rate_limit_per_user=rate_limit_per_user,
        )
        thread.add_member(owner_id)
        self.channels[thread.id] = thread
        return thread

    def add_member(
        self, user: FakeUser, roles: Iterable[FakeRole] = (), *, nick: str | None = None
    ) -> FakeMember:
        member = FakeMember(user=user, guild_id=self.id, role_ids=[r.id for r in roles], nick=nick)
        self.members[user.id] = member
        return member

    def role(self, name: str) -> FakeRole:
        """Look a role up by name, so tests need not keep references around."""
        return _find(self.roles.values(), "name", name, f"role in guild {self.name!r}")

    def channel(self, name: str) -> FakeChannel:
        return _find(self.channels.values(), "name", name, f"channel in guild {self.name!r}")

    def member(self, user: FakeUser | FakeMember | int) -> FakeMember:
        user_id = user if isinstance(user, int) else user.id
        try:
            return self.members[user_id]
        except KeyError:
            raise KeyError(f"user {user_id} is not a member of guild {self.name!r}") from None

    def top_role_position(self, user_id: int) -> int:
        member = self.members[user_id]
        return max((self.roles[r].position for r in member.role_ids if r in self.roles), default=0)

    def permissions_for(self, user_id: int, channel_id: int | None = None) -> int:
        """Discord's permission algorithm: owner, roles, administrator, then channel overwrites."""
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        member = self.members.get(user_id)
        role_ids = [] if member is None else [r for r in member.role_ids if r in self.roles]
        base = self.everyone.permissions
        for role_id in role_ids:
            base |= self.roles[role_id].permissions
        if base & Permission.ADMINISTRATOR:
            return ALL_PERMISSIONS
        channel = self.channels.get(channel_id) if channel_id is not None else None
        if isinstance(channel, FakeThread):  # threads have no overwrites of their own
            channel = self.channels.get(channel.parent_id or 0)
        if channel is None:
            return base
        by_target = {(o.type, o.id): o for o in channel.overwrites}
        everyone = by_target.get((0, self.id))
        if everyone is not None:
            base = (base & ~everyone.deny) | everyone.allow
        allow = deny = 0
        for role_id in role_ids:
            overwrite = by_target.get((0, role_id))
            if overwrite is not None:
                allow |= overwrite.allow
                deny |= overwrite.deny
        base = (base & ~deny) | allow
        own = by_target.get((1, user_id))
        if own is not None:
            base = (base & ~own.deny) | own.allow
        return base

    def can_see_thread(self, user_id: int, thread: FakeThread) -> bool:
        """VIEW_CHANNEL in the parent; a private thread also needs membership or MANAGE_THREADS."""
        granted = self.permissions_for(user_id, thread.id)
        if not granted & Permission.VIEW_CHANNEL:
            return False
        return not thread.private or user_id in thread.members or bool(granted & Permission.MANAGE_THREADS)

    def payload(self, members: Iterable[FakeMember], viewer_id: int | None = None) -> JSON:
        """A GUILD_CREATE body; the caller picks which members and whose threads it shows."""
        member_list = list(members)
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 1,
            "explicit_content_filter": 0,
            "roles": [role.payload() for role in self.roles.values()],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "nsfw_level": 0,
            "unavailable": False,
            "large": False,
            "member_count": len(self.members),
            "joined_at": iso_timestamp(),
            "members": [m.payload() for m in member_list],
            "channels": [channel.payload() for channel in self.non_thread_channels],
            "threads": [
                thread.payload()
                for thread in self.threads
                if viewer_id is not None and self.can_see_thread(viewer_id, thread)
            ],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


def _find(items: Iterable[Any], attribute: str, value: object, what: str) -> Any:
    for item in items:
        if getattr(item, attribute) == value:
            return item
    raise KeyError(f"no {what} with {attribute}={value!r}")


# --------------------------------------------------------------------------- interactions

UserLike = FakeUser | FakeMember


@dataclass
class Resolver:
    """Collects ``resolved`` data the way Discord does for user/role/channel values.

    Channel permissions in ``resolved`` are those of the invoking user, hence ``invoker_id``.
    """

    guild: FakeGuild | None
    invoker_id: int
    data: JSON = field(default_factory=dict)

    def add(self, value: Any) -> str:
        """Record one entity and return the id string that goes into the option value."""
        guild = self.guild
        if isinstance(value, FakeMember | FakeUser):
            user = value.user if isinstance(value, FakeMember) else value
            self.data.setdefault("users", {})[str(user.id)] = user.payload()
            if guild is not None and user.id in guild.members:
                member = guild.members[user.id]
                self.data.setdefault("members", {})[str(user.id)] = member.payload(
                    permissions=guild.permissions_for(user.id), with_user=False
                )
            return str(user.id)
        if isinstance(value, FakeRole):
            self.data.setdefault("roles", {})[str(value.id)] = value.payload()
            return str(value.id)
        if isinstance(value, FakeChannel):
            channel = value.payload()
            if guild is not None:
                channel["permissions"] = str(guild.permissions_for(self.invoker_id, value.id))
            self.data.setdefault("channels", {})[str(value.id)] = channel
            return str(value.id)
        raise TypeError(f"cannot resolve {value!r}; pass a FakeUser, FakeMember, FakeRole or FakeChannel")

    def lookup(self, value: int, declared: int) -> Any:
        """Let tests pass a raw id for user/role/channel options; map it back to a world object."""
        guild = self.guild
        if guild is not None:
            if declared in (OptionType.USER, OptionType.MENTIONABLE) and value in guild.members:
                return guild.members[value]
            if declared in (OptionType.ROLE, OptionType.MENTIONABLE) and value in guild.roles:
                return guild.roles[value]
            if declared == OptionType.CHANNEL and value in guild.channels:
                return guild.channels[value]
        raise KeyError(f"id {value} is not a known {OptionType(declared).name.lower()}")


def infer_option_type(value: Any) -> int:
    """Guess the option type from a Python value when the command was never registered."""
    if isinstance(value, bool):
        return OptionType.BOOLEAN
    if isinstance(value, int):
        return OptionType.INTEGER
    if isinstance(value, float):
        return OptionType.NUMBER
    if isinstance(value, str):
        return OptionType.STRING
    if isinstance(value, FakeUser | FakeMember):
        return OptionType.USER
    if isinstance(value, FakeRole):
        return OptionType.ROLE
    if isinstance(value, FakeChannel):
        return OptionType.CHANNEL
    raise TypeError(f"cannot infer an option type for {value!r}")


_SNOWFLAKE_OPTIONS = (OptionType.USER, OptionType.CHANNEL, OptionType.ROLE, OptionType.MENTIONABLE)


def _option_value(value: Any, declared: int, resolver: Resolver | None) -> Any:
    """Render one option value; snowflake types go through ``resolved`` unless autocompleting."""
    if declared not in _SNOWFLAKE_OPTIONS:
        return value
    if resolver is None:  # autocomplete: Discord sends bare ids and no resolved data
        return str(value if isinstance(value, int | str) else value.id)
    if isinstance(value, int) and not isinstance(value, bool):
        value = resolver.lookup(value, declared)
    return resolver.add(value)


def build_command_options(
    command: JSON | None,
    path: Sequence[str],
    values: Mapping[str, Any],
    resolver: Resolver,
    *,
    focused: str | None = None,
) -> tuple[list[JSON], JSON]:
    """Build ``data.options`` (nested for subcommands) and ``data.resolved`` for a slash command.

    ``path`` holds the subcommand group/subcommand names below the command. ``command`` is
    the registered command JSON when known: its schema supplies option types and catches
    typos in option names early, which a test would otherwise see as a puzzling error inside
    the bot. Autocomplete (``focused`` set) carries no ``resolved``, like on Discord.
    """
    schema: list[JSON] | None = None if command is None else command.get("options", [])
    nesting: list[tuple[str, int]] = []
    for depth, name in enumerate(path):
        if schema is None:
            kind = OptionType.SUB_COMMAND_GROUP if len(path) - depth == 2 else OptionType.SUB_COMMAND
        else:
            sub = next((o for o in schema if o["name"] == name), None)
            if sub is None or sub.get("type") not in (1, 2):
                raise KeyError(f"command {command and command['name']!r} has no subcommand {name!r}")
            kind = sub["type"]
            schema = sub.get("options", [])
        nesting.append((name, kind))

    declared_types = {o["name"]: o["type"] for o in schema or []}
    if schema is not None and set(values) - set(declared_types):
        unknown = sorted(set(values) - set(declared_types))
        raise KeyError(f"unknown option(s) {unknown}; command declares {sorted(declared_types)}")
    if focused is not None and focused not in values:
        raise KeyError(f"focused option {focused!r} must also be given a (partial) value")

    value_resolver = None if focused is not None else resolver
    options: list[JSON] = []
    for name, value in values.items():
        declared = declared_types.get(name) or infer_option_type(value)
        entry: JSON = {"name": name, "type": int(declared)}
        entry["value"] = _option_value(value, declared, value_resolver)
        if name == focused:
            entry["focused"] = True
        options.append(entry)

    for name, kind in reversed(nesting):
        options = [{"name": name, "type": int(kind), "options": options}]
    return options, resolver.data


def walk_components(components: Iterable[JSON]) -> Iterator[JSON]:
    """Yield every component in a message or modal, however deeply nested (rows, labels, v2)."""
    for component in components:
        yield component
        yield from walk_components(component.get("components", []))
        for key in ("component", "accessory"):
            child = component.get(key)
            if isinstance(child, dict):
                yield from walk_components([child])


def find_component(components: Iterable[JSON], custom_id: str) -> JSON | None:
    return next((c for c in walk_components(components) if c.get("custom_id") == custom_id), None)


def component_data(
    custom_id: str, component_type: int, values: Sequence[Any] | None, resolver: Resolver
) -> JSON:
    """``data`` of a component interaction; entity selects get ``resolved`` like real Discord."""
    data: JSON = {"custom_id": custom_id, "component_type": int(component_type)}
    if values is None:
        return data
    if component_type == ComponentType.STRING_SELECT:
        data["values"] = [str(v) for v in values]
        return data
    data["values"] = [resolver.add(v) for v in values]
    data["resolved"] = resolver.data
    return data


def _label_of(component: JSON, parent: JSON | None) -> str | None:
    if parent is not None and parent.get("type") == ComponentType.LABEL:
        return parent.get("label")
    return component.get("label")


def modal_submit_data(modal: JSON, values: Mapping[str, Any]) -> JSON:
    """Mirror a modal's layout (rows or labels) with the submitted values, as Discord does.

    Keys of ``values`` may be a field's ``custom_id`` or its visible label, because modal
    items often get random custom ids that a test cannot know in advance.
    """
    remaining = dict(values)

    def value_for(component: JSON, parent: JSON | None) -> Any:
        for key in (component.get("custom_id"), _label_of(component, parent)):
            if key is not None and key in remaining:
                return remaining.pop(key)
        return None

    def mirror(component: JSON, parent: JSON | None) -> JSON:
        kind = component.get("type")
        out: JSON = {"type": kind}
        if "id" in component:
            out["id"] = component["id"]
        if kind == ComponentType.ACTION_ROW:
            out["components"] = [mirror(c, component) for c in component.get("components", [])]
        elif kind == ComponentType.LABEL:
            out["component"] = mirror(component["component"], component)
        elif "custom_id" in component:
            out["custom_id"] = component["custom_id"]
            value = value_for(component, parent)
            if kind == ComponentType.TEXT_INPUT:
                out["value"] = "" if value is None else str(value)
            else:
                out["values"] = [] if value is None else [str(v) for v in value]
        return out

    components = [mirror(c, None) for c in modal.get("components", [])]
    if remaining:
        known = [c.get("custom_id") for c in walk_components(modal.get("components", []))]
        raise KeyError(f"modal has no field(s) {sorted(remaining)}; custom ids: {known}")
    return {"custom_id": modal["custom_id"], "components": components}


def text_inputs_modal(custom_id: str, values: Mapping[str, Any]) -> JSON:
    """A stand-in modal layout for submitting a modal the fake never saw being opened."""
    rows = [
        {"type": 1, "components": [{"type": ComponentType.TEXT_INPUT, "custom_id": key}]} for key in values
    ]
    return {"custom_id": custom_id, "components": rows}


_interaction_tokens = itertools.count(1)


def interaction_token(interaction_id: int) -> str:
    """Unique, unguessable-looking tokens; uniqueness is what the routes rely on."""
    return f"fake-token-{interaction_id}-{next(_interaction_tokens)}"


def interaction_payload(
    *,
    interaction_id: int,
    application_id: int,
    type: int,
    data: JSON | None,
    guild: FakeGuild | None,
    channel: FakeChannel,
    user: FakeUser,
    app_permissions: int,
    message: JSON | None = None,
    locale: str = "en-US",
) -> JSON:
    """The INTERACTION_CREATE body: ``member`` (with permissions) in guilds, ``user`` in DMs."""
    payload: JSON = {
        "id": str(interaction_id),
        "application_id": str(application_id),
        "type": int(type),
        "token": interaction_token(interaction_id),
        "version": 1,
        "channel_id": str(channel.id),
        "channel": channel.payload(),
        "app_permissions": str(app_permissions),
        "locale": locale,
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
    }
    if data is not None:
        payload["data"] = data
    if message is not None:
        payload["message"] = message
    if guild is not None:
        permissions = guild.permissions_for(user.id, channel.id)
        payload["guild_id"] = str(guild.id)
        payload["guild"] = {"id": str(guild.id), "locale": "en-US", "features": []}
        payload["guild_locale"] = "en-US"
        payload["member"] = guild.member(user.id).payload(permissions=permissions)
        payload["channel"]["permissions"] = str(permissions)
        payload["authorizing_integration_owners"] = {"0": str(guild.id)}
        payload["context"] = 0
    else:
        payload["user"] = user.payload()
        payload["authorizing_integration_owners"] = {"1": str(user.id)}
        payload["context"] = 1
    return payload


# --------------------------------------------------------------------------- mentions

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def pinged_targets(content: str, allowed_mentions: JSON | None, replied_user_id: int | None) -> set[str]:
    """Who a message would notify, following Discord's ``allowed_mentions`` rules.

    Returns markers such as ``"user:123"``, ``"role:456"``, ``"everyone"``. Absent
    ``allowed_mentions`` means Discord parses everything in the content, which is exactly the
    accident tests want to catch.
    """
    if allowed_mentions is None:
        parse = {"users", "roles", "everyone"}
        users: set[str] = set()
        roles: set[str] = set()
        replied = True  # a reply without allowed_mentions pings its author
    else:
        parse = set(allowed_mentions.get("parse", []))
        users = {str(u) for u in allowed_mentions.get("users", [])}
        roles = {str(r) for r in allowed_mentions.get("roles", [])}
        replied = bool(allowed_mentions.get("replied_user", False))
    hits = {f"user:{uid}" for uid in _USER_MENTION.findall(content) if "users" in parse or uid in users}
    hits |= {f"role:{rid}" for rid in _ROLE_MENTION.findall(content) if "roles" in parse or rid in roles}
    if "everyone" in parse and ("@everyone" in content or "@here" in content):
        hits.add("everyone")
    if replied and replied_user_id is not None:
        hits.add(f"user:{replied_user_id}")
    return hits
