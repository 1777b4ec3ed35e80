"""Settings: defaults, .env handling, and one clear line for every bad value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import settings as settings_module
from bot.settings import DEFAULT_KNOWLEDGE_DIR, REPO_ROOT, SettingsError, load_settings
from bot.storage import sqlite_path

REPO = Path(__file__).resolve().parents[2]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.Gabcde.secret-token-value"


def settings_from(env: dict[str, str], tmp_path: Path, dotenv: str | None = None):
    path = tmp_path / ".env"
    if dotenv is not None:
        path.write_text(dotenv)
    return load_settings(env, dotenv_path=path)


def test_defaults(tmp_path: Path) -> None:
    settings = settings_from({}, tmp_path)
    assert settings.discord_token is None
    assert settings.database_url.scheme == "sqlite"
    assert settings.database_url.path == Path("data/coach.db")
    assert settings.knowledge_dir == DEFAULT_KNOWLEDGE_DIR
    assert settings.dev_guild_id is None
    assert settings.log_level == "INFO"
    assert settings.knowledge_poll_seconds == 5.0
    assert settings.gap_retention_days == 90
    assert settings.checkin_poll_seconds == 60.0


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    settings = settings_from({"LOG_LEVEL": "debug"}, tmp_path, "LOG_LEVEL=ERROR\nDEV_GUILD_ID=42\n")
    assert settings.log_level == "DEBUG"
    assert settings.dev_guild_id == 42


def test_absolute_sqlite_path_and_postgres(tmp_path: Path) -> None:
    assert settings_from({"DATABASE_URL": "sqlite:////srv/coach.db"}, tmp_path).database_url.path == Path(
        "/srv/coach.db"
    )
    assert (
        settings_from({"DATABASE_URL": "postgresql://u:p@db/coach"}, tmp_path).database_url.scheme
        == "postgresql"
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "DEV_GUILD_ID",
            "abc",
            "DEV_GUILD_ID must be a Discord server id (a positive whole number), got 'abc'",
        ),
        ("LOG_LEVEL", "loud", "LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'loud'"),
        (
            "DATABASE_URL",
            "coach.db",
            "DATABASE_URL must look like sqlite:///data/coach.db or postgresql://..., got 'coach.db'",
        ),
        (
            "DATABASE_URL",
            "mysql://x",
            "DATABASE_URL scheme 'mysql' is not supported (use sqlite or postgresql)",
        ),
        (
            "KNOWLEDGE_POLL_SECONDS",
            "-1",
            "KNOWLEDGE_POLL_SECONDS must be a number of seconds, 0 or more (0 turns it off), got '-1'",
        ),
        ("SHARD_IDS", "0,x", "SHARD_IDS must be a comma-separated list of shard numbers like 0,1, got '0,x'"),
        (
            "CHECKIN_POLL_SECONDS",
            "soon",
            "CHECKIN_POLL_SECONDS must be a number of seconds, 0 or more (0 turns it off), got 'soon'",
        ),
        (
            "CHECKIN_POLL_SECONDS",
            "inf",
            "CHECKIN_POLL_SECONDS must be a number of seconds, 0 or more (0 turns it off), got 'inf'",
        ),
    ],
)
def test_bad_values_name_the_variable(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        settings_from({name: value}, tmp_path)
    assert str(caught.value) == message


def test_token_never_shows_in_repr(tmp_path: Path) -> None:
    settings = settings_from({"DISCORD_TOKEN": TOKEN}, tmp_path)
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.discord_token)
    assert settings.require_token() == TOKEN


def test_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"^DISCORD_TOKEN is not set: .*python -m bot chat"):
        settings_from({}, tmp_path).require_token()


def test_bad_setting_on_the_command_line_is_one_line_without_traceback(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "DEV_GUILD_ID": "x", "DISCORD_TOKEN": TOKEN}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "check"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
    )
    assert proc.returncode == 2
    assert proc.stderr == (
        "error: DEV_GUILD_ID must be a Discord server id (a positive whole number), got 'x'\n"
    )
    assert TOKEN not in proc.stdout + proc.stderr


def test_help_lists_subcommands() -> None:
    proc = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0
    assert "kb" in proc.stdout


def test_relative_sqlite_path_is_the_project_folder_s_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # started from another folder
    url = settings_from({}, tmp_path).database_url
    assert sqlite_path(url) == REPO_ROOT / "data" / "coach.db"


def test_dotenv_is_the_working_directory_s_else_the_project_s(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    (project / ".env").write_text("LOG_LEVEL=DEBUG\n")
    monkeypatch.setattr(settings_module, "REPO_ROOT", project)
    monkeypatch.chdir(elsewhere)
    assert load_settings({}).log_level == "DEBUG"
    (elsewhere / ".env").write_text("LOG_LEVEL=ERROR\n")
    assert load_settings({}).log_level == "ERROR"
