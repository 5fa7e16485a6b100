"""Narrow a report to a time window and a VM (``--since``, ``--until``, ``--vm``).

The analysis always runs on the whole bundle, because a finding's causes may lie outside
the window (a cleanup the night before); only the findings shown are narrowed. A finding is
kept when its evidence time range overlaps the window and it concerns the VM (by name,
case-insensitive, or by GUID with or without braces): its own VM, or for a job-level finding
one of the VMs it lists (the backup that produced nothing stays under ``--vm X`` when X was
one of the skipped VMs).

Mistakes are loud (:class:`SelectionError`, exit 2 in the CLI): a VM the bundle never names
(with the closest names it does), a time that is not one, a window that ends before it
starts. Their texts come from the catalogs, so ``--lang ja`` reports them in Japanese.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from dateutil import parser as date_parser

from avlogparse.errors import ConfigError
from avlogparse.i18n import text
from avlogparse.models.findings import VmRef
from avlogparse.models.incidents import affected_vms
from avlogparse.models.report import Report
from avlogparse.models.timeline import Timeline


class SelectionError(ConfigError):
    """A narrowing that cannot be right; ``key`` and ``args`` render it in any language."""

    def __init__(self, key: str, **args: Any) -> None:
        super().__init__(text(key, "en", **args))
        self.key, self.values = key, args

    def text(self, lang: str) -> str:
        """The message in ``lang``."""
        return text(self.key, lang, **self.values)


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
            raise SelectionError("err.not-a-time", value=repr(text)) from error
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
    check_window(since, until)
    kept = [
        f
        for f in report.findings
        if _overlaps(f.first_seen, f.last_seen, since, until)
        and (vm is None or any(about_vm(ref, vm) for ref in affected_vms(f)))
    ]
    stats = report.stats.model_copy(
        update={"findings_by_severity": dict(Counter(f.severity.value for f in kept))}
    )
    return report.model_copy(update={"findings": kept, "stats": stats})


def check_window(since: datetime | None, until: datetime | None) -> None:
    """A window that ends before it starts is a mistake, not "no findings"."""
    if since is not None and until is not None and since > until:
        raise SelectionError(
            "err.empty-range", since=since.isoformat(sep=" "), until=until.isoformat(sep=" ")
        )


def known_vms(report: Report) -> list[VmRef]:
    """Every VM the report names: in backup runs, findings and the timeline, once each."""
    refs: dict[tuple[str | None, str | None], VmRef] = {}
    sources: Iterable[VmRef] = (
        *(vm for run in report.backup_runs for vm in (*run.vms_mentioned, *run.vms_skipped)),
        *(vm for finding in report.findings for vm in affected_vms(finding)),
        *(entry.vm for entry in report.timeline if entry.vm is not None),
    )
    for ref in sources:
        refs.setdefault((ref.name, ref.id), ref)
    return list(refs.values())


def check_vm(reports: Iterable[Report], vm: str) -> None:
    """``--vm`` must name a VM at least one of the reports knows; otherwise the error lists
    the closest names (or every name, when none is close)."""
    reports = list(reports)
    known = [ref for report in reports for ref in known_vms(report)]
    if any(ref.matches(vm) for ref in known):
        return
    names = list(dict.fromkeys(ref.name or ref.id or "?" for ref in known))
    by_fold = {name.casefold(): name for name in names}
    close = difflib.get_close_matches(vm.casefold(), list(by_fold), n=3, cutoff=0.5)
    if close:
        hint: str | None = "err.unknown-vm.close"
    else:
        hint = "err.unknown-vm.known" if names else "err.unknown-vm.none"
    bundles = ", ".join(report.bundle for report in reports)
    raise SelectionError(
        "err.unknown-vm",
        vm=vm,
        bundle=bundles,
        hint=hint,
        close=[by_fold[c] for c in close],
        known=names[:10],
    )


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
