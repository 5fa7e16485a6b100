"""The analysis: bundle → records → facts → rules → :class:`Report`.

Every member is streamed once through its source; only what the rules need is kept (see
:mod:`avlogparse.correlation`). A rule whose facts are missing is skipped and the report
says which; a rule that fails is a diagnostic, never a crash. The texts are rendered once,
at the end (:func:`avlogparse.i18n.localize_report`).
"""

from __future__ import annotations

import gc
import os
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import BinaryIO, cast

from avlogparse.bundle import Bundle, open_bundle
from avlogparse.correlation.clock import HostClock, given_clock
from avlogparse.correlation.collector import MAX_REPEATS, Collector
from avlogparse.correlation.facts import Facts, build_facts, facts_with_clock
from avlogparse.correlation.identity import vm_key
from avlogparse.correlation.runs import MAX_RUNS
from avlogparse.correlation.timeline import build_timeline
from avlogparse.correlation.windows import CorrelationWindows
from avlogparse.errors import NotABundleError
from avlogparse.i18n import check_language, text
from avlogparse.i18n.localize import localize_report
from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import Diagnostic, DiagnosticSeverity, ParseStats
from avlogparse.models.findings import Finding, VmRef
from avlogparse.models.report import (
    BackupRunSummary,
    ClockRival,
    ClusterInfo,
    HostInfo,
    InputFile,
    Report,
    ReportStats,
    RuleRun,
    TimeAlignment,
    ToolInfo,
)
from avlogparse.rules import ALL_RULES, Rule
from avlogparse.sources import parse_stream


@cache
def tool_version() -> str:
    """The installed package version (``0+unknown`` when run from a bare checkout).

    Looked up once per process: ``importlib.metadata`` rescans ``sys.path`` whenever a folder
    on it changed, and frees what it had cached (objects a caller may have frozen)."""
    try:
        return version("avlogparse")
    except PackageNotFoundError:
        return "0+unknown"


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
    windows: CorrelationWindows | None = None,
    lang: str | None = None,
    progress: Callable[[Progress], None] | None = None,
    clusters: Mapping[str, Iterable[str]] | None = None,
) -> Report:
    """Analyse a bundle (folder, file, .zip, .tar[.gz]) and return its :class:`Report`.

    ``lang`` (``en``, the default, or ``ja``) is the language of the report's texts.
    ``clusters`` names failover clusters the logs cannot show (``{"HVC01": ["HV-NODE01",
    "HV-NODE02"]}``); the bundle's own evidence of clusters is used either way
    (docs/guide/clusters.md).
    ``progress``, when given, is called after every chunk read and every file finished.

    Raises :class:`~avlogparse.errors.AvlogparseError` only for what the caller must handle
    (no such path, nothing analysable, a bad ``tz``); everything else is in the report.
    """
    # What the collector keeps lives until the report is built. Frozen after each file, it
    # is no longer rescanned by every full collection of the cyclic GC (benchmarks/README.md: 2-3 %
    # of analyze on 1 M lines). A process that froze objects itself (a pre-fork server) is
    # left alone.
    freezing = gc.get_freeze_count() == 0
    try:
        return _analyze(
            path_or_bundle, tz, rules, limits, windows, lang, progress, freezing, clusters
        )
    finally:
        if freezing:
            gc.unfreeze()


