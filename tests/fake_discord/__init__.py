"""A local fake of Discord's REST API and gateway for end-to-end tests of the bot.

Typical use (see README.md in this folder)::

    from tests.fake_discord import FakeDiscord

    async with FakeDiscord() as fake:
        guild = fake.create_guild()
        alice = fake.create_member(guild, "alice", moderator=True)
        async with fake.run_bot(MyBot()):
            rec = await fake.slash(guild, alice, "ask", question="What is a PMO?")
            message = await rec.final_message()
"""

from .errors import DiscordError, Errors, Injection
from .fake import FakeDiscord
from .gateway import FakeGateway, Intent
from .patching import InternetAccessBlocked, block_internet, patch_discord
from .payloads import (
    ALL_PERMISSIONS,
    DEFAULT_BOT_PERMISSIONS,
    DEFAULT_EVERYONE_PERMISSIONS,
    MODERATOR_PERMISSIONS,
    ChannelType,
    ComponentType,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeThread,
    FakeUser,
    InteractionType,
    MessageFlag,
    OptionType,
    Overwrite,
    Permission,
)
from .recording import (
    Action,
    CallbackType,
    InteractionCallback,
    InteractionRecord,
    NoMessageError,
    RecordedFile,
    RequestRecord,
    RoleChange,
    StoredMessage,
)
from .server import ApiRequest, FakeDiscordServer

__all__ = [
    "ALL_PERMISSIONS",
    "DEFAULT_BOT_PERMISSIONS",
    "DEFAULT_EVERYONE_PERMISSIONS",
    "MODERATOR_PERMISSIONS",
    "Action",
    "ApiRequest",
    "CallbackType",
    "ChannelType",
    "ComponentType",
    "DiscordError",
    "Errors",
    "FakeChannel",
    "FakeDiscord",
    "FakeDiscordServer",
    "FakeGateway",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeThread",
    "FakeUser",
    "Injection",
    "Intent",
    "InteractionCallback",
    "InteractionRecord",
    "InteractionType",
    "InternetAccessBlocked",
    "MessageFlag",
    "NoMessageError",
    "OptionType",
    "Overwrite",
    "Permission",
    "RecordedFile",
    "RequestRecord",
    "RoleChange",
    "StoredMessage",
    "block_internet",
    "patch_discord",
]
