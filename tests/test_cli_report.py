"""The report a support engineer acts on (issue 13): root cause first, every step, the
evidence lines, loud mistakes with their exit codes, and the formats CI tools read."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import avlogparse
from avlogparse.cli import main
from avlogparse.correlation.runs import BackupRun
from avlogparse.i18n import text
from avlogparse.i18n.localize import localize_report
from avlogparse.models.report import Report
from avlogparse.render.text import render_text

SAMPLE = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
VMMS = "Microsoft-Windows-Hyper-V-VMMS-Admin.xml"
VMS = ("SQL-PROD01", "APP-WEB02", "File Server 03")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def report() -> Report:
    return avlogparse.analyze(SAMPLE)


# --- root cause first ------------------------------------------------------------------------


def test_eleven_findings_are_one_incident_with_the_orphans_fix(report: Report) -> None:
    (incident,) = report.incidents
    assert incident.rule_id == "orphaned-checkpoint" and len(incident.causes) == 3
    assert incident.counts == {
        "orphaned-checkpoint": 3, "checkpoint-merge-failed": 3,
        "checkpoint-creation-failed": 3, "no-backup-targets": 1,
    }  # fmt: skip
    assert [vm.name for vm in incident.vms] == list(VMS)
    assert incident.severity.value == "critical"  # the worst of what it explains
    orphan = next(f for f in report.findings if f.rule_id == "orphaned-checkpoint")
    assert incident.remediation_ids == orphan.remediation_ids and len(orphan.remediation) == 5
    # an explained finding carries its cause's fix, not "read winclustersvc.log"
    for finding in report.findings:
        if finding.rule_id == "checkpoint-creation-failed":
            assert finding.explained_by and finding.remediation_ids == orphan.remediation_ids


def test_incidents_are_in_the_json_and_the_schema(report: Report) -> None:
    data = json.loads(avlogparse.render.render_json(report))
    assert data["schema_version"] == "1.4"
    assert data["incidents"][0]["causes"] == report.incidents[0].causes
    assert Report.model_validate(data).incidents == report.incidents  # 1.x readers still read
    schema = Report.model_json_schema(mode="serialization")
    assert "incidents" in schema["properties"]


def test_first_screen_says_cause_vms_every_step_and_evidence(report: Report) -> None:
    screen = render_text(report, width=120).splitlines()[:40]
    page = "\n".join(screen)
    assert sum(line.startswith("Root cause ") for line in screen) == 1
    assert "VMs (3): SQL-PROD01, APP-WEB02, File Server 03" in page
    for number, step in enumerate(report.findings[1].remediation, 1):
        assert f"    {number}. {step}" in page
    assert f"    {VMMS}:13#4110  merge-failed  Event 19100: 'SQL-PROD01' background" in page
    assert "winclustersvc.log:9  cleanup-success  2024-03-11 00:41:03 winclustersvc" in page
    assert all(len(line) <= 120 for line in screen if f"{VMMS}:" in line)


def test_first_screen_in_japanese(report: Report) -> None:
    japanese = localize_report(report, "ja")
    screen = "\n".join(render_text(japanese, width=100).splitlines()[:40])
    assert "根本原因 1/1 (重大)" in screen
    assert "対象の仮想マシン (3 台): SQL-PROD01、APP-WEB02、File Server 03" in screen
    for number, step in enumerate(japanese.findings[1].remediation, 1):
        assert f"{number}. {step}" in screen
    assert "; " not in screen.splitlines()[1]  # 「… 拒否 0 件。60 行」, no ASCII semicolon
    assert "仮想マシン: SQL-PROD01" in render_text(japanese)  # a separator after the label


def test_every_step_is_shown_for_a_finding_outside_an_incident_in_verbose(
    report: Report,
) -> None:
    page = render_text(report, verbose=True)
    orphan = next(f for f in report.findings if f.rule_id == "orphaned-checkpoint")
    for number, step in enumerate(orphan.remediation, 1):
        assert page.count(f"{number}. {step}") >= 2  # the incident and the finding


# --- wording ---------------------------------------------------------------------------------


def test_one_attempt_at_one_time_reads_naturally() -> None:
    moment = "2024-03-11T00:42:05.297650+09:00"
    args = {"vm": "VM1", "attempts": 1, "first": moment, "last": moment, "hresult": None}
    english = text("msg.checkpoint-merge-failed", "en", **args)
    assert "once at 2024-03-11 00:42:05 +09:00 with" in english and "time(s)" not in english
    japanese = text("msg.checkpoint-merge-failed", "ja", **args)
    assert "2024-03-11 00:42:05 +09:00 に、" in japanese and "1 回失敗" in japanese
    assert text("text.more-evidence.one", "en") == "… 1 more evidence line"


def test_one_time_format_in_the_text_report(report: Report) -> None:
    page = render_text(report)
    assert "00:42:05.297650" not in page and "+0900" not in page
    assert "at 2024-03-11 00:42:05 +09:00" in page


def test_japanese_links_point_to_japanese_pages(report: Report) -> None:
    japanese = localize_report(report, "ja")
    references = {url for f in japanese.findings for url in f.references}
    assert "https://www.dell.com/support/kbdoc/ja-jp/000044579/" in references
    assert "https://support.microsoft.com/ja-jp/kb/2779204" in references
    english = {url for f in report.findings for url in f.references}
    assert "https://support.microsoft.com/kb/2779204" in english
    assert not any("pkisolutions" in url or "en-ly" in url for url in english | references)


# --- evidence in a one-line export ----------------------------------------------------------


def test_events_on_one_line_are_told_apart_by_record_id(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle)
    export = bundle / VMMS
    lines = export.read_text("utf-8").splitlines()
    export.write_text(lines[0] + "\n" + "".join(lines[1:]) + "\n", "utf-8")
    found = avlogparse.analyze(bundle)
    merges = [e for f in found.findings for e in f.evidence if e.role == "merge-failed"]
    assert {e.line for e in merges} == {2}
    assert len({str(e.location) for e in merges}) == len({e.record_id for e in merges}) == 9
    assert f"{VMMS}:2#4110" in render_text(found)
    rows = list(csv.DictReader(io.StringIO(avlogparse.render.render_csv(found))))
    assert any(f"{VMMS}:2#4110" in row["evidence"] for row in rows)
    sarif = json.loads(avlogparse.render.render_sarif(found))
    related = [
        loc for result in sarif["runs"][0]["results"] for loc in result.get("relatedLocations", [])
    ]
    assert any(loc.get("properties", {}).get("where") == f"{VMMS}:2#4110" for loc in related)


def test_events_on_one_line_without_record_ids_are_told_apart_by_index(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(SAMPLE, bundle)
    export = bundle / VMMS
    lines = export.read_text("utf-8").splitlines()
    one_line = re.sub(r"<EventRecordID>\d+</EventRecordID>", "", "".join(lines[1:]))
    export.write_text(lines[0] + "\n" + one_line + "\n", "utf-8")
    positions = [m.start() for m in re.finditer(r"<Event[ >]", one_line)]
    found = avlogparse.analyze(bundle)
    merges = [e for f in found.findings for e in f.evidence if e.role == "merge-failed"]
    assert {e.line for e in merges} == {2} and {e.record_id for e in merges} == {None}
    assert len({str(e.location) for e in merges}) == len({e.event_index for e in merges}) == 9
    for evidence in merges:  # the index is the event's position in the file: (//Event)[n]
        assert evidence.event_index is not None
        start = positions[evidence.event_index - 1]
        assert one_line[start:].startswith(evidence.text)
        assert str(evidence.location) == f"{VMMS}:2@{evidence.event_index}"
    first = min(merges, key=lambda e: e.event_index or 0)
    assert str(first.location) in render_text(found)
    sarif = json.loads(avlogparse.render.render_sarif(found))
    related = [
        loc.get("properties", {})
        for result in sarif["runs"][0]["results"]
        for loc in result.get("relatedLocations", [])
    ]
    assert {"eventIndex": first.event_index, "where": str(first.location)} in related
    # nothing else is blamed: the index also tells explained events from unexplained ones
    assert [f.rule_id for f in found.findings] == [
        f.rule_id for f in avlogparse.analyze(SAMPLE).findings
    ]


# --- loud mistakes ---------------------------------------------------------------------------


def test_unknown_vm_is_exit_2_with_close_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "analyze", str(SAMPLE), "--vm", "SQL-PROD1", "--lang", "en")
    assert code == 2 and out == ""
    assert "--vm SQL-PROD1: no such VM" in err and "Did you mean 'SQL-PROD01'?" in err
    code, _, err = run(capsys, "analyze", str(SAMPLE), "--vm", "NO-SUCH-VM", "--lang", "en")
    assert code == 2 and "The VMs it names: 'SQL-PROD01', 'APP-WEB02'" in err
    code, _, err = run(capsys, "timeline", str(SAMPLE), "--vm", "NO-SUCH-VM", "--lang", "ja")
    assert code == 2 and "その名前の仮想マシンはありません" in err


def test_reversed_window_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["analyze", str(SAMPLE), "--since", "2024-03-12", "--until", "2024-03-11"]
    code, out, err = run(capsys, *argv, "--lang", "en")
    assert code == 2 and out == "" and "the time window is empty" in err
    code, _, err = run(capsys, *argv, "--lang", "ja")
    assert code == 2 and "対象の期間が空です" in err
    code, _, err = run(capsys, "analyze", str(SAMPLE), "--since", "", "--lang", "en")
    assert code == 2 and "not a time: ''" in err


def test_unknown_rule_is_exit_2_in_the_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "analyze", str(SAMPLE), "--rule", "nope", "--lang", "ja")
    assert code == 2 and "不明なルール ID: nope" in err


def test_job_level_finding_stays_under_vm(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "analyze", str(SAMPLE), "--vm", "APP-WEB02", "--format", "json",
        "--fail-on", "never",
    )  # fmt: skip
    assert code == 0
    rules = {f["rule_id"] for f in json.loads(out)["findings"]}
    assert "no-backup-targets" in rules and "orphaned-checkpoint" in rules


def test_parse_says_what_it_could_not_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    binary = tmp_path / "image.bin"
    binary.write_bytes(bytes(range(256)) * 8)
    code, out, err = run(capsys, "parse", str(binary))
    assert code == 3 and out == ""
    assert "image.bin: info unknown-kind:" in err
    broken = tmp_path / "Security.evtx"  # the signature of an .evtx, then nothing readable
    broken.write_bytes(b"ElfFile\x00" + bytes(range(256)) * 8)
    code, out, err = run(capsys, "parse", str(broken))
    assert code == 3 and out == "" and "Security.evtx: error evtx-truncated:" in err
    truncated = tmp_path / "vmms.xml"
    whole = (SAMPLE / VMMS).read_text("utf-8")
    truncated.write_text(whole[: whole.index("<Event", 2000) + 300], "utf-8")
    code, out, err = run(capsys, "parse", str(truncated))
    assert code == 3 and out.count("\n") >= 1 and "xml-truncated" in err
    code, _, err = run(capsys, "parse", str(SAMPLE / "avhypervvss.log"))
    assert code == 0 and err == ""


def test_a_run_without_an_outcome_line_is_unknown(tmp_path: Path) -> None:
    log = tmp_path / "avhypervvss.log"
    log.write_text(
        "2024-03-10 00:05:05 avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' "
        "guest backup type\n"
        "2024-03-10 00:05:06 avhypervvss Info <43420>: Creating backup CheckPoint with "
        "'Application' consistenty level\n",
        "utf-8",
    )
    found = avlogparse.analyze(tmp_path)
    assert [r.outcome for r in found.backup_runs] == ["unknown"]
    assert "unknown" in render_text(found)
    assert "unknown" in BackupRun.outcome.fget.__annotations__["return"]  # type: ignore[attr-defined]


# --- formats ---------------------------------------------------------------------------------


def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "analyze", str(SAMPLE), "--format", "github", "--fail-on", "never",
        "--lang", "en",
    )  # fmt: skip
    lines = out.splitlines()
    assert code == 0 and len(lines) == 10
    assert lines[0].startswith("::error file=avhypervvss.log,line=39,title=no-backup-targets%3A ")
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert all("\n" not in line and "::" not in line.split("::", 2)[2] for line in lines)


def test_several_outputs_from_one_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    sarif, page, table = tmp_path / "r.sarif", tmp_path / "r.html", tmp_path / "r.csv"
    code, out, _ = run(
        capsys, "analyze", str(SAMPLE), "--fail-on", "never", "--lang", "ja",
        "-o", str(sarif), "-o", str(page), "-o", str(table),
    )  # fmt: skip
    assert code == 0 and out == ""
    assert json.loads(sarif.read_text("utf-8"))["version"] == "2.1.0"
    assert page.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert table.read_bytes().startswith(b"\xef\xbb\xbfid,")  # a BOM by default under ja
    code, _, err = run(capsys, "analyze", str(SAMPLE), "-o", str(tmp_path / "a.x"), "-o",
                       str(tmp_path / "b.json"), "--lang", "en")  # fmt: skip
    assert code == 2 and "cannot tell the format from the suffix" in err


def test_excel_switch(capsys: pytest.CaptureFixture[str]) -> None:
    _, plain, _ = run(capsys, "analyze", str(SAMPLE), "--format", "csv", "--lang", "en")
    _, excel, _ = run(capsys, "analyze", str(SAMPLE), "--format", "csv", "--excel", "--lang", "en")
    _, no_bom, _ = run(capsys, "analyze", str(SAMPLE), "--format", "csv", "--no-excel",
                       "--lang", "ja")  # fmt: skip
    assert not plain.startswith("\ufeff") and excel == "\ufeff" + plain
    assert not no_bom.startswith("\ufeff")


# --- clock honesty ---------------------------------------------------------------------------


def test_rival_offsets_are_named_with_scores_and_their_tz(report: Report) -> None:
    from datetime import datetime, timedelta

    from avlogparse.correlation.clock import ClockAnchor, clock_from_anchors

    utc = [datetime(2024, 3, 10, 15, 42)]
    local = datetime(2024, 3, 11, 0, 41)  # UTC+09:00 lags 1 min; +09:15 … +09:45 fit too
    clock = clock_from_anchors([ClockAnchor(local, utc, local, local + timedelta(hours=1))])
    assert clock.offset_minutes == 9 * 60  # the least lag wins
    assert [rival.tz for rival in clock.rivals] == ["+09:15", "+09:30", "+09:45"]
    assert clock.reason_args["rival_list"][0] == ["UTC+09:15", 1, 1, 16]
    alignment = report.time_alignment.model_copy(
        update={"reason_id": clock.reason_id, "reason_args": clock.reason_args}
    )
    shown = localize_report(report.model_copy(update={"time_alignment": alignment}), "en")
    assert "'UTC+09:15: 1/1, lag 16 min'" in shown.time_alignment.reason
    japanese = localize_report(shown, "ja").time_alignment.reason
    assert "「UTC+09:15: 1/1、時間差 16 分」" in japanese and "lag" not in japanese


def ambiguous_clock_bundle(tmp_path: Path, shift_minutes: int) -> Path:
    """The sample without its checkpoint-failure events (18012: the anchors that pin the
    clock to +09:00), so offsets 15 minutes either side fit as well; File Server 03's
    merge events moved ``shift_minutes`` later, so that under some of them its merge
    failures no longer follow the cleanup closely enough to be its orphan's."""
    bundle = tmp_path / f"ambiguous-{shift_minutes}"
    shutil.copytree(SAMPLE, bundle)
    export = bundle / VMMS

    def shifted(line: str) -> str:
        if "File Server 03" not in line:
            return line
        stamp = re.search(r"SystemTime='([^'.]+)", line)
        assert stamp is not None
        moved = datetime.fromisoformat(stamp.group(1)) + timedelta(minutes=shift_minutes)
        return line.replace(stamp.group(1), moved.isoformat())

    lines = export.read_text("utf-8").splitlines()
    export.write_text(
        "\n".join(shifted(line) for line in lines if "<EventID>18012<" not in line) + "\n",
        "utf-8",
    )
    return bundle


