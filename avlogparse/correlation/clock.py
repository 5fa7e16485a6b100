"""Host-local time to UTC: the zone given, or inferred from pairs the logs provide.

The plug-in logs are written in host-local wall-clock time with no zone; event exports carry
UTC. :func:`infer_clock` finds the clock that lines them up; :func:`given_clock` takes the
caller's ``--tz``. Either way the result says why (``reason_id`` + args, rendered at the
edge) and from what evidence (``docs/guide/host-clock.md``).

The inference, per host (:func:`clock_from_anchors`):

1. every offset on a 15-minute grid is scored by the anchors it explains (a host-local
   record whose UTC counterpart falls in its window once shifted by the offset); the best
   fixed offset is today's answer;
2. a change point: the anchors in host-local order are split where one offset explains
   those before and another those after best (prefix and suffix maxima, one pass);
3. only when that split explains more anchors than any fixed offset, the IANA zones whose
   offsets at the anchors either side of the split are those two (``available_timezones()``
   read once, cached) are scored on every anchor; zones with the same changes over the
   bundle form one rule family, and the best family wins (anchors, then agreement with the
   zone abbreviations the logs print, then least lag). A bundle that never crosses a
   change keeps the fixed offset.

Zone abbreviations printed by avtar (``<7883> Finished at … KST``, :class:`ZoneHint`) are
evidence: they break ties between rule families, give the clock when there is no anchor, and
one that contradicts the clock is reported (``verdict: contradicts``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone, tzinfo
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from avlogparse.catalog import CHECKPOINT_FAILED_EVENT, MERGE_EVENTS
from avlogparse.correlation.windows import CorrelationWindows
from avlogparse.errors import ConfigError
from avlogparse.models.report import ClockEvidence, ClockRival, ClockSwitch

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
    zone_name: str | None = None
    """The IANA zone followed (inferred or given by name), None for a fixed offset."""
    rule_family: str | None = None
    offsets: tuple[int, ...] = ()
    """Every UTC offset (minutes) in effect over the bundle."""
    switches: tuple[ClockSwitch, ...] = ()
    evidence: tuple[ClockEvidence, ...] = ()
    rivals: tuple[ClockRival, ...] = ()

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


def anchors_explained(clock: HostClock, anchors: Sequence[ClockAnchor]) -> int:
    """How many anchors ``clock`` explains: its UTC window holds a counterpart."""
    explained = 0
    for anchor in anchors:
        start, end = clock.utc(anchor.start), clock.utc(anchor.end)
        if start is None or end is None:
            continue
        at = bisect_left(anchor.utc_times, start.replace(tzinfo=None))
        if at < len(anchor.utc_times) and anchor.utc_times[at] <= end.replace(tzinfo=None):
            explained += 1
    return explained


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
    return HostClock(
        zone_info, "given", "clock.given-dst", None, reason_args={"zone": text}, zone_name=text
    )


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
    return clock_from_anchors(clock_anchors(collector, windows), collector.zone_hints)


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


GRID = range(-14 * 60, 14 * 60 + 1, 15)
"""The offsets (minutes) scored: every 15 minutes from UTC-14:00 to UTC+14:00."""

ABBREVIATIONS: dict[str, tuple[int, ...]] = {
    "UTC": (0,),
    "GMT": (0,),
    "Z": (0,),
    "WET": (0,),
    "WEST": (60,),
    "BST": (60, 360),
    "IST": (330, 60, 120),
    "CET": (60,),
    "CEST": (120,),
    "MET": (60,),
    "MEST": (120,),
    "EET": (120,),
    "EEST": (180,),
    "MSK": (180,),
    "SAST": (120,),
    "CAT": (120,),
    "EAT": (180,),
    "WAT": (60,),
    "PKT": (300,),
    "NPT": (345,),
    "ICT": (420,),
    "WIB": (420,),
    "HKT": (480,),
    "SGT": (480,),
    "AWST": (480,),
    "PHT": (480,),
    "PST": (-480, 480),
    "KST": (540,),
    "JST": (540,),
    "ACST": (570,),
    "ACDT": (630,),
    "AEST": (600,),
    "AEDT": (660,),
    "NZST": (720,),
    "NZDT": (780,),
    "EST": (-300,),
    "EDT": (-240,),
    "CST": (-360, 480, -300),
    "CDT": (-300, -240),
    "MST": (-420,),
    "MDT": (-360,),
    "PDT": (-420,),
    "AKST": (-540,),
    "AKDT": (-480,),
    "HST": (-600,),
    "AST": (-240, 180),
    "ADT": (-180,),
    "NST": (-210,),
    "NDT": (-150,),
}
"""UTC offsets (minutes) a printed zone abbreviation may stand for (several when the same
letters name different zones: CST is US Central, China and Cuba)."""

RULE_FAMILIES: dict[str, str] = {
    "America/New_York": "US",
    "America/Chicago": "US",
    "America/Denver": "US",
    "America/Los_Angeles": "US",
    "America/Anchorage": "US",
    "America/Halifax": "US",
    "America/St_Johns": "US",
    "Europe/London": "EU",
    "Europe/Lisbon": "EU",
    "Europe/Paris": "EU",
    "Europe/Berlin": "EU",
    "Europe/Helsinki": "EU",
    "Australia/Sydney": "AU",
    "Australia/Melbourne": "AU",
    "Australia/Adelaide": "AU",
    "Australia/Hobart": "AU",
    "Australia/Lord_Howe": "AU",
    "Pacific/Auckland": "NZ",
    "America/Santiago": "Chile",
    "America/Havana": "Cuba",
    "Asia/Jerusalem": "Israel",
    "America/Asuncion": "Paraguay",
    "Africa/Cairo": "Egypt",
    "Asia/Beirut": "Lebanon",
    "Europe/Chisinau": "Moldova",
}
"""Well-known zones and the name of their daylight-saving rules; a family that holds one of
them is named by it (and it is the zone shown for the family)."""


class ZoneHint(NamedTuple):
    """A zone abbreviation the logs print for a host-local time (avtar ``<7883>``)."""

    local: datetime
    name: str
    path: str
    line: int


@dataclass
class _Fit:
    """How well one explanation fits: anchors explained, total lag, hint agreement."""

    explained: int
    lag: float
    hints: int = 0

    def key(self) -> tuple[int, int, float]:
        return (self.explained, self.hints, -self.lag)


def clock_from_anchors(anchors: Sequence[ClockAnchor], hints: Sequence[ZoneHint] = ()) -> HostClock:
    """One host's clock from its anchors (and the zone abbreviations its logs print).

    See the module docstring: the best fixed offset, unless a daylight-saving zone found by
    a change point explains more anchors. Ties between fixed offsets go to the smallest
    total lag; the others are the ``rivals``.
    """
    if not anchors:
        return _clock_from_hints(hints)
    ordered = sorted(anchors, key=lambda anchor: anchor.local)
    fits = [_anchor_fits(anchor) for anchor in ordered]
    scores: dict[int, _Fit] = {minutes: _Fit(0, 0.0) for minutes in GRID}
    for fit in fits:
        for minutes, lag in fit.items():
            score = scores[minutes]
            score.explained += 1
            score.lag += lag
    best_minutes = max(GRID, key=lambda m: (scores[m].explained, -scores[m].lag))
    best = scores[best_minutes]
    if not best.explained:
        return HostClock(
            zone=timezone.utc,
            source="assumed",
            reason_id="clock.no-match",
            offset_minutes=None,
            anchors=len(anchors),
            reason_args={"anchors": len(anchors)},
            evidence=(ClockEvidence(kind="anchors", explained=0, anchors=len(anchors)),),
        )
    zoned = _zone_clock(ordered, fits, best, hints)
    if zoned is not None:
        return zoned
    rivals = [m for m in GRID if scores[m].explained == best.explained and m != best_minutes]
    return HostClock(
        zone=fixed_zone(best_minutes),
        source="inferred",
        reason_id="clock.inferred",
        offset_minutes=best_minutes,
        anchors=len(anchors),
        reason_args={
            "offset": offset_text(best_minutes),
            "explained": best.explained,
            "anchors": len(anchors),
            "rivals": "clock.inferred.rivals" if rivals else None,
            "rival_count": len(rivals),
            **_hint_args(hints, fixed_zone(best_minutes)),
            "rival_list": [
                [offset_text(m), scores[m].explained, len(anchors), round(scores[m].lag / 60)]
                for m in rivals
            ],
            "chosen_lag_minutes": round(best.lag / 60),
        },
        offsets=(best_minutes,),
        evidence=(
            ClockEvidence(kind="anchors", explained=best.explained, anchors=len(anchors)),
            *_hint_evidence(hints, fixed_zone(best_minutes)),
        ),
        rivals=tuple(
            ClockRival(
                offsets_minutes=[m],
                explained=scores[m].explained,
                tz=offset_text(m).removeprefix("UTC"),
            )
            for m in rivals
        ),
    )


def offset_text(minutes: int) -> str:
    """``UTC+09:00`` / ``UTC-05:00``."""
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


_GRID_SHIFTS = tuple((minutes, timedelta(minutes=minutes)) for minutes in GRID)
_REACH = (timedelta(minutes=GRID.stop), timedelta(minutes=-GRID.start + 1))


def _anchor_fits(anchor: ClockAnchor) -> dict[int, float]:
    """The grid offsets that explain one anchor, each with its lag (seconds)."""
    local, utc_times, start, end = anchor
    fits: dict[int, float] = {}
    # only the UTC times some offset can reach are bisected
    low = bisect_left(utc_times, start - _REACH[0])
    high = bisect_left(utc_times, end + _REACH[1])
    if low >= high:
        return fits
    for minutes, offset in _GRID_SHIFTS:
        at = bisect_left(utc_times, start - offset, low, high)
        if at < high and utc_times[at] <= end - offset:
            fits[minutes] = abs((utc_times[at] + offset - local).total_seconds())
    return fits


def _zone_clock(
    ordered: list[ClockAnchor],
    fits: list[dict[int, float]],
    fixed: _Fit,
    hints: Sequence[ZoneHint],
) -> HostClock | None:
    """A daylight-saving zone that explains more anchors than any fixed offset, if any."""
    split = _change_point(fits)
    if split is None or split[0] <= fixed.explained:
        return None
    _, first, last, before, after = split
    low = ordered[first - 1].local
    high = ordered[last].local
    candidates = [
        zone
        for zone in _all_zones()
        if _offset_at(zone, low) in before and _offset_at(zone, high) in after
    ]
    if not candidates:
        return None
    span = (ordered[0].local - timedelta(days=1), ordered[-1].local + timedelta(days=1))
    families: dict[tuple[tuple[datetime, int, int], ...], list[ZoneInfo]] = {}
    for zone in candidates:
        families.setdefault(_transitions(zone, *span), []).append(zone)
    scored: list[tuple[_Fit, ZoneInfo, list[ZoneInfo], int]] = []
    for changes, zones in families.items():
        if not changes:
            continue
        zone = _representative(zones)
        fit, resolved = _zone_fit(zone, ordered, fits)
        fit.hints = sum(hint.name == _name_at(zone, hint.local) for hint in hints)
        scored.append((fit, zone, zones, resolved))
    if not scored:
        return None
    scored.sort(key=lambda item: item[0].key(), reverse=True)
    fit, zone, zones, resolved = scored[0]
    if fit.explained <= fixed.explained:
        return None
    changes = _transitions(zone, *span)
    switches = tuple(_switch(zone, at, was, now) for at, was, now in changes)
    if switches and resolved:
        switches = (switches[0].model_copy(update={"resolved_by_anchor": resolved}), *switches[1:])
    offsets = tuple(sorted({changes[0][1], *(now for _, _, now in changes)}))
    family = _family(zones)
    rivals = tuple(
        ClockRival(
            offsets_minutes=sorted(
                {c[1] for c in _transitions(z, *span)} | {c[2] for c in _transitions(z, *span)}
            ),
            explained=f.explained,
            zone=z.key,
            rule_family=_family(group),
            zones=len(group),
            tz=z.key,
        )
        for f, z, group, _ in scored[1:]
        if f.explained == fit.explained
    )
    first_switch = switches[0]
    return HostClock(
        zone=zone,
        source="inferred",
        reason_id="clock.inferred-zone",
        offset_minutes=None,
        anchors=len(ordered),
        reason_args={
            "zone": zone.key,
            "offsets": "/".join(offset_text(m) for m in offsets),
            "family": "clock.inferred-zone.family" if family else None,
            "rules": family,
            "switch": f"{first_switch.local:%Y-%m-%d %H:%M}",
            "switch_count": len(switches),
            "zones": len(zones),
            "explained": fit.explained,
            "anchors": len(ordered),
            "rivals": "clock.inferred-zone.rivals" if rivals else None,
            "rival_count": len(rivals),
            **_hint_args(hints, zone),
        },
        zone_name=zone.key,
        rule_family=family,
        offsets=offsets,
        switches=switches,
        evidence=(
            ClockEvidence(kind="anchors", explained=fit.explained, anchors=len(ordered)),
            *_hint_evidence(hints, zone),
        ),
        rivals=rivals,
    )


def _change_point(
    fits: list[dict[int, float]],
) -> tuple[int, int, int, set[int], set[int]] | None:
    """Where one offset before and another after explain the most anchors.

    Returns (explained, first, last, offsets before, offsets after): the change lies between
    anchor ``first - 1`` and anchor ``last`` (every split in between explains as many).
    """
    count = len(fits)
    prefix_best = [0] * (count + 1)
    counts: dict[int, int] = dict.fromkeys(GRID, 0)
    best = 0
    for index, fit in enumerate(fits, 1):
        for minutes in fit:
            counts[minutes] += 1
            best = max(best, counts[minutes])
        prefix_best[index] = best
    suffix_best = [0] * (count + 1)
    counts = dict.fromkeys(GRID, 0)
    best = 0
    for index in range(count - 1, -1, -1):
        for minutes in fits[index]:
            counts[minutes] += 1
            best = max(best, counts[minutes])
        suffix_best[index] = best
    totals = [prefix_best[k] + suffix_best[k] for k in range(1, count)]
    if not totals:
        return None
    top = max(totals)
    splits = [k + 1 for k, total in enumerate(totals) if total == top]
    first, last = splits[0], splits[-1]
    before = _full_set(fits[:first], prefix_best[first])
    after = _full_set(fits[last:], suffix_best[last])
    if not before or not after or before == after:
        return None
    return top, first, last, before, after


def _full_set(fits: list[dict[int, float]], best: int) -> set[int]:
    """Every offset that explains ``best`` of these anchors."""
    counts: dict[int, int] = {}
    for fit in fits:
        for minutes in fit:
            counts[minutes] = counts.get(minutes, 0) + 1
    return {m for m, n in counts.items() if n == best}


def _zone_fit(
    zone: ZoneInfo, ordered: list[ClockAnchor], fits: list[dict[int, float]]
) -> tuple[_Fit, int]:
    """Anchors a zone explains; an anchor in a repeated or skipped hour is placed by its UTC
    counterpart (either offset may explain it; counted in the second value)."""
    fit = _Fit(0, 0.0)
    resolved = 0
    for anchor, anchor_fits in zip(ordered, fits, strict=True):
        first = _offset_at(zone, anchor.local)
        second = _offset_at(zone, anchor.local, 1)
        lag = anchor_fits.get(first) if first is not None else None
        if second != first and second is not None:
            other = anchor_fits.get(second)
            if other is not None and (lag is None or other < lag):
                lag = other
            resolved += lag is not None
        if lag is not None:
            fit.explained += 1
            fit.lag += lag
    return fit, resolved


def _offset_at(zone: tzinfo, local: datetime, fold: int = 0) -> int | None:
    """The zone's UTC offset (minutes) at a host-local time."""
    try:
        offset = local.replace(tzinfo=zone, fold=fold).utcoffset()
    except (OverflowError, ValueError):
        return None
    return None if offset is None else int(offset.total_seconds() // 60)


def _name_at(zone: tzinfo, local: datetime) -> str | None:
    try:
        return local.replace(tzinfo=zone).tzname()
    except (OverflowError, ValueError):
        return None


@cache
def _all_zones() -> tuple[ZoneInfo, ...]:
    """Every IANA zone, read once per process (only when a bundle crosses a change)."""
    keys = sorted(
        key
        for key in available_timezones()
        if "/" in key and not key.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )
    zones = []
    for key in keys:
        try:
            zones.append(ZoneInfo(key))
        except (ZoneInfoNotFoundError, ValueError, OSError):
            continue
    return tuple(zones)


def _transitions(
    zone: ZoneInfo, start: datetime, end: datetime
) -> tuple[tuple[datetime, int, int], ...]:
    """The zone's offset changes between two host-local times: (UTC instant, offset before,
    offset after), found by a daily walk and a bisection to the minute."""
    return _transitions_cached(zone.key, start.replace(tzinfo=None), end.replace(tzinfo=None))


@cache
def _transitions_cached(
    key: str, start: datetime, end: datetime
) -> tuple[tuple[datetime, int, int], ...]:
    zone = ZoneInfo(key)
    step = timedelta(days=1)
    moment = start.replace(tzinfo=timezone.utc)
    stop = end.replace(tzinfo=timezone.utc)
    found = []
    offset = _utc_offset(zone, moment)
    while moment < stop:
        following = min(moment + step, stop)
        after = _utc_offset(zone, following)
        if after != offset:
            low, high = moment, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _utc_offset(zone, middle) == offset:
                    low = middle
                else:
                    high = middle
            found.append((high.replace(second=0, microsecond=0), offset, after))
            offset = after
        moment = following
    return tuple(found)


def _utc_offset(zone: tzinfo, moment: datetime) -> int:
    offset = moment.astimezone(zone).utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)


