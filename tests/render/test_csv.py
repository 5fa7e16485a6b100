"""CSV: RFC 4180 that reads back cell for cell, with formula injection neutralised."""

from __future__ import annotations

import csv
import io

from avlogparse.models.report import Report
from avlogparse.render.csv_findings import COLUMNS, neutralise, render_csv


def rows_of(report: Report) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(render_csv(report), newline="")))


def test_header_row_is_there_even_without_findings(empty_report: Report) -> None:
    assert render_csv(empty_report) == ",".join(COLUMNS) + "\r\n"


def test_one_row_per_finding_with_its_fields(sample_report: Report) -> None:
    rows = rows_of(sample_report)
    assert len(rows) == len(sample_report.findings)
    for row, finding in zip(rows, sample_report.findings, strict=True):
        assert row["id"] == finding.id
        assert row["rule_id"] == finding.rule_id
        assert row["severity"] == finding.severity.value
        assert row["title"] == finding.title
        assert row["vm_name"] == (finding.vm.name or "" if finding.vm else "")
        assert row["vm_id"] == (finding.vm.id or "" if finding.vm else "")
        assert row["host"] == (finding.host or "")
        assert row["first_seen"] == (finding.first_seen.isoformat() if finding.first_seen else "")
        assert row["message"] == finding.message
        assert row["evidence"] == "; ".join(str(e.location) for e in finding.evidence)
        assert row["remediation"].split("\n") == finding.remediation


def test_records_end_in_crlf_and_multiline_cells_are_quoted(edge_report: Report) -> None:
    text = render_csv(edge_report)
    assert text.endswith("\r\n")
    assert "\"'=cmd|' /C calc'!A0 then \x01 and ]]> and <b>&amp;</b>\nsecond line\"" in text


def test_cells_that_would_be_formulas_get_a_leading_quote(edge_report: Report) -> None:
    rows = {row["rule_id"]: row for row in rows_of(edge_report)}
    orphan = rows["orphaned-checkpoint"]
    assert orphan["message"] == "'" + edge_report.findings[0].message
    assert orphan["remediation"] == "Restart VMMS.\n-Remove the orphaned .avhdx."
    custom = rows["site-custom-check"]
    assert custom["message"] == "'@SUM(1+1)"
    assert custom["host"] == "'+HV-NODE02"


def test_non_ascii_paths_and_empty_evidence(edge_report: Report) -> None:
    rows = {row["rule_id"]: row for row in rows_of(edge_report)}
    assert rows["orphaned-checkpoint"]["evidence"] == (
        "logs/avhypervvss 1.log:3; ログ/winclustersvc.log:9"
    )
    assert rows["missing-evidence"]["evidence"] == ""
    assert rows["missing-evidence"]["vm_name"] == ""


def test_neutralise_covers_every_formula_start() -> None:
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert neutralise(f"{start}1") == f"'{start}1"
    assert neutralise("SQL-PROD01") == "SQL-PROD01"
    assert neutralise("") == ""
