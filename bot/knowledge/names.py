"""Near-miss suggestions for ids and keys, shared by the validator and the services."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest_names(name: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """The candidates most like ``name``, best first (empty when nothing is close)."""
    return difflib.get_close_matches(name, list(candidates), n=limit, cutoff=0.6)


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a near miss, else an empty string."""
    close = closest_names(name, candidates, limit=1)
    return f" (did you mean '{close[0]}'?)" if close else ""
