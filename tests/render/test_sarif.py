"""SARIF: valid against the official 2.1.0 schema, and shaped as GitHub code scanning needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlparse

import jsonschema
import pytest

from avlogparse.i18n.localize import rule_text
from avlogparse.models.findings import Evidence, Finding
from avlogparse.models.report import Report
from avlogparse.models.severity import Severity
from avlogparse.render.sarif import MAX_LOCATIONS, render_sarif
from avlogparse.rules import ALL_RULES

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8")
)


def sarif_run(report: Report) -> dict[str, Any]:
    log = json.loads(render_sarif(report))
    run: dict[str, Any] = log["runs"][0]
    return run


def resolve(artifact_location: dict[str, Any], base: str) -> str:
    """An artifact's address once the viewer resolves ``BUNDLE`` to ``base`` (the report
    names no local path of its own)."""
    assert artifact_location["uriBaseId"] == "BUNDLE"
    return urljoin(base, artifact_location["uri"])


def bundle_base(report: Report) -> str:
    """Where the ``BUNDLE`` base of a report sits on the analysing machine."""
    bundle = Path(report.bundle).absolute()
    inside = any(i.path.startswith(bundle.name) for i in report.inputs)
    return (bundle.parent if inside and bundle.suffix else bundle).as_uri().rstrip("/") + "/"


VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def test_the_stored_schema_is_a_valid_draft_4_schema() -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["id"].endswith("/sarif-schema-2.1.0.json")


def test_format_checks_are_active() -> None:
    """``uri``, ``uri-reference`` and ``date-time`` are only checked with their validators."""
    checker = jsonschema.FormatChecker()
    assert not checker.conforms("logs/avhypervvss 1.log", "uri-reference")
    assert not checker.conforms("not a uri", "uri")
    assert not checker.conforms("2024-03-12 00:05", "date-time")


@pytest.mark.parametrize("name", ["sample_report", "empty_report", "edge_report", "archive_report"])
def test_output_is_valid_sarif_2_1_0(name: str, request: pytest.FixtureRequest) -> None:
    log = json.loads(render_sarif(request.getfixturevalue(name)))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(log)]
    assert errors == []
    assert log["version"] == "2.1.0"
    assert "sarif-schema-2.1.0.json" in log["$schema"]
    assert len(log["runs"]) == 1


def test_driver_describes_every_rule_of_the_report(sample_report: Report) -> None:
    driver = sarif_run(sample_report)["tool"]["driver"]
    assert driver["name"] == "avlogparse"
    assert driver["version"] == sample_report.tool.version
    # the docs address the package declares, or none: never a guessed package index page
    assert driver.get("informationUri", "https://").startswith("https://")
    assert "pypi.org" not in driver.get("informationUri", "")
    assert [rule["id"] for rule in driver["rules"]] == [r.rule_id for r in sample_report.rules]
    for descriptor, rule in zip(driver["rules"], ALL_RULES, strict=True):
        title = rule_text(rule, "en").title
        assert descriptor["shortDescription"]["text"] == title
        assert descriptor["properties"]["severity"] == rule.severity.value
        assert len(descriptor["properties"]["tags"]) <= 10
        assert descriptor["help"]["text"].startswith(title)
        for reference in rule.references:
            assert reference in descriptor["help"]["text"]
            assert f"<{reference}>" in descriptor["help"]["markdown"]
        for step in rule_text(rule, "en").remediation:
            assert step in descriptor["help"]["text"]


def test_rule_help_markdown_keeps_angle_brackets_visible(sample_report: Report) -> None:
    rules = {r["id"]: r for r in sarif_run(sample_report)["tool"]["driver"]["rules"]}
    merge = rules["checkpoint-merge-failed"]
    assert "'<VM>'" in merge["fullDescription"]["text"]
    assert "'\\<VM\\>'" in merge["help"]["markdown"]
    assert (
        "`Get-VMSnapshot -VMName <name>`" in rules["checkpoint-creation-failed"]["help"]["markdown"]
    )


def test_results_point_at_the_evidence_lines(sample_report: Report) -> None:
    run = sarif_run(sample_report)
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(sample_report.findings)
    levels = {"critical": "error", "error": "error", "warning": "warning", "info": "note"}
    for result, finding in zip(run["results"], sample_report.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule_id
        assert result["level"] == levels[finding.severity.value]
        assert result["message"]["text"] == finding.message
        assert result["partialFingerprints"]["findingId/v1"] == finding.id
        assert result["properties"]["findingId"] == finding.id
        (primary,) = result["locations"]
        physical = primary["physicalLocation"]
        assert unquote(physical["artifactLocation"]["uri"]) == finding.evidence[0].path
        assert physical["region"]["startLine"] == finding.evidence[0].line
        related = result.get("relatedLocations", [])
        assert len(related) == len(finding.evidence) - 1
        assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [
            e.line for e in finding.evidence[1:]
        ]


def test_locations_resolve_to_the_quoted_log_lines(sample_report: Report) -> None:
    run = sarif_run(sample_report)
    checked = 0
    for result in run["results"]:
        for location in result["locations"] + result.get("relatedLocations", []):
            physical = location["physicalLocation"]
            address = resolve(physical["artifactLocation"], bundle_base(sample_report))
            file = Path(unquote(urlparse(address).path))
            if file.suffix != ".log":
                continue
            line = file.read_text("utf-8").splitlines()[physical["region"]["startLine"] - 1]
            assert location["message"]["text"].split(": ", 1)[1] in line
            checked += 1
    assert checked > 0


def test_result_properties_carry_vm_host_and_times(sample_report: Report) -> None:
    run = sarif_run(sample_report)
    finding = next(f for f in sample_report.findings if f.vm and f.host)
    result = next(r for r in run["results"] if r["properties"]["findingId"] == finding.id)
    assert finding.vm is not None and finding.first_seen is not None
    assert result["properties"]["vm"] == {"name": finding.vm.name, "id": finding.vm.id}
    assert result["properties"]["host"] == finding.host
    assert result["properties"]["first_seen"] == finding.first_seen.isoformat()


def test_artifacts_and_invocation_of_a_complete_bundle(sample_report: Report) -> None:
    run = sarif_run(sample_report)
    assert [unquote(a["location"]["uri"]) for a in run["artifacts"]] == [
        i.path for i in sample_report.inputs
    ]
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == []


def test_paths_with_spaces_and_non_ascii_are_uri_escaped(edge_report: Report) -> None:
    run = sarif_run(edge_report)
    base = "file:///srv/cases/%E6%A1%88%E4%BB%B6%2042/"
    assert "uri" not in run["originalUriBaseIds"]["BUNDLE"]  # no local path in the report
    first = run["results"][0]
    uri = first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "logs/avhypervvss%201.log"
    related = first["relatedLocations"][0]["physicalLocation"]["artifactLocation"]
    assert related["uri"] == "%E3%83%AD%E3%82%B0/winclustersvc.log"
    assert (
        unquote(urlparse(resolve(related, base)).path) == "/srv/cases/案件 42/ログ/winclustersvc.log"
    )
    assert related["index"] == 1


def test_a_finding_without_evidence_points_at_the_bundle(edge_report: Report) -> None:
    run = sarif_run(edge_report)
    result = next(r for r in run["results"] if r["ruleId"] == "missing-evidence")
    (location,) = result["locations"]
    artifact = location["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "./", "uriBaseId": "BUNDLE"}
    assert resolve(artifact, "file:///srv/cases/b/") == "file:///srv/cases/b/"
    assert result["level"] == "note"


def test_a_rule_unknown_to_the_catalog_gets_a_descriptor(edge_report: Report) -> None:
    run = sarif_run(edge_report)
    rules = run["tool"]["driver"]["rules"]
    result = next(r for r in run["results"] if r["ruleId"] == "site-custom-check")
    descriptor = rules[result["ruleIndex"]]
    assert descriptor["id"] == "site-custom-check"
    assert descriptor["name"] == "SiteCustomCheck"
    assert descriptor["shortDescription"]["text"] == "A check the catalog does not know"
    assert descriptor["defaultConfiguration"]["level"] == "warning"


def test_refused_and_partial_inputs_and_skipped_rules_are_notifications(
    edge_report: Report,
) -> None:
    run = sarif_run(edge_report)
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    by_code = {n["descriptor"]["id"]: n for n in invocation["toolExecutionNotifications"]}
    assert set(by_code) == {"xml-truncated", "input-refused", "rule-skipped"}
    refused = by_code["input-refused"]
    assert refused["level"] == "error"
    assert "zip-corrupt" in refused["message"]["text"]
    refused_at = refused["locations"][0]["physicalLocation"]["artifactLocation"]
    assert refused_at["uri"] == "broken.zip"
    truncated = by_code["xml-truncated"]["locations"][0]["physicalLocation"]
    assert truncated["region"] == {"startLine": 7}
    skipped = by_code["rule-skipped"]
    assert skipped["associatedRule"]["id"] == "checkpoint-merge-failed"
    assert run["tool"]["driver"]["rules"][skipped["associatedRule"]["index"]]["id"] == (
        "checkpoint-merge-failed"
    )
    refused_artifact = next(a for a in run["artifacts"] if a["location"]["uri"] == "broken.zip")
    assert refused_artifact["properties"]["status"] == "refused"


def test_an_archive_bundle_is_based_on_its_folder(archive_report: Report) -> None:
    run = sarif_run(archive_report)
    assert "uri" not in run["originalUriBaseIds"]["BUNDLE"]  # the analysing machine's path
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == "bundle.zip!logs/a.log"
    assert resolve(artifact, "file:///srv/cases/") == "file:///srv/cases/bundle.zip!logs/a.log"


def test_an_empty_report_has_rules_results_and_artifacts_empty(empty_report: Report) -> None:
    run = sarif_run(empty_report)
    assert run["tool"]["driver"]["rules"] == []
    assert run["results"] == []
    assert run["artifacts"] == []
    assert run["invocations"][0]["executionSuccessful"] is True


def test_locations_are_capped_at_githubs_limit(empty_report: Report) -> None:
    evidence = [
        Evidence(path="a.log", line=n, source="avhypervvss", text=f"line {n}")
        for n in range(1, 1501)
    ]
    finding = Finding(
        rule_id="missing-evidence",
        severity=Severity.INFO,
        title="t",
        message="m",
        evidence=evidence,
    )
    report = empty_report.model_copy(update={"findings": [finding]})
    (result,) = sarif_run(report)["results"]
    assert len(result["locations"]) + len(result["relatedLocations"]) == MAX_LOCATIONS
    assert result["properties"]["evidence_count"] == 1500
