"""The report as one self-contained HTML page: inline CSS, an inline SVG timeline, no script.

The page can be mailed or attached to a ticket and opened offline: it loads nothing (no
fonts, images, styles or scripts from anywhere); the only links are a finding's reference
URLs, and only ``http(s)`` ones become links. Every piece of log text is escaped, so a VM
named ``<script>`` is shown, never run. The fragments (:func:`summary_html`,
:func:`finding_html` …) also make the notebook views (``_repr_html_``).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo

from avlogparse.i18n import localize_findings
from avlogparse.models.diagnostics import Diagnostic
from avlogparse.models.findings import Finding
from avlogparse.models.report import (
    BackupRunSummary,
    InputFile,
    Report,
    RuleRun,
    UnparsedShape,
)
from avlogparse.models.severity import Severity
from avlogparse.render.safe import html_text
from avlogparse.render.timeline_layout import SEVERITY_COLOURS
from avlogparse.render.timeline_svg import timeline_svg

_SEVERITY_CSS = "\n".join(
    f".avl .sev-{severity.value} {{ background: {colour}; }}"
    for severity, colour in SEVERITY_COLOURS.items()
    if severity is not None
)

CSS = (
    """
.avl { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #24292f;
  font-size: 14px; line-height: 1.45; }
body.avl { margin: 0 auto; padding: 24px 32px; max-width: 1240px; background: #fff; }
.avl h1 { font-size: 24px; margin: 0 0 4px; }
.avl h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px;
  border-bottom: 1px solid #d0d7de; }
.avl h3 { font-size: 15px; margin: 0; display: inline; }
.avl .sub { color: #57606a; margin: 0 0 16px; }
.avl .cards { display: flex; flex-wrap: wrap; gap: 12px; }
.avl .card { border: 1px solid #d0d7de; border-radius: 6px; padding: 10px 14px;
  min-width: 200px; flex: 1; }
.avl .card .k { color: #57606a; font-size: 12px; text-transform: uppercase; }
.avl .card .v { font-size: 16px; font-weight: 600; margin: 2px 0; }
.avl .card .why { color: #57606a; font-size: 12px; }
.avl .bad { color: #d1242f; }
.avl .ok { color: #1a7f37; }
.avl table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 13px; }
.avl th, .avl td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left;
  vertical-align: top; }
.avl th { background: #f6f8fa; font-weight: 600; }
.avl .n { font-variant-numeric: tabular-nums; }
.avl code, .avl .mono { font-family: ui-monospace, Consolas, "Liberation Mono", monospace;
  font-size: 12px; }
.avl td code { white-space: pre-wrap; word-break: break-all; }
.avl .badge { display: inline-block; color: #fff; border-radius: 10px; padding: 0 8px;
  font-size: 12px; font-weight: 600; text-transform: uppercase; margin-right: 6px; }
.avl .finding { border: 1px solid #d0d7de; border-left-width: 6px; border-radius: 6px;
  padding: 10px 14px; margin: 12px 0; }
.avl .finding .meta { color: #57606a; font-size: 12px; margin: 4px 0 8px; }
.avl .finding p { margin: 6px 0; }
.avl h4 { font-size: 13px; margin: 10px 0 4px; }
.avl .finding ol, .avl .finding ul { margin: 4px 0; padding-left: 22px; }
.avl .skipped td { background: #fff8c5; }
.avl .empty { color: #57606a; font-style: italic; }
.avl summary { cursor: pointer; color: #0969da; font-size: 12px; }
.avl svg.avl-timeline { border: 1px solid #d0d7de; border-radius: 6px; }
"""
    + _SEVERITY_CSS
    + "\n"
    + "\n".join(
        f".avl .finding.sev-{s.value} {{ background: #fff; border-left-color: {c}; }}"
        for s, c in SEVERITY_COLOURS.items()
        if s is not None
    )
    + "\n"
)


def render_html(report: Report, lang: str | None = None) -> str:
    """The whole report as one HTML document (UTF-8 text), in ``lang`` (default: the report's)."""
    lang = lang or report.lang
    findings = localize_findings(report.findings, lang)
    body = [
        "<header>",
        "<h1>Avamar Hyper-V backup diagnosis</h1>",
        f'<p class="sub">Bundle <span class="mono">{html_text(report.bundle)}</span> · '
        f"{html_text(report.tool.name)} {html_text(report.tool.version)} · "
        f"report schema {html_text(report.schema_version)}</p>",
        "</header>",
        summary_html(report),
        "<h2>Timeline (host time)</h2>",
        timeline_svg(report.timeline),
        f"<h2>Findings ({len(findings)})</h2>",
        findings_table_html(findings, link=True) if len(findings) > 1 else "",
        *(finding_html(f, report.time_alignment.host_zone()) for f in findings),
        "" if findings else '<p class="empty">No findings.</p>',
        "<h2>Backup runs</h2>",
        _runs_table(report.backup_runs),
        "<h2>Inputs</h2>",
        inputs_table_html(report.inputs),
        "<h2>Unparsed line shapes</h2>",
        _unparsed_table(report.unparsed_shapes),
        "<h2>Rules</h2>",
        _rules_table(report.rules),
        "<h2>Diagnostics</h2>",
        _diagnostics_table(report.diagnostics),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{html_text(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>avlogparse: {html_text(report.bundle)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n"
        f'<body class="avl">\n{_join(body)}\n</body>\n</html>\n'
    )


def report_repr_html(report: Report) -> str:
    """The notebook view of a report: summary, findings at a glance, inputs."""
    return _fragment(
        f"<h3>avlogparse report: {html_text(report.bundle)}</h3>",
        summary_html(report),
        "<h4>Findings</h4>",
        findings_table_html(report.findings),
        "<h4>Inputs</h4>",
        inputs_table_html(report.inputs),
    )


def finding_repr_html(finding: Finding) -> str:
    """The notebook view of one finding."""
    return _fragment(finding_html(finding))


def summary_html(report: Report) -> str:
    """Cards: findings by severity, input completeness, host clock, backup runs."""
    counts = Counter(f.severity for f in report.findings)
    badges = " ".join(
        _badge(severity, f"{counts[severity]} {severity.value}")
        for severity in sorted(counts, key=lambda s: -s.rank)
    )
    stats = report.stats
    if report.complete:
        state, why = '<span class="ok">complete</span>', "every input read whole"
    else:
        refused = sum(i.status == "refused" for i in report.inputs)
        partial = sum(i.status != "refused" and not i.complete for i in report.inputs)
        state, why = '<span class="bad">incomplete</span>', f"{refused} refused, {partial} cut"
    why += (
        f"; {stats.files_read} read, {stats.files_unknown} not a log, "
        f"{stats.lines} lines, {stats.events} events, {stats.unparsed} unparsed"
    )
    clock = report.time_alignment
    outcomes = Counter(run.outcome for run in report.backup_runs)
    runs = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items())) or "none found"
    cards = [
        ("Findings", badges or '<span class="ok">none</span>', ""),
        ("Input", state, why),
        ("Host clock", html_text(f"{clock.zone} ({clock.source})"), clock.reason),
        ("Backup runs", html_text(runs), ""),
    ]
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="k">{key}</div><div class="v">{value}</div>'
            f'<div class="why">{html_text(explanation)}</div></div>'
            for key, value, explanation in cards
        )
        + "</div>"
    )


def finding_html(finding: Finding, zone: tzinfo | None = None) -> str:
    """One finding: what, where, the lines that prove it, what to do, where to read more.

    ``zone`` (the host's, see :meth:`TimeAlignment.host_zone`) shows UTC event times on the
    host clock; by default the zone of the finding's own ``first_seen``.
    """
    if zone is None and finding.first_seen is not None:
        zone = finding.first_seen.tzinfo
    meta = [f"rule <span class='mono'>{html_text(finding.rule_id)}</span>"]
    if finding.vm is not None:
        meta.append(f"VM <b>{html_text(finding.vm.label())}</b>")
    if finding.host:
        meta.append(f"host {html_text(finding.host)}")
    if finding.first_seen:
        seen = _when(finding.first_seen)
        if finding.last_seen and finding.last_seen != finding.first_seen:
            seen += f" … {_when(finding.last_seen)}"
        meta.append(f"seen {html_text(seen)}")
    parts = [
        f'<article class="finding sev-{finding.severity.value}" id="{html_text(finding.id)}">',
        _badge(finding.severity, finding.severity.value),
        f"<h3>{html_text(finding.title)}</h3>",
        f'<div class="meta">{" · ".join(meta)}</div>',
        f"<p>{html_text(finding.message)}</p>",
    ]
    if finding.missing_links:
        parts.append("<h4>Not shown by this bundle</h4>" + _list("ul", finding.missing_links))
    if finding.explained_by:
        links = "".join(
            f'<li><a href="#{html_text(other)}">{html_text(other)}</a></li>'
            for other in finding.explained_by
        )
        parts.append(f"<h4>Explained by</h4><ul>{links}</ul>")
    if finding.evidence:
        rows = [
            [
                f'<span class="mono">{html_text(e.path)}:{e.line}</span>',
                html_text(e.source),
                html_text(_when(e.timestamp, zone)),
                html_text(e.role or ""),
                _log_text(e.text),
            ]
            for e in finding.evidence
        ]
        parts.append("<h4>Evidence</h4>")
        parts.append(_table(["where", "source", "time", "proves", "text"], rows))
    if finding.remediation:
        parts.append("<h4>What to do</h4>" + _list("ol", finding.remediation))
    if finding.references:
        parts.append("<h4>References</h4><ul>")
        parts.extend(f"<li>{_reference(url)}</li>" for url in finding.references)
        parts.append("</ul>")
    parts.append("</article>")
    return "".join(parts)


def findings_table_html(findings: Sequence[Finding], link: bool = False) -> str:
    """One row per finding: severity, title, VM, first seen; ``link``: titles jump to the
    finding's section of the same page."""
    if not findings:
        return '<p class="empty">No findings.</p>'
    rows = [
        [
            _badge(f.severity, f.severity.value),
            f'<a href="#{html_text(f.id)}">{html_text(f.title)}</a>'
            if link
            else html_text(f.title),
            html_text(f.vm.label() if f.vm else ""),
            html_text(_when(f.first_seen)),
        ]
        for f in findings
    ]
    return _table(["severity", "finding", "VM", "first seen"], rows)


def inputs_table_html(inputs: Sequence[InputFile]) -> str:
    """Each member of the bundle and what became of it."""
    rows = [
        [
            f'<span class="mono">{html_text(i.path)}</span>',
            html_text(i.kind),
            html_text(i.status),
            html_text(i.encoding or ""),
            _number(i.lines),
            _number(i.events),
            _number(i.records),
            _number(i.unparsed),
            '<span class="ok">yes</span>' if i.complete else '<span class="bad">no</span>',
            html_text(i.reason or ""),
        ]
        for i in inputs
    ]
    headers = ["path", "kind", "status", "encoding", "lines", "events", "records", "unparsed"]
    return _table([*headers, "whole", "reason"], rows, empty="No input files.")


def _runs_table(runs: Sequence[BackupRunSummary]) -> str:
    rows = [
        [
            _number(run.index + 1),
            f'<span class="mono">{html_text(run.path)}:{run.first_line}-{run.last_line}</span>',
            html_text(_when(run.started)),
            html_text(_when(run.ended)),
            html_text(run.outcome),
            html_text(", ".join(vm.label() for vm in run.vms_skipped)),
        ]
        for run in runs
    ]
    headers = ["#", "lines", "started", "ended", "outcome", "VMs skipped"]
    return _table(headers, rows, empty="No backup run in the plug-in log.")


def _unparsed_table(shapes: Sequence[UnparsedShape]) -> str:
    rows = [
        [
            html_text(s.kind),
            _number(s.count),
            f"<code>{html_text(s.template)}</code>",
            f'<span class="mono">{html_text(s.example_path)}:{s.example_line}</span>',
        ]
        for s in shapes
    ]
    return _table(
        ["kind", "lines", "shape", "first example"], rows, empty="Every line was understood."
    )


def _rules_table(rules: Sequence[RuleRun]) -> str:
    rows = [
        [
            f'<span class="mono">{html_text(r.rule_id)}</span>',
            html_text(r.title),
            html_text(r.status),
            _number(r.findings),
            html_text(r.reason or ""),
        ]
        for r in rules
    ]
    classes = ["skipped" if r.status == "skipped" else "" for r in rules]
    return _table(["rule", "looks for", "status", "findings", "why skipped"], rows, classes)


def _diagnostics_table(diagnostics: Sequence[Diagnostic]) -> str:
    rows = [
        [
            html_text(d.severity.value),
            f'<span class="mono">{html_text(d.code)}</span>',
            html_text(f"{d.path}:{d.line}" if d.line else d.path or ""),
            html_text(d.message),
        ]
        for d in diagnostics
    ]
    return _table(["severity", "code", "where", "message"], rows, empty="No diagnostics.")


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    row_classes: Sequence[str] = (),
    empty: str = "Nothing.",
) -> str:
    """A table from cells that are already HTML (escaped by the caller)."""
    if not rows:
        return f'<p class="empty">{html_text(empty)}</p>'
    head = "".join(f"<th>{html_text(h)}</th>" for h in headers)
    body = []
    for index, row in enumerate(rows):
        css = row_classes[index] if index < len(row_classes) else ""
        attribute = f' class="{css}"' if css else ""
        body.append(f"<tr{attribute}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _fragment(*parts: str) -> str:
    """An embeddable block: its styles apply inside ``.avl`` only."""
    return f'<div class="avl"><style>{CSS}</style>{_join(parts)}</div>'


def _badge(severity: Severity, text: str) -> str:
    return f'<span class="badge sev-{severity.value}">{html_text(text)}</span>'


def _reference(url: str) -> str:
    """Only web addresses become links; anything else (``javascript:``) stays text."""
    text = html_text(url)
    if url.startswith(("https://", "http://")):
        return f'<a href="{text}" rel="noreferrer noopener">{text}</a>'
    return f'<span class="mono">{text}</span>'


def _list(tag: str, items: Iterable[str]) -> str:
    return f"<{tag}>" + "".join(f"<li>{html_text(item)}</li>" for item in items) + f"</{tag}>"


def _number(value: int) -> str:
    return f'<span class="n">{value:,}</span>'


def _when(moment: datetime | None, zone: tzinfo | None = None) -> str:
    """``2024-03-11 00:41:00+09:00``; aware times shown in ``zone`` when given."""
    if moment is None:
        return ""
    if zone is not None and moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.isoformat(sep=" ", timespec="seconds")


def _log_text(text: str, visible: int = 240) -> str:
    """A log line as code; a long one is cut, the whole text one click away.

    An event's XML is long and starts with boilerplate, so its ID and rendered message
    are shown first.
    """
    gist = _event_gist(text)
    if gist is None and len(text) <= visible:
        return f"<code>{html_text(text)}</code>"
    shown = gist or text[:visible] + "…"
    return (
        f"<code>{html_text(shown)}</code>"
        f"<details><summary>whole text ({len(text):,} characters)</summary>"
        f"<code>{html_text(text)}</code></details>"
    )


_EVENT_ID = re.compile(r"<EventID\b[^>]{0,200}>\s*(\d{1,6})\s*</EventID>")
_EVENT_MESSAGE = re.compile(r"<Message>([^<]{1,2000})</Message>")


def _event_gist(text: str) -> str | None:
    """``19100: 'VM' background disk merge failed …`` from an event's XML, if it has both."""
    if not text.startswith("<Event"):
        return None
    event_id, message = _EVENT_ID.search(text), _EVENT_MESSAGE.search(text)
    if event_id is None or message is None:
        return None
    return f"Event {event_id.group(1)}: {html.unescape(message.group(1)).strip()}"


def _join(parts: Iterable[str]) -> str:
    return "\n".join(part for part in parts if part)
