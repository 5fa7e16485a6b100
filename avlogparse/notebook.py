"""Reports in a notebook: DataFrames with stable columns and a swimlane plot.

Needs the optional extra: ``pip install 'avlogparse[notebook]'`` (pandas, matplotlib);
without it every function here raises :class:`NotebookExtraMissing` saying so. The HTML
views (``_repr_html_`` of a report, finding or timeline) need nothing extra.

Usually reached through the report::

    report = avlogparse.analyze("bundle.zip")
    report                                 # summary, findings, inputs as HTML
    report.findings_frame()                # one row per finding
    report.timeline.frame()                # one row per moment
    report.timeline.plot()                 # one swimlane per VM
    records_frame(report, kinds=["event-xml"], limit=10_000)   # reads the bundle again

Times: ``first_seen``, ``last_seen``, ``time`` and ``timestamp`` columns are UTC;
``host_time`` is the wall-clock time on the host (naive), as its logs print it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone, tzinfo
from itertools import islice
from types import ModuleType
from typing import TYPE_CHECKING, Any

from avlogparse.bundle import open_bundle
from avlogparse.i18n.localize import localize_findings
from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.findings import Finding
from avlogparse.models.records import Unparsed
from avlogparse.models.report import Report
from avlogparse.models.severity import Severity
from avlogparse.models.timeline import TimelineEntry
from avlogparse.render.timeline_layout import (
    KIND_STYLES,
    backup_spans,
    entry_colour,
    kind_name,
    layout,
)
from avlogparse.sources import SOURCES, Record, parse_stream
from avlogparse.sources.event_xml import EventLine, EventRecord

if TYPE_CHECKING:
    import pandas
    from matplotlib.axes import Axes

INSTALL_HINT = "pip install 'avlogparse[notebook]'"

FINDING_COLUMNS = (
    "id",
    "rule_id",
    "severity",
    "title",
    "vm_name",
    "vm_id",
    "host",
    "first_seen",
    "last_seen",
    "message",
    "evidence",
    "first_evidence",
    "remediation",
    "references",
    "explained_by",
)
"""``evidence`` is a count, ``first_evidence`` is ``path:line``; list fields are joined by
newlines; ``severity`` is an ordered categorical (sorting puts critical last)."""

TIMELINE_COLUMNS = (
    "time",
    "host_time",
    "kind",
    "vm_name",
    "vm_id",
    "host",
    "severity",
    "label",
    "path",
    "line",
    "finding_id",
)

RECORD_COLUMNS = (
    "source",
    "path",
    "line",
    "timestamp",
    "time_basis",
    "level",
    "code",
    "event_id",
    "vm_name",
    "vm_id",
    "hresult",
    "record_id",
    "message",
    "raw",
)
"""``code`` is the Avamar message code, ``event_id`` the Windows event ID, ``hresult`` an
event's HRESULT as ``0x8007052F``, ``record_id`` its EventRecordID; ``message`` of an
unparsed line is why it was not understood."""

_SEVERITIES = [s.value for s in sorted(Severity, key=lambda s: s.rank)]


class NotebookExtraMissing(ImportError):
    """pandas or matplotlib is missing: install the ``notebook`` extra."""


def require(module: str) -> ModuleType:
    """Import an optional dependency, or say which extra brings it."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise NotebookExtraMissing(
            f"{module} is not installed; for DataFrames and plots run: {INSTALL_HINT}",
            name=module,
        ) from error


