"""The Discord client: a thin adapter that wires the application into discord.py."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any, cast

import discord
from discord.ext import commands

from bot.coach import Coach
from bot.exts import EXTENSIONS
from bot.settings import Settings
from bot.ui.text import NO_PINGS

log = logging.getLogger(__name__)


class CoachBot(commands.AutoShardedBot):
    """Owns the application (``coach``) for the lifetime of the connection, and closes it."""

    def __init__(self, settings: Settings, coach: Coach) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=discord.Intents.default(),  # no privileged intents
            allowed_mentions=NO_PINGS,
            allowed_contexts=discord.app_commands.AppCommandContext(
                guild=True, dm_channel=False, private_channel=False
            ),
            shard_count=settings.shard_count,
            # discord.py takes None for "every shard" though its annotation says list[int]
            shard_ids=cast("list[int]", list(settings.shard_ids) if settings.shard_ids else None),
        )
        self.settings = settings
        self.coach = coach

    async def setup_hook(self) -> None:
        for extension in EXTENSIONS:
            await self.load_extension(extension)
        await self.sync_commands_if_changed()

    async def sync_commands_if_changed(self) -> bool:
        """Sync the command tree only when its definition changed since the last sync.

        Discord rate-limits syncs hard; restarts with the same commands should not sync.
        With several processes (``SHARD_IDS``), only the one running shard 0 syncs.
        """
        if self.shard_ids is not None and 0 not in self.shard_ids:
            log.info("slash commands are synced by the process running shard 0")
            return False
        guild = discord.Object(self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload: list[dict[str, Any]] = [c.to_dict(self.tree) for c in self.tree.get_commands(guild=guild)]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        key = f"command-tree-hash:{guild.id if guild else 'global'}:{self.application_id}"
        if await self.coach.state(key) == digest:
            log.info("slash commands unchanged; not syncing")
            return False
        synced = await self.tree.sync(guild=guild)
        await self.coach.set_state(key, digest)
        log.info("synced %d slash commands %s", len(synced), f"to guild {guild.id}" if guild else "globally")
        return True

    async def close(self) -> None:
        await super().close()
        await self.coach.close()
