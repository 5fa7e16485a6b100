"""Findings as SARIF 2.1.0, the format GitHub code scanning and SARIF viewers read.

One run; ``tool.driver.rules`` describes every rule that ran or was skipped, each result
points at its first evidence line (``physicalLocation`` with ``region.startLine``) and lists
the other evidence as ``relatedLocations``. Paths are relative to the ``BUNDLE`` base, which
``originalUriBaseIds`` resolves: the bundle folder, or the folder holding an archive (whose
member paths start with its name: ``bundle.zip!logs/avhypervvss.log``).

Choices made for GitHub code scanning:

- every result has a location, since GitHub rejects one without: a finding without evidence
  points at the bundle itself;
- ``partialFingerprints`` carries the stable finding id, and ``primaryLocationLineHash``
  is derived from it, so the upload action does not try to hash log files that are not in
  the repository;
- a result lists at most 1,000 locations in all, GitHub's limit; a rule has at most 10 tags,
  the number GitHub shows.

Bad input, partly read input and skipped rules are ``toolExecutionNotifications`` of the one
invocation, whose ``executionSuccessful`` is false when part of the input could not be read
(the CLI's "could not judge" exit code).
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from avlogparse.i18n.localize import rule_text
from avlogparse.models.diagnostics import DiagnosticSeverity
from avlogparse.models.findings import Evidence, Finding
from avlogparse.models.report import InputFile, Report, RuleRun
from avlogparse.models.severity import Severity
from avlogparse.render.rule_runs import rule_runs
from avlogparse.rules import rule_by_id
from avlogparse.rules.base import Rule

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def _information_uri() -> str | None:
    """The documentation address the package declares (``[project.urls] Documentation``);
    None when it declares none (the field is then left out, never pointed at a guess)."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        urls: list[str] = metadata("avlogparse").get_all("Project-URL") or []
    except PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("documentation", "docs", "homepage"):
            return str(url.strip())
    return None


INFORMATION_URI = _information_uri()
BASE_ID = "BUNDLE"
MAX_LOCATIONS = 1000
"""GitHub keeps a result with at most this many locations (primary plus related)."""

_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}
_NOTIFICATION_LEVELS = {
    DiagnosticSeverity.ERROR: "error",
    DiagnosticSeverity.WARNING: "warning",
    DiagnosticSeverity.INFO: "note",
}

_CODE_SPAN = re.compile(r"(`[^`]*`)")
_MARKDOWN_SPECIAL = re.compile(r"[\\*_\[\]<>]")

Json = dict[str, Any]


def render_sarif(report: Report) -> str:
    """The report as a SARIF 2.1.0 log (indented JSON, one run)."""
    return json.dumps(sarif_log(report), indent=2, ensure_ascii=False) + "\n"