def findings_frame(findings: Sequence[Finding], lang: str | None = None) -> pandas.DataFrame:
    """One row per finding, columns :data:`FINDING_COLUMNS`, in ``lang`` (``"en"``)."""
    pd = require("pandas")
    rows = [
        (
            f.id,
            f.rule_id,
            f.severity.value,
            f.title,
            f.vm.name if f.vm else None,
            f.vm.id if f.vm else None,
            f.host,
            f.first_seen,
            f.last_seen,
            f.message,
            len(f.evidence),
            str(f.evidence[0].location) if f.evidence else None,
            "\n".join(f.remediation),
            "\n".join(f.references),
            "\n".join(f.explained_by),
        )
        for f in localize_findings(list(findings), lang)
    ]
    frame: pandas.DataFrame = pd.DataFrame.from_records(rows, columns=list(FINDING_COLUMNS))
    frame["severity"] = pd.Categorical(frame["severity"], categories=_SEVERITIES, ordered=True)
    for column in ("first_seen", "last_seen"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def timeline_frame(entries: Sequence[TimelineEntry]) -> pandas.DataFrame:
    """One row per timeline entry, columns :data:`TIMELINE_COLUMNS`."""
    pd = require("pandas")
    rows = [
        (
            e.time,
            e.host_time.replace(tzinfo=None),
            e.kind,
            e.vm.name if e.vm else None,
            e.vm.id if e.vm else None,
            e.host,
            e.severity.value if e.severity else None,
            e.label,
            e.path,
            e.line,
            e.finding_id,
        )
        for e in entries
    ]
    frame: pandas.DataFrame = pd.DataFrame.from_records(rows, columns=list(TIMELINE_COLUMNS))
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    frame["host_time"] = pd.to_datetime(frame["host_time"])
    return frame


def records_frame(
    bundle: str | os.PathLike[str] | Report,
    *,
    kinds: Iterable[str] | None = None,
    limit: int | None = None,
    zone: tzinfo | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> pandas.DataFrame:
    """Every record of a bundle, parsed again and streamed into columns (:data:`RECORD_COLUMNS`).

    A report keeps only what its rules need, so the records come from reading the bundle
    once more: pass the bundle's path, or a :class:`Report` (its ``bundle`` is read, its host
    zone places the times). ``kinds`` keeps only those input kinds (``"avhypervvss"``,
    ``"winclustersvc"``, ``"event-xml"``; files of other kinds are not even parsed);
    ``limit`` stops after that many rows. Host-local times are placed in UTC with ``zone``
    (the report's ``time_alignment.host_zone()``; UTC when None).
    """
    pd = require("pandas")
    if isinstance(bundle, Report):
        zone = zone or bundle.time_alignment.host_zone()
        bundle = bundle.bundle
    wanted = None if kinds is None else set(kinds)
    if wanted is not None and not wanted <= {source.kind for source in SOURCES}:
        raise ValueError(f"unknown kinds {sorted(wanted)} (known: {[s.kind for s in SOURCES]})")
    if limit is not None and limit < 0:
        raise ValueError("limit must be zero or more")
    columns: dict[str, list[Any]] = {name: [] for name in RECORD_COLUMNS}
    for record in islice(_records(bundle, wanted, limits), limit):
        _append_record(columns, record, zone or timezone.utc)
    frame: pandas.DataFrame = pd.DataFrame(columns)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    for number in ("code", "event_id"):
        frame[number] = frame[number].astype("Int64")  # nullable: most rows have one or the other
    return frame


def _records(
    bundle: str | os.PathLike[str], wanted: set[str] | None, limits: Limits
) -> Iterator[Record]:
    """The records of the bundle's members of the wanted kinds, one member after another."""
    for member, stream in open_bundle(bundle, limits).members():
        if wanted is None or member.kind in wanted:
            yield from parse_stream(stream, member.path, member.kind, limits)


def _append_record(columns: dict[str, list[Any]], record: Record, zone: tzinfo) -> None:
    """Add one record's values to the column lists (no per-row dict, no pydantic dump)."""
    if isinstance(record, (EventRecord, EventLine)):
        level, code, message = record.level_name, None, record.message
    elif isinstance(record, Unparsed):
        level, code, message = None, None, record.reason
    else:
        level, code, message = record.level, record.code, record.full_message
    values = (
        record.source,
        record.path,
        record.line,
        _utc(record.timestamp, zone),
        record.time_basis,
        level,
        code,
        getattr(record, "event_id", None),
        getattr(record, "vm_name", None),
        getattr(record, "vm_id", None),
        getattr(record, "hresult_hex", None),
        getattr(record, "event_record_id", None),
        message,
        record.raw,
    )
    for name, value in zip(RECORD_COLUMNS, values, strict=True):
        columns[name].append(value)


def _utc(moment: datetime | None, zone: tzinfo) -> datetime | None:
    if moment is None:
        return None
    try:
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
        return aware.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def plot_timeline(entries: Sequence[TimelineEntry], ax: Axes | None = None) -> Axes:
    """Draw the swimlane chart: one row per VM, a marker per moment, findings haloed.

    Quiet hours are cut out of the time axis (shaded, labelled ``+23 h``), as in the HTML
    report. Returns the matplotlib ``Axes`` (a new figure when ``ax`` is None).
    """
    require("matplotlib")
    plan = layout(entries)
    if ax is None:
        pyplot = require("matplotlib.pyplot")
        _, ax = pyplot.subplots(figsize=(12, 1.6 + 0.45 * len(plan.lanes)))
    if not entries:
        ax.text(0.5, 0.5, "no moment could be placed on a timeline", ha="center")
        ax.set_axis_off()
        return ax
    for middle, text in plan.breaks():
        half = plan.gap_fraction / 2
        ax.axvspan(middle - half, middle + half, color="#d0d7de", alpha=0.6, zorder=0)
        ax.text(middle, -0.75, text, ha="center", va="bottom", fontsize=8, color="#57606a")
    for start, end in backup_spans(entries):
        left, right = plan.x(start.host_time), plan.x(end.host_time)
        ax.plot(
            [left, right],
            [plan.lane(end)] * 2,
            color=entry_colour(end),
            alpha=0.3,
            linewidth=6,
            solid_capstyle="round",
            zorder=1,
        )
    for kind, style in KIND_STYLES.items():
        chosen = [e for e in entries if e.kind == kind]
        if not chosen:
            continue
        xs = [plan.x(e.host_time) for e in chosen]
        ys = [plan.lane(e) for e in chosen]
        colours = [entry_colour(e) for e in chosen]
        if kind == "finding":
            ax.scatter(xs, ys, s=420, c=colours, alpha=0.3, linewidths=0, zorder=1)
            ax.scatter(
                xs,
                ys,
                s=420,
                facecolors="none",
                edgecolors=colours,
                linewidths=2,
                label=kind_name(kind),
                zorder=2,
            )
        elif style.shape == "circle-outline":
            ax.scatter(
                xs,
                ys,
                s=130,
                facecolors="none",
                edgecolors=colours,
                linewidths=1.8,
                label=kind_name(kind),
                zorder=3,
            )
        else:
            ax.scatter(
                xs, ys, s=55, c=colours, marker=style.marker, label=kind_name(kind), zorder=4
            )
    ticks = plan.ticks()
    ax.set_xticks([x for x, _, _ in ticks], [text for _, text, _ in ticks], fontsize=8)
    for label, (_, _, anchor) in zip(ax.get_xticklabels(), ticks, strict=True):
        label.set_horizontalalignment("left" if anchor == "start" else "right")
    ax.set_yticks(range(len(plan.lanes)), [lane.label for lane in plan.lanes])
    ax.set_xlim(0, 1)
    ax.set_ylim(len(plan.lanes) - 0.5, -1)
    ax.grid(axis="y", color="#eaeef2")
    ax.set_title("Per-VM timeline (host time)")
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=4,
        frameon=False,
        fontsize=8,
        markerscale=0.7,
    )
    return ax
