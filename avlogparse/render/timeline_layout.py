"""Where timeline entries go on a swimlane picture: one lane per VM, quiet hours cut out.

Shared by the inline SVG (:mod:`avlogparse.render.timeline_svg`) and the matplotlib plot
(:func:`avlogparse.notebook.plot_timeline`), so both draw the same picture. A nightly backup
lasts minutes and the nights are a day apart: on a plain time axis every night would be a
dot. The layout therefore splits time into *segments* wherever nothing happens for
``gap`` and gives each segment a share of the width that grows with its length.
Times are the host's clock (``host_time``), as the logs show them. The few words of the
picture (the job lane, the time skipped, the legend) come from the message catalogs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from avlogparse.i18n import text
from avlogparse.models.findings import VmRef
from avlogparse.models.severity import Severity
from avlogparse.models.timeline import TimelineEntry, TimelineKind

JOB_LANE = "job / host"
"""The key of the lane of moments that concern no single VM (backup runs, cleanups of a
group); its label is ``timeline.job-lane`` in the chosen language."""

SEVERITY_COLOURS: dict[Severity | None, str] = {
    Severity.CRITICAL: "#8e0a1e",
    Severity.ERROR: "#d1242f",
    Severity.WARNING: "#c27c00",
    Severity.INFO: "#2f6fb3",
    None: "#57606a",
}


@dataclass(frozen=True)
class KindStyle:
    """How one kind of moment is drawn: ``shape`` names an SVG shape and a matplotlib marker."""

    colour: str
    shape: str
    marker: str


KIND_STYLES: dict[TimelineKind, KindStyle] = {
    "backup-start": KindStyle("#1a7f37", "triangle-right", ">"),
    "backup-end": KindStyle("#1a7f37", "triangle-left", "<"),
    "checkpoint-create": KindStyle("#2f6fb3", "circle-outline", "o"),
    "checkpoint-failed": KindStyle("#d1242f", "cross", "X"),
    "cleanup": KindStyle("#8250df", "square", "s"),
    "merge-failed": KindStyle("#d1242f", "diamond", "D"),
    "merge-completed": KindStyle("#1a7f37", "diamond", "d"),
    "finding": KindStyle("#d1242f", "ring", "o"),
}


def kind_name(kind: TimelineKind, lang: str = "en") -> str:
    """What a kind of moment is called in the legend and tooltips (``merge failed``)."""
    return text(f"timeline.kind.{kind}", lang)


def entry_colour(entry: TimelineEntry) -> str:
    """The kind's colour, or the severity's when the moment is a problem."""
    if entry.kind == "finding" or entry.severity is not None:
        return SEVERITY_COLOURS[entry.severity]
    return KIND_STYLES[entry.kind].colour


@dataclass(frozen=True)
class Lane:
    """One row of the picture."""

    key: str
    label: str


@dataclass(frozen=True)
class Segment:
    """A stretch of busy time drawn from ``left`` to ``left + width`` (fractions of 1).

    ``first`` and ``last`` are its first and last moments; ``start`` and ``end`` pad them
    so markers at the ends stay inside.
    """

    first: datetime
    last: datetime
    start: datetime
    end: datetime
    left: float
    width: float

    def x(self, moment: datetime) -> float:
        """The horizontal position of a moment inside this segment."""
        span = (self.end - self.start).total_seconds()
        if span <= 0:
            return self.left + self.width / 2
        return self.left + self.width * (moment - self.start).total_seconds() / span


def backup_spans(entries: Iterable[TimelineEntry]) -> list[tuple[TimelineEntry, TimelineEntry]]:
    """Each backup start paired with the backup end that follows it (drawn as a bar)."""
    spans = []
    start: TimelineEntry | None = None
    for entry in entries:
        if entry.kind == "backup-start":
            start = entry
        elif entry.kind == "backup-end" and start is not None:
            spans.append((start, entry))
            start = None
    return spans


def lane_key(vm: VmRef | None) -> str:
    """One lane per VM: by GUID when known, else by name; VM-less moments share a lane."""
    if vm is None:
        return JOB_LANE
    return vm.id or f"name:{(vm.name or '').casefold()}"


@dataclass(frozen=True)
class TimelineLayout:
    """Lanes (job lane first, then VMs by name) and segments of one timeline, with the
    language of its words."""

    lanes: list[Lane]
    segments: list[Segment]
    gap_fraction: float
    lang: str = "en"
    per_node: bool = False
    """Lanes grouped per host (cluster nodes): a lane is a (host, VM) pair."""

    def lane(self, entry: TimelineEntry) -> int:
        """The row index of an entry."""
        key = _entry_lane(entry, self.per_node)
        return next(i for i, lane in enumerate(self.lanes) if lane.key == key)

    def x(self, moment: datetime) -> float:
        """0 … 1 across the picture; a moment between segments sits at the nearest edge."""
        for segment in self.segments:
            if moment <= segment.end:
                return segment.x(max(moment, segment.start))
        return 1.0

    def ticks(self) -> list[tuple[float, str, str]]:
        """Axis labels as (x, text, anchor): each segment's first moment with its date and,
        when the segment is wide enough, its last; with seconds for a short segment."""
        ticks: list[tuple[float, str, str]] = []
        for segment in self.segments:
            short = segment.last - segment.first < timedelta(minutes=10)
            clock = "%H:%M:%S" if short else "%H:%M"
            ticks.append(
                (segment.x(segment.first), segment.first.strftime("%m-%d " + clock), "start")
            )
            if segment.width >= 0.12 and segment.last > segment.first:
                ticks.append((segment.x(segment.last), segment.last.strftime(clock), "end"))
        return ticks

    def breaks(self) -> list[tuple[float, str]]:
        """Where the axis skips quiet time, with how much it skipped (``+23 h``)."""
        found = []
        for before, after in zip(self.segments, self.segments[1:], strict=False):
            middle = before.left + before.width + self.gap_fraction / 2
            found.append((middle, "+" + _duration(after.start - before.end, self.lang)))
        return found


def layout(
    entries: Sequence[TimelineEntry],
    gap: timedelta = timedelta(hours=2),
    min_share: float = 0.15,
    gap_fraction: float = 0.05,
    lang: str = "en",
) -> TimelineLayout:
    """Lay out entries: segments split where nothing happens for ``gap``; words in ``lang``.

    A segment's width follows its length, but is at least ``min_share`` of the picture
    (when there are few enough segments), so a burst of seconds is not a sliver.
    """
    spans = _spans(sorted(e.host_time for e in entries), gap)
    lengths = [max((last - first).total_seconds(), 60.0) for first, last in spans]
    floor = min(min_share, 1 / len(spans)) if spans else 0.0
    shares = [max(length / sum(lengths), floor) for length in lengths]
    usable = 1.0 - gap_fraction * max(len(spans) - 1, 0)
    segments = []
    left = 0.0
    for (first, last), share in zip(spans, shares, strict=True):
        width = usable * share / sum(shares)
        pad = max(last - first, timedelta(minutes=1)) * 0.06
        segments.append(
            Segment(first, last, _shifted(first, -pad), _shifted(last, pad), left, width)
        )
        left += width + gap_fraction
    per_node = len({e.host for e in entries if e.host is not None}) > 1
    if per_node:
        lanes = [lane for host in _hosts(entries) for lane in _lanes(entries, lang, host)]
    else:
        lanes = _lanes(entries, lang)
    return TimelineLayout(lanes, segments, gap_fraction, lang, per_node)


def _entry_lane(entry: TimelineEntry, per_node: bool) -> str:
    """The lane key of an entry: its VM's, within its host's group when per node."""
    key = lane_key(entry.vm)
    return f"{entry.host or '?'}\x00{key}" if per_node else key


def _hosts(entries: Iterable[TimelineEntry]) -> list[str | None]:
    """The hosts of the entries, sorted, entries of no host last."""
    found = {e.host for e in entries}
    return [*sorted(h for h in found if h is not None), *([None] if None in found else [])]


def _lanes(
    entries: Iterable[TimelineEntry], lang: str, host: str | bool | None = False
) -> list[Lane]:
    """The job lane (when used) first, then one lane per VM sorted by name; ``host`` given:
    that host's lanes only (a lane group per node), labelled ``HOST · lane``."""
    labels: dict[str, str] = {}
    for entry in entries:
        if host is not False and entry.host != host:
            continue
        vm = entry.vm
        key = lane_key(vm)
        known = labels.get(key)
        if vm is None:
            labels[key] = text("timeline.job-lane", lang)
        elif known is None or (vm.name and known == vm.id):  # prefer a name over a GUID
            labels[key] = vm.name or vm.id or "?"
    job = [Lane(JOB_LANE, labels.pop(JOB_LANE))] if JOB_LANE in labels else []
    vms = [Lane(key, label) for key, label in labels.items()]
    lanes = job + sorted(vms, key=lambda lane: lane.label.casefold())
    if host is False:
        return lanes
    return [Lane(f"{host or '?'}\x00{lane.key}", f"{host or '?'} · {lane.label}") for lane in lanes]


def _shifted(moment: datetime, delta: timedelta) -> datetime:
    """``moment + delta``, or ``moment`` itself at the ends of what ``datetime`` holds."""
    try:
        return moment + delta
    except OverflowError:
        return moment


def _spans(times: list[datetime], gap: timedelta) -> list[tuple[datetime, datetime]]:
    """Sorted moments grouped into (first, last) runs with no pause longer than ``gap``."""
    spans: list[tuple[datetime, datetime]] = []
    for moment in times:
        if spans and moment - spans[-1][1] <= gap:
            spans[-1] = (spans[-1][0], moment)
        else:
            spans.append((moment, moment))
    return spans


def _duration(delta: timedelta, lang: str) -> str:
    """A rough human duration: ``45 min``, ``23 h``, ``3 d``."""
    minutes = delta.total_seconds() / 60
    if minutes < 90:
        return text("timeline.gap.minutes", lang, count=round(minutes))
    if minutes < 48 * 60:
        return text("timeline.gap.hours", lang, count=round(minutes / 60))
    return text("timeline.gap.days", lang, count=round(minutes / 1440))
