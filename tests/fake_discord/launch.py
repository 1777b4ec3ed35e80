"""Run a bot in a process of its own against a fake Discord (shard processes, benchmarks):

    python -m tests.fake_discord.launch REST_ROOT GATEWAY_URL [pong]

By default the real command, ``python -m bot run``, configured by the environment as in
production; ``pong`` runs the benchmarks' trivial bot instead (the floor). discord.py is pointed
at the fake first, and nothing else may leave the machine.
"""

from __future__ import annotations

import asyncio
import os
import sys

from tests.fake_discord.patching import patch_discord


def main(argv: list[str]) -> int:
    rest_root, gateway_url, *kind = argv
    with patch_discord(rest_root, gateway_url):
        if kind == ["pong"]:
            from benchmarks.load_bench import pong_bot

            asyncio.run(pong_bot().start(os.environ["DISCORD_TOKEN"]))
            return 0
        from bot.cli import main as bot_main

        return bot_main(["run"])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
