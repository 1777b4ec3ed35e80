"""Link text that shows one web address while the link opens another.

``[https://pmi.org](https://evil.example)`` renders in Discord as a trustworthy address
that leads somewhere else. The validator refuses such links in answers and link titles:
text that reads as an address must name the host the link opens (and, if it shows a path,
the start of that path).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

_ADDRESS = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?(?:[a-z0-9-]+\.)+[a-z]{2,}\.?(?::\d+)?(?:[/?#]\S*)?", re.I)
_MASKED_LINK = re.compile(r"\[([^\]\n]{1,300})\]\(\s*<?([^\s)>]+)>?[^)\n]*\)")
_DECORATION = "<>`*_~| \t"


def masked_links(markdown: str) -> Iterator[tuple[str, str]]:
    """(text, target) of every ``[text](target)`` in ``markdown``."""
    for match in _MASKED_LINK.finditer(markdown):
        yield match.group(1), match.group(2)


def shows_another_address(text: str, target: str) -> bool:
    """Whether ``text`` reads as a web address that ``target`` does not open."""
    shown = text.strip(_DECORATION)
    if not _ADDRESS.fullmatch(shown):
        return False
    claimed = urlsplit(shown if "://" in shown else f"https://{shown}")
    opened = urlsplit(target)
    if _host(claimed.hostname) != _host(opened.hostname):
        return True
    return not opened.path.startswith(claimed.path.rstrip("/"))


def _host(name: str | None) -> str:
    host = (name or "").lower().rstrip(".")
    return host.removeprefix("www.")
