"""winclustersvc.log: the KB's cleanup lines verbatim, group splitting, failure variants."""

from __future__ import annotations

import io
from datetime import datetime

from avlogparse.models.diagnostics import ParseStats
from avlogparse.sources.avamar_log import LogLine
from avlogparse.sources.winclustersvc import ClusterLogRecord, parse_winclustersvc

KB_LINES = """\
winclustersvc INFO<0000>: Cleaning up checkpoint created on group AvamarBackup_SERVER-app-20190510000504-0: checkpoint \\\\SERVER\\root\\virtualization\\v2:Msvm_SnapshotCollection.CollectionID="DXXXXDX-XXCE-XXDX-XABF-XXXDXXXXXX" .
winclustersvc INFO<0000>: DestroySnapshot executed successfully
"""


def parse(text: str) -> tuple[list, ParseStats]:
    stats = ParseStats(path="winclustersvc.log", kind="winclustersvc")
    records = list(parse_winclustersvc(io.BytesIO(text.encode()), "winclustersvc.log", stats))
    assert stats.balanced()
    return records, stats


def test_kb_cleanup_lines_verbatim() -> None:
    (cleanup, destroy), stats = parse(KB_LINES)
    assert stats.unparsed_lines == 0
    assert isinstance(cleanup, ClusterLogRecord) and isinstance(destroy, ClusterLogRecord)
    assert cleanup.source == "winclustersvc"
    assert (cleanup.component, cleanup.level, cleanup.code) == ("winclustersvc", "INFO", 0)
    assert cleanup.group == "AvamarBackup_SERVER-app-20190510000504-0"
    assert cleanup.group_host == "SERVER" and cleanup.group_job == "app"
    assert cleanup.group_started == datetime(2019, 5, 10, 0, 5, 4)
    assert cleanup.group_sequence == 0
    assert cleanup.wmi_host == "SERVER"
    assert cleanup.wmi_path == (
        "\\\\SERVER\\root\\virtualization\\v2:Msvm_SnapshotCollection.CollectionID="
        '"DXXXXDX-XXCE-XXDX-XABF-XXXDXXXXXX"'
    )
    assert cleanup.collection_id == "DXXXXDX-XXCE-XXDX-XABF-XXXDXXXXXX"
    assert destroy.destroy_snapshot == "success" and destroy.line == 2
    assert destroy.raw == "winclustersvc INFO<0000>: DestroySnapshot executed successfully"


def test_host_with_hyphen_split_by_wmi_host() -> None:
    [record], _ = parse(
        "2024-03-11 00:41:02 winclustersvc INFO<0000>: Cleaning up checkpoint created on group "
        "AvamarBackup_HV-NODE01-night-ly-20240311000504-12: checkpoint "
        '\\\\HV-NODE01\\root\\virtualization\\v2:Msvm_SnapshotCollection.CollectionID="{ab-cd}" .'
    )
    assert (record.group_host, record.group_job, record.group_sequence) == (
        "HV-NODE01", "night-ly", 12,
    )  # fmt: skip
    assert record.collection_id == "AB-CD"
    assert record.timestamp == datetime(2024, 3, 11, 0, 41, 2)


def test_destroy_snapshot_failure_variants() -> None:
    records, _ = parse(
        "winclustersvc ERROR<0000>: DestroySnapshot failed with return code 32775\n"
        "winclustersvc ERROR<0000>: DestroySnapshot failed: 0x80070020\n"
        "winclustersvc INFO<0000>: DestroySnapshot was unsuccessful\n"
    )
    assert [r.destroy_snapshot for r in records] == ["failure"] * 3
    assert records[0].return_code == 32775
    assert records[0].return_code_name == "Invalid state for this operation"
    assert records[1].hresult == 0x80070020 and records[1].hresult_hex == "0x80070020"


def test_other_lines_are_light_records() -> None:
    [record], _ = parse("winclustersvc INFO<0000>: Service started\n")
    assert isinstance(record, LogLine) and record.source == "winclustersvc"
    assert record.to_model().model_dump()["source"] == "winclustersvc"
