"""Findings JSON Lines: one self-describing object per finding, one per line."""

from __future__ import annotations

import json

from avlogparse.models.findings import Finding
from avlogparse.models.report import SCHEMA_VERSION, Report
from avlogparse.render.findings_jsonl import render_findings_jsonl


def test_one_line_per_finding_that_reads_back_as_the_finding(sample_report: Report) -> None:
    text = render_findings_jsonl(sample_report)
    lines = text.splitlines()
    assert text.endswith("\n")
    assert len(lines) == len(sample_report.findings)
    for line, finding in zip(lines, sample_report.findings, strict=True):
        data = json.loads(line)
        assert data.pop("schema_version") == SCHEMA_VERSION
        assert data.pop("bundle") == sample_report.bundle
        assert Finding.model_validate(data) == finding


def test_the_header_fields_come_first(sample_report: Report) -> None:
    first = json.loads(render_findings_jsonl(sample_report).splitlines()[0])
    assert list(first)[:4] == ["schema_version", "bundle", "id", "rule_id"]


def test_no_findings_is_no_lines(empty_report: Report) -> None:
    assert render_findings_jsonl(empty_report) == ""


def test_newlines_in_messages_stay_inside_their_line_and_non_ascii_stays_readable(
    edge_report: Report,
) -> None:
    text = render_findings_jsonl(edge_report)
    lines = text.splitlines()
    assert len(lines) == len(edge_report.findings)
    assert "ログ/winclustersvc.log" in text
    assert "案件 42" in text
    assert json.loads(lines[0])["message"] == edge_report.findings[0].message
