"""``python -m bot run``: a clear error without a token, and a clean stop on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bot.cli.run import serve
from bot.settings import Settings
from bot.storage import open_storage
from tests.fake_discord import FakeDiscord, FakeGuild, FakeMember

REPO = Path(__file__).resolve().parents[2]


def test_run_without_token_is_one_line_pointing_to_chat(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("error: DISCORD_TOKEN is not set") and "python -m bot chat" in proc.stderr


async def test_sigterm_closes_bot_and_database_with_status_0(
    fake_discord: FakeDiscord, make_settings: Callable[..., Settings], guild: FakeGuild, alice: FakeMember
) -> None:
    settings = make_settings()
    task = asyncio.create_task(serve(settings, fake_discord.token))
    await fake_discord.wait_ready(timeout=20)
    await fake_discord.sync()
    rec = await fake_discord.slash(guild, alice, "milestone done", milestone="understand-the-role")
    await rec.final_message()
    os.kill(os.getpid(), signal.SIGTERM)
    assert await asyncio.wait_for(task, 20) == 0
    reopened = await open_storage(settings.database_url)
    try:
        progress = await reopened.get_progress(guild.id, alice.id)
        assert [c.milestone_id for c in progress.completions] == ["understand-the-role"]
    finally:
        await reopened.close()
