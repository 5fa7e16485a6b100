"""How far apart in time two log entries may be and still belong together."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class CorrelationWindows:
    """Correlation windows; the defaults fit one nightly backup per host."""

    merge_after_cleanup: timedelta = timedelta(minutes=60)
    clock_skew: timedelta = timedelta(minutes=2)
    checkpoint_event_match: timedelta = timedelta(minutes=10)
    merge_burst_gap: timedelta = timedelta(minutes=30)
    run_gap: timedelta = timedelta(hours=3)
    merge_recovery: timedelta = timedelta(hours=24)
