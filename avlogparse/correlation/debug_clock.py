"""The clock of the Avamar debug layout (``YYYY/MM/DD-hh:mm:ss.fffff [thread]``).

The parser marks these stamps ``unknown``: the one public log that holds both layouts shows
``2021/06/29-06:06:17.04880 [avtar]`` between lines stamped ``2021-06-29 15:06:17`` and a
``<7883> Finished at … KST`` line, so its debug stamps are UTC on a KST host, 9 hours behind
the host-local lines (``shared/failure-catalog.md`` §4.1). Rather than assume either, the
offset is inferred like the host clock: each debug line is paired with the host-local line
before it (they are written moments apart), the gap is rounded to a quarter hour, and the
offset most pairs agree on wins. The ``<7883>`` line names the host's zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple

QUARTER_HOUR = timedelta(minutes=15)
PAIR_SLACK = timedelta(minutes=2)
"""A pair votes only when its gap is this close to a whole quarter hour."""


class DebugClock(NamedTuple):
    """What the debug layout's stamps are, relative to the host-local lines."""

    offset: timedelta | None
    """host-local minus debug stamp (``9:00:00`` on the KST sample); None when unknown."""
    pairs: int
    """How many (debug, host-local) line pairs agreed on ``offset``."""
    zone_name: str | None
    """The zone the ``<7883> Finished at … <zone>`` line names, if any."""

    def basis(self, host_offset_minutes: int | None = None) -> str:
        """``host-local`` (no offset), ``utc`` (the offset is the host clock's own UTC
        offset, when that is known), ``offset`` (another offset) or ``unknown``."""
        if self.offset is None:
            return "unknown"
        if self.offset == timedelta(0):
            return "host-local"
        if host_offset_minutes is not None and self.offset == timedelta(
            minutes=host_offset_minutes
        ):
            return "utc"
        return "offset"

    def as_data(self, host_offset_minutes: int | None = None) -> dict[str, Any]:
        """JSON form for a finding's data."""
        hours = None if self.offset is None else self.offset.total_seconds() / 3600
        return {
            "basis": self.basis(host_offset_minutes),
            "offset_hours": hours,
            "pairs": self.pairs,
            "zone": self.zone_name,
        }


def infer_debug_clock(
    pairs: Iterable[tuple[datetime, datetime]], zone_name: str | None = None
) -> DebugClock | None:
    """The debug layout's offset from (debug stamp, preceding host-local stamp) pairs; None
    when the bundle has no debug lines."""
    votes: Counter[timedelta] = Counter()
    seen = 0
    for debug, local in pairs:
        seen += 1
        gap = local - debug
        quarters = round(gap / QUARTER_HOUR)
        rounded = quarters * QUARTER_HOUR
        if abs(gap - rounded) <= PAIR_SLACK and abs(quarters) <= 14 * 4:
            votes[rounded] += 1
    if not seen:
        return None
    if not votes:
        return DebugClock(None, 0, zone_name)
    offset, count = votes.most_common(1)[0]
    return DebugClock(offset, count, zone_name)