def _switch(zone: ZoneInfo, at: datetime, before: int, after: int) -> ClockSwitch:
    """A change as the report shows it: the wall-clock hour skipped or repeated."""
    local = at.replace(tzinfo=None) + timedelta(minutes=before)
    jump = timedelta(minutes=abs(after - before))
    window = (local, local + jump) if after > before else (local - jump, local)
    return ClockSwitch(
        at=at,
        local=local,
        offset_before=before,
        offset_after=after,
        kind="forward" if after > before else "back",
        window_start=window[0],
        window_end=window[1],
    )


def _representative(zones: list[ZoneInfo]) -> ZoneInfo:
    """The zone shown for a family: a well-known one when it holds one."""
    by_key = {zone.key: zone for zone in zones}
    for key in RULE_FAMILIES:
        if key in by_key:
            return by_key[key]
    return min(zones, key=lambda zone: (zone.key.count("/"), len(zone.key), zone.key))


def _family(zones: list[ZoneInfo]) -> str | None:
    for zone in zones:
        family = RULE_FAMILIES.get(zone.key)
        if family is not None:
            return family
    return None


def _hint_evidence(hints: Sequence[ZoneHint], zone: tzinfo) -> list[ClockEvidence]:
    """Each distinct printed abbreviation (first line that shows it), judged against a zone."""
    seen: set[tuple[str, int | None]] = set()
    evidence = []
    for hint in hints:
        offset = _offset_at(zone, hint.local)
        if (hint.name, offset) in seen:
            continue
        seen.add((hint.name, offset))
        evidence.append(
            ClockEvidence(
                kind="abbreviation",
                verdict=_verdict(hint, zone),
                name=hint.name,
                local=hint.local,
                path=hint.path,
                line=hint.line,
            )
        )
    return evidence


