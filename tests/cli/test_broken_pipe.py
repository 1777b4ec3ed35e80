"""A reader that stops early (``| head``) ends ``ask`` quietly, without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_ask_survives_a_closed_pipe() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    proc.stdin.write(b"how much is the pmp exam\n" * 500)
    proc.stdin.close()
    assert proc.stdout.read(200)
    proc.stdout.close()
    assert proc.wait(timeout=120) == 0
    assert b"Traceback" not in proc.stderr.read()
