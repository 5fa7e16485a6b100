"""The per-VM timeline: what correlation kept, as moments in time order.

Backup runs, checkpoint creation and failures, cleanups and the catalogued Hyper-V events,
plus one entry per finding at its first sighting; each points at its file and line. When
the bundle holds several hosts (cluster nodes), every moment names its host, so a picture
can group the lanes per node; each host's local times are placed by its own clock.
"""

from __future__ import annotations

import heapq
from datetime import datetime
from typing import TYPE_CHECKING, Any

from avlogparse.catalog import (
    CHECKPOINT_CREATE_CODE,
    CHECKPOINT_FAILED_EVENT,
    MERGE_COMPLETED_EVENT,
    MERGE_FAILED_EVENT,
)
from avlogparse.correlation.clock import HostClock
from avlogparse.correlation.facts import Facts
from avlogparse.correlation.hosts import short_host
from avlogparse.correlation.identity import event_vm
from avlogparse.limits import Limits
from avlogparse.models.diagnostics import Diagnostic, DiagnosticSeverity
from avlogparse.models.findings import Finding
from avlogparse.models.severity import Severity
from avlogparse.models.timeline import Timeline, TimelineEntry, TimelineKind

if TYPE_CHECKING:
    from avlogparse.sources import Record
    from avlogparse.sources.event_xml import EventRecord, MergeProgress

_EVENT_KINDS: dict[int, tuple[TimelineKind, Severity | None]] = {
    CHECKPOINT_FAILED_EVENT: ("checkpoint-failed", Severity.ERROR),
    MERGE_FAILED_EVENT: ("merge-failed", Severity.ERROR),
    MERGE_COMPLETED_EVENT: ("merge-completed", None),
}
"""Hyper-V events shown on the timeline: (kind, severity); ``timeline.event.<kind>`` says
what happened."""

_RUN_SEVERITY: dict[str, Severity | None] = {
    "success": None,
    "partial": Severity.WARNING,
    "failed": Severity.ERROR,
    "unknown": None,
}


def build_timeline(
    facts: Facts, findings: list[Finding], limits: Limits, diagnostics: list[Diagnostic]
) -> Timeline:
    """The per-VM timeline from the correlated facts and the findings, in time order.

    Labels are catalog message ids with their arguments (see :class:`TimelineEntry`),
    rendered at the edge. Moments that cannot be placed in time are left out (they stay
    evidence in findings). Past ``limits.max_timeline_entries`` the earliest moments are
    dropped, findings never.
    """
    clock = facts.clock
    clock_at = facts.clock_at
    per_node = len(facts.hosts.hosts) > 1  # every moment names its node (a lane group each)
    finding_entries = _finding_entries(findings, clock, facts if per_node else None)
    moments = _LatestMoments(max(limits.max_timeline_entries - len(finding_entries), 0))

    def add(
        kind: TimelineKind,
        record: Record | MergeProgress,
        label: tuple[str, dict[str, Any]],
        moment: datetime | None = None,
        **fields: Any,
    ) -> None:
        """A moment at ``moment`` (default: the record's time) pointing at ``record``;
        ``label`` is a catalog message id and its arguments."""
        moment = moment or record.timestamp
        here = clock_at(record.path)
        utc, host_time = here.utc(moment), here.host_time(moment)
        if per_node and fields.get("host") is None:
            fields["host"] = facts.host_of(record.path)
        if utc is not None and host_time is not None:
            moments.add((utc, record.path, record.line, kind, host_time, label, fields))

    for run in facts.runs:
        number = run.index + 1
        started = ("timeline.backup-start", {"number": number})
        add("backup-start", run.first, started, moment=run.started)
        ended = (
            "timeline.backup-end",
            {"number": number, "outcome": f"text.outcome.{run.outcome}"},
        )
        add("backup-end", run.last, ended, moment=run.ended, severity=_RUN_SEVERITY[run.outcome])
        for record in run.records:
            if record.code == CHECKPOINT_CREATE_CODE:
                creating = ("timeline.checkpoint-create", {"type": record.guest_backup_type or "?"})
                add("checkpoint-create", record, creating, moment=record.timestamp or run.started)
    for failure in facts.checkpoint_failures:
        failed: tuple[str, dict[str, Any]] = ("timeline.checkpoint-failed", {})
        add("checkpoint-failed", failure.record, failed, vm=failure.vm, severity=Severity.ERROR)
    for cleanup in facts.cleanups:
        result = cleanup.destroy.destroy_snapshot if cleanup.destroy else None
        cleaned = {
            "group": cleanup.cleanup.group,
            "result": f"timeline.destroy.{result or 'not-logged'}",
        }
        add(
            "cleanup",
            cleanup.cleanup,
            ("timeline.cleanup", cleaned),
            moment=cleanup.cleanup.timestamp or cleanup.local_time,
            host=cleanup.host,
            severity=Severity.ERROR if result == "failure" else None,
        )
    shown: list[EventRecord | MergeProgress] = [*facts.events, *facts.merge_progress]
    for event in shown:
        known = _EVENT_KINDS.get(event.event_id or 0)
        if known is not None:
            kind, severity = known
            args: dict[str, Any] = {"event_id": event.event_id, "what": f"timeline.event.{kind}"}
            if event.hresult_hex:
                label = ("timeline.event.hresult", {**args, "hresult": event.hresult_hex})
            else:
                label = ("timeline.event", args)
            add(
                kind,
                event,
                label,
                vm=facts.registry.resolve(*event_vm(event)),
                host=short_host(event.computer),
                severity=severity,
            )
    if moments.left_out:
        diagnostics.append(
            Diagnostic(
                severity=DiagnosticSeverity.WARNING,
                code="limit-exceeded",
                message=f"timeline shortened: the earliest {moments.left_out} of "
                f"{moments.seen} moments were left out",
                limit="max_timeline_entries",
            )
        )
    kept = [*(_entry(moment) for moment in moments.in_order()), *finding_entries]
    return Timeline(sorted(kept, key=lambda e: (e.time, e.kind == "finding", e.path, e.line)))


