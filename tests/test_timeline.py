"""The report's per-VM timeline on the sample bundle (samples/README.md tells the story)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import get_args

import pytest

import avlogparse
from avlogparse.i18n.localize import localize_report
from avlogparse.limits import Limits
from avlogparse.models.findings import VmRef
from avlogparse.models.report import Report
from avlogparse.models.timeline import Timeline, TimelineEntry, TimelineKind
from avlogparse.render.timeline_layout import JOB_LANE, KIND_STYLES, backup_spans, layout
from avlogparse.render.timeline_table import render_timeline_text

SAMPLE = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
VMMS = "Microsoft-Windows-Hyper-V-VMMS-Admin.xml"
HOST_ZONE = timezone(timedelta(hours=9))


@pytest.fixture(scope="module")
def report() -> Report:
    return avlogparse.analyze(SAMPLE)


def moments(report: Report, kind: str) -> list[tuple[str | None, str, int]]:
    return [
        (e.vm.name if e.vm else None, e.path, e.line) for e in report.timeline if e.kind == kind
    ]


def test_the_nine_merge_failures_of_night_two_at_their_lines(report: Report) -> None:
    # VMMS retries: lines 13-15, 16-18 and 19-21, one event per VM in each burst
    vms = ["SQL-PROD01", "APP-WEB02", "File Server 03"]
    expected = [(vm, VMMS, 13 + burst * 3 + i) for burst in range(3) for i, vm in enumerate(vms)]
    assert moments(report, "merge-failed") == expected
    first = next(e for e in report.timeline if e.kind == "merge-failed")
    assert first.time == datetime(2024, 3, 10, 15, 42, 5, 297650, tzinfo=timezone.utc)
    assert first.host == "HV-NODE01" and first.severity is avlogparse.Severity.ERROR
    assert first.vm == VmRef(name="SQL-PROD01", id="3F2A8C10-7B4D-4E21-9C55-0A1B2C3D4E5F")
    assert "0x8007052F" in first.label


def test_merge_completions_checkpoint_failures_and_cleanups(report: Report) -> None:
    assert [line for _, path, line in moments(report, "merge-completed")] == [6, 7, 8]
    failed = moments(report, "checkpoint-failed")
    assert sorted(line for _, path, line in failed if path == "avhypervvss.log") == [42, 43, 44]
    assert sorted(line for _, path, line in failed if path == VMMS) == [23, 24, 25]
    cleanups = [e for e in report.timeline if e.kind == "cleanup"]
    assert [(e.path, e.line) for e in cleanups] == [
        ("winclustersvc.log", 3),
        ("winclustersvc.log", 8),
    ]
    assert [e.host_time.replace(tzinfo=None) for e in cleanups] == [
        datetime(2024, 3, 10, 0, 41),
        datetime(2024, 3, 11, 0, 41),
    ]
    assert all(e.vm is None and e.host == "HV-NODE01" for e in cleanups)
    assert all("DestroySnapshot success" in e.label for e in cleanups)


def test_backup_runs_and_checkpoint_creation(report: Report) -> None:
    assert [line for _, _, line in moments(report, "backup-start")] == [1, 18, 35]
    assert [line for _, _, line in moments(report, "backup-end")] == [16, 33, 46]
    # the KB's 43419 line has no timestamp of its own: it takes the run's start
    assert [line for _, _, line in moments(report, "checkpoint-create")] == [5, 22, 39]
    ends = [e for e in report.timeline if e.kind == "backup-end"]
    assert [e.severity for e in ends] == [None, None, avlogparse.Severity.ERROR]
    assert ends[2].label == "backup run 3: failed"


def test_every_finding_is_on_the_timeline_once(report: Report) -> None:
    on_timeline = [str(e.finding_id) for e in report.timeline if e.kind == "finding"]
    assert sorted(on_timeline) == sorted(f.id for f in report.findings)
    by_id = {f.id: f for f in report.findings}
    for entry in report.timeline:
        if entry.finding_id is not None:
            finding = by_id[entry.finding_id]
            assert (entry.path, entry.line) == (finding.evidence[0].path, finding.evidence[0].line)
            assert entry.severity is finding.severity and entry.vm == finding.vm


def test_times_are_utc_with_host_time_beside_and_in_order(report: Report) -> None:
    timeline = report.timeline
    assert all(e.time.utcoffset() == timedelta(0) for e in timeline)
    assert all(e.host_time.utcoffset() == timedelta(hours=9) for e in timeline)
    assert all(e.host_time == e.time for e in timeline)  # the same instant
    assert [e.time for e in timeline] == sorted(e.time for e in timeline)


def test_only_correlated_records_are_kept(report: Report) -> None:
    # 23 events, 35 plug-in and 12 cluster records in the bundle; 19070 starts and the
    # 20415 live-migration noise are not moments of the timeline
    assert len(report.timeline) == 39
    assert not [e for e in report.timeline if e.vm and e.vm.name in ("DC-INFRA01", "MGMT-JUMP04")]


def test_timeline_round_trips_as_a_json_list(report: Report) -> None:
    data = json.loads(report.model_dump_json())
    assert data["schema_version"] == "1.4"
    assert isinstance(data["timeline"], list) and len(data["timeline"]) == 39
    assert data["timeline"][0]["kind"] == "backup-start"
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report and isinstance(again.timeline, Timeline)


def test_a_report_without_timeline_still_loads(report: Report) -> None:
    data = json.loads(report.model_dump_json())
    del data["timeline"]
    data["schema_version"] = "1.0"
    old = Report.model_validate(data)
    assert isinstance(old.timeline, Timeline) and list(old.timeline) == []


def test_timeline_limit_keeps_findings_and_the_latest_moments() -> None:
    report = avlogparse.analyze(SAMPLE, limits=Limits(max_timeline_entries=12))
    kinds = [e.kind for e in report.timeline]
    assert kinds.count("finding") == 10 and len(kinds) == 12
    last = [e for e in report.timeline if e.kind != "finding"]
    assert [(e.path, e.line) for e in last] == [(VMMS, 25), ("avhypervvss.log", 46)]
    [diagnostic] = [d for d in report.diagnostics if d.limit == "max_timeline_entries"]
    assert diagnostic.code == "limit-exceeded" and "27 of 29" in diagnostic.message


def test_every_kind_has_a_drawing_style() -> None:
    assert set(KIND_STYLES) == set(get_args(TimelineKind))


def test_layout_cuts_the_quiet_days_out(report: Report) -> None:
    plan = layout(report.timeline)
    assert [lane.label for lane in plan.lanes] == [
        JOB_LANE, "APP-WEB02", "File Server 03", "SQL-PROD01",
    ]  # fmt: skip
    assert len(plan.segments) == 3
    assert [text for _, text in plan.breaks()] == ["+23 h", "+23 h"]
    xs = [plan.x(e.host_time) for e in report.timeline]
    assert xs == sorted(xs) and 0 <= xs[0] < xs[-1] <= 1
    night_three = plan.segments[2]
    assert night_three.width >= 0.1  # a nine-second burst is still readable
    assert len(backup_spans(report.timeline)) == 3


def test_layout_of_a_single_moment_and_a_vm_known_only_by_guid() -> None:
    moment = datetime(2024, 1, 1, tzinfo=timezone.utc)
    entry = TimelineEntry(
        time=moment,
        host_time=moment.astimezone(HOST_ZONE),
        kind="merge-failed",
        label="19100",
        vm=VmRef(id="C0FFEE00-1234-4ABC-9DEF-00112233AABB"),
        path="vmms.xml",
        line=3,
    )
    plan = layout([entry])
    assert [lane.label for lane in plan.lanes] == ["C0FFEE00-1234-4ABC-9DEF-00112233AABB"]
    assert plan.breaks() == [] and 0 < plan.x(entry.host_time) < 1
    assert plan.ticks()[0][1] == "01-01 09:00:00"


def test_labels_keep_their_message_and_render_in_japanese(report: Report) -> None:
    japanese = localize_report(report, "ja")
    by_kind = {e.kind: e for e in reversed(japanese.timeline)}  # the first entry of each kind
    assert by_kind["backup-start"].label == "バックアップ実行 1 の開始"
    assert by_kind["merge-failed"].label == (
        "イベント 19100: バックグラウンドでのディスク マージの失敗 (エラー コード: 0x8007052F)"
    )
    assert by_kind["cleanup"].label.endswith("のクリーンアップ: DestroySnapshot 成功")
    ends = [e.label for e in japanese.timeline if e.kind == "backup-end"]
    assert ends[2] == "バックアップ実行 3 の終了: 失敗"
    titles = {f.id: f.title for f in japanese.findings}
    for entry in japanese.timeline:
        if entry.finding_id is not None:
            assert entry.label == titles[entry.finding_id] and not entry.label_id
        else:
            assert entry.label_id.startswith("timeline.") and entry.label != entry.label_id
    # the ids and arguments stay, so the English labels come back
    assert localize_report(japanese, "en").timeline == report.timeline
    merge = next(e for e in report.timeline if e.kind == "merge-failed")
    assert merge.label_args == {
        "event_id": 19100, "what": "timeline.event.merge-failed", "hresult": "0x8007052F",
    }  # fmt: skip


def test_an_entry_without_a_label_id_still_loads_and_keeps_its_label(report: Report) -> None:
    data = json.loads(report.model_dump_json())
    for entry in data["timeline"]:
        del entry["label_id"], entry["label_args"]
    data["schema_version"] = "1.1"
    old = Report.model_validate(data)
    start = old.timeline[0]
    assert start.label_id == "" and start.label_args == {}
    japanese = localize_report(old, "ja")
    assert japanese.timeline[0].label == "backup run 1 started"  # no message to render again
    assert any(e.kind == "finding" and "チェックポイント" in e.label for e in japanese.timeline)


def test_japanese_layout_words(report: Report) -> None:
    plan = layout(report.timeline, lang="ja")
    assert plan.lanes[0].label == "ジョブ / ホスト" and plan.lanes[0].key == JOB_LANE
    assert [text for _, text in plan.breaks()] == ["+23 時間", "+23 時間"]


def test_timeline_text_in_japanese(report: Report) -> None:
    japanese = localize_report(report, "ja").timeline
    out = render_timeline_text(japanese, lang="ja")
    assert out.startswith("(ジョブまたはホスト)\n")
    assert (
        "  backup-end        バックアップ実行 3 の終了: 失敗 [エラー]  (avhypervvss.log:46)" in out
    )
    assert "(job or host)" not in out and "[error]" not in out
    english = render_timeline_text(report.timeline)
    assert english.startswith("(job or host)\n") and "backup run 3: failed [error]" in english
