"""Narrow a report to a time window and a VM (``--since``, ``--until``, ``--vm``).

The analysis always runs on the whole bundle, because a finding's causes may lie outside
the window (a cleanup the night before); only the findings shown are narrowed. A finding is
kept when its evidence time range overlaps the window and it names the VM (by name,
case-insensitive, or by GUID with or without braces).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

from dateutil import parser as date_parser

from avlogparse.errors import ConfigError
from avlogparse.models.findings import Finding
from avlogparse.models.report import Report
from avlogparse.normalize import normalize_guid


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
            raise ConfigError(f"not a time: {text!r} (use ISO 8601, e.g. 2024-03-11T00:30)") from error
    if moment.tzinfo is None:
        minutes = report.time_alignment.offset_minutes or 0
        moment = moment.replace(tzinfo=timezone(timedelta(minutes=minutes)))
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
    kept = [f for f in report.findings if _in_window(f, since, until) and _about(f, vm)]
    stats = report.stats.model_copy(
        update={"findings_by_severity": dict(Counter(f.severity.value for f in kept))}
    )
    return report.model_copy(update={"findings": kept, "stats": stats})


def _in_window(finding: Finding, since: datetime | None, until: datetime | None) -> bool:
    first = finding.first_seen or finding.last_seen
    last = finding.last_seen or finding.first_seen
    if first is None or last is None:
        return True  # a finding without times (e.g. missing evidence) is never hidden
    return (since is None or last >= since) and (until is None or first <= until)


def _about(finding: Finding, vm: str | None) -> bool:
    if vm is None:
        return True
    if finding.vm is None:
        return False
    guid, valid = normalize_guid(vm)
    if valid and finding.vm.id is not None:
        return finding.vm.id == guid
    return (finding.vm.name or "").casefold() == vm.casefold()
