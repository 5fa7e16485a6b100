"""The engine end to end: report contract, time alignment, degradation, CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

import avlogparse
from avlogparse.cli import main
from avlogparse.models.report import Report

SAMPLE = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
CHAIN = Path(__file__).parent / "rules" / "orphaned-checkpoint" / "chain-complete"
RULES = Path(__file__).parent / "rules"


def test_report_round_trips_through_json() -> None:
    report = avlogparse.analyze(CHAIN)
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report
    data = json.loads(report.model_dump_json())
    assert {"schema_version", "tool", "inputs", "findings", "diagnostics", "stats"} <= set(data)
    finding = data["findings"][0]
    assert {
        "rule_id", "severity", "title", "message", "vm", "first_seen", "last_seen",
        "evidence", "remediation", "references",
    } <= set(finding)  # fmt: skip
    assert set(finding["evidence"][0]) >= {"path", "line", "source", "timestamp", "text"}
    assert finding["first_seen"].endswith("+09:00")


def test_offset_is_inferred_and_explained() -> None:
    report = avlogparse.analyze(CHAIN)
    alignment = report.time_alignment
    assert alignment.source == "inferred" and alignment.offset_minutes == 9 * 60
    assert "UTC+09:00" in alignment.reason


@pytest.mark.parametrize("tz", ["Asia/Tokyo", "+09:00", "UTC+9"])
def test_given_time_zone_is_used(tz: str) -> None:
    report = avlogparse.analyze(CHAIN, tz=tz)
    assert report.time_alignment.source == "given"
    assert [f.rule_id for f in report.findings].count("orphaned-checkpoint") == 2


def test_bad_time_zone_is_a_config_error() -> None:
    with pytest.raises(avlogparse.ConfigError):
        avlogparse.analyze(CHAIN, tz="Mars/Olympus")


def test_evidence_points_at_the_exact_line() -> None:
    report = avlogparse.analyze(CHAIN)
    for finding in report.findings:
        for item in finding.evidence:
            lines = (CHAIN / Path(item.path).name).read_text().splitlines()
            assert item.text in lines[item.line - 1]


def test_checkpoint_failure_is_linked_to_its_cause() -> None:
    report = avlogparse.analyze(CHAIN)
    orphans = {f.vm.name: f for f in report.findings if f.rule_id == "orphaned-checkpoint" and f.vm}
    failures = [f for f in report.findings if f.rule_id == "checkpoint-creation-failed"]
    assert len(failures) == 2
    for failure in failures:
        assert failure.vm is not None
        assert failure.explained_by == [orphans[failure.vm.name or ""].id]


def test_skipped_rules_say_why(tmp_path: Path) -> None:
    shutil.copy(CHAIN / "avhypervvss.log", tmp_path)
    report = avlogparse.analyze(tmp_path)
    skipped = {r.rule_id: r.reason for r in report.rules if r.status == "skipped"}
    assert "orphaned-checkpoint" in skipped and "winclustersvc" in (
        skipped["orphaned-checkpoint"] or ""
    )
    assert {f.data.get("missing") for f in report.findings if f.rule_id == "missing-evidence"} == {
        "log:winclustersvc", "channel:Microsoft-Windows-Hyper-V-VMMS-Admin",
        # the Windows logs Microsoft's guidance collects (issue 12)
        "channel:Application", "channel:System", "channel:Microsoft-Windows-Hyper-V-Worker-Admin",
    }  # fmt: skip


SYSTEM_EXPORT = """<?xml version="1.0" encoding="utf-8"?>
<Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>
<Provider Name="Service Control Manager"/><EventID Qualifiers="16384">7036</EventID>
<Level>4</Level><TimeCreated SystemTime="2019-05-09T15:00:00.000Z"/>
<EventRecordID>1</EventRecordID><Channel>System</Channel><Computer>HV01</Computer>
</System><EventData><Data Name="param1">Windows Update</Data></EventData></Event></Events>
"""


def test_an_export_of_another_channel_is_no_vmms_evidence(tmp_path: Path) -> None:
    """A System export beside the plug-in log: VMMS evidence is still missing, and the rules
    that need it say so instead of reading "ran, 0 findings" (issue 11)."""
    shutil.copy(RULES / "missing-evidence" / "plugin-log-only" / "avhypervvss.log", tmp_path)
    (tmp_path / "System.xml").write_text(SYSTEM_EXPORT, encoding="utf-8")
    report = avlogparse.analyze(tmp_path)
    missing = {f.data["missing"] for f in report.findings if f.rule_id == "missing-evidence"}
    # and the Windows logs Microsoft's guidance collects (issue 12); System is there
    assert missing == {
        "log:winclustersvc", "channel:Microsoft-Windows-Hyper-V-VMMS-Admin",
        "channel:Application", "channel:Microsoft-Windows-Hyper-V-Worker-Admin",
    }  # fmt: skip
    vmms = next(
        f
        for f in report.findings
        if f.data.get("missing") == "channel:Microsoft-Windows-Hyper-V-VMMS-Admin"
    )
    assert "Hyper-V-VMMS-Admin" in vmms.message and "System" in vmms.message
    merge = next(r for r in report.rules if r.rule_id == "checkpoint-merge-failed")
    assert merge.status == "skipped"
    assert merge.reason == "the bundle holds no Hyper-V-VMMS-Admin events"
    japanese = avlogparse.analyze(tmp_path, lang="ja")
    merge_ja = next(r for r in japanese.rules if r.rule_id == "checkpoint-merge-failed")
    assert merge_ja.reason == "バンドルにHyper-V-VMMS-Admin のイベントが含まれていません"


def test_a_combined_export_counts_for_every_channel_it_holds(tmp_path: Path) -> None:
    """One file with VMMS-Admin and System events (HyperVLogs writes one across channels):
    the VMMS rules run."""
    sample = SAMPLE / "Microsoft-Windows-Hyper-V-VMMS-Admin.xml"
    vmms = sample.read_text(encoding="utf-8")
    system_event = SYSTEM_EXPORT.split("<Events>", 1)[1].split("</Events>", 1)[0]
    combined = vmms.replace("</Events>", system_event + "</Events>")
    (tmp_path / "all-channels.xml").write_text(combined, encoding="utf-8")
    for name in ("avhypervvss.log", "winclustersvc.log"):
        shutil.copy(SAMPLE / name, tmp_path)
    report = avlogparse.analyze(tmp_path)
    assert all(r.status == "ran" for r in report.rules)
    assert "orphaned-checkpoint" in {f.rule_id for f in report.findings}


def test_nothing_analysable_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello\n")
    with pytest.raises(avlogparse.NotABundleError):
        avlogparse.analyze(tmp_path)
    with pytest.raises(avlogparse.InputNotFoundError):
        avlogparse.analyze(tmp_path / "missing")


def test_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(CHAIN)]) == 1
    assert main(["analyze", str(CHAIN), "--fail-on", "never"]) == 0
    assert main(["analyze", str(CHAIN), "--fail-on", "critical"]) == 0
    assert main(["analyze", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "nope" in err


def test_cli_json_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    main(["analyze", str(CHAIN), "--format", "json", "--fail-on", "never"])
    data = json.loads(capsys.readouterr().out)
    assert data["schema_version"] == avlogparse.SCHEMA_VERSION
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "findings" in schema["properties"] and "incidents" in schema["properties"]
    jsonschema.validate(data, schema)  # the report is what `avlogparse schema` describes


def test_cli_text_summary(capsys: pytest.CaptureFixture[str]) -> None:
    main(["analyze", str(CHAIN), "--no-color"])
    out = capsys.readouterr().out
    assert "ERROR" in out and "orphaned-checkpoint" in out and "SQL-PROD01" in out
    assert "\x1b[" not in out


def test_cli_parse_jsonl(capsys: pytest.CaptureFixture[str]) -> None:
    # exit 3: the fixture's expected.json is not a log, and parse says so on stderr
    assert main(["parse", str(CHAIN), "--format", "jsonl"]) == 3
    out, err = capsys.readouterr()
    assert "expected.json: info unknown-kind:" in err
    rows = [json.loads(line) for line in out.splitlines()]
    assert {row["source"] for row in rows} == {"avhypervvss", "winclustersvc", "event-xml"}
    for row in rows:
        assert {"source", "path", "line", "timestamp", "raw"} <= set(row)
    failed = [row for row in rows if row.get("code") == 43426]
    assert failed and failed[0]["vm_name"] == "SQL-PROD01" and failed[0]["vm_id"]
    merge = [row for row in rows if row.get("event_id") == 19100]
    assert merge and merge[0]["hresult"] == 0x8007052F and merge[0]["computer"]


def test_rules_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--format", "json"]) == 0
    catalog = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in catalog} == {r.id for r in avlogparse.ALL_RULES}
    assert all(r["description"] and r["severity"] and r["title"] for r in catalog)


def test_member_read_only_in_part_makes_the_report_incomplete(tmp_path: Path) -> None:
    import gzip

    data = (CHAIN / "avhypervvss.log").read_bytes() * 50
    (tmp_path / "avhypervvss.log.gz").write_bytes(gzip.compress(data))
    report = avlogparse.analyze(tmp_path, limits=avlogparse.Limits(max_total_bytes=len(data) // 2))
    [read] = [i for i in report.inputs if i.kind == "avhypervvss"]
    assert not read.complete and (read.reason or "").startswith("partial")
    assert not report.complete


def test_evidence_is_capped_per_finding(tmp_path: Path) -> None:
    """Thousands of 19100 events after one cleanup: one finding, 200 evidence records."""
    from avlogparse.rules.base import MAX_EVIDENCE

    sample = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
    for name in ("avhypervvss.log", "winclustersvc.log"):
        (tmp_path / name).write_bytes((sample / name).read_bytes())
    events = (sample / "Microsoft-Windows-Hyper-V-VMMS-Admin.xml").read_text(encoding="utf-8")
    lines = events.splitlines(keepends=True)
    merge_failed = next(line for line in lines if "<EventID>19100</EventID>" in line)
    closing = lines.index(next(line for line in lines if "</Events>" in line))
    lines[closing:closing] = [merge_failed] * 500
    (tmp_path / "vmms.xml").write_text("".join(lines), encoding="utf-8")
    report = avlogparse.analyze(tmp_path)
    capped = [f for f in report.findings if f.data.get("evidence_total")]
    assert capped and all(len(f.evidence) == MAX_EVIDENCE for f in capped)
    assert all(f.data["evidence_total"] > MAX_EVIDENCE for f in capped)


def test_analyze_leaves_the_gc_as_it_found_it() -> None:
    """analyze() freezes what it keeps between files and unfreezes it at the end; objects a
    caller froze itself stay frozen, and nothing of analyze's is left frozen then either."""
    import gc

    assert gc.get_freeze_count() == 0
    avlogparse.analyze(SAMPLE)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        avlogparse.analyze(SAMPLE)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_finding_ids_are_unique_when_findings_share_their_evidence(tmp_path: Path) -> None:
    """Without the event exports, one missing-evidence finding per missing log rests on the
    same 43426 lines: each keeps an id of its own (SARIF fingerprints, explained_by links)."""
    for name in ("avhypervvss.log", "winclustersvc.log"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    report = avlogparse.analyze(tmp_path)
    missing = [f for f in report.findings if f.rule_id == "missing-evidence"]
    assert len(missing) >= 2 and len({f.evidence[0].location for f in missing}) == 1
    ids = [f.id for f in report.findings]
    assert len(set(ids)) == len(ids)
    assert [f.id for f in missing][1] == f"{missing[0].id}-2"
    assert [f.id for f in avlogparse.analyze(tmp_path).findings] == ids  # stable
    sarif = json.loads(avlogparse.render.render_sarif(report))
    prints = [r["partialFingerprints"]["findingId/v1"] for r in sarif["runs"][0]["results"]]
    assert len(set(prints)) == len(prints) == len(ids)
