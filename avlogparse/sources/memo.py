"""The bound every per-file memo of the parsers keeps to.

Logs repeat a few hundred header texts, host names and codes millions of times, so the
parsers remember what they worked out for each. A hostile input repeats nothing and makes
every text long; a memo then stays within ``MEMO_ENTRIES`` texts of at most
``MEMO_KEY_CHARS`` characters, and longer texts are worked out each time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

MEMO_ENTRIES = 4096
MEMO_KEY_CHARS = 256
"""Measured without this bound: a log of long lines with a ``>:`` far in peaked 81.6 MiB above
imports (80 MB file); an export naming a new 100 KB host per event, 192 MiB (2,000 events)."""


def memorable(memo: Mapping[Any, Any], key: str | None, entries: int = MEMO_ENTRIES) -> bool:
    """Whether ``key`` may join ``memo``: room left, and not a long text."""
    return len(memo) < entries and (key is None or len(key) <= MEMO_KEY_CHARS)


V = TypeVar("V")


class MemoFunction(Generic[V]):
    """A function of texts whose results are remembered within the same bound (one memo
    policy for every parser): texts longer than ``MEMO_KEY_CHARS`` are worked out each time.
    Results are shared: a caller that changes one must copy it first."""

    def __init__(self, function: Callable[..., V]) -> None:
        self._function = function
        self._memo: dict[tuple[str | None, ...], V] = {}
        self.__doc__ = function.__doc__

    def __call__(self, *args: str | None) -> V:
        memo = self._memo
        value = memo.get(args)
        if value is None:
            value = self._function(*args)
            if len(memo) < MEMO_ENTRIES and all(
                arg is None or len(arg) <= MEMO_KEY_CHARS for arg in args
            ):
                memo[args] = value
        return value