def _analyze(
    path_or_bundle: str | os.PathLike[str] | Bundle,
    tz: str | tzinfo | None,
    rules: Iterable[Rule] | None,
    limits: Limits,
    windows: CorrelationWindows | None,
    lang: str | None,
    progress: Callable[[Progress], None] | None,
    freeze: bool,
    clusters: Mapping[str, Iterable[str]] | None = None,
) -> Report:
    """:func:`analyze`; ``freeze``: what exists is frozen after each file is collected."""
    started = time.perf_counter()
    lang = check_language(lang or "en")
    clock = given_clock(tz) if tz is not None else None
    windows = windows or CorrelationWindows()
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
        collector.add_file(parsed.source, member.path, parsed)
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
    if collector.runs_over_limit:
        diagnostics.append(
            Diagnostic(
                severity=DiagnosticSeverity.WARNING,
                code="limit-exceeded",
                message=f"{collector.runs_over_limit} more backup runs than the {MAX_RUNS} kept: "
                "their lines were counted in the last run",
                limit="MAX_RUNS",
            )
        )
    if collector.omitted:
        diagnostics.append(
            Diagnostic(
                severity=DiagnosticSeverity.INFO,
                code="repeats-counted",
                message=f"{sum(collector.omitted.values())} lines or events repeating a fact "
                f"already seen {MAX_REPEATS} times were counted, not kept",
                limit="MAX_REPEATS",
            )
        )
    if not read_paths:
        raise NotABundleError(_nothing_analysable(str(bundle.root), inputs, diagnostics))

    facts = build_facts(collector, clock, windows, clusters)
    diagnostics.extend(_clock_diagnostics(facts.clock))
    chosen_rules = list(ALL_RULES if rules is None else rules)
    findings, rule_runs = _run_rules(facts, chosen_rules, diagnostics)
    rivals = _rivals_tried(collector, facts, chosen_rules, findings)
    report = Report(
        tool=ToolInfo(version=tool_version()),
        bundle=str(bundle.root),
        inputs=inputs,
        findings=findings,
        diagnostics=diagnostics,
        time_alignment=_alignment(facts.clock, rivals),
        rules=rule_runs,
        backup_runs=_run_summaries(facts),
        unparsed_shapes=sorted(collector.unparsed_shapes.values(), key=lambda u: -u.count),
        timeline=build_timeline(facts, findings, limits, diagnostics),
        clusters=_clusters(facts),
    )
    report.hosts = _hosts(facts, inputs, findings, report.clusters)
    report.stats = _stats(report, time.perf_counter() - started)
    return localize_report(report, lang)


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
    runs: dict[str, RuleRun] = {}
    ordered = list(rules)
    # rules that read the others' findings (unexplained-errors) run last, in the same order
    for rule in sorted(ordered, key=lambda rule: rule.after_others):
        missing = facts.coverage.missing(rule.requires)
        run = RuleRun(rule_id=rule.id, severity=rule.severity, title="", status="ran")
        if missing:
            run.status = "skipped"
            run.missing_inputs = missing
            runs[rule.id] = run
            continue
        try:
            produced = list(
                rule.evaluate_after(facts, findings) if rule.after_others else rule.evaluate(facts)
            )
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
        runs[rule.id] = run
    findings = _unique_ids(findings)
    findings.sort(key=lambda f: (-f.severity.rank, f.first_seen is None, f.first_seen or 0))
    return findings, [runs[rule.id] for rule in ordered]


def _unique_ids(findings: list[Finding]) -> list[Finding]:
    """Findings whose id (rule, VM and first evidence line) repeats one before them get a
    suffix, ``-2``, ``-3`` … in the order the rules gave them: one missing-evidence finding
    per missing log shares its evidence with the others, and SARIF viewers and code
    scanning merge results with one fingerprint."""
    seen: Counter[str] = Counter()
    unique = []
    for finding in findings:
        seen[finding.id] += 1
        if seen[finding.id] > 1:
            finding = finding.model_copy(update={"id": f"{finding.id}-{seen[finding.id]}"})
        unique.append(finding)
    return unique


MAX_RIVALS_TRIED = 4
"""Rival clocks the rules are run again with, to know whether the findings depend on the
clock chosen; each costs one more correlation and rule run (the rest stay unchecked)."""


def _rivals_tried(
    collector: Collector, facts: Facts, rules: list[Rule], findings: list[Finding]
) -> list[ClockRival]:
    """The inferred clock's rivals, each of the first ``MAX_RIVALS_TRIED`` with what
    ``--tz`` set to it would change: the findings (rule and VM) lost and gained."""
    rivals = list(facts.clock.rivals)
    chosen = _finding_keys(findings)
    for index, rival in enumerate(rivals[:MAX_RIVALS_TRIED]):
        alternative = facts_with_clock(collector, facts, given_clock(rival.tz))
        theirs = _finding_keys(_run_rules(alternative, rules, [])[0])
        rivals[index] = rival.model_copy(
            update={
                "checked": True,
                "findings_lost": _count_by_rule(chosen - theirs),
                "findings_gained": _count_by_rule(theirs - chosen),
            }
        )
    return rivals


