"""The bound every per-file memo of the parsers keeps to.

Logs repeat a few hundred header texts, host names and codes millions of times, so the
parsers remember what they worked out for each. A hostile input repeats nothing and makes
every text long; a memo then stays within ``MEMO_ENTRIES`` texts of at most
``MEMO_KEY_CHARS`` characters, and longer texts are worked out each time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

MEMO_ENTRIES = 4096
MEMO_KEY_CHARS = 256
"""Measured without this bound: a log of long lines with a ``>:`` far in peaked 81.6 MiB above
imports (80 MB file); an export naming a new 100 KB host per event, 192 MiB (2,000 events)."""


def memorable(memo: Mapping[Any, Any], key: str | None, entries: int = MEMO_ENTRIES) -> bool:
    """Whether ``key`` may join ``memo``: room left, and not a long text."""
    return len(memo) < entries and (key is None or len(key) <= MEMO_KEY_CHARS)