def sarif_log(report: Report) -> Json:
    """The SARIF log as a JSON-ready dictionary."""
    rules = rule_runs(report)
    rule_index = {rule.rule_id: index for index, rule in enumerate(rules)}
    locator = _Locator(report)
    run: Json = {
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                **({"informationUri": INFORMATION_URI} if INFORMATION_URI else {}),
                "rules": [_descriptor(rule) for rule in rules],
            }
        },
        "invocations": [_invocation(report, locator, rule_index)],
        "originalUriBaseIds": {
            BASE_ID: {
                "description": {
                    "text": "The folder that holds the analysed bundle (or, for an archive, "
                    "the archive); left for the viewer to resolve: a report never carries "
                    "the analysing machine's paths."
                },
            }
        },
        "artifacts": [_artifact(item) for item in report.inputs],
        "results": [_result(finding, rule_index, locator) for finding in report.findings],
        "properties": {
            "bundle": report.bundle,
            "reportSchemaVersion": report.schema_version,
            "complete": report.complete,
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


# --- rules -----------------------------------------------------------------------------------


def _known_rule(rule_id: str) -> Rule | None:
    try:
        return rule_by_id(rule_id)
    except KeyError:
        return None


def _descriptor(run: RuleRun) -> Json:
    """A reportingDescriptor from the rule catalog, or from the report for an unknown rule."""
    rule = _known_rule(run.rule_id)
    texts = rule_text(rule, "en") if rule else None
    title, severity = (texts.title, rule.severity) if texts and rule else (run.title, run.severity)
    description = _paragraphs(rule.description) if rule else []
    remediation = texts.remediation if texts else []
    references = list(rule.references) if rule else []
    descriptor: Json = {
        "id": run.rule_id,
        "name": "".join(part.capitalize() for part in run.rule_id.split("-")),
        "shortDescription": {"text": title},
        "fullDescription": {"text": "\n\n".join(description) or title},
        "help": {
            "text": _help_text(title, description, remediation, references),
            "markdown": _help_markdown(title, description, remediation, references),
        },
        "defaultConfiguration": {"level": _LEVELS[severity]},
        "properties": {
            "severity": severity.value,
            "tags": _tags(rule),
        },
    }
    if references:
        descriptor["helpUri"] = references[0]
    return descriptor


def _tags(rule: Rule | None) -> list[str]:
    """What the rule is about and which inputs it needs (GitHub shows at most 10 tags)."""
    needs = sorted(f"needs:{fact}" for fact in rule.requires) if rule else []
    return ["backup", "hyper-v", *needs]


def _paragraphs(text: str) -> list[str]:
    """A docstring as paragraphs, each unwrapped to one line."""
    blocks = inspect.cleandoc(text).split("\n\n")
    return [" ".join(line.strip() for line in block.splitlines()) for block in blocks if block]


def _help_text(
    title: str, description: list[str], remediation: list[str], references: list[str]
) -> str:
    parts = [title, *description]
    if remediation:
        steps = "\n".join(f"{number}. {step}" for number, step in enumerate(remediation, 1))
        parts.append(f"Remediation:\n{steps}")
    if references:
        parts.append("References:\n" + "\n".join(references))
    return "\n\n".join(parts)


def _help_markdown(
    title: str, description: list[str], remediation: list[str], references: list[str]
) -> str:
    parts = [f"**{_markdown(title)}**", *map(_markdown, description)]
    if remediation:
        steps = "\n".join(
            f"{number}. {_markdown(step)}" for number, step in enumerate(remediation, 1)
        )
        parts.append(f"## Remediation\n\n{steps}")
    if references:
        parts.append("## References\n\n" + "\n".join(f"- <{url}>" for url in references))
    return "\n\n".join(parts)


def _markdown(text: str) -> str:
    """Plain text for Markdown: ``'<VM>'`` stays visible; `code spans` are kept as they are."""
    pieces = _CODE_SPAN.split(text)
    return "".join(
        piece if piece.startswith("`") else _MARKDOWN_SPECIAL.sub(r"\\\g<0>", piece)
        for piece in pieces
    )


# --- locations -------------------------------------------------------------------------------


class _Locator:
    """Turns the report's paths into artifactLocations relative to the ``BUNDLE`` base."""

    def __init__(self, report: Report) -> None:
        bundle = Path(report.bundle)
        name = bundle.name
        is_file = any(i.path == name or i.path.startswith(f"{name}!") for i in report.inputs)
        self.root_uri = quote(name, safe="!") if is_file else "./"
        self.artifact_index = {item.path: index for index, item in enumerate(report.inputs)}

    @staticmethod
    def artifact_location(path: str) -> Json:
        return {"uri": quote(path, safe="/!"), "uriBaseId": BASE_ID}

    def physical(self, path: str | None, line: int | None) -> Json:
        """A physicalLocation, linked to its artifact; no path means the bundle itself."""
        if path is None:
            return {"artifactLocation": {"uri": self.root_uri, "uriBaseId": BASE_ID}}
        artifact = self.artifact_location(path)
        if path in self.artifact_index:
            artifact["index"] = self.artifact_index[path]
        physical: Json = {"artifactLocation": artifact}
        if line is not None and line >= 1:
            physical["region"] = {"startLine": line}
        return physical


def _evidence_location(evidence: Evidence, locator: _Locator, location_id: int) -> Json:
    role = f"{evidence.role}: " if evidence.role else ""
    location: Json = {
        "id": location_id,
        "physicalLocation": locator.physical(evidence.path, evidence.line),
        "message": {"text": f"{role}{evidence.text}"},
    }
    # events sharing a line told apart: by EventRecordID, else by their index in the file
    if evidence.record_id is not None:
        location["properties"] = {"eventRecordId": evidence.record_id}
    elif evidence.event_index is not None:
        location["properties"] = {"eventIndex": evidence.event_index}
    if "properties" in location:
        location["properties"]["where"] = str(evidence.location)
    return location


# --- results ---------------------------------------------------------------------------------


def _result(finding: Finding, rule_index: dict[str, int], locator: _Locator) -> Json:
    evidence = finding.evidence[:MAX_LOCATIONS]
    if evidence:
        primary = _evidence_location(evidence[0], locator, 0)
    else:
        primary = {"physicalLocation": locator.physical(None, None)}
    result: Json = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index[finding.rule_id],
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message or finding.title},
        "locations": [primary],
        "partialFingerprints": {
            "findingId/v1": finding.id,
            "primaryLocationLineHash": finding.id.rsplit(":", 1)[-1],
        },
        "properties": _result_properties(finding),
    }
    if len(evidence) > 1:
        result["relatedLocations"] = [
            _evidence_location(item, locator, number) for number, item in enumerate(evidence[1:], 1)
        ]
    return result


