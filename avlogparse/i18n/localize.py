"""Reports, findings, timelines and rules in one language: the one localisation pass.

Everything before the edge holds message ids and JSON arguments only (rules, the host clock,
the timeline, the engine's rule runs); :func:`localize_report` renders them in ``lang`` from
the catalogs of :mod:`avlogparse.i18n` (the lookup, a leaf module), and renders them again
for another language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from avlogparse.i18n import check_language, has_text, ja, localized_reference, text
from avlogparse.models.findings import Finding
from avlogparse.models.report import Report
from avlogparse.models.timeline import Timeline

if TYPE_CHECKING:
    from avlogparse.rules.base import Rule


def localize_finding(finding: Finding, lang: str) -> Finding:
    """A copy of ``finding`` with its texts in ``lang`` (one without a message id is kept)."""
    if not finding.message_id:
        return finding
    title_key = f"rule.{finding.rule_id}.title"
    return finding.model_copy(
        update={
            "lang": lang,
            "title": text(title_key, lang) if has_text(title_key) else finding.title,
            "message": text(finding.message_id, lang, **finding.message_args),
            "remediation": [text(step, lang) for step in finding.remediation_ids],
            "missing_links": [text(link, lang) for link in finding.missing_link_ids],
            "references": [localized_reference(url, lang) for url in finding.references],
        }
    )


def with_causes_fix(findings: list[Finding]) -> list[Finding]:
    """Findings explained by another (``explained_by``) carry their cause's fix: its
    remediation steps replace their own generic ones ("read the logs for the reason" once
    the reason is known)."""
    by_id = {f.id: f for f in findings}
    fixed = []
    for finding in findings:
        causes = [by_id[c] for c in finding.explained_by if c in by_id]
        steps = list(dict.fromkeys(s for c in causes for s in c.remediation_ids))
        if steps and steps != finding.remediation_ids:
            finding = finding.model_copy(update={"remediation_ids": steps})
        fixed.append(finding)
    return fixed


def localize_findings(findings: list[Finding], lang: str | None) -> list[Finding]:
    """``findings`` in ``lang`` (None: as they are); an unknown language is a ConfigError."""
    if lang is None:
        return findings
    lang = check_language(lang)
    return [f if f.lang == lang else localize_finding(f, lang) for f in findings]


def localize_report(report: Report, lang: str) -> Report:
    """A copy of ``report`` with its findings, rule runs, time alignment and timeline in
    ``lang``."""
    check_language(lang)
    findings = [localize_finding(f, lang) for f in with_causes_fix(report.findings)]
    rules = []
    for run in report.rules:
        title_key = f"rule.{run.rule_id}.title"
        update: dict[str, Any] = {"title": text(title_key, lang)} if has_text(title_key) else {}
        if run.missing_inputs:
            update["reason"] = text("reason.missing-facts", lang, facts=run.missing_inputs)
        rules.append(run.model_copy(update=update))
    alignment = report.time_alignment
    if alignment.reason_id:
        reason = text(alignment.reason_id, lang, **alignment.reason_args)
        alignment = alignment.model_copy(update={"reason": reason})
    return report.model_copy(
        update={
            "lang": lang,
            "findings": findings,
            "rules": rules,
            "time_alignment": alignment,
            "timeline": localize_timeline(report.timeline, findings, lang),
        }
    )


def localize_timeline(timeline: Timeline, findings: list[Finding], lang: str) -> Timeline:
    """``timeline`` with its labels in ``lang``: a finding's entry takes the title of its
    finding in ``findings`` (already in ``lang``); an entry without a ``label_id`` is kept.
    Each distinct label is rendered once (a busy host repeats a few thousand times)."""
    titles = {f.id: f.title for f in findings}
    labels: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = {}
    entries = []
    for entry in timeline:
        label = titles.get(entry.finding_id or "")
        if label is None and entry.label_id:
            key = (entry.label_id, tuple(entry.label_args.items()))
            label = labels.get(key)
            if label is None:
                label = labels[key] = text(entry.label_id, lang, **entry.label_args)
        entries.append(entry.model_copy(update={"label": label or entry.label}))
    return Timeline(entries)


class RuleText(NamedTuple):
    """What ``avlogparse rules`` shows of a rule, in one language."""

    title: str
    description: str
    remediation: list[str]


def rule_text(rule: Rule, lang: str) -> RuleText:
    """A rule's title, KB-like description and remediation steps in ``lang``."""
    lang = check_language(lang)
    description = rule.description if lang == "en" else ja.RULE_DESCRIPTIONS[rule.id]
    return RuleText(
        title=text(f"rule.{rule.id}.title", lang),
        description=description,
        remediation=[text(step, lang) for step in rule.remediation_ids],
    )
