"""The terminal reports fail with one clear line, and never echo a database password (issue 10)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings, redact_url

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "hunter2-s3cret"
REPORTS = [["stats"], ["kb", "gaps"]]


def run(args: list[str], cwd: Path, database_url: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), "DATABASE_URL": database_url, **extra}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120
    )


@pytest.mark.parametrize("args", REPORTS)
def test_damaged_database_is_one_line_and_exit_1(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "c.db").write_bytes(b"this is not an SQLite database " * 200)
    proc = run(args, tmp_path, f"sqlite:///{tmp_path / 'c.db'}")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"error: the database {tmp_path / 'c.db'} is damaged or not a database "
        "(file is not a database); restore a backup"
    ]


@pytest.mark.parametrize("args", REPORTS)
def test_unreachable_database_is_one_line_without_the_password(tmp_path: Path, args: list[str]) -> None:
    proc = run(args, tmp_path, f"postgresql://coach:{PASSWORD}@127.0.0.1:9/coach")  # nothing listens on 9
    assert proc.returncode == 1
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stderr.startswith("error: the PostgreSQL server 127.0.0.1:9/coach did not answer")
    assert PASSWORD not in proc.stdout + proc.stderr


@pytest.mark.parametrize("args", REPORTS)
def test_malformed_database_url_is_echoed_without_the_password(tmp_path: Path, args: list[str]) -> None:
    proc = run(args, tmp_path, f"postgresql:coach:{PASSWORD}@db/coach")
    assert proc.returncode == 2
    assert PASSWORD not in proc.stdout + proc.stderr
    assert proc.stderr.splitlines() == [
        "error: DATABASE_URL must look like sqlite:///data/coach.db or postgresql://..., "
        "got 'postgresql:***@db/coach'"
    ]


def test_stats_with_broken_knowledge_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    proc = run(["stats"], tmp_path, f"sqlite:///{tmp_path / 'c.db'}", KNOWLEDGE_DIR=str(tmp_path / "kb"))
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "error: the knowledge base has errors (0 entries, 0 milestones, 0 tracks: 3 errors, 0 warnings); "
        "run `python -m bot kb check` to see them"
    ]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (f"postgresql://coach:{PASSWORD}@db:5432/x", "postgresql://coach:***@db:5432/x"),
        (f"postgresql://coach:p@ss:{PASSWORD}@db/x", "postgresql://coach:***@db/x"),
        (
            f"postgres://db/x?user=coach&password={PASSWORD}&ssl=1",
            "postgres://db/x?user=coach&password=***&ssl=1",
        ),
        ("postgresql://coach@db/x", "postgresql://coach@db/x"),
        ("sqlite:///data/coach.db", "sqlite:///data/coach.db"),
    ],
)
def test_redact_url_hides_only_the_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_unsupported_scheme_error_hides_the_password(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings({"DATABASE_URL": f"coach:{PASSWORD}@mysql://db/x"}, dotenv_path=tmp_path / "none")
    assert PASSWORD not in str(raised.value)
