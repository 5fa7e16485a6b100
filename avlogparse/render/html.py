"""The report as one self-contained HTML page: inline CSS, an inline SVG timeline, no script.

The page can be mailed or attached to a ticket and opened offline: it loads nothing (no
fonts, images, styles or scripts from anywhere); the only links are a finding's reference
URLs, and only ``http(s)`` ones become links. Every piece of log text is escaped, so a VM
named ``<script>`` is shown, never run. The fragments (:func:`summary_html`,
:func:`finding_html` …) also make the notebook views (``_repr_html_``). Every word of the
page comes from the message catalogs (:mod:`avlogparse.i18n`), English or Japanese.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from functools import partial

from avlogparse.i18n import clock_time, evidence_role, text
from avlogparse.i18n.localize import localize_report
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
from avlogparse.render.clock_choice import clock_choice
from avlogparse.render.safe import html_text, in_zone
from avlogparse.render.timeline_layout import SEVERITY_COLOURS
from avlogparse.render.timeline_svg import timeline_svg

_SEVERITY_CSS = "\n".join(
    f".avl .sev-{severity.value} {{ background: {colour}; }}"
    for severity, colour in SEVERITY_COLOURS.items()
    if severity is not None
)

CSS = (
    """
.avl { font-family: -apple-system, "Segoe UI", Helvetica, Arial, "Yu Gothic UI", Meiryo,
  "Hiragino Sans", "Noto Sans CJK JP", sans-serif; color: #24292f;
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
.avl .card .why ul { padding-left: 1.1em; margin: 4px 0; }
.avl .card .why p { margin: 8px 0 0; }
.avl .bad { color: #d1242f; }
.avl .ok { color: #1a7f37; }
.avl table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 13px; }
.avl th, .avl td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left;
  vertical-align: top; }
.avl th { background: #f6f8fa; font-weight: 600; white-space: nowrap; }
.avl .n { font-variant-numeric: tabular-nums; }
.avl code, .avl .mono { font-family: ui-monospace, Consolas, "Liberation Mono", monospace;
  font-size: 12px; }
.avl td code { white-space: pre-wrap; overflow-wrap: anywhere; }
.avl td, .avl p, .avl li { overflow-wrap: break-word; }
.avl li code, .avl p code { background: #f6f8fa; border-radius: 4px; padding: 0 3px; }
.avl .incident { border: 2px solid #d0d7de; border-radius: 8px; padding: 12px 16px;
  margin: 12px 0; }
.avl .incident .vms { font-weight: 600; }
.avl .timeline-box { overflow-x: auto; }
.avl .timeline-box svg.avl-timeline { min-width: 1100px; }
@media (max-width: 900px) {
  body.avl { padding: 12px; }
  .avl table { font-size: 12px; }
  .avl th { white-space: normal; }
  .avl .card { min-width: 140px; }
}
.avl .badge { display: inline-block; color: #fff; border-radius: 10px; padding: 0 8px;
  font-size: 12px; font-weight: 600; text-transform: uppercase; margin-right: 6px;
  white-space: nowrap; }
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
    if lang is not None and lang != report.lang:
        report = localize_report(report, lang)
    lang = report.lang
    label = partial(text, lang=lang)
    findings = report.findings
    subtitle = (
        f'{html_text(label("html.bundle"))} <span class="mono">{html_text(report.bundle)}</span>'
        f" · {html_text(report.tool.name)} {html_text(report.tool.version)}"
        f" · {html_text(label('html.schema', version=report.schema_version))}"
    )
    body = [
        "<header>",
        f"<h1>{html_text(label('html.title'))}</h1>",
        f'<p class="sub">{subtitle}</p>',
        "</header>",
        summary_html(report),
        _heading("h2", label("html.section.root-causes", count=len(report.incidents))),
        incidents_html(report),
        _heading("h2", label("html.section.timeline")),
        f'<div class="timeline-box">{timeline_svg(report.timeline, lang)}</div>',
        _heading("h2", label("html.section.findings", count=len(findings))),
        findings_table_html(findings, link=True, lang=lang) if len(findings) > 1 else "",
        *(finding_html(f, report.time_alignment.host_zone(), lang) for f in findings),
        "" if findings else _empty(label("html.no-findings")),
        _heading("h2", label("html.section.backup-runs")),
        _runs_table(report.backup_runs, lang),
        *(
            (_heading("h2", label("html.section.hosts")), _hosts_table(report, lang))
            if len(report.hosts) > 1
            else ()
        ),
        _heading("h2", label("html.section.inputs")),
        inputs_table_html(report.inputs, lang),
        _heading("h2", label("html.section.unparsed")),
        _unparsed_table(report.unparsed_shapes, lang),
        _heading("h2", label("html.section.rules")),
        _rules_table(report.rules, lang),
        _heading("h2", label("html.section.diagnostics")),
        _diagnostics_table(report.diagnostics, lang),
    ]
    return (
        f'<!DOCTYPE html>\n<html lang="{html_text(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>avlogparse: {html_text(report.bundle)}</title>\n"
        f"<style>{CSS}</style>\n</head>\n"
        f'<body class="avl">\n{_join(body)}\n</body>\n</html>\n'
    )


def report_repr_html(report: Report) -> str:
    """The notebook view of a report, in its language: summary, findings at a glance, inputs."""
    label = partial(text, lang=report.lang)
    return _fragment(
        report.lang,
        _heading("h3", label("html.repr-title", bundle=report.bundle)),
        summary_html(report),
        _heading("h4", label("html.section.root-causes", count=len(report.incidents))),
        incidents_html(report),
        _heading("h4", label("html.findings")),
        findings_table_html(report.findings, lang=report.lang),
        _heading("h4", label("html.section.inputs")),
        inputs_table_html(report.inputs, report.lang),
    )


def incidents_html(report: Report) -> str:
    """Root causes first: each incident with its VMs, what it explains (counts, linked to
    the findings further down) and every remediation step in order."""
    label = partial(text, lang=report.lang)
    by_id = {f.id: f for f in report.findings}
    blocks = []
    for number, incident in enumerate(report.incidents, 1):
        causes = [by_id[i] for i in incident.causes if i in by_id]
        symptoms = [by_id[i] for i in incident.symptoms if i in by_id]
        first = causes[0]
        separator = label("list.separator")
        vms = separator.join(vm.name or vm.id or "?" for vm in incident.vms)
        who = (
            label("text.incident.vms", count=len(incident.vms), names=vms)
            if incident.vms
            else label("text.incident.job")
        )
        counted: dict[str, tuple[int, Finding]] = {}
        for symptom in symptoms:
            count, _ = counted.get(symptom.rule_id, (0, symptom))
            counted[symptom.rule_id] = (count + 1, symptom)
        explains = separator.join(
            f'<a href="#{html_text(f.id)}">'
            + html_text(label("text.incident.count-item", count=n, title=f.title))
            + "</a>"
            for n, f in counted.values()
        )
        steps = list(dict.fromkeys(step for cause in causes for step in cause.remediation))
        severity = label(_severity_key(incident.severity))
        parts = [
            f'<section class="incident" id="incident-{number}">',
            _badge(incident.severity, severity),
            f'<h3><a href="#{html_text(first.id)}">{html_text(first.title)}</a></h3>',
            f'<p class="vms">{html_text(who)}</p>',
            f"<p>{html_text(first.message)}</p>",
        ]
        if explains:
            prefix, _, _ = label("text.incident.explains", items="\0").partition("\0")
            parts.append(f"<p>{html_text(prefix)}{explains}</p>")
        if steps:
            parts.append(_heading("h4", label("html.what-to-do")) + _list("ol", steps))
        parts.append("</section>")
        blocks.append("".join(parts))
    return "".join(blocks) or _empty(label("html.no-findings"))


def finding_repr_html(finding: Finding) -> str:
    """The notebook view of one finding, in its language."""
    return _fragment(finding.lang, finding_html(finding))


def summary_html(report: Report) -> str:
    """Cards: findings by severity, input completeness, host clock, backup runs (in the
    report's language)."""
    label = partial(text, lang=report.lang)
    counts = Counter(f.severity for f in report.findings)
    badges = " ".join(
        _badge(
            severity,
            label("html.severity-count", count=counts[severity], severity=_severity_key(severity)),
        )
        for severity in sorted(counts, key=lambda s: -s.rank)
    )
    stats = report.stats
    if report.complete:
        state = f'<span class="ok">{html_text(label("html.input.complete"))}</span>'
        why = label("html.input.whole")
    else:
        refused = sum(i.status == "refused" for i in report.inputs)
        partial_reads = sum(i.status != "refused" and not i.complete for i in report.inputs)
        state = f'<span class="bad">{html_text(label("html.input.incomplete"))}</span>'
        why = label("html.input.cut", refused=refused, partial=partial_reads)
    why += label(
        "html.input.totals",
        read=stats.files_read,
        unknown=stats.files_unknown,
        lines=stats.lines,
        events=stats.events,
        unparsed=stats.unparsed,
    )
    clock = report.time_alignment
    source = label(f"text.time-source.{clock.source}")
    outcomes = Counter(run.outcome for run in report.backup_runs)
    runs = label("list.separator").join(
        label("html.runs.count", count=n, outcome=f"text.outcome.{outcome}")
        for outcome, n in sorted(outcomes.items())
    )
    none = f'<span class="ok">{html_text(label("html.none"))}</span>'
    choice, per_rival = clock_choice(clock, report.lang)
    clock_why = html_text(clock.reason)
    if choice is not None:
        clock_why += f"<p>{html_text(choice)}</p>"
    if per_rival:
        clock_why += "<ul>" + "".join(f"<li>{html_text(line)}</li>" for line in per_rival) + "</ul>"
    cards = [
        (label("html.findings"), badges or none, ""),
        (label("html.card.input"), state, html_text(why)),
        (label("html.card.host-clock"), html_text(f"{clock.zone} ({source})"), clock_why),
        (label("html.section.backup-runs"), html_text(runs or label("html.runs.none")), ""),
    ]
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="k">{html_text(key)}</div><div class="v">{value}</div>'
            f'<div class="why">{explanation}</div></div>'
            for key, value, explanation in cards
        )
        + "</div>"
    )


def finding_html(finding: Finding, zone: tzinfo | None = None, lang: str | None = None) -> str:
    """One finding: what, where, the lines that prove it, what to do, where to read more.

    ``zone`` (the host's, see :meth:`TimeAlignment.host_zone`) shows UTC event times on the
    host clock; by default the zone of the finding's own ``first_seen``. The finding's texts
    are shown as they are, the words around them in ``lang`` (default: the finding's).
    """
    lang = lang or finding.lang
    label = partial(text, lang=lang)
    if zone is None and finding.first_seen is not None:
        zone = finding.first_seen.tzinfo
    rule = f"<span class='mono'>{html_text(finding.rule_id)}</span>"
    meta = [f"{html_text(label('html.meta.rule'))} {rule}"]
    if finding.vm is not None:
        meta.append(f"{html_text(label('html.meta.vm'))} <b>{html_text(finding.vm.label())}</b>")
    if finding.host:
        meta.append(f"{html_text(label('html.meta.host'))} {html_text(finding.host)}")
    if finding.first_seen:
        seen = _when(finding.first_seen)
        if finding.last_seen and finding.last_seen != finding.first_seen:
            seen += f" … {_when(finding.last_seen)}"
        meta.append(f"{html_text(label('html.meta.seen'))} {html_text(seen)}")
    parts = [
        f'<article class="finding sev-{finding.severity.value}" id="{html_text(finding.id)}">',
        _badge(finding.severity, label(_severity_key(finding.severity))),
        f"<h3>{html_text(finding.title)}</h3>",
        f'<div class="meta">{" · ".join(meta)}</div>',
        f"<p>{html_text(finding.message)}</p>",
    ]
    if finding.missing_links:
        parts.append(_heading("h4", label("html.not-shown")) + _list("ul", finding.missing_links))
    if finding.explained_by:
        links = "".join(
            f'<li><a href="#{html_text(other)}">{html_text(other)}</a></li>'
            for other in finding.explained_by
        )
        parts.append(f"{_heading('h4', label('html.explained-by'))}<ul>{links}</ul>")
    if finding.evidence:
        rows = [
            [
                f'<span class="mono">{html_text(str(e.location))}</span>',
                html_text(e.source),
                html_text(_when(e.timestamp, zone)),
                html_text(evidence_role(e.role, lang)),
                _log_text(e.text, lang),
            ]
            for e in finding.evidence
        ]
        columns = ["where", "source", "time", "proves", "text"]
        parts.append(_heading("h4", label("html.evidence")))
        parts.append(_table(_headers(columns, lang), rows, empty=label("html.empty")))
    if finding.remediation:
        parts.append(_heading("h4", label("html.what-to-do")) + _list("ol", finding.remediation))
    if finding.references:
        parts.append(_heading("h4", label("html.references")) + "<ul>")
        parts.extend(f"<li>{_reference(url)}</li>" for url in finding.references)
        parts.append("</ul>")
    parts.append("</article>")
    return "".join(parts)


def findings_table_html(findings: Sequence[Finding], link: bool = False, lang: str = "en") -> str:
    """One row per finding: severity, title, VM, first seen; ``link``: titles jump to the
    finding's section of the same page. The findings are shown as they are (see
    :func:`~avlogparse.i18n.localize_findings`), the table's own words in ``lang``."""
    rows = [
        [
            _badge(f.severity, text(_severity_key(f.severity), lang)),
            f'<a href="#{html_text(f.id)}">{html_text(f.title)}</a>'
            if link
            else html_text(f.title),
            html_text(f.vm.label() if f.vm else ""),
            html_text(_when(f.first_seen)),
        ]
        for f in findings
    ]
    headers = _headers(["severity", "finding", "vm", "first-seen"], lang)
    return _table(headers, rows, empty=text("html.no-findings", lang))


def inputs_table_html(inputs: Sequence[InputFile], lang: str = "en") -> str:
    """Each member of the bundle and what became of it."""
    label = partial(text, lang=lang)
    rows = [
        [
            f'<span class="mono">{html_text(i.path)}</span>',
            html_text(i.kind),
            html_text(label(f"html.status.{i.status}")),
            html_text(i.encoding or ""),
            _number(i.lines),
            _number(i.events),
            _number(i.records),
            _number(i.unparsed),
            f'<span class="ok">{html_text(label("html.yes"))}</span>'
            if i.complete
            else f'<span class="bad">{html_text(label("html.no"))}</span>',
            html_text(i.reason or ""),
        ]
        for i in inputs
    ]
    columns = ["path", "kind", "status", "encoding", "lines", "events", "records", "unparsed"]
    headers = _headers([*columns, "whole", "reason"], lang)
    return _table(headers, rows, empty=label("html.no-inputs"))


def _runs_table(runs: Sequence[BackupRunSummary], lang: str) -> str:
    rows = [
        [
            _number(run.index + 1),
            f'<span class="mono">{html_text(run.path)}:{run.first_line}-{run.last_line}</span>',
            html_text(_when(run.started)),
            html_text(_when(run.ended)),
            html_text(text(f"text.outcome.{run.outcome}", lang)),
            html_text(text("list.separator", lang).join(vm.label() for vm in run.vms_skipped)),
        ]
        for run in runs
    ]
    headers = ["#", *_headers(["line-range", "started", "ended", "outcome", "vms-skipped"], lang)]
    return _table(headers, rows, empty=text("html.no-runs", lang))


def _hosts_table(report: Report, lang: str) -> str:
    """The per-node view: which node holds which findings."""
    rows = [
        [
            f'<span class="mono">{html_text(host.name)}</span>',
            html_text(host.cluster or ""),
            html_text(
                ", ".join(f"{rule} ({count})" for rule, count in host.findings_by_rule.items())
            ),
            "<br>".join(f'<span class="mono">{html_text(p)}</span>' for p in host.inputs),
        ]
        for host in report.hosts
    ]
    headers = _headers(["host", "cluster", "findings", "path"], lang)
    return _table(headers, rows, empty="")


def _unparsed_table(shapes: Sequence[UnparsedShape], lang: str) -> str:
    rows = [
        [
            html_text(s.kind),
            _number(s.count),
            f"<code>{html_text(s.template)}</code>",
            f'<span class="mono">{html_text(s.example_path)}:{s.example_line}</span>',
        ]
        for s in shapes
    ]
    headers = _headers(["kind", "lines", "shape", "first-example"], lang)
    return _table(headers, rows, empty=text("html.all-understood", lang))


def _rules_table(rules: Sequence[RuleRun], lang: str) -> str:
    rows = [
        [
            f'<span class="mono">{html_text(r.rule_id)}</span>',
            html_text(r.title),
            html_text(text(f"html.rule-status.{r.status}", lang)),
            _number(r.findings),
            html_text(r.reason or ""),
        ]
        for r in rules
    ]
    classes = ["skipped" if r.status == "skipped" else "" for r in rules]
    headers = _headers(["rule", "looks-for", "status", "findings", "why-skipped"], lang)
    return _table(headers, rows, empty=text("html.empty", lang), row_classes=classes)


def _diagnostics_table(diagnostics: Sequence[Diagnostic], lang: str) -> str:
    rows = [
        [
            html_text(text(f"severity.{d.severity.value}", lang)),
            f'<span class="mono">{html_text(d.code)}</span>',
            html_text(str(d.location or "")),
            html_text(d.message),
        ]
        for d in diagnostics
    ]
    headers = _headers(["severity", "code", "where", "message"], lang)
    return _table(headers, rows, empty=text("html.no-diagnostics", lang))


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    empty: str,
    row_classes: Sequence[str] = (),
) -> str:
    """A table from cells that are already HTML (escaped by the caller); ``empty`` is said
    instead when there is no row."""
    if not rows:
        return _empty(empty)
    head = "".join(f"<th>{html_text(h)}</th>" for h in headers)
    body = []
    for index, row in enumerate(rows):
        css = row_classes[index] if index < len(row_classes) else ""
        attribute = f' class="{css}"' if css else ""
        body.append(f"<tr{attribute}>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _headers(columns: Iterable[str], lang: str) -> list[str]:
    """Column headers ``html.col.<column>`` in ``lang``."""
    return [text(f"html.col.{column}", lang) for column in columns]


def _heading(tag: str, title: str) -> str:
    return f"<{tag}>{html_text(title)}</{tag}>"


def _empty(sentence: str) -> str:
    return f'<p class="empty">{html_text(sentence)}</p>'


def _severity_key(severity: Severity) -> str:
    """The catalog key of a severity's name in running text (``critical``, ``重大``)."""
    return f"severity.{severity.value}"


def _fragment(lang: str, *parts: str) -> str:
    """An embeddable block: its styles apply inside ``.avl`` only. A notebook page is
    usually English, so a Japanese block says it is, for Japanese glyph shapes."""
    language = "" if lang == "en" else f' lang="{html_text(lang)}"'
    return f'<div class="avl"{language}><style>{CSS}</style>{_join(parts)}</div>'


def _badge(severity: Severity, caption: str) -> str:
    return f'<span class="badge sev-{severity.value}">{html_text(caption)}</span>'


def _reference(url: str) -> str:
    """Only web addresses become links; anything else (``javascript:``) stays text."""
    shown = html_text(url)
    if url.startswith(("https://", "http://")):
        return f'<a href="{shown}" rel="noreferrer noopener">{shown}</a>'
    return f'<span class="mono">{shown}</span>'


_CODE_SPAN = re.compile(r"`([^`]{1,500})`")


def prose_html(value: str) -> str:
    """Escaped text with its Markdown code spans (`` `Restart-Service vmms` ``) as
    ``<code>``: the catalogs write commands that way."""
    return _CODE_SPAN.sub(r"<code>\1</code>", html_text(value))


def _list(tag: str, items: Iterable[str]) -> str:
    return f"<{tag}>" + "".join(f"<li>{prose_html(item)}</li>" for item in items) + f"</{tag}>"


def _number(value: int) -> str:
    return f'<span class="n">{value:,}</span>'


def _when(moment: datetime | None, zone: tzinfo | None = None) -> str:
    """``2024-03-11 00:41:00+09:00``; aware times shown in ``zone`` when given."""
    if moment is None:
        return ""
    if zone is not None and moment.tzinfo is not None:
        moment = in_zone(moment, zone)
    return clock_time(moment)


def _log_text(line: str, lang: str, visible: int = 240) -> str:
    """A log line as code; a long one is cut, the whole text one click away.

    An event's XML is long and starts with boilerplate, so its ID and rendered message
    are shown first.
    """
    gist = event_gist(line, lang)
    if gist is None and len(line) <= visible:
        return f"<code>{html_text(line)}</code>"
    shown = gist or line[:visible] + "…"
    summary = text("html.whole-text", lang, count=len(line))
    return (
        f"<code>{html_text(shown)}</code>"
        f"<details><summary>{html_text(summary)}</summary>"
        f"<code>{html_text(line)}</code></details>"
    )


_EVENT_ID = re.compile(r"<EventID\b[^>]{0,200}>\s*(\d{1,6})\s*</EventID>")
_EVENT_MESSAGE = re.compile(r"<Message>([^<]{1,2000})</Message>")


def event_gist(line: str, lang: str) -> str | None:
    """``Event 19100: 'VM' background disk merge failed …`` from an event's XML, if it has
    both."""
    if not line.startswith("<Event"):
        return None
    event_id, message = _EVENT_ID.search(line), _EVENT_MESSAGE.search(line)
    if event_id is None or message is None:
        return None
    rendered = html.unescape(message.group(1)).strip()
    return text("html.event-gist", lang, event_id=event_id.group(1), message=rendered)


def _join(parts: Iterable[str]) -> str:
    return "\n".join(part for part in parts if part)