def _result_properties(finding: Finding) -> Json:
    properties: Json = {
        "findingId": finding.id,
        "severity": finding.severity.value,
        "title": finding.title,
        "vm": finding.vm.model_dump() if finding.vm else None,
        "host": finding.host,
        "first_seen": finding.first_seen.isoformat() if finding.first_seen else None,
        "last_seen": finding.last_seen.isoformat() if finding.last_seen else None,
        "remediation": finding.remediation,
        "references": finding.references,
        "explained_by": finding.explained_by,
        "missing_links": finding.missing_links,
        "evidence_count": len(finding.evidence),
        "data": finding.data,
    }
    return {key: value for key, value in properties.items() if value not in (None, [], {})}


# --- invocation and artifacts ----------------------------------------------------------------


def _invocation(report: Report, locator: _Locator, rule_index: dict[str, int]) -> Json:
    notifications = [
        _notification(
            level=_NOTIFICATION_LEVELS[diagnostic.severity],
            code=diagnostic.code,
            text=diagnostic.message,
            location=locator.physical(diagnostic.path, diagnostic.line)
            if diagnostic.path
            else None,
        )
        for diagnostic in report.diagnostics
    ]
    diagnosed = {d.path for d in report.diagnostics}
    for item in report.inputs:
        if item.path in diagnosed or (item.status != "refused" and item.complete):
            continue
        refused = item.status == "refused"
        notifications.append(
            _notification(
                level="error",
                code="input-refused" if refused else "input-partial",
                text=f"{'not read' if refused else 'read in part'}: "
                f"{item.reason or 'no reason given'}",
                location=locator.physical(item.path, None),
            )
        )
    for run in report.rules:
        if run.status == "skipped":
            notification = _notification(
                level="note",
                code="rule-skipped",
                text=f"rule {run.rule_id} not run: {run.reason or 'no reason given'}",
                location=None,
            )
            notification["associatedRule"] = {"id": run.rule_id, "index": rule_index[run.rule_id]}
            notifications.append(notification)
    return {"executionSuccessful": report.complete, "toolExecutionNotifications": notifications}


def _notification(level: str, code: str, text: str, location: Json | None) -> Json:
    notification: Json = {"level": level, "descriptor": {"id": code}, "message": {"text": text}}
    if location is not None:
        notification["locations"] = [{"physicalLocation": location}]
    return notification


def _artifact(item: InputFile) -> Json:
    artifact: Json = {
        "location": _Locator.artifact_location(item.path),
        "roles": ["analysisTarget"],
        "properties": item.model_dump(exclude={"path", "bytes", "encoding"}, exclude_none=True),
    }
    if item.bytes is not None:
        artifact["length"] = item.bytes
    if item.encoding:
        artifact["encoding"] = item.encoding
    return artifact