def _verdict(hint: ZoneHint, zone: tzinfo) -> Literal["agrees", "contradicts", "unknown"]:
    if _name_at(zone, hint.local) == hint.name:
        return "agrees"
    offsets = ABBREVIATIONS.get(hint.name.upper())
    if offsets is None:
        return "unknown"
    first, second = _offset_at(zone, hint.local), _offset_at(zone, hint.local, 1)
    return "agrees" if first in offsets or second in offsets else "contradicts"


def _hint_args(hints: Sequence[ZoneHint], zone: tzinfo) -> dict[str, Any]:
    """Reason args for the abbreviations: how many agree, which contradict."""
    if not hints:
        return {"hints": None}
    against = sorted({hint.name for hint in hints if _verdict(hint, zone) == "contradicts"})
    return {
        "hints": "clock.hints.contradict" if against else "clock.hints.agree",
        "hint_names": sorted({hint.name for hint in hints}),
        "contradicting": against,
    }


def _clock_from_hints(hints: Sequence[ZoneHint]) -> HostClock:
    """No anchors: the clock the printed abbreviations give, when they give one offset."""
    offsets = {ABBREVIATIONS.get(hint.name.upper()) for hint in hints}
    candidates = next(iter(offsets)) if len(offsets) == 1 else None
    if candidates is None or len(candidates) != 1:  # none, several, or an ambiguous name
        return HostClock(
            zone=timezone.utc,
            source="assumed",
            reason_id="clock.no-anchors",
            offset_minutes=None,
            evidence=tuple(_hint_evidence(hints, timezone.utc)),
        )
    (minutes,) = candidates
    zone = fixed_zone(minutes)
    evidence = [e.model_copy(update={"verdict": "used"}) for e in _hint_evidence(hints, zone)]
    return HostClock(
        zone=zone,
        source="inferred",
        reason_id="clock.from-abbreviation",
        offset_minutes=minutes,
        reason_args={"offset": offset_text(minutes), "name": hints[0].name},
        offsets=(minutes,),
        evidence=tuple(evidence),
    )


def _naive_sorted(events: Iterable[EventRecord | MergeProgress]) -> list[datetime]:
    """Event times as sorted naive UTC, for bisecting."""
    return sorted(e.timestamp.replace(tzinfo=None) for e in events if e.timestamp is not None)


def count_switch_hours(clock: HostClock, local_times: Iterable[datetime | None]) -> HostClock:
    """The clock with, per change, how many host-local times fall in the hour it skipped or
    repeated (they are flagged in the report, never silently shifted)."""
    if not clock.switches:
        return clock
    windows = [(switch.window_start, switch.window_end) for switch in clock.switches]
    counts = [0] * len(windows)
    for moment in local_times:
        if moment is None:
            continue
        for index, (start, end) in enumerate(windows):
            if start <= moment < end:
                counts[index] += 1
    switches = tuple(
        switch.model_copy(update={"records_in_window": count})
        for switch, count in zip(clock.switches, counts, strict=True)
    )
    return replace(clock, switches=switches)
