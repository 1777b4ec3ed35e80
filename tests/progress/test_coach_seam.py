"""Adapters reach storage only through ``Coach`` and the services, which make the checks."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from bot.coach import Coach
from bot.limits import QUESTION_MAX_CHARS
from bot.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
ADAPTERS = [
    *(REPO / "bot" / "exts").glob("*.py"),
    *(REPO / "bot" / "ui").glob("*.py"),
    *(REPO / "bot" / "cli").glob("*.py"),
    REPO / "bot" / "client.py",
]


def test_no_adapter_calls_the_storage_object() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{n}"
        for path in ADAPTERS
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"(?<!\bbot)\.storage\b", line)
    ]
    assert offenders == []


async def test_coach_cuts_long_questions_before_logging_them(tmp_path: Path) -> None:
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}, dotenv_path=tmp_path / "x")
    coach = await Coach.open(settings)
    try:
        question = "zqxv " * 400  # 2,000 characters nobody can answer
        await coach.record_question(5, question, coach.library.engine.answer(question), member_id=7)
        logged = await coach.unanswered_questions(5, datetime(2000, 1, 1, tzinfo=UTC))
        assert [len(q.question) for q in logged] == [QUESTION_MAX_CHARS]
    finally:
        await coach.close()