def _finding_keys(findings: Iterable[Finding]) -> Counter[tuple[str, str | None]]:
    return Counter((f.rule_id, vm_key(f.vm) if f.vm is not None else None) for f in findings)


def _count_by_rule(keys: Counter[tuple[str, str | None]]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for (rule_id, _), count in keys.items():
        counts[rule_id] += count
    return dict(sorted(counts.items()))


def _alignment(clock: HostClock, rivals: list[ClockRival] | None = None) -> TimeAlignment:
    """The report's form of a clock; ``rivals`` as tried (a host's own clock's are not)."""
    return TimeAlignment(
        source=clock.source,
        zone=str(clock.zone),
        offset_minutes=clock.offset_minutes,
        reason="",
        reason_id=clock.reason_id,
        reason_args=clock.reason_args,
        anchors=clock.anchors,
        zone_name=clock.zone_name,
        rule_family=clock.rule_family,
        offsets_minutes=list(clock.offsets),
        switches=list(clock.switches),
        evidence=list(clock.evidence),
        rivals=list(clock.rivals) if rivals is None else rivals,
    )


def _clock_diagnostics(clock: HostClock) -> list[Diagnostic]:
    """Host-local times in a skipped or repeated hour, and printed zone names that
    contradict the clock used: flagged, so no hour shifts in silence."""
    found = []
    for switch in clock.switches:
        if switch.records_in_window:
            found.append(
                Diagnostic(
                    severity=DiagnosticSeverity.WARNING,
                    code="clock-switch-hour",
                    message=text(
                        "clock.switch-hour",
                        "en",
                        count=switch.records_in_window,
                        kind=f"clock.switch-hour.{switch.kind}",
                        switch=f"{switch.local:%Y-%m-%d %H:%M}",
                        resolved=switch.resolved_by_anchor,
                    ),
                )
            )
    for evidence in clock.evidence:
        if evidence.verdict == "contradicts":
            found.append(
                Diagnostic(
                    severity=DiagnosticSeverity.WARNING,
                    code="clock-abbreviation-contradicts",
                    message=text(
                        "clock.abbreviation-contradicts",
                        "en",
                        name=evidence.name,
                        local=f"{evidence.local:%Y-%m-%d %H:%M:%S}",
                        zone=str(clock.zone),
                    ),
                    path=evidence.path,
                    line=evidence.line,
                )
            )
    return found


def _clusters(facts: Facts) -> list[ClusterInfo]:
    return [
        ClusterInfo(
            name=cluster.name or "+".join(cluster.nodes),
            nodes=cluster.nodes,
            source="given" if cluster.source == "given" else "inferred",
            shared_vms=cluster.shared_vms,
            migrations=cluster.migrations,
        )
        for cluster in facts.hosts.clusters
    ]


def _hosts(
    facts: Facts, inputs: list[InputFile], findings: list[Finding], clusters: list[ClusterInfo]
) -> list[HostInfo]:
    """One entry per host: its inputs, cluster, own clock (if any) and findings."""
    cluster_of = {node: cluster.name for cluster in clusters for node in cluster.nodes}
    hosts = {
        name: HostInfo(name=name, cluster=cluster_of.get(name)) for name in facts.hosts.hosts
    }
    for item in inputs:
        host = facts.host_of(item.path)
        if host is not None and host in hosts:
            hosts[host].inputs.append(item.path)
    for host, clock in facts.clocks.items():
        if host is not None and host in hosts:
            hosts[host].time_alignment = _alignment(clock)
    for finding in findings:
        first = finding.evidence[0].path if finding.evidence else None
        host = finding.host or (facts.host_of(first) if first is not None else None)
        if host is None or host not in hosts:
            continue
        by_rule, by_severity = hosts[host].findings_by_rule, hosts[host].findings_by_severity
        by_rule[finding.rule_id] = by_rule.get(finding.rule_id, 0) + 1
        severity = finding.severity.value
        by_severity[severity] = by_severity.get(severity, 0) + 1
    return list(hosts.values())


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
                started=facts.clock_at(run.path).aware(run.started),
                ended=facts.clock_at(run.path).aware(run.ended),
                outcome=run.outcome,
                vms_mentioned=[VmRef(name=name, id=vm_id) for name, vm_id in run.mentioned_vms],
                vms_skipped=skipped,
            )
        )
    return summaries


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
