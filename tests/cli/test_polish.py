"""Small things a newcomer meets first: the program's name, a silent prompt, plurals, chart ticks."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot import reports
from bot.cli import main
from bot.knowledge.loader import load_or_raise
from bot.progress.results import GuildStats, MilestoneCount
from bot.settings import DEFAULT_KNOWLEDGE_DIR

REPO = Path(__file__).resolve().parents[2]


def test_help_names_the_console_script_when_run_as_itpm_coach(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["/venv/bin/itpm-coach", "--help"])
    with pytest.raises(SystemExit):
        main(["--help"])
    assert capsys.readouterr().out.startswith("usage: itpm-coach ")


def test_help_names_python_m_bot_otherwise(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["/repo/bot/__main__.py", "--help"])
    with pytest.raises(SystemExit):
        main(["--help"])
    assert capsys.readouterr().out.startswith("usage: python -m bot ")


def test_ask_without_a_question_on_a_terminal_says_what_to_do(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask"],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
        text=True,
    )
    os.close(slave)
    try:
        os.write(master, b"how much is the pmp exam\n\x04")
        out, err = proc.communicate(timeout=60)
    finally:
        os.close(master)
    assert proc.returncode == 0
    assert err.startswith("Type a question and press Enter")
    assert "PMP" in out


def _stats(counts: list[int]) -> GuildStats:
    knowledge = load_or_raise(DEFAULT_KNOWLEDGE_DIR)
    milestones = list(knowledge.milestones.values())[: len(counts)]
    return GuildStats(
        guild_id=1,
        members=max(counts),
        per_milestone=tuple(MilestoneCount(m, n) for m, n in zip(milestones, counts, strict=True)),
        retired={},
        per_week=(),
    )


def test_one_member_is_singular() -> None:
    assert reports.plural(1, "member") == "1 member"
    assert reports.plural(0, "member") == "0 members"
    assert reports.plural(2, "member") == "2 members"


def test_chart_counts_members_in_whole_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib import pyplot

    drawn: list[Any] = []
    monkeypatch.setattr(pyplot, "close", drawn.append)  # keep the figure to look at its axis
    reports.funnel_png(_stats([1, 0]))
    ax = drawn[0].axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks and all(t.isdigit() for t in ticks), ticks
    assert "(1 member with progress)" in ax.get_title()


def test_long_checklist_lines_continue_under_their_text() -> None:
    from bot.cli.render import fit

    wrapped = fit("  [ ] Write a one-page glossary of 20 IT terms with one sentence each, by Friday", 40)
    lines = wrapped.splitlines()
    assert lines[0].startswith("  [ ] Write") and all(line.startswith("      ") for line in lines[1:])
    assert all(len(line) <= 40 for line in lines)
