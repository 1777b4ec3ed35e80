"""Who asked a logged question, kept as a keyed hash only this database can reproduce.

The key is random per database (stored in ``bot_state`` and copied with the data), so the
hash of a member id means nothing outside it: moderators reading the gap log, or anyone
holding a leaked dump without the key row, cannot tell who asked. The bot recomputes the
hash to delete a member's questions.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

ASKER_KEY_STATE = "question-log-asker-key"
QUESTION_LOG_CAP = 5_000  # newest logged questions kept per guild
TRIM_EVERY = 100  # inserts per guild between two trims: the cap may be exceeded by this, briefly


def new_asker_key() -> str:
    return secrets.token_hex(32)


def asker_hash(key: str, member_id: int) -> str:
    return hmac.new(bytes.fromhex(key), str(member_id).encode(), hashlib.sha256).hexdigest()


class TrimSchedule:
    """Says when a guild's question log is due a trim: every ``TRIM_EVERY`` inserts in this process
    (and on its first insert here), so the cost of trimming is spread over many inserts."""

    def __init__(self, every: int = TRIM_EVERY) -> None:
        self._every = every
        self._since: dict[int, int] = {}

    def due(self, guild_id: int) -> bool:
        count = self._since.get(guild_id, -1) + 1
        self._since[guild_id] = count % self._every
        return count % self._every == 0
