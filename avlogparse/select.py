"""Narrow a report to a time window and a VM (``--since``, ``--until``, ``--vm``).

The analysis always runs on the whole bundle, because a finding's causes may lie outside
the window (a cleanup the night before); only the findings shown are narrowed. A finding is
kept when its evidence time range overlaps the window and it names the VM (by name,
case-insensitive, or by GUID with or without braces).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from dateutil import parser as date_parser

from avlogparse.errors import ConfigError
from avlogparse.models.findings import VmRef
from avlogparse.models.report import Report
from avlogparse.models.timeline import Timeline


def parse_moment(text: str, report: Report) -> datetime:
    """An ISO-ish time; without an offset it is host time (the report's aligned zone).

    >>> from avlogparse.models.report import Report, TimeAlignment, ToolInfo
    >>> report = Report(tool=ToolInfo(version="0"), bundle="b", time_alignment=TimeAlignment(
    ...     source="given", zone="UTC+09:00", offset_minutes=540, reason="given"))
    >>> parse_moment("2024-03-11 00:30", report).isoformat()
    '2024-03-11T00:30:00+09:00'
    """
    try:
        moment = date_parser.isoparse(text)
    except ValueError:
        try:
            moment = date_parser.parse(text)
        except (ValueError, OverflowError) as error:
            message = f"not a time: {text!r} (use ISO 8601, e.g. 2024-03-11T00:30)"
            raise ConfigError(message) from error
    if moment.tzinfo is None:  # a daylight-saving zone (offset_minutes None) keeps its rules
        moment = moment.replace(tzinfo=report.time_alignment.host_zone() or timezone.utc)
    return moment


def select_findings(
    report: Report,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    vm: str | None = None,
) -> Report:
    """A copy of ``report`` with only the findings in the window and about the VM."""
    if since is None and until is None and vm is None:
        return report
    kept = [
        f
        for f in report.findings
        if _overlaps(f.first_seen, f.last_seen, since, until) and (vm is None or about_vm(f.vm, vm))
    ]
    stats = report.stats.model_copy(
        update={"findings_by_severity": dict(Counter(f.severity.value for f in kept))}
    )
    return report.model_copy(update={"findings": kept, "stats": stats})


def select_timeline(
    timeline: Timeline,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    vm: str | None = None,
) -> Timeline:
    """The entries in the window; with ``vm``, only that VM's (job-wide entries have none)."""
    return Timeline(
        entry for entry in timeline(vm) if _overlaps(entry.time, entry.time, since, until)
    )


def _overlaps(
    first: datetime | None, last: datetime | None, since: datetime | None, until: datetime | None
) -> bool:
    first, last = first or last, last or first
    if first is None or last is None:
        return True  # a finding without times (e.g. missing evidence) is never hidden
    return (since is None or last >= since) and (until is None or first <= until)


def about_vm(ref: VmRef | None, vm: str) -> bool:
    """Whether ``ref`` is the VM the user named (GUID in any case/braces, or name)."""
    return ref is not None and ref.matches(vm)
