"""The human summary: findings by severity, with VM, time, evidence and the first step."""

from __future__ import annotations

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


def render_text(report: Report, *, colour: bool = False, verbose: bool = False) -> str:
    """The report as plain text (ANSI colour only when asked for)."""

    def paint(severity: Severity, text: str) -> str:
        return f"{_COLOURS[severity]}{text}{_RESET}" if colour else text

    out: list[str] = []
    stats = report.stats
    out.append(f"avlogparse {report.tool.version} — {escape(report.bundle)}")
    out.append(
        f"  {stats.files_read} file(s) read, {stats.files_unknown} unknown, "
        f"{stats.files_refused} refused; {stats.lines} lines, {stats.events} events, "
        f"{stats.unparsed} unparsed"
    )
    alignment = report.time_alignment
    out.append(f"  host time: {alignment.zone} ({alignment.source}) — {alignment.reason}")
    if report.backup_runs:
        out.append("")
        out.append("Backup runs")
        for run in report.backup_runs:
            started = run.started.strftime("%Y-%m-%d %H:%M") if run.started else "?"
            skipped = ", ".join(escape(vm.name or vm.id or "?") for vm in run.vms_skipped)
            out.append(
                f"  {started}  {run.outcome:<8} {len(run.vms_mentioned)} VM(s) mentioned"
                + (f", skipped: {skipped}" if skipped else "")
                + f"  [{escape(run.path)}:{run.first_line}-{run.last_line}]"
            )
    out.append("")
    if not report.findings:
        out.append("No findings.")
    for severity in sorted(Severity, key=lambda s: -s.rank):
        group = [f for f in report.findings if f.severity is severity]
        if not group:
            continue
        out.append(paint(severity, f"{severity.value.upper()} ({len(group)})"))
        for finding in group:
            out.extend(_finding_lines(finding, verbose))
        out.append("")
    if report.unparsed_shapes:
        total = sum(shape.count for shape in report.unparsed_shapes)
        out.append(f"Unparsed lines: {total} in {len(report.unparsed_shapes)} shape(s)")
        for shape in report.unparsed_shapes[: None if verbose else 5]:
            out.append(
                f"  {shape.count:>6} x {escape(shape.template)}"
                f"  [{escape(shape.example_path)}:{shape.example_line}]"
            )
        out.append("")
    not_run = [r for r in report.rules if r.status == "skipped"]
    if not_run:
        out.append("Rules not run")
        out.extend(f"  {r.rule_id}: {escape(r.reason or '')}" for r in not_run)
        out.append("")
    if report.diagnostics:
        out.append(f"Diagnostics ({len(report.diagnostics)})")
        for diagnostic in report.diagnostics[: None if verbose else 10]:
            where = f"{diagnostic.path}:{diagnostic.line}" if diagnostic.line else diagnostic.path
            out.append(
                f"  {diagnostic.severity.value} {diagnostic.code}: {escape(diagnostic.message)}"
                + (f" [{escape(where)}]" if where else "")
            )
        if not verbose and len(report.diagnostics) > 10:
            out.append(f"  … {len(report.diagnostics) - 10} more (--verbose)")
    return "\n".join(out).rstrip() + "\n"


def _finding_lines(finding: Finding, verbose: bool) -> list[str]:
    when = finding.first_seen.isoformat(sep=" ") if finding.first_seen else "time unknown"
    vm = f" VM {escape(finding.vm.label())}" if finding.vm else ""
    lines = [f"  [{finding.rule_id}]{vm} at {when}", f"    {escape(finding.message)}"]
    lines.extend(f"    missing: {escape(link)}" for link in finding.missing_links)
    if finding.explained_by:
        lines.append(f"    explained by: {', '.join(finding.explained_by)}")
    if finding.remediation:
        lines.append(f"    → {escape(finding.remediation[0])}")
    shown = finding.evidence if verbose else finding.evidence[:_MAX_EVIDENCE]
    for item in shown:
        lines.append(f"      {escape(item.path)}:{item.line}  {item.role or ''}")
    if len(shown) < len(finding.evidence):
        lines.append(f"      … {len(finding.evidence) - len(shown)} more evidence lines")
    return lines