def test_the_rules_run_again_with_each_rival_clock_and_say_what_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = ambiguous_clock_bundle(tmp_path, 20)
    found = avlogparse.analyze(bundle)
    rivals = {rival.tz: rival for rival in found.time_alignment.rivals}
    assert found.time_alignment.offset_minutes == 9 * 60 and "+09:15" in rivals
    assert all(rival.checked for rival in rivals.values())
    changed = [tz for tz, rival in rivals.items() if rival.changes_findings]
    assert changed and not rivals["+09:15"].changes_findings
    # what the report says --tz would change is what --tz changes
    chosen = Counter(f.rule_id for f in found.findings)
    for tz in changed:
        with_tz = Counter(f.rule_id for f in avlogparse.analyze(bundle, tz=tz).findings)
        rival = rivals[tz]
        assert rival.findings_lost.get("orphaned-checkpoint", 0) > 0
        assert dict(chosen - with_tz) == rival.findings_lost
        assert dict(with_tz - chosen) == rival.findings_gained
    _, out, _ = run(capsys, "analyze", str(bundle), "--lang", "en")
    head = out.splitlines()[:12]
    assert any(line.startswith("  the findings depend on this choice:") for line in head)
    lost = rivals[changed[0]].findings_lost["orphaned-checkpoint"]
    assert f"    --tz {changed[0]}: not found: {lost} \u00d7 orphaned-checkpoint" in out
    assert "    --tz +09:15: the same findings" in out
    _, out, _ = run(capsys, "analyze", str(bundle), "--lang", "ja")
    assert "検出結果はこの選択に左右されます" in out
    assert f"--tz {changed[0]}: 検出されなくなるもの: orphaned-checkpoint {lost} 件" in out
    page = avlogparse.render.render_html(found)
    assert "the findings depend on this choice" in page and "--tz +09:15: the same findings" in page
    data = json.loads(avlogparse.render.render_json(found))
    assert data["time_alignment"]["rivals"][0]["checked"] is True


