"""The notebook API: DataFrames, the swimlane plot, and the error without the extra."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import avlogparse
from avlogparse.errors import ConfigError
from avlogparse.models.report import Report
from avlogparse.models.timeline import Timeline
from avlogparse.notebook import (
    FINDING_COLUMNS,
    RECORD_COLUMNS,
    TIMELINE_COLUMNS,
    NotebookExtraMissing,
    records_frame,
)

SAMPLE = Path(__file__).parent.parent / "samples" / "kb-orphaned-checkpoint"
VMMS = "Microsoft-Windows-Hyper-V-VMMS-Admin.xml"


@pytest.fixture(scope="module")
def report() -> Report:
    return avlogparse.analyze(SAMPLE)


@pytest.mark.parametrize("module", ["pandas", "matplotlib"])
def test_without_the_extra_the_error_says_what_to_install(
    report: Report, module: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    call = report.findings_frame if module == "pandas" else report.timeline.plot
    with pytest.raises(NotebookExtraMissing) as raised:
        call()
    assert isinstance(raised.value, ImportError) and raised.value.name == module
    assert "pip install 'avlogparse[notebook]'" in str(raised.value)


def test_findings_frame(report: Report) -> None:
    pytest.importorskip("pandas")
    frame = report.findings_frame()
    assert tuple(frame.columns) == FINDING_COLUMNS and len(frame) == 10
    assert frame["severity"].cat.ordered
    assert frame.sort_values("severity").iloc[-1]["rule_id"] == "no-backup-targets"
    assert str(frame["first_seen"].dt.tz) == "UTC"
    merges = frame[frame["rule_id"] == "checkpoint-merge-failed"]
    assert sorted(merges["first_evidence"]) == [f"{VMMS}:{line}#{line + 4097}" for line in (13, 14, 15)]
    assert set(merges["vm_name"]) == {"SQL-PROD01", "APP-WEB02", "File Server 03"}
    orphan = frame[frame["rule_id"] == "orphaned-checkpoint"].iloc[0]
    assert orphan["evidence"] == len(report.findings[1].evidence)
    assert "dell.com" in orphan["references"]


def test_findings_frame_language(report: Report) -> None:
    pytest.importorskip("pandas")
    assert report.findings_frame(lang="en").equals(report.findings_frame())
    with pytest.raises(ConfigError, match="unknown language 'xx'"):
        report.findings_frame(lang="xx")
    japanese = report.findings_frame(lang="ja")
    assert list(japanese["id"]) == list(report.findings_frame()["id"])
    assert japanese["title"].str.contains("チェックポイント").any()


def test_timeline_frame(report: Report) -> None:
    pytest.importorskip("pandas")
    frame = report.timeline.frame()
    assert tuple(frame.columns) == TIMELINE_COLUMNS and len(frame) == len(report.timeline)
    assert (frame["host_time"] - frame["time"].dt.tz_localize(None) == timedelta(hours=9)).all()
    failed = frame[frame["kind"] == "merge-failed"]
    assert list(failed["line"]) == list(range(13, 22))
    assert set(failed["severity"]) == {"error"}


def test_records_frame_reads_the_whole_bundle_again(report: Report) -> None:
    pytest.importorskip("pandas")
    frame = records_frame(report)
    assert tuple(frame.columns) == RECORD_COLUMNS
    assert len(frame) == report.stats.records + report.stats.unparsed == 70
    assert frame.groupby("source").size().to_dict() == {
        "avhypervvss": 35, "event-xml": 23, "winclustersvc": 12,
    }  # fmt: skip
    first = frame[(frame["path"] == "avhypervvss.log") & (frame["line"] == 1)].iloc[0]
    # host-local 00:05:05 at UTC+09:00 is 15:05:05 UTC the day before
    assert first["timestamp"].to_pydatetime().replace(tzinfo=None) == datetime(2024, 3, 9, 15, 5, 5)
    assert first["time_basis"] == "host-local" and first["code"] == 0
    assert str(frame["code"].dtype) == "Int64" and str(frame["event_id"].dtype) == "Int64"


def test_records_frame_kinds_and_limit(report: Report) -> None:
    pytest.importorskip("pandas")
    events = records_frame(report, kinds=["event-xml"])
    assert set(events["source"]) == {"event-xml"} and len(events) == 23
    assert list(events[events["event_id"] == 19100]["line"]) == list(range(13, 22))
    assert len(records_frame(report, limit=5)) == 5
    assert len(records_frame(SAMPLE, kinds=["winclustersvc"], limit=0)) == 0
    with pytest.raises(ValueError):
        records_frame(report, kinds=["syslog"])


def test_plot_draws_one_lane_per_vm(report: Report) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    pyplot = pytest.importorskip("matplotlib.pyplot")
    ax = report.timeline.plot()
    labels = [label.get_text() for label in ax.get_yticklabels()]
    assert labels == ["job / host", "APP-WEB02", "File Server 03", "SQL-PROD01"]
    assert [t.get_text() for t in ax.texts] == ["+23 h", "+23 h"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "merge failed" in legend and "finding" in legend
    _, own = pyplot.subplots()
    assert report.timeline.plot(ax=own) is own
    empty = Timeline().plot(ax=pyplot.subplots()[1])
    assert "no moment" in empty.texts[0].get_text()
    pyplot.close("all")
