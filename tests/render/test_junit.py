"""JUnit XML: parses back, counts add up, one failing testcase per finding, safe text."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from avlogparse.models.findings import Evidence, Finding, VmRef
from avlogparse.models.report import Report
from avlogparse.models.severity import Severity
from avlogparse.render import render_reports
from avlogparse.render.junit import render_junit, xml_safe


def suite_of(report: Report) -> ET.Element:
    root = ET.fromstring(render_junit(report))
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "avlogparse"
    return suite


def cases_of(suite: ET.Element, rule_id: str) -> list[ET.Element]:
    return [c for c in suite.iter("testcase") if c.get("classname") == f"avlogparse.{rule_id}"]


def test_counts_on_both_levels_match_the_testcases(sample_report: Report) -> None:
    root = ET.fromstring(render_junit(sample_report))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    expected = {
        "tests": len(cases),
        "failures": len([c for c in cases if c.find("failure") is not None]),
        "errors": len([c for c in cases if c.find("error") is not None]),
        "skipped": len([c for c in cases if c.find("skipped") is not None]),
    }
    assert {key: int(suite.get(key, "-1")) for key in expected} == expected
    assert {key: int(root.get(key, "-1")) for key in ("tests", "failures", "errors")} == {
        key: expected[key] for key in ("tests", "failures", "errors")
    }
    assert expected["failures"] == len(sample_report.findings)
    assert float(suite.get("time", "-1")) == round(sample_report.stats.elapsed_seconds, 3)


def test_one_failing_testcase_per_finding_and_one_passing_per_quiet_rule(
    sample_report: Report,
) -> None:
    suite = suite_of(sample_report)
    for run in sample_report.rules:
        cases = cases_of(suite, run.rule_id)
        failures = [c.find("failure") for c in cases if c.find("failure") is not None]
        assert len(failures) == run.findings
        if run.findings == 0:
            (case,) = cases
            assert case.get("name") == f"{run.rule_id}: {run.title}"
            assert list(case) == []
    names = [c.get("name") for c in suite.iter("testcase")]
    assert len(names) == len(set(names))


def test_a_failure_carries_title_severity_evidence_and_remediation(sample_report: Report) -> None:
    suite = suite_of(sample_report)
    finding = next(f for f in sample_report.findings if f.vm and f.remediation)
    assert finding.vm is not None
    (case,) = [
        c for c in cases_of(suite, finding.rule_id) if finding.id in (c.findtext("failure") or "")
    ]
    failure = case.find("failure")
    assert failure is not None and failure.text is not None
    assert case.get("name") == f"{finding.rule_id}: {finding.title} [{finding.vm.label()}]"
    assert failure.get("message") == f"{finding.title} [{finding.vm.label()}]"
    assert failure.get("type") == finding.severity.value
    assert failure.text.startswith(finding.message)
    for item in finding.evidence:
        assert f"{item.path}:{item.line}" in failure.text
    for step in finding.remediation:
        assert step in failure.text


def test_properties_and_timestamp(sample_report: Report) -> None:
    moment = datetime(2024, 3, 12, 9, 30, 5, tzinfo=timezone.utc)
    suite = ET.fromstring(render_junit(sample_report, timestamp=moment)).find("testsuite")
    assert suite is not None
    assert suite.get("timestamp") == "2024-03-12T09:30:05"
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["bundle"] == sample_report.bundle
    assert properties["avlogparse.version"] == sample_report.tool.version
    assert properties["complete"] == "true"


def test_complete_inputs_make_a_passing_bundle_inputs_testcase(sample_report: Report) -> None:
    (case,) = cases_of(suite_of(sample_report), "bundle-inputs")
    assert list(case) == []


def test_unreadable_inputs_are_one_error(edge_report: Report) -> None:
    suite = suite_of(edge_report)
    (case,) = cases_of(suite, "bundle-inputs")
    error = case.find("error")
    assert error is not None and error.text is not None
    assert error.get("message", "").startswith("2 input(s)")
    assert "broken.zip: refused (zip-corrupt: not a zip archive)" in error.text
    assert "Microsoft-Windows-Hyper-V-VMMS-Admin.xml: read in part" in error.text
    assert suite.get("errors") == "1"


def test_a_skipped_rule_says_why(edge_report: Report) -> None:
    suite = suite_of(edge_report)
    (case,) = cases_of(suite, "checkpoint-merge-failed")
    skipped = case.find("skipped")
    assert skipped is not None
    assert skipped.get("message") == "the bundle has no event-xml input"
    assert suite.get("skipped") == "1"


def test_findings_of_rules_the_report_does_not_list_still_fail(edge_report: Report) -> None:
    (case,) = cases_of(suite_of(edge_report), "site-custom-check")
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("type") == "warning"
    assert case.get("name") == "site-custom-check: A check the catalog does not know [+HV-NODE02]"


def test_forbidden_characters_are_escaped_and_markup_survives(edge_report: Report) -> None:
    assert "\x01" not in render_junit(edge_report)
    (case,) = cases_of(suite_of(edge_report), "orphaned-checkpoint")
    failure = case.find("failure")
    assert failure is not None and failure.text is not None
    message = edge_report.findings[0].message
    assert "\x01" in message
    assert failure.text.startswith(message.replace("\x01", "\\x01"))
    assert "]]>" in failure.text and "<b>&amp;</b>" in failure.text


def test_lone_surrogates_and_nul_cannot_break_the_document(empty_report: Report) -> None:
    finding = Finding(
        rule_id="missing-evidence",
        severity=Severity.INFO,
        title="t\x00",
        message="bad \ud800 byte \ufffe",
        vm=VmRef(name="VM\x1b[31m"),
    )
    text = render_junit(empty_report.model_copy(update={"findings": [finding]}))
    text.encode("utf-8")
    failure = ET.fromstring(text).find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "t\\x00 [VM\\x1b[31m]"
    assert (failure.text or "").startswith("bad \\ud800 byte \\ufffe")


def test_xml_safe_keeps_tab_newline_and_carriage_return() -> None:
    assert xml_safe("a\tb\nc\rd\x0be") == "a\tb\nc\rd\\x0be"


def test_findings_with_the_same_subject_get_distinct_names(empty_report: Report) -> None:
    vm = VmRef(name="APP-WEB02")
    findings = [
        Finding(
            rule_id="checkpoint-merge-failed",
            severity=Severity.ERROR,
            title="t",
            message="merge failed",
            vm=vm,
            evidence=[Evidence(path="vmms.xml", line=line, source="event-xml", text="19100")],
        )
        for line in (10, 20)
    ]
    suite = suite_of(empty_report.model_copy(update={"findings": findings}))
    names = Counter(c.get("name") for c in cases_of(suite, "checkpoint-merge-failed"))
    assert len(names) == 2
    assert all(f"[APP-WEB02, {f.id}]" in str(names) for f in findings)


def test_an_empty_report_is_one_passing_testcase(empty_report: Report) -> None:
    suite = suite_of(empty_report)
    assert [c.get("name") for c in suite.iter("testcase")] == ["bundle-inputs"]
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("1", "0", "0")


JUNIT_XSD = Path(__file__).parent.parent / "data" / "junit" / "junit.xsd"


@pytest.mark.parametrize("name", ["sample_report", "edge_report", "empty_report"])
def test_the_document_validates_against_the_junit_schema(
    name: str, request: pytest.FixtureRequest
) -> None:
    """The structure CI servers read (tests/data/junit/junit.xsd): a failing rule, a skipped
    one, an unreadable input and an empty report all make a valid document."""
    xmlschema = pytest.importorskip("xmlschema")
    report: Report = request.getfixturevalue(name)
    schema = xmlschema.XMLSchema(str(JUNIT_XSD))
    schema.validate(render_junit(report))
    several = render_reports([report, report], "junit")  # several bundles: one suite each
    schema.validate(several)
