"""``python -m bot chat`` on a real pseudo-terminal: wrapping to its width, line editing, history."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")


class Terminal:
    """``python -m bot chat`` attached to a pseudo-terminal of a given width."""

    def __init__(self, home: Path, columns: int) -> None:
        self.master, slave = pty.openpty()
        env = {
            "PATH": os.environ["PATH"],
            "PYTHONPATH": str(REPO),
            "HOME": str(home),
            "TERM": "xterm",
            "COLUMNS": str(columns),
            "LINES": "40",
            "DATABASE_URL": f"sqlite:///{home / 'c.db'}",
        }
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=home,
            close_fds=True,
        )
        os.close(slave)
        self.seen = ""

    def read_until(self, marker: str, times: int = 1, timeout: float = 30) -> str:
        """Read until ``marker`` has been printed ``times`` times in all."""
        deadline = time.monotonic() + timeout
        while self.seen.count(marker) < times:
            left = deadline - time.monotonic()
            assert left > 0, f"no {marker!r} in {self.seen[-500:]!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536).decode(errors="replace")
                except OSError:  # the child closed the terminal
                    break
        return self.seen

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def close(self) -> int:
        self.type("\x04")
        code = self.proc.wait(timeout=30)
        os.close(self.master)
        return code


def test_chat_wraps_to_the_terminal_and_recalls_history_with_the_arrow_key(tmp_path: Path) -> None:
    term = Terminal(tmp_path, columns=60)
    try:
        term.read_until("you> ")
        term.type("how much does the pmp exam cost\r")
        term.read_until("you> ", times=2)
        term.type("\x1b[A\r")  # up arrow brings the last question back
        term.read_until("you> ", times=3)
    finally:
        assert term.close() == 0
    text = ESCAPES.sub("", term.seen)
    assert "^[[A" not in text
    assert text.count("how much does the pmp exam cost") == 2  # typed once, recalled once
    assert text.count("Sources:") == 2  # answered both times
    # a line may only run past the terminal for a word that cannot be broken (a URL, a path)
    long_lines = [
        line for line in text.splitlines() if len(line) > 60 and all(len(w) < 40 for w in line.split())
    ]
    assert long_lines == []
    assert (tmp_path / ".local" / "state" / "itpm-coach" / "chat_history").read_text().count("pmp exam") == 1