_Moment = tuple[
    datetime, str, int, TimelineKind, datetime, tuple[str, dict[str, Any]], dict[str, Any]
]
"""A timeline moment before it becomes a :class:`TimelineEntry`: (UTC, path, line, kind,
host time, label, other fields). Busy hosts have far more moments than the timeline keeps,
so only the kept ones are built as models."""


class _LatestMoments:
    """The latest ``room`` moments seen (a heap: memory stays at ``room`` whatever comes)."""

    def __init__(self, room: int) -> None:
        self.room = room
        self.seen = 0
        self._heap: list[tuple[datetime, str, int, int, _Moment]] = []

    def add(self, moment: _Moment) -> None:
        self.seen += 1
        item = (moment[0], moment[1], moment[2], self.seen, moment)
        if len(self._heap) < self.room:
            heapq.heappush(self._heap, item)
        elif self._heap and item > self._heap[0]:
            heapq.heapreplace(self._heap, item)

    @property
    def left_out(self) -> int:
        return self.seen - len(self._heap)

    def in_order(self) -> list[_Moment]:
        return [item[-1] for item in sorted(self._heap)]


def _entry(moment: _Moment) -> TimelineEntry:
    """The entry of a kept moment (its label is rendered at the edge)."""
    utc, path, line, kind, host_time, (label_id, label_args), fields = moment
    return TimelineEntry(
        time=utc,
        host_time=host_time,
        kind=kind,
        label="",
        label_id=label_id,
        label_args=label_args,
        path=path,
        line=line,
        **fields,
    )


def _finding_entries(
    findings: list[Finding], clock: HostClock, per_node: Facts | None = None
) -> list[TimelineEntry]:
    """One entry per finding at its first sighting, pointing at its first evidence line;
    ``per_node``: a finding of no host takes the host of that line."""
    entries = []
    for finding in findings:
        utc, host_time = clock.utc(finding.first_seen), clock.host_time(finding.first_seen)
        if utc is None or host_time is None or not finding.evidence:
            continue
        entries.append(
            TimelineEntry(
                time=utc,
                host_time=host_time,
                kind="finding",
                label="",
                vm=finding.vm,
                host=finding.host
                or (per_node.host_of(finding.evidence[0].path) if per_node else None),
                severity=finding.severity,
                path=finding.evidence[0].path,
                line=finding.evidence[0].line,
                finding_id=finding.id,
            )
        )
    return entries
