"""``python -m bot run``: connect to Discord and serve until SIGINT or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.knowledge.loader import KnowledgeError
from bot.settings import Settings, load_settings

log = logging.getLogger("bot")


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser("run", help="run the bot on Discord (needs DISCORD_TOKEN)",
                                description="Connect to Discord with DISCORD_TOKEN and serve slash commands. "
                                            "SIGINT or SIGTERM stops it cleanly.")
    run.set_defaults(handler=run_bot)


def run_bot(args: argparse.Namespace) -> int:
    settings = load_settings()
    token = settings.require_token()
    try:
        return asyncio.run(_serve(settings, token))
    except KnowledgeError as exc:
        print(f"error: the knowledge base has errors; fix them (python -m bot kb check):\n{exc.result.summary()}",
              file=sys.stderr)
        return 1


async def _serve(settings: Settings, token: str) -> int:
    import discord  # imported here so the offline commands start fast

    from bot.client import CoachBot
    from bot.coach import Coach

    discord.utils.setup_logging(level=getattr(logging, settings.log_level), root=True)

    coach = await Coach.open(settings)
    bot = CoachBot(settings, coach)
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    runner = asyncio.create_task(bot.start(token))
    stopper = asyncio.create_task(stopping.wait())
    try:
        done, _ = await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        if runner in done:
            runner.result()  # re-raise a login failure
    except discord.LoginFailure:
        print("error: Discord rejected DISCORD_TOKEN; copy the bot token again from the Developer Portal",
              file=sys.stderr)
        return 1
    finally:
        log.info("shutting down")
        stopper.cancel()
        await bot.close()
        if not runner.done():
            runner.cancel()
    return 0
