"""``python -m bot kb gaps`` and ``python -m bot stats`` read the bot's database in a terminal."""

from __future__ import annotations

import os
import random
import string
import struct
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.coach import Coach
from bot.gaps import KEY_CHARS, MAX_GROUPED, group_gaps
from bot.settings import load_settings
from bot.storage.protocol import LoggedQuestion, UnansweredQuestion, Usage

REPO = Path(__file__).resolve().parents[2]
GUILD = 4242


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ["PATH"],
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
    )


async def seed(tmp_path: Path) -> None:
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}, dotenv_path=tmp_path / "x")
    coach = await Coach.open(settings)
    try:
        await coach.progress.complete(GUILD, 1, "understand-the-role")
        await coach.progress.complete(GUILD, 2, "understand-the-role")
        await coach.progress.complete(GUILD, 2, "get-pm-education")
        for question in ("how do i become a nurse", "How do I become a NURSE?", "weather today"):
            await coach.record_question(GUILD, question, coach.library.engine.answer(question), member_id=7)
    finally:
        await coach.close()


async def test_stats_prints_the_funnel_and_writes_the_chart(tmp_path: Path) -> None:
    await seed(tmp_path)
    proc = run(["stats", "--png", "funnel.png"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert f"Server {GUILD}: 2 members with progress" in proc.stdout
    assert "    2  Understand the IT PM role" in proc.stdout
    assert "    1  Get project management education" in proc.stdout
    assert "(3 in all)" in proc.stdout
    png = (tmp_path / "funnel.png").read_bytes()
    width, height = struct.unpack(">II", png[16:24])
    assert png.startswith(b"\x89PNG") and width >= 800 and height >= 400


async def test_gaps_groups_near_duplicates(tmp_path: Path) -> None:
    await seed(tmp_path)
    proc = run(["kb", "gaps"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "3 unanswered questions in the last 30 days, grouped:"
    assert lines[2].startswith("   2x  how do i become a nurse")
    assert any(line.startswith("   1x  weather today") for line in lines)


def test_group_gaps_orders_by_count_and_keeps_variants() -> None:
    now = datetime.now(UTC)
    asked = [
        LoggedQuestion(q, "unknown", best, 0.2, now - timedelta(minutes=i))
        for i, (q, best) in enumerate(
            [
                ("pmp for nurses?", "pmp-eligibility"),
                ("can nurses get the PMP", "pmp-eligibility"),
                ("nurses pmp", None),
                ("salary in dubai", "it-pm-salary"),
            ]
        )
    ]
    gaps = group_gaps(asked)
    assert [(g.count, g.best_entry_id) for g in gaps] == [(3, "pmp-eligibility"), (1, "it-pm-salary")]
    assert gaps[0].variants[:2] == ["pmp for nurses?", "can nurses get the PMP"]


def random_question(rng: random.Random, chars: int) -> str:
    """Made-up words: questions that share nothing, the worst case for grouping."""
    text = ""
    while len(text) < chars:
        text += "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(3, 12))) + " "
    return text[:chars]


def test_only_the_newest_questions_are_grouped() -> None:
    """An old flood of one question is left out once newer questions fill the window."""
    now = datetime.now(UTC)
    rng = random.Random(7)
    old = [LoggedQuestion("how do i become a nurse", "unknown", None, 0.1, now - timedelta(days=20))] * 600
    new = [
        LoggedQuestion(random_question(rng, 60), "unknown", None, 0.1, now - timedelta(minutes=i))
        for i in range(MAX_GROUPED)
    ]
    gaps = group_gaps([*old, *new], limit=5000)
    assert sum(g.count for g in gaps) == MAX_GROUPED
    assert not any("nurse" in g.example for g in gaps)


def test_long_questions_are_told_apart_by_their_start() -> None:
    """Keys are cut: 1,000-character questions that differ only after the cut are one gap."""
    now = datetime.now(UTC)
    rng = random.Random(3)
    start = random_question(rng, KEY_CHARS)
    asked = [
        LoggedQuestion(start + random_question(rng, 1000), "unknown", None, 0.1, now - timedelta(minutes=i))
        for i in range(3)
    ]
    other = LoggedQuestion(random_question(rng, 1000), "unknown", None, 0.1, now)
    gaps = group_gaps([*asked, other])
    assert [g.count for g in gaps] == [3, 1]
    assert all(len(g.example) <= 200 for g in gaps)


async def test_gaps_in_a_terminal_says_when_only_the_newest_were_grouped(tmp_path: Path) -> None:
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}, dotenv_path=tmp_path / "x")
    coach = await Coach.open(settings)
    now = datetime.now(UTC)
    rng = random.Random(5)
    try:
        for i in range(MAX_GROUPED + 10):
            await coach.storage.record_usage(
                Usage(
                    unanswered=[
                        UnansweredQuestion(
                            GUILD,
                            random_question(rng, 80),
                            "unknown",
                            None,
                            0.1,
                            now - timedelta(seconds=i),
                            i,
                        )
                    ]
                )
            )
    finally:
        await coach.close()
    proc = run(["kb", "gaps", "--guild", str(GUILD)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == (
        f"{MAX_GROUPED + 10} unanswered questions in the last 30 days, the newest {MAX_GROUPED:,} grouped:"
    )
