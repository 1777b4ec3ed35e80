"""The domain never imports discord.py: the Discord layer and the terminal are adapters over it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DOMAIN = (
    "bot.knowledge.loader",
    "bot.knowledge.preview",
    "bot.search",
    "bot.progress",
    "bot.progress.rewards",
    "bot.storage",
    "bot.coach",
    "bot.library",
    "bot.gaps",
    "bot.reports",
    "bot.ratelimit",
)


def test_domain_modules_load_without_discord() -> None:
    code = (
        "import sys\nimport " + ", ".join(DOMAIN) + "\n"
        "print(sorted(m for m in sys.modules if m == 'discord' or m.startswith('discord.')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_the_running_bot_leaves_one_command_libraries_unloaded() -> None:
    """matplotlib (``/coach stats``), rapidfuzz (``/kb gaps``, the terminal's ``/open``) and
    PyYAML (parsing changed knowledge files; a start from the index cache parses none) cost
    memory in every process; the bot with every extension imported loads none of them."""
    code = (
        # what `python -m bot run` imports: every command's module (to build the parser), then the bot
        "import sys\nimport importlib\nimport bot.cli, bot.client, bot.coach\nbot.cli.build_parser()\n"
        "from bot.exts import EXTENSIONS\n"
        "for name in EXTENSIONS:\n    importlib.import_module(name)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'rapidfuzz', 'yaml'}))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
