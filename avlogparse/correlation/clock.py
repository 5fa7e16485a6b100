"""Host-local time to UTC: the zone given, or inferred from pairs the logs provide.

The plug-in logs are written in host-local wall-clock time with no zone; event exports carry
UTC. :func:`infer_clock` finds the offset that lines them up; :func:`given_clock` takes the
caller's ``--tz``. Either way the result says why (``reason_id`` + args, rendered at the
edge).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from avlogparse.catalog import CHECKPOINT_FAILED_EVENT, MERGE_EVENTS
from avlogparse.correlation.windows import CorrelationWindows
from avlogparse.errors import ConfigError

if TYPE_CHECKING:
    from avlogparse.correlation.collector import Collector
    from avlogparse.sources.event_xml import EventRecord, MergeProgress

PLAUSIBLE_YEARS = range(1970, 3000)
"""Host-local times outside these years (a log line stamped 0001 or 9999) are never
correlated: the windows around them would overflow ``datetime``."""

_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", re.ASCII | re.IGNORECASE)


@dataclass(frozen=True)
class HostClock:
    """How host-local (naive) times map to UTC, and how we know (``reason_id`` + args)."""

    zone: tzinfo
    source: Literal["given", "inferred", "assumed"]
    reason_id: str
    offset_minutes: int | None
    anchors: int = 0
    reason_args: dict[str, Any] = field(default_factory=dict)

    def aware(self, moment: datetime | None) -> datetime | None:
        """A naive host-local time made aware in the host zone; aware times pass through."""
        if moment is None or moment.tzinfo is not None:
            return moment
        try:
            return moment.replace(tzinfo=self.zone)
        except (OverflowError, ValueError):
            return None

    def host_time(self, moment: datetime | None) -> datetime | None:
        """Any record time as aware host time (UTC events shown in the host's zone)."""
        aware = self.aware(moment)
        if aware is None:
            return None
        try:
            return aware.astimezone(self.zone)
        except (OverflowError, ValueError):
            return None

    def utc(self, moment: datetime | None) -> datetime | None:
        """Any record time in UTC (None when it cannot be placed, or is implausible)."""
        aware = self.aware(moment)
        if aware is None or aware.year not in PLAUSIBLE_YEARS:
            return None
        try:
            return aware.astimezone(timezone.utc)
        except (OverflowError, ValueError):
            return None


def fixed_zone(minutes: int) -> timezone:
    """A fixed UTC offset in minutes as a tzinfo."""
    return timezone(timedelta(minutes=minutes))


def given_clock(tz: str | tzinfo) -> HostClock:
    """A host clock from ``tz=``: an IANA name (``Asia/Tokyo``) or an offset (``+09:00``)."""
    if isinstance(tz, tzinfo):
        offset = tz.utcoffset(None)
        minutes = int(offset.total_seconds() // 60) if offset is not None else None
        return HostClock(tz, "given", "clock.given", minutes, reason_args={"zone": str(tz)})
    text = tz.strip()
    if text.upper() in ("UTC", "Z", "GMT"):
        return HostClock(timezone.utc, "given", "clock.given", 0, reason_args={"zone": "UTC"})
    fixed = _OFFSET.fullmatch(text)
    if fixed is not None:
        sign, hours, minutes_text = fixed.groups()
        minutes = int(hours) * 60 + int(minutes_text or 0)
        if minutes > 14 * 60:
            raise ConfigError(f"time zone offset out of range: {tz!r}")
        minutes = -minutes if sign == "-" else minutes
        zone = timezone(timedelta(minutes=minutes))
        return HostClock(zone, "given", "clock.given", minutes, reason_args={"zone": text})
    try:
        zone_info = ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"unknown time zone {tz!r} (use an IANA name or +hh:mm)") from error
    return HostClock(zone_info, "given", "clock.given-dst", None, reason_args={"zone": text})


class ClockAnchor(NamedTuple):
    """A host-local time with UTC counterparts: for an offset, the window shifted by it
    holds the matching UTC time (the first one in it, bisected, counts)."""

    local: datetime
    utc_times: list[datetime]
    """Candidate UTC times, naive and sorted (shared between anchors of one kind)."""
    start: datetime
    end: datetime


def infer_clock(collector: Collector, windows: CorrelationWindows) -> HostClock:
    """Estimate the host's UTC offset from pairs the logs themselves provide
    (:func:`clock_anchors`, :func:`clock_from_anchors`)."""
    return clock_from_anchors(clock_anchors(collector, windows))


def clock_anchors(collector: Collector, windows: CorrelationWindows) -> list[ClockAnchor]:
    """Host-local times with a UTC counterpart: a cleanup (the merge events VMMS writes right
    after it) and a 43426 line (the VMMS 18012 of the same VM)."""
    anchors: list[ClockAnchor] = []
    merge_times = _naive_sorted(e for e in collector.all_events() if e.event_id in MERGE_EVENTS)
    checkpoint_times = _naive_sorted(
        e for e in collector.events if e.event_id == CHECKPOINT_FAILED_EVENT
    )
    for cleanup in collector.cleanups:
        local = cleanup.local_time
        if local is not None and local.year in PLAUSIBLE_YEARS and merge_times:
            window = (local - windows.clock_skew, local + windows.merge_after_cleanup)
            anchors.append(ClockAnchor(local, merge_times, *window))
    match = windows.checkpoint_event_match
    for run in collector.runs:
        for record in run.failures:
            stamp = record.timestamp
            if stamp is not None and stamp.year in PLAUSIBLE_YEARS and checkpoint_times:
                anchors.append(ClockAnchor(stamp, checkpoint_times, stamp - match, stamp + match))
    return anchors


def clock_from_anchors(anchors: Sequence[ClockAnchor]) -> HostClock:
    """The offset that explains the most anchors.

    Every offset on a 15-minute grid from -14 h to +14 h is scored by how many anchors it
    explains; the best wins, ties going to the smallest total lag.
    """
    if not anchors:
        return HostClock(
            zone=timezone.utc,
            source="assumed",
            reason_id="clock.no-anchors",
            offset_minutes=None,
        )
    best: tuple[int, float, int] | None = None
    scores: dict[int, int] = {}
    lags: dict[int, float] = {}
    for minutes in range(-14 * 60, 14 * 60 + 1, 15):
        offset = timedelta(minutes=minutes)
        explained = 0
        total_lag = 0.0
        for local, utc_times, start, end in anchors:
            at = bisect_left(utc_times, start - offset)
            if at < len(utc_times) and utc_times[at] <= end - offset:
                explained += 1
                total_lag += abs((utc_times[at] + offset - local).total_seconds())
        scores[minutes] = explained
        lags[minutes] = total_lag
        if explained and (best is None or (explained, -total_lag) > (best[0], -best[1])):
            best = (explained, total_lag, minutes)
    if best is None:
        return HostClock(
            zone=timezone.utc,
            source="assumed",
            reason_id="clock.no-match",
            offset_minutes=None,
            anchors=len(anchors),
            reason_args={"anchors": len(anchors)},
        )
    explained, _, minutes = best
    rivals = sorted((m for m, s in scores.items() if s == explained and m != minutes))
    sign = "+" if minutes >= 0 else "-"
    return HostClock(
        zone=fixed_zone(minutes),
        source="inferred",
        reason_id="clock.inferred",
        offset_minutes=minutes,
        anchors=len(anchors),
        reason_args={
            "offset": f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}",
            "explained": explained,
            "anchors": len(anchors),
            "rivals": "clock.inferred.rivals" if rivals else None,
            "rival_count": len(rivals),
            "rival_list": [
                f"{_offset_text(m)}: {explained}/{len(anchors)}, lag {lags[m] / 60:.0f} min"
                for m in rivals
            ],
            "rival_offsets": [_offset_text(m).removeprefix("UTC") for m in rivals],
            "chosen_lag_minutes": round(lags[minutes] / 60),
        },
    )


def _offset_text(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _naive_sorted(events: Iterable[EventRecord | MergeProgress]) -> list[datetime]:
    """Event times as sorted naive UTC, for bisecting."""
    return sorted(e.timestamp.replace(tzinfo=None) for e in events if e.timestamp is not None)
