"""The human summary: findings by severity, with VM, time, evidence and the first step.

Every label comes from the message catalogs (:mod:`avlogparse.i18n`), so the summary reads
in English or Japanese; findings are shown in the report's own language (see
:func:`~avlogparse.i18n.localize_report`).
"""

from __future__ import annotations

from functools import partial

from avlogparse.i18n import display_width, evidence_role, pad, text
from avlogparse.i18n.localize import localize_report
from avlogparse.models.findings import Finding
from avlogparse.models.report import Report
from avlogparse.models.severity import Severity
from avlogparse.render.safe import escape

_COLOURS = {
    Severity.CRITICAL: "\x1b[1;35m",
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[33m",
    Severity.INFO: "\x1b[36m",
}
_RESET = "\x1b[0m"
_MAX_EVIDENCE = 6


def render_text(
    report: Report, *, colour: bool = False, verbose: bool = False, lang: str | None = None
) -> str:
    """The report as plain text in ``lang`` (default: the report's); ANSI colour when asked."""
    if lang is not None and lang != report.lang:
        report = localize_report(report, lang)
    label = partial(text, lang=report.lang)

    def paint(severity: Severity, text: str) -> str:
        return f"{_COLOURS[severity]}{text}{_RESET}" if colour else text

    out: list[str] = []
    stats = report.stats
    out.append(f"avlogparse {report.tool.version} — {escape(report.bundle)}")
    totals = label(
        "text.totals",
        files_read=stats.files_read,
        files_unknown=stats.files_unknown,
        files_refused=stats.files_refused,
        lines=stats.lines,
        events=stats.events,
        unparsed=stats.unparsed,
    )
    out.append(f"  {totals}")
    if not report.complete:
        out.append(f"  {label('text.incomplete')}")
    alignment = report.time_alignment
    source = label(f"text.time-source.{alignment.source}")
    out.append(
        "  " + label("text.host-time", zone=alignment.zone, source=source, reason=alignment.reason)
    )
    if report.backup_runs:
        out.append("")
        out.append(label("text.backup-runs"))
        outcomes = {o: label(f"text.outcome.{o}") for o in ("success", "partial", "failed")}
        width = max(8, *(display_width(o) for o in outcomes.values()))
        separator = label("list.separator")
        for run in report.backup_runs:
            started = run.started.strftime("%Y-%m-%d %H:%M") if run.started else "?"
            names = [escape(vm.name or vm.id or "?") for vm in run.vms_skipped]
            out.append(
                f"  {started}  {pad(outcomes[run.outcome], width)} "
                + label("text.vms-mentioned", count=len(run.vms_mentioned))
                + (label("text.vms-skipped", names=separator.join(names)) if names else "")
                + f"  [{escape(run.path)}:{run.first_line}-{run.last_line}]"
            )
    if len(report.hosts) > 1:
        out.append("")
        out.append(label("text.hosts"))
        out.extend(_host_lines(report, report.lang))
    out.append("")
    if not report.findings:
        out.append(label("text.no-findings"))
    for severity in sorted(Severity, key=lambda s: -s.rank):
        group = [f for f in report.findings if f.severity is severity]
        if not group:
            continue
        heading = label(f"text.severity.{severity.value}")
        out.append(paint(severity, f"{heading} ({len(group)})"))
        for finding in group:
            out.extend(_finding_lines(finding, verbose, report.lang))
        out.append("")
    if report.unparsed_shapes:
        total = sum(shape.count for shape in report.unparsed_shapes)
        out.append(label("text.unparsed", total=total, shapes=len(report.unparsed_shapes)))
        for shape in report.unparsed_shapes[: None if verbose else 5]:
            out.append(
                f"  {shape.count:>6} x {escape(shape.template)}"
                f"  [{escape(shape.example_path)}:{shape.example_line}]"
            )
        out.append("")
    not_run = [r for r in report.rules if r.status == "skipped"]
    if not_run:
        out.append(label("text.rules-not-run"))
        out.extend(f"  {r.rule_id}: {escape(r.reason or '')}" for r in not_run)
        out.append("")
    if report.diagnostics:
        out.append(label("text.diagnostics", count=len(report.diagnostics)))
        for diagnostic in report.diagnostics[: None if verbose else 10]:
            where = diagnostic.location
            out.append(
                f"  {diagnostic.severity.value} {diagnostic.code}: {escape(diagnostic.message)}"
                + (f" [{escape(str(where))}]" if where else "")
            )
        if not verbose and len(report.diagnostics) > 10:
            out.append("  " + label("text.more-diagnostics", count=len(report.diagnostics) - 10))
    return "\n".join(out).rstrip() + "\n"


def _host_lines(report: Report, lang: str) -> list[str]:
    """The per-node view: each host, its cluster and which findings concern it."""
    lines = []
    for host in report.hosts:
        cluster = text("text.host-cluster", lang, cluster=host.cluster) if host.cluster else ""
        rules = ", ".join(f"{rule} ({count})" for rule, count in host.findings_by_rule.items())
        count = sum(host.findings_by_rule.values())
        findings = (
            text("text.host-findings", lang, count=count, rules=rules)
            if count
            else text("text.host-no-findings", lang)
        )
        lines.append(f"  {escape(host.name)}{escape(cluster)}: {findings}")
    return lines


def _finding_lines(finding: Finding, verbose: bool, lang: str) -> list[str]:
    label = partial(text, lang=lang)
    when = finding.first_seen.isoformat(sep=" ") if finding.first_seen else None
    where = [label("text.vm", vm=escape(finding.vm.label()))] if finding.vm else []
    where.append(label("text.seen-at", when=when) if when else label("text.time-unknown"))
    lines = [
        f"  [{finding.rule_id}] {escape(finding.title)}",
        f"    {' '.join(where)}",
        f"    {escape(finding.message)}",
    ]
    lines.extend(
        "    " + label("text.missing-link", link=escape(link)) for link in finding.missing_links
    )
    if finding.explained_by:
        lines.append("    " + label("text.explained-by", ids=", ".join(finding.explained_by)))
    if finding.remediation:
        lines.append("    " + label("text.remediation", step=escape(finding.remediation[0])))
    shown = finding.evidence if verbose else finding.evidence[:_MAX_EVIDENCE]
    for item in shown:
        role = evidence_role(item.role, lang)
        lines.append(f"      {escape(str(item.location))}  {role}")
    if len(shown) < len(finding.evidence):
        hidden = len(finding.evidence) - len(shown)
        lines.append("      " + label("text.more-evidence", count=hidden))
    return lines
