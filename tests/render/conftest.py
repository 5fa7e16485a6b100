"""Reports for the renderer tests: the sample bundle's, and hand-built edge cases."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import avlogparse
from avlogparse.models.diagnostics import Diagnostic, DiagnosticSeverity
from avlogparse.models.findings import Evidence, Finding, VmRef
from avlogparse.models.report import InputFile, Report, RuleRun, TimeAlignment, ToolInfo
from avlogparse.models.severity import Severity

SAMPLE = Path(__file__).parents[2] / "samples" / "kb-orphaned-checkpoint"
JST = timezone(timedelta(hours=9))
HOSTILE_MESSAGE = "=cmd|' /C calc'!A0 then \x01 and ]]> and <b>&amp;</b>\nsecond line"


def _report(**fields: object) -> Report:
    return Report.model_validate(
        {
            "tool": ToolInfo(version="9.9.9"),
            "bundle": "/srv/cases/案件 42",
            "time_alignment": TimeAlignment(
                source="given", zone="+09:00", offset_minutes=540, reason="given by the test"
            ),
            **fields,
        }
    )


def _evidence(path: str, line: int, role: str) -> Evidence:
    return Evidence(
        path=path,
        line=line,
        source="avhypervvss",
        timestamp=datetime(2024, 3, 12, 0, 5, tzinfo=JST),
        text=f"line {line} of {path}",
        role=role,
    )


@pytest.fixture(scope="session")
def sample_report() -> Report:
    return avlogparse.analyze(SAMPLE)


@pytest.fixture
def empty_report() -> Report:
    """Nothing read, nothing found, no rule run."""
    return _report()


@pytest.fixture
def edge_report() -> Report:
    """Paths with spaces and non-ASCII, refused and partial inputs, a skipped rule, a finding
    without evidence, a finding of a rule the catalog does not know, a hostile message."""
    vm = VmRef(name="SQL-PROD01", id="3F2A8C10-7B4D-4E21-9C55-0A1B2C3D4E5F")
    with_evidence = Finding(
        rule_id="orphaned-checkpoint",
        severity=Severity.ERROR,
        title="Orphaned checkpoint left behind after a failed merge",
        message=HOSTILE_MESSAGE,
        vm=vm,
        host="HV-NODE01",
        first_seen=datetime(2024, 3, 11, 0, 41, tzinfo=JST),
        last_seen=datetime(2024, 3, 12, 0, 5, tzinfo=JST),
        evidence=[
            _evidence("logs/avhypervvss 1.log", 3, "cleanup"),
            _evidence("ログ/winclustersvc.log", 9, "merge-failed"),
        ],
        remediation=["Restart VMMS.", "-Remove the orphaned .avhdx."],
    )
    without_evidence = Finding(
        rule_id="missing-evidence",
        severity=Severity.INFO,
        title="Logs needed to explain a checkpoint failure are missing from the bundle",
        message="winclustersvc.log is not in the bundle.",
    )
    unknown_rule = Finding(
        rule_id="site-custom-check",
        severity=Severity.WARNING,
        title="A check the catalog does not know",
        message="@SUM(1+1)",
        host="+HV-NODE02",
        evidence=[_evidence("logs/avhypervvss 1.log", 12, "seen")],
    )
    return _report(
        inputs=[
            InputFile(path="logs/avhypervvss 1.log", kind="avhypervvss", status="read", lines=40),
            InputFile(path="ログ/winclustersvc.log", kind="winclustersvc", status="read"),
            InputFile(
                path="Microsoft-Windows-Hyper-V-VMMS-Admin.xml",
                kind="event-xml",
                status="read",
                complete=False,
                reason="partial: xml-truncated: the file ends inside an event",
            ),
            InputFile(
                path="broken.zip",
                kind="zip",
                status="refused",
                reason="zip-corrupt: not a zip archive",
                complete=False,
            ),
        ],
        findings=[with_evidence, without_evidence, unknown_rule],
        diagnostics=[
            Diagnostic(
                severity=DiagnosticSeverity.WARNING,
                code="xml-truncated",
                message="the file ends inside an event",
                path="Microsoft-Windows-Hyper-V-VMMS-Admin.xml",
                line=7,
            ),
        ],
        rules=[
            RuleRun(
                rule_id="orphaned-checkpoint",
                severity=Severity.ERROR,
                title="Orphaned checkpoint left behind after a failed merge",
                status="ran",
                findings=1,
            ),
            RuleRun(
                rule_id="checkpoint-merge-failed",
                severity=Severity.ERROR,
                title="Checkpoint disk merge failed",
                status="skipped",
                reason="the bundle has no event-xml input",
            ),
            RuleRun(
                rule_id="missing-evidence",
                severity=Severity.INFO,
                title="Logs needed to explain a checkpoint failure are missing from the bundle",
                status="ran",
                findings=1,
            ),
        ],
    )


@pytest.fixture
def archive_report() -> Report:
    """An archive bundle: member paths start with the archive's own name."""
    finding = Finding(
        rule_id="checkpoint-merge-failed",
        severity=Severity.CRITICAL,
        title="Checkpoint disk merge failed",
        message="merge failed",
        evidence=[_evidence("bundle.zip!logs/a.log", 5, "merge-failed")],
    )
    return _report(
        bundle="/srv/cases/bundle.zip",
        inputs=[InputFile(path="bundle.zip!logs/a.log", kind="avhypervvss", status="read")],
        findings=[finding],
    )
