"""``python -m bot kb gaps`` and ``python -m bot stats`` read the bot's database in a terminal."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.coach import Coach
from bot.gaps import group_gaps
from bot.settings import load_settings
from bot.storage.protocol import LoggedQuestion

REPO = Path(__file__).resolve().parents[2]
GUILD = 4242


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=120)


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
    asked = [LoggedQuestion(q, "unknown", best, 0.2, now - timedelta(minutes=i)) for i, (q, best) in enumerate([
        ("pmp for nurses?", "pmp-eligibility"), ("can nurses get the PMP", "pmp-eligibility"),
        ("nurses pmp", None), ("salary in dubai", "it-pm-salary")])]
    gaps = group_gaps(asked)
    assert [(g.count, g.best_entry_id) for g in gaps] == [(3, "pmp-eligibility"), (1, "it-pm-salary")]
    assert gaps[0].variants[:2] == ["pmp for nurses?", "can nurses get the PMP"]
