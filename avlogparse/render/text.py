"""The human summary: root causes first, then every finding, every step, every line.

The first screen answers what a support engineer acts on: each incident (a root cause with
the findings it explains, see :mod:`avlogparse.models.incidents`), which VMs, every
remediation step in order and the evidence lines themselves (cut to the terminal width).
Then the backup runs and every finding by severity. Every label comes from the message
catalogs (:mod:`avlogparse.i18n`), so the summary reads in English or Japanese; findings are
shown in the report's own language (see :func:`~avlogparse.i18n.localize_report`).
"""

from __future__ import annotations

import shutil
from functools import partial

from avlogparse.i18n import clock_time, display_width, evidence_role, pad, text
from avlogparse.i18n.localize import localize_report
from avlogparse.models.findings import Evidence, Finding
from avlogparse.models.incidents import Incident
from avlogparse.models.report import Report
from avlogparse.models.severity import Severity
from avlogparse.render.clock_choice import clock_choice
from avlogparse.render.html import event_gist
from avlogparse.render.safe import escape

_COLOURS = {
    Severity.CRITICAL: "\x1b[1;35m",
    Severity.ERROR: "\x1b[1;31m",
    Severity.WARNING: "\x1b[33m",
    Severity.INFO: "\x1b[36m",
}
_RESET = "\x1b[0m"
_MAX_EVIDENCE = 6
_MAX_INCIDENT_EVIDENCE = 8


def terminal_width() -> int:
    """Columns of the terminal (``COLUMNS`` when set; 120 when not a terminal)."""
    return max(60, shutil.get_terminal_size((120, 24)).columns)


