"""The analysis: bundle → records → facts → rules → :class:`Report`.

Every member is streamed once; only what the rules need is kept (see
:mod:`avlogparse.correlate`). A rule whose inputs are missing is skipped and the report
says so; a rule that fails is a diagnostic, never a crash.
"""

from __future__ import annotations

import gc
import heapq
import os
import re
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from importlib.metadata import PackageNotFoundError, version
from typing import Any, BinaryIO, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from avlogparse.bundle import Bundle, open_bundle
from avlogparse.catalog import (
    CHECKPOINT_FAILED_EVENT,
    MERGE_COMPLETED_EVENT,
    MERGE_FAILED_EVENT,
)
from avlogparse.correlate import (
    Collector,
    Facts,
    HostClock,
    MergeProgress,
    Windows,
    build_facts,
    event_vm,
    short_host,
)
from avlogparse.errors import ConfigError, NotABundleError
from avlogparse.i18n import check_language, localize_report, text
from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import Diagnostic, DiagnosticSeverity, ParseStats
from avlogparse.models.findings import Finding, VmRef
from avlogparse.models.records import EventRecord, Record
from avlogparse.models.report import (
    BackupRunSummary,
    InputFile,
    Report,
    ReportStats,
    RuleRun,
    TimeAlignment,
    ToolInfo,
)
from avlogparse.models.severity import Severity
from avlogparse.models.timeline import Timeline, TimelineEntry, TimelineKind
from avlogparse.parsers import parse_stream
from avlogparse.rules import ALL_RULES, Rule

