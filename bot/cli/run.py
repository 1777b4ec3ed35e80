"""``python -m bot run``: connect to Discord and serve until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.cli.common import describe_database
from bot.knowledge.loader import KnowledgeError
from bot.settings import Settings, load_settings
from bot.storage.errors import StorageError

log = logging.getLogger("bot")


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run",
        help="run the bot on Discord (needs DISCORD_TOKEN)",
        description="Connect to Discord with DISCORD_TOKEN and serve slash commands. "
        "SIGINT or SIGTERM stops it cleanly.",
    )
    run.set_defaults(handler=run_bot)


def run_bot(args: argparse.Namespace) -> int:
    import aiohttp
    import discord  # imported here so the offline commands start fast

    settings = load_settings()
    token = settings.require_token()
    setup_logging(settings.log_level)
    try:
        return asyncio.run(serve(settings, token))
    except KnowledgeError as exc:
        print(
            f"error: the knowledge base has errors ({exc.result.summary()}); "
            "run `python -m bot kb check` to see them",
            file=sys.stderr,
        )
    except StorageError as exc:
        print(f"error: {exc}", file=sys.stderr)
    except (OSError, aiohttp.ClientError, discord.GatewayNotFound, discord.DiscordServerError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"error: cannot reach Discord ({reason}); check the network and start again", file=sys.stderr)
    return 1


def setup_logging(level: str) -> None:
    """discord.py's log format; colours only on a terminal, never escape codes in a file.

    The bot has no voice features, so discord.py's warnings about PyNaCl and davey (the voice
    libraries) are only noise.
    """
    import discord

    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    plain = (
        None
        if sys.stderr.isatty()
        else logging.Formatter("{asctime} {levelname:<8} {name}: {message}", "%Y-%m-%d %H:%M:%S", style="{")
    )
    discord.utils.setup_logging(
        level=getattr(logging, level), formatter=plain or discord.utils.MISSING, root=True
    )


async def serve(settings: Settings, token: str) -> int:
    """Run until a stop signal; close Discord, then the database. Exit status 0 on a clean stop."""
    import discord

    from bot.client import CoachBot
    from bot.coach import Coach
    from bot.search import kernels

    coach = await Coach.open(settings)
    log.info(
        "knowledge from %s; progress in the %s; answer engine's inner loops in %s",
        settings.knowledge_dir,
        describe_database(settings.database_url),
        "C" if kernels.COMPILED else "numpy (no C compiler at install)",
    )
    bot = CoachBot(settings, coach)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stopping.set)
    runner = asyncio.create_task(bot.start(token))
    stopper = asyncio.create_task(stopping.wait())
    try:
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            runner.result()  # re-raise why the connection ended (e.g. a rejected token)
    except discord.LoginFailure:
        print(
            "error: Discord rejected DISCORD_TOKEN; copy the bot token again from the Developer Portal",
            file=sys.stderr,
        )
        return 1
    finally:
        log.info("shutting down")
        for sig in signals:
            loop.remove_signal_handler(sig)
        stopper.cancel()
        await bot.close()  # closes the database too
        if not runner.done():
            runner.cancel()
    return 0