def test_rivals_that_change_nothing_are_said_to_change_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = ambiguous_clock_bundle(tmp_path, 0)
    found = avlogparse.analyze(bundle)
    assert found.time_alignment.rivals
    assert not any(rival.changes_findings for rival in found.time_alignment.rivals)
    _, out, _ = run(capsys, "analyze", str(bundle), "--lang", "en")
    assert "fit the logs as well; the findings are the same with each of them" in out
    assert "depend on this choice" not in out and "--tz +09:15:" not in out


def test_rivals_past_those_tried_are_flagged_as_untried(report: Report) -> None:
    from avlogparse.models.report import ClockRival

    rivals = [
        ClockRival(offsets_minutes=[555], explained=2, tz="+09:15", checked=True),
        ClockRival(offsets_minutes=[570], explained=2, tz="+09:30"),
    ]
    alignment = report.time_alignment.model_copy(update={"rivals": rivals})
    page = render_text(report.model_copy(update={"time_alignment": alignment}), lang="en")
    assert "the findings may depend on this choice" in page and "--tz +09:15)" in page
    assert "--tz +09:30: not tried (the rules were run again with the first 1 only)" in page
    japanese = render_text(report.model_copy(update={"time_alignment": alignment}), lang="ja")
    assert "--tz で指定してください" in japanese and "未確認" in japanese
