"""Settings from environment variables and an optional ``.env`` file.

Variable names are a contract with deployment scripts. Environment variables win over
``.env``. A bad value raises ``SettingsError`` with one line naming the variable and what
it expects; the token is wrapped in ``Secret`` so it never reaches a log or an error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_KNOWLEDGE_DIR = REPO_ROOT / "knowledge"
DEFAULT_DATABASE_URL = "sqlite:///data/coach.db"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_SECRET_PARAMETER = re.compile(r"((?:password|passwd|pwd|sslpassword)=)[^&#\s]*", re.IGNORECASE)


def redact_url(value: str) -> str:
    """``value`` with the password of a database URL shown as ``***``, for errors and logs.

    Works on malformed values too (those are the ones echoed in errors): everything between
    the user name's ``:`` and the last ``@`` is hidden, and so is a ``password=`` parameter.
    """
    prefix, sep, rest = value.partition("://")
    if not sep:
        prefix, rest = "", value
    userinfo, at, host = rest.rpartition("@")
    if at and ":" in userinfo:
        rest = userinfo.split(":", 1)[0] + ":***@" + host
    return _SECRET_PARAMETER.sub(r"\1***", prefix + sep + rest)


class SettingsError(Exception):
    """A missing or malformed setting; the message is one line meant for the operator."""


class Secret:
    """A string that prints as ``***``, so it can be logged, repr'd or raised safely."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


@dataclass(frozen=True, slots=True)
class DatabaseURL:
    """``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or ``postgresql://...``."""

    scheme: str
    path: Path | None
    raw: Secret

    @classmethod
    def parse(cls, value: str) -> DatabaseURL:
        scheme, sep, rest = value.partition("://")
        if not sep:
            raise SettingsError(
                "DATABASE_URL must look like sqlite:///data/coach.db or postgresql://..., "
                f"got {redact_url(value)!r}"
            )
        scheme = scheme.lower()
        if scheme == "sqlite":
            if not rest.startswith("/") or rest == "/":
                raise SettingsError(
                    "DATABASE_URL for SQLite must be sqlite:///relative/path.db "
                    "or sqlite:////absolute/path.db"
                )
            return cls("sqlite", Path(rest[1:]), Secret(value))
        if scheme in ("postgres", "postgresql"):
            return cls("postgresql", None, Secret(value))
        raise SettingsError(
            f"DATABASE_URL scheme {redact_url(scheme)!r} is not supported (use sqlite or postgresql)"
        )


@dataclass(frozen=True, slots=True)
class Settings:
    discord_token: Secret | None
    database_url: DatabaseURL
    knowledge_dir: Path
    dev_guild_id: int | None
    log_level: str
    knowledge_poll_seconds: float
    checkin_poll_seconds: float
    gap_retention_days: int
    shard_count: int | None
    shard_ids: tuple[int, ...] | None

    def require_token(self) -> str:
        if self.discord_token is None:
            raise SettingsError(
                "DISCORD_TOKEN is not set: put your bot token in the environment or .env "
                "(or try the coach offline with `python -m bot chat`)"
            )
        return self.discord_token.reveal()


def load_settings(environ: Mapping[str, str] | None = None, dotenv_path: Path | None = None) -> Settings:
    """Read the settings; ``environ`` and ``dotenv_path`` exist for tests.

    The ``.env`` file is the working directory's, or else the project folder's.
    """
    env_file = dotenv_path if dotenv_path is not None else _find_dotenv()
    values: dict[str, str] = {}
    if env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return _parse(values)


def _find_dotenv() -> Path:
    here = Path.cwd() / ".env"
    return here if here.is_file() else REPO_ROOT / ".env"


def _parse(values: Mapping[str, str]) -> Settings:
    env = _Env(values)
    token = env.get("DISCORD_TOKEN")
    if token is not None and any(c.isspace() for c in token):
        raise SettingsError("DISCORD_TOKEN must be the bot token from the Developer Portal, without spaces")
    knowledge = env.get("KNOWLEDGE_DIR")
    level = (env.get("LOG_LEVEL") or "INFO").upper()
    if level not in LOG_LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}, got {env.get('LOG_LEVEL')!r}")
    return Settings(
        discord_token=Secret(token) if token else None,
        database_url=DatabaseURL.parse(env.get("DATABASE_URL") or DEFAULT_DATABASE_URL),
        knowledge_dir=Path(knowledge).expanduser() if knowledge else DEFAULT_KNOWLEDGE_DIR,
        dev_guild_id=env.integer("DEV_GUILD_ID", "a Discord server id (a positive whole number)"),
        log_level=level,
        knowledge_poll_seconds=env.seconds("KNOWLEDGE_POLL_SECONDS", 5.0),
        checkin_poll_seconds=env.seconds("CHECKIN_POLL_SECONDS", 60.0),
        gap_retention_days=env.integer("GAP_RETENTION_DAYS", "a number of days (a positive whole number)")
        or 90,
        shard_count=env.integer("SHARD_COUNT", "the total number of shards (a positive whole number)"),
        shard_ids=env.id_list("SHARD_IDS"),
    )


class _Env:
    """Typed reads of raw setting values, each failing with a one-line ``SettingsError``."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values

    def get(self, name: str) -> str | None:
        value = self._values.get(name)
        return value.strip() if value is not None and value.strip() else None

    def integer(self, name: str, expects: str) -> int | None:
        raw = self.get(name)
        if raw is None:
            return None
        if not raw.isdigit() or int(raw) <= 0:
            raise SettingsError(f"{name} must be {expects}, got {raw!r}")
        return int(raw)

    def seconds(self, name: str, default: float) -> float:
        raw = self.get(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = -1.0
        if not 0 <= value < float("inf"):
            raise SettingsError(
                f"{name} must be a number of seconds, 0 or more (0 turns it off), got {raw!r}"
            )
        return value

    def id_list(self, name: str) -> tuple[int, ...] | None:
        raw = self.get(name)
        if raw is None:
            return None
        parts = [p.strip() for p in raw.split(",")]
        if not all(p.isdigit() for p in parts):
            raise SettingsError(
                f"{name} must be a comma-separated list of shard numbers like 0,1, got {raw!r}"
            )
        return tuple(int(p) for p in parts)