_OFFSET = re.compile(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", re.ASCII | re.IGNORECASE)


def tool_version() -> str:
    """The installed package version (``0+unknown`` when run from a bare checkout)."""
    try:
        return version("avlogparse")
    except PackageNotFoundError:
        return "0+unknown"


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


@dataclass
class Progress:
    """How far an analysis has got; handed to the ``progress`` callback of :func:`analyze`."""

    files: int = 0
    lines: int = 0
    events: int = 0
    bytes: int = 0
    started: float = field(default_factory=time.perf_counter)

    @property
    def megabytes_per_second(self) -> float:
        elapsed = time.perf_counter() - self.started
        return self.bytes / 1e6 / elapsed if elapsed > 0 else 0.0


class _CountingStream:
    """A read-only stream that reports the bytes read so far (one call per chunk read)."""

    def __init__(self, stream: BinaryIO, progress: Progress, report: Callable[[Progress], None]):
        self._stream = stream
        self._progress = progress
        self._report = report

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._progress.bytes += len(data)
        self._report(self._progress)
        return data


def analyze(
    path_or_bundle: str | os.PathLike[str] | Bundle,
    *,
    tz: str | tzinfo | None = None,
    rules: Iterable[Rule] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    windows: Windows | None = None,
    lang: str | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Report:
    """Analyse a bundle (folder, file, .zip, .tar[.gz]) and return its :class:`Report`.

    ``lang`` (``en``, the default, or ``ja``) is the language of the report's texts.
    ``progress``, when given, is called after every chunk read and every file finished.

    Raises :class:`~avlogparse.errors.AvlogparseError` only for what the caller must handle
    (no such path, nothing analysable, a bad ``tz``); everything else is in the report.
    """
    # What the collector keeps lives until the report is built. Frozen after each file, it
    # is no longer rescanned by every full collection of the cyclic GC (perf-notes §8: 2-3 %
    # of analyze on 1 M lines). A process that froze objects itself (a pre-fork server) is
    # left alone.
    freezing = gc.get_freeze_count() == 0
    try:
        return _analyze(path_or_bundle, tz, rules, limits, windows, lang, progress, freezing)
    finally:
        if freezing:
            gc.unfreeze()


def _analyze(
    path_or_bundle: str | os.PathLike[str] | Bundle,
    tz: str | tzinfo | None,
    rules: Iterable[Rule] | None,
    limits: Limits,
    windows: Windows | None,
    lang: str | None,
    progress: Callable[[Progress], None] | None,
    freeze: bool,
) -> Report:
    """:func:`analyze`; ``freeze``: what exists is frozen after each file is collected."""
    started = time.perf_counter()
    lang = check_language(lang or "en")
    clock = given_clock(tz) if tz is not None else None
    windows = windows or Windows()
    bundle = (
        path_or_bundle
        if isinstance(path_or_bundle, Bundle)
        else open_bundle(path_or_bundle, limits)
    )
    collector = Collector(windows)
    inputs: list[InputFile] = []
    diagnostics: list[Diagnostic] = []
    done = Progress()
    for member, stream in bundle.members():
        if progress is not None:
            stream = cast(BinaryIO, _CountingStream(stream, done, progress))
        parsed = parse_stream(stream, member.path, member.kind, limits)
        collector.add_file(member.kind, parsed)
        if freeze:
            gc.freeze()
        inputs.append(_input_file(parsed.stats, member.size))
        diagnostics.extend(parsed.stats.diagnostics)
        if progress is not None:
            done.files += 1
            done.lines += parsed.stats.lines_total
            done.events += parsed.stats.events_seen
            progress(done)
    read_paths = {i.path: i for i in inputs}
    for status in bundle.inventory:
        partial = status.reason is not None and status.reason.startswith("partial")
        if status.path in read_paths and partial:
            read_paths[status.path].complete = False
            read_paths[status.path].reason = status.reason
        elif status.path not in read_paths and status.status != "read":
            inputs.append(
                InputFile(
                    path=status.path,
                    kind=status.kind,
                    status=status.status,
                    reason=status.reason,
                    bytes=status.size,
                    complete=status.status != "refused",
                )
            )
    diagnostics[:0] = bundle.diagnostics
    if not read_paths:
        raise NotABundleError(_nothing_analysable(str(bundle.root), inputs, diagnostics))

    facts = build_facts(collector, clock, windows)
    findings, rule_runs = _run_rules(facts, ALL_RULES if rules is None else rules, diagnostics)
    report = Report(
        tool=ToolInfo(version=tool_version()),
        bundle=str(bundle.root),
        inputs=inputs,
        findings=findings,
        diagnostics=diagnostics,
        time_alignment=_alignment(facts.clock),
        rules=rule_runs,
        backup_runs=_run_summaries(facts),
        unparsed_shapes=sorted(collector.unparsed_shapes.values(), key=lambda u: -u.count),
        timeline=_timeline(facts, findings, limits, diagnostics),
    )
    report.stats = _stats(report, time.perf_counter() - started)
    return report if lang == "en" else localize_report(report, lang)


def _nothing_analysable(
    root: str, inputs: list[InputFile], diagnostics: list[Diagnostic], shown: int = 3
) -> str:
    """One line that says why: what was refused or broken, and what was not recognised."""
    reasons = [f"{d.path}: {d.code}: {d.message}" for d in diagnostics if d.path is not None]
    reasons += [f"{i.path}: not a log avlogparse reads" for i in inputs if i.status == "unknown"]
    why = "; ".join(reasons[:shown])
    if len(reasons) > shown:
        why += f"; … {len(reasons) - shown} more"
    return (
        f"{root}: no Avamar plug-in log, winclustersvc.log or event XML found"
        f" ({len(inputs)} file(s) looked at{'; ' + why if why else ''})"
    )


def _input_file(stats: ParseStats, size: int | None) -> InputFile:
    return InputFile(
        path=stats.path,
        kind=stats.kind,
        status="read",
        encoding=stats.encoding,
        bytes=stats.bytes_read if size is None else size,
        lines=stats.lines_total,
        events=stats.events_seen,
        records=stats.records,
        unparsed=stats.unparsed,
        complete=stats.complete,
    )


def _run_rules(
    facts: Facts, rules: Iterable[Rule], diagnostics: list[Diagnostic]
) -> tuple[list[Finding], list[RuleRun]]:
    findings: list[Finding] = []
    runs: list[RuleRun] = []
    for rule in rules:
        missing = rule.missing_inputs(facts.kinds)
        run = RuleRun(rule_id=rule.id, severity=rule.severity, title=rule.title, status="ran")
        if missing:
            run.status = "skipped"
            run.missing_inputs = [kind.value for kind in missing]
            run.reason = text("reason.missing-inputs", inputs=run.missing_inputs)
            runs.append(run)
            continue
        try:
            produced = list(rule.evaluate(facts))
        except Exception as error:  # one broken rule must not cost the others
            run.status = "skipped"
            run.reason = f"rule failed: {type(error).__name__}: {error}"
            diagnostics.append(
                Diagnostic(
                    severity=DiagnosticSeverity.ERROR,
                    code="internal-error",
                    message=f"rule {rule.id} failed: {error}",
                    detail="".join(traceback.format_exception(error)),
                )
            )
            produced = []
        run.findings = len(produced)
        findings.extend(produced)
        runs.append(run)
    findings.sort(key=lambda f: (-f.severity.rank, f.first_seen is None, f.first_seen or 0))
    return findings, runs


def _alignment(clock: HostClock) -> TimeAlignment:
    return TimeAlignment(
        source=clock.source,
        zone=str(clock.zone),
        offset_minutes=clock.offset_minutes,
        reason=clock.reason,
        reason_id=clock.reason_id,
        reason_args=clock.reason_args,
        anchors=clock.anchors,
    )


def _run_summaries(facts: Facts) -> list[BackupRunSummary]:
    summaries = []
    for run in facts.runs:
        skipped = [f.vm for f in facts.failures_by_run.get(run.index, [])]
        summaries.append(
            BackupRunSummary(
                index=run.index,
                path=run.path,
                first_line=run.first.line,
                last_line=run.last.line,
                started=facts.clock.aware(run.started),
                ended=facts.clock.aware(run.ended),
                outcome=run.outcome,
                vms_mentioned=[VmRef(name=name, id=vm_id) for name, vm_id in run.mentioned_vms],
                vms_skipped=skipped,
            )
        )
    return summaries


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
}


def _timeline(
    facts: Facts, findings: list[Finding], limits: Limits, diagnostics: list[Diagnostic]
) -> Timeline:
    """The per-VM timeline from the correlated facts and the findings, in time order.

    Labels are English, rendered from catalog messages kept with their arguments (see
    :class:`TimelineEntry`). Moments that cannot be placed in time are left out (they stay
    evidence in findings). Past ``limits.max_timeline_entries`` the earliest moments are
    dropped, findings never.
    """
    clock = facts.clock
    finding_entries = _finding_entries(findings, clock)
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
        utc, host_time = clock.utc(moment), clock.host_time(moment)
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
            if record.code == 43419:
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
    labels: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = {}  # most labels repeat
    kept = [*(_entry(moment, labels) for moment in moments.in_order()), *finding_entries]
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


def _entry(
    moment: _Moment, labels: dict[tuple[str, tuple[tuple[str, Any], ...]], str]
) -> TimelineEntry:
    """The entry of a kept moment; ``labels`` remembers the labels rendered so far."""
    utc, path, line, kind, host_time, (label_id, label_args), fields = moment
    key = (label_id, tuple(label_args.items()))
    label = labels.get(key)
    if label is None:
        label = labels[key] = text(label_id, **label_args)
    return TimelineEntry(
        time=utc,
        host_time=host_time,
        kind=kind,
        label=label,
        label_id=label_id,
        label_args=label_args,
        path=path,
        line=line,
        **fields,
    )


def _finding_entries(findings: list[Finding], clock: HostClock) -> list[TimelineEntry]:
    """One entry per finding at its first sighting, pointing at its first evidence line."""
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
                label=finding.title,
                vm=finding.vm,
                host=finding.host,
                severity=finding.severity,
                path=finding.evidence[0].path,
                line=finding.evidence[0].line,
                finding_id=finding.id,
            )
        )
    return entries


def _stats(report: Report, elapsed: float) -> ReportStats:
    severities = Counter(f.severity.value for f in report.findings)
    return ReportStats(
        files=len(report.inputs),
        files_read=sum(i.status == "read" for i in report.inputs),
        files_unknown=sum(i.status == "unknown" for i in report.inputs),
        files_refused=sum(i.status == "refused" for i in report.inputs),
        lines=sum(i.lines for i in report.inputs),
        events=sum(i.events for i in report.inputs),
        records=sum(i.records for i in report.inputs),
        unparsed=sum(i.unparsed for i in report.inputs),
        findings_by_severity=dict(severities),
        rules_run=sum(r.status == "ran" for r in report.rules),
        rules_skipped=sum(r.status == "skipped" for r in report.rules),
        elapsed_seconds=round(elapsed, 3),
    )
