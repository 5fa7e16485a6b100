"""Findings as JUnit XML, the test report every CI dashboard (GitLab, Jenkins, Azure) shows.

One ``<testsuite name="avlogparse">``. Each rule is a test class ``avlogparse.<rule-id>``:

- a rule that ran and found nothing is one passing ``<testcase>``;
- a rule that found something has one failing ``<testcase>`` *per finding*, named after its
  subject (the VM, else the host). Azure DevOps and Jenkins show only the first
  ``<failure>`` of a testcase and parsers such as junitparser reject a second, so one
  failure per testcase is the form that shows every VM as its own line everywhere, and a
  dashboard keeps each VM's history across builds by its testcase name;
- a skipped rule is one ``<testcase>`` with ``<skipped message="reason"/>``.

The testcase ``bundle-inputs`` passes when every input was read whole, and otherwise holds
one ``<error>`` that lists the inputs refused or read in part: the report could not judge.

Text is built with ElementTree, which escapes ``<``, ``&`` and ``]]>``; characters XML 1.0
forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF) are written as ``\\xNN`` first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime, timezone

from avlogparse.models.findings import Finding
from avlogparse.models.report import Report
from avlogparse.render.rule_runs import rule_runs

SUITE_NAME = "avlogparse"
INPUTS_TESTCASE = "bundle-inputs"

_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Characters XML 1.0 cannot carry, shown as Python escapes (``\\x01``) instead.

    >>> xml_safe("a\\x01b")
    'a\\\\x01b'
    """
    return _XML_FORBIDDEN.sub(lambda match: ascii(match.group(0))[1:-1], text)


def render_junit(report: Report, *, timestamp: datetime | None = None) -> str:
    """The report as a JUnit XML document; ``timestamp`` defaults to now (UTC)."""
    suite = ET.Element("testsuite", name=SUITE_NAME)
    _properties(suite, report)
    _inputs_testcase(suite, report)
    for run in rule_runs(report):
        name = f"{run.rule_id}: {run.title}"
        findings = [f for f in report.findings if f.rule_id == run.rule_id]
        if run.status == "skipped":
            case = _testcase(suite, run.rule_id, name)
            _child(case, "skipped", message=run.reason or "skipped")
        elif not findings:
            _testcase(suite, run.rule_id, name)
        for finding, subject in zip(findings, _subjects(findings), strict=True):
            case = _testcase(suite, run.rule_id, f"{name} [{subject}]")
            failure = _child(
                case, "failure", message=f"{finding.title} [{subject}]", type=finding.severity.value
            )
            failure.text = xml_safe(_failure_text(finding))

    cases = suite.findall("testcase")
    counts = {
        "tests": len(cases),
        "failures": sum(1 for case in cases if case.find("failure") is not None),
        "errors": sum(1 for case in cases if case.find("error") is not None),
        "skipped": sum(1 for case in cases if case.find("skipped") is not None),
    }
    moment = (timestamp or datetime.now(timezone.utc)).astimezone(timezone.utc)
    elapsed = f"{report.stats.elapsed_seconds:.3f}"
    suite.attrib.update({key: str(value) for key, value in counts.items()})
    suite.set("time", elapsed)
    suite.set("timestamp", moment.strftime("%Y-%m-%dT%H:%M:%S"))
    root = ET.Element("testsuites", name=SUITE_NAME, time=elapsed)
    root.attrib.update({key: str(value) for key, value in counts.items() if key != "skipped"})
    root.append(suite)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'


def _subjects(findings: list[Finding]) -> list[str]:
    """Who each finding is about; the finding id is added where that alone is not unique."""
    labels = [f.vm.label() if f.vm else f.host or _job_label(f) for f in findings]
    repeated = Counter(labels)
    return [
        f"{label}, {finding.id}" if repeated[label] > 1 else label
        for label, finding in zip(labels, findings, strict=True)
    ]


def _job_label(finding: Finding) -> str:
    """A job-level finding by when it happened (stable across builds of the same bundle)."""
    if finding.first_seen is not None:
        return f"job at {finding.first_seen.isoformat(timespec='seconds')}"
    return f"job {finding.id}"


def _child(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, {key: xml_safe(value) for key, value in attributes.items()})


def _testcase(suite: ET.Element, rule_id: str, name: str) -> ET.Element:
    # the rules run in microseconds after the parse; the suite's time is the whole analysis
    return _child(
        suite, "testcase", classname=f"{SUITE_NAME}.{rule_id}", name=name, time="0.000"
    )


def _properties(suite: ET.Element, report: Report) -> None:
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("bundle", report.bundle),
        ("avlogparse.version", report.tool.version),
        ("report.schema_version", report.schema_version),
        ("complete", str(report.complete).lower()),
    ):
        _child(properties, "property", name=name, value=value)


def _inputs_testcase(suite: ET.Element, report: Report) -> None:
    case = _testcase(suite, INPUTS_TESTCASE, INPUTS_TESTCASE)
    unread = [i for i in report.inputs if i.status == "refused" or not i.complete]
    if not unread:
        return
    lines = [
        f"{item.path}: {'refused' if item.status == 'refused' else 'read in part'}"
        f" ({item.reason or 'no reason given'})"
        for item in unread
    ]
    error = _child(
        case,
        "error",
        message=f"{len(unread)} input(s) could not be read whole; the report is incomplete",
        type="incomplete-input",
    )
    error.text = xml_safe("\n".join(lines))


def _failure_text(finding: Finding) -> str:
    parts = [finding.message]
    if finding.vm:
        parts.append(f"VM: {finding.vm.label()}")
    if finding.host:
        parts.append(f"Host: {finding.host}")
    if finding.evidence:
        parts.append(
            "Evidence:\n"
            + "\n".join(f"  {e.location}  {e.role or ''}".rstrip() for e in finding.evidence)
        )
    if finding.missing_links:
        parts.append("Not in the bundle:\n" + "\n".join(f"  {m}" for m in finding.missing_links))
    if finding.remediation:
        steps = (f"  {number}. {step}" for number, step in enumerate(finding.remediation, 1))
        parts.append("Remediation:\n" + "\n".join(steps))
    parts.append(f"Finding id: {finding.id}")
    return "\n\n".join(parts)
