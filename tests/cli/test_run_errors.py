"""``python -m bot run`` when Discord cannot be reached: one clear line, no traceback, no noise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Point discord.py at a closed loopback port, then run the real command.
UNREACHABLE = (
    "from discord.http import Route; Route.BASE = 'http://127.0.0.1:9/api/v10'; "
    "from bot.cli import main; raise SystemExit(main(['run']))"
)


def test_unreachable_discord_is_one_line_without_traceback_or_colour(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(REPO),
        "HOME": str(tmp_path),
        "DISCORD_TOKEN": "MTIz.abc.def",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'coach.db'}",
        "KNOWLEDGE_POLL_SECONDS": "0",
    }
    proc = subprocess.run(
        [sys.executable, "-c", UNREACHABLE], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=90
    )
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert lines[-1].startswith("error: cannot reach Discord (")
    assert "Traceback" not in proc.stderr
    assert (
        "voice will NOT be supported" not in proc.stderr
    )  # no voice features: PyNaCl and davey warnings are noise
    assert "\x1b[" not in proc.stderr  # stderr is a pipe here: no colour codes
    assert any(f"progress in the SQLite file {tmp_path / 'coach.db'}" in line for line in lines)
    assert "MTIz.abc.def" not in proc.stderr
