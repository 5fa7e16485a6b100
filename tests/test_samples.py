"""The sample bundle tells the KB story; with any log missing the findings degrade honestly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import avlogparse
from avlogparse.sources import parse_file

SAMPLE = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
VMS = {"SQL-PROD01", "APP-WEB02", "File Server 03"}
FILES = ("avhypervvss.log", "winclustersvc.log", "Microsoft-Windows-Hyper-V-VMMS-Admin.xml")


def by_rule(report: avlogparse.Report) -> dict[str, list[avlogparse.Finding]]:
    found: dict[str, list[avlogparse.Finding]] = {}
    for finding in report.findings:
        found.setdefault(finding.rule_id, []).append(finding)
    return found


def test_every_sample_file_parses_with_nothing_unparsed() -> None:
    for name in FILES:
        parsed = parse_file(SAMPLE / name)
        records = list(parsed)
        assert records and parsed.stats.balanced()
        assert parsed.stats.unparsed == 0, name
        assert not [d for d in parsed.stats.diagnostics if d.severity.value != "info"]


def test_sample_tells_the_kb_story() -> None:
    report = avlogparse.analyze(SAMPLE)
    found = by_rule(report)
    orphans = found["orphaned-checkpoint"]
    assert {f.vm.name for f in orphans if f.vm} == VMS
    assert all(f.data["hresult"] == "0x8007052F" and f.data["explains"] for f in orphans)
    [no_targets] = found["no-backup-targets"]
    assert no_targets.first_seen is not None and no_targets.first_seen.day == 12
    assert {f.vm.name for f in found["checkpoint-creation-failed"] if f.vm} == VMS
    assert all(f.explained_by for f in found["checkpoint-creation-failed"])
    assert report.time_alignment.offset_minutes == 540
    # nothing for the good night (2024-03-10 local)
    assert all(f.first_seen is None or f.first_seen.day != 10 for f in report.findings)
    assert [run.outcome for run in report.backup_runs] == ["success", "success", "failed"]
    assert report.stats.unparsed == 0 and report.complete


def test_evidence_lines_are_exact() -> None:
    report = avlogparse.analyze(SAMPLE)
    for finding in report.findings:
        for item in finding.evidence:
            lines = (SAMPLE / item.path).read_text(encoding="utf-8").splitlines()
            assert lines[item.line - 1].startswith(item.text[:200]), (item.path, item.line)


@pytest.mark.parametrize("missing", FILES)
def test_findings_degrade_honestly_without_a_file(missing: str, tmp_path: Path) -> None:
    for name in FILES:
        if name != missing:
            shutil.copy(SAMPLE / name, tmp_path / name)
    report = avlogparse.analyze(tmp_path)
    found = by_rule(report)
    skipped = {r.rule_id for r in report.rules if r.status == "skipped"}
    if missing == "avhypervvss.log":
        # cleanup + merge failure still prove the orphan; the consequence link is missing
        assert {f.vm.name for f in found["orphaned-checkpoint"] if f.vm} == VMS
        assert all(f.missing_links for f in found["orphaned-checkpoint"])
        assert "no-backup-targets" in skipped
    else:
        assert "orphaned-checkpoint" not in found and "orphaned-checkpoint" in skipped
        fact = (
            "log:winclustersvc"
            if missing == "winclustersvc.log"
            else "channel:Microsoft-Windows-Hyper-V-VMMS-Admin"
        )
        # besides the missing file, the Windows logs Microsoft's guidance collects (issue 12)
        windows = {"channel:Application", "channel:System"}
        windows.add("channel:Microsoft-Windows-Hyper-V-Worker-Admin")
        assert {f.data["missing"] for f in found["missing-evidence"]} == {fact, *windows}
        assert len(found["checkpoint-creation-failed"]) == 3
        assert all(not f.explained_by for f in found["checkpoint-creation-failed"])