def render_text(
    report: Report,
    *,
    colour: bool = False,
    verbose: bool = False,
    lang: str | None = None,
    width: int | None = None,
) -> str:
    """The report as plain text in ``lang`` (default: the report's); ANSI colour when asked;
    evidence lines cut to ``width`` columns (default: the terminal's)."""
    if lang is not None and lang != report.lang:
        report = localize_report(report, lang)
    label = partial(text, lang=report.lang)
    width = width or terminal_width()

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
    choice, per_rival = clock_choice(alignment, report.lang)
    if choice is not None:
        out.append(f"  {choice}")
        out.extend(f"    {line}" for line in per_rival)
    incidents = report.incidents
    by_id = {f.id: f for f in report.findings}
    number_of: dict[str, int] = {}
    for number, incident in enumerate(incidents, 1):
        out.append("")
        out.extend(_incident_lines(incident, number, len(incidents), by_id, report.lang, width))
        number_of.update(dict.fromkeys([*incident.causes, *incident.symptoms], number))
    if report.backup_runs:
        out.append("")
        out.append(label("text.backup-runs"))
        kinds = ("success", "partial", "failed", "unknown")
        outcomes = {o: label(f"text.outcome.{o}") for o in kinds}
        column = max(8, *(display_width(o) for o in outcomes.values()))
        separator = label("list.separator")
        for run in report.backup_runs:
            started = run.started.strftime("%Y-%m-%d %H:%M") if run.started else "?"
            names = [escape(vm.name or vm.id or "?") for vm in run.vms_skipped]
            out.append(
                f"  {started}  {pad(outcomes[run.outcome], column)} "
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
    else:
        out.append(label("text.findings", count=len(report.findings)))
        out.append("")
    for severity in sorted(Severity, key=lambda s: -s.rank):
        group = [f for f in report.findings if f.severity is severity]
        if not group:
            continue
        heading = label(f"text.severity.{severity.value}")
        out.append(paint(severity, f"{heading} ({len(group)})"))
        for finding in group:
            out.extend(
                _finding_lines(finding, verbose, report.lang, width, number_of.get(finding.id))
            )
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


def _incident_lines(
    incident: Incident,
    number: int,
    total: int,
    by_id: dict[str, Finding],
    lang: str,
    width: int,
) -> list[str]:
    """One root cause: title, VMs, what it explains, every step, the evidence lines."""
    label = partial(text, lang=lang)
    causes = [by_id[i] for i in incident.causes if i in by_id]
    symptoms = [by_id[i] for i in incident.symptoms if i in by_id]
    first = causes[0]
    severity = label(f"text.severity.{incident.severity.value}")
    lines = [label("text.root-cause", number=number, total=total, severity=severity,
                   title=escape(first.title))]  # fmt: skip
    separator = label("list.separator")
    if incident.vms:
        names = separator.join(escape(vm.name or vm.id or "?") for vm in incident.vms)
        lines.append("  " + label("text.incident.vms", count=len(incident.vms), names=names))
    else:
        lines.append("  " + label("text.incident.job"))
    lines.append("  " + escape(first.message))
    if len(causes) > 1:
        others = separator.join(escape(c.vm.name or c.vm.id or "?") for c in causes[1:] if c.vm)
        if others:
            lines.append("  " + label("text.incident.likewise", names=others))
    if symptoms:
        titles: dict[str, tuple[int, str]] = {}
        for symptom in symptoms:
            count, _ = titles.get(symptom.rule_id, (0, symptom.title))
            titles[symptom.rule_id] = (count + 1, symptom.title)
        items = separator.join(
            label("text.incident.count-item", count=count, title=escape(title))
            for count, title in titles.values()
        )
        lines.append("  " + label("text.incident.explains", items=items))
    steps = first.remediation if len(causes) == 1 else _steps(causes)
    if steps:
        lines.append("  " + label("text.what-to-do"))
        lines.extend(
            "    " + label("text.step", number=n, step=escape(step))
            for n, step in enumerate(steps, 1)
        )
    if first.evidence:
        heading = (
            label("text.evidence-of", vm=escape(first.vm.name or first.vm.id or "?"))
            if first.vm and len(incident.vms) > 1
            else label("text.evidence")
        )
        lines.append("  " + heading)
        shown = first.evidence[:_MAX_INCIDENT_EVIDENCE]
        lines.extend(_evidence_line(item, lang, width, "    ") for item in shown)
        if len(shown) < len(first.evidence):
            lines.append("    " + _more(len(first.evidence) - len(shown), lang))
    return lines


def _steps(causes: list[Finding]) -> list[str]:
    """The steps of several causes, each once, in order."""
    return list(dict.fromkeys(step for cause in causes for step in cause.remediation))


def _evidence_line(item: Evidence, lang: str, width: int, indent: str) -> str:
    """``path:line  role  text`` cut to ``width`` columns (an event shows its id and
    message, not its XML)."""
    role = evidence_role(item.role, lang)
    head = f"{indent}{escape(str(item.location))}  {role}  "
    body = escape(event_gist(item.text, lang) or item.text.strip())
    return _cut(head + body, width)


def _cut(line: str, width: int) -> str:
    """``line`` in at most ``width`` terminal columns, ``…`` where it was cut."""
    if display_width(line) <= width:
        return line
    used, kept = 1, []
    for character in line:
        used += display_width(character)
        if used > width:
            break
        kept.append(character)
    return "".join(kept) + "…"


def _more(hidden: int, lang: str) -> str:
    if hidden == 1:
        return text("text.more-evidence.one", lang)
    return text("text.more-evidence", lang, count=hidden)


def _finding_lines(
    finding: Finding, verbose: bool, lang: str, width: int = 120, incident: int | None = None
) -> list[str]:
    label = partial(text, lang=lang)
    when = clock_time(finding.first_seen) if finding.first_seen else None
    where = [label("text.vm", vm=escape(finding.vm.label()))] if finding.vm else []
    where.append(label("text.seen-at", when=when) if when else label("text.time-unknown"))
    lines = [
        f"  [{finding.rule_id}] {escape(finding.title)}",
        f"    {label('text.meta-separator').join(where)}",
        f"    {escape(finding.message)}",
    ]
    lines.extend(
        "    " + label("text.missing-link", link=escape(link)) for link in finding.missing_links
    )
    if finding.explained_by:
        lines.append("    " + label("text.explained-by", ids=", ".join(finding.explained_by)))
    if incident is not None and not verbose:
        lines.append("    → " + label("text.part-of", number=incident))
    elif finding.remediation:
        lines.append("    " + label("text.what-to-do"))
        lines.extend(
            "      " + label("text.step", number=n, step=escape(step))
            for n, step in enumerate(finding.remediation, 1)
        )
    shown = finding.evidence if verbose else finding.evidence[:_MAX_EVIDENCE]
    lines.extend(_evidence_line(item, lang, width, "      ") for item in shown)
    if len(shown) < len(finding.evidence):
        lines.append("      " + _more(len(finding.evidence) - len(shown), lang))
    return lines
