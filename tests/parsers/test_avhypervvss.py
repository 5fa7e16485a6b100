"""avhypervvss.log: the scenario's lines verbatim, every layout, encoding and line ending."""

from __future__ import annotations

import io
from datetime import datetime

import pytest

from avlogparse.models.diagnostics import ParseStats
from avlogparse.models.records import Unparsed
from avlogparse.sources.avamar_log import LogLine
from avlogparse.sources.avhypervvss import PluginLogRecord, parse_avhypervvss

SCENARIO = """\
avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' guest backup type
2019-04-15 00:05:05 avhypervvss Info <43420>: Creating backup CheckPoint with 'Application' consistenty level
avhypervvss Error <43426>: Checkpoint creation for Virtual machine 'DELLEMC-VM<XXXXSS-XXXX-XXXX-XXXX-XXXXXX>' has failed and will be skipped from backup. For details, please check 'winclustersvc.log'.
avhypervvss Error <43426>: Checkpoint creation for Virtual machine 'AVAMAR-DEV<XXXXSS-XXXX-XXXX-XXXX-XXXXXX>' has failed and will be skipped from backup. For details, please check 'winclustersvc.log'.
avhypervvss Error <43426>: Checkpoint creation for Virtual machine 'DDR-Dev2<XXXXX-XXXX-XXXX-XXXX-XXXXXX>' has failed and will be skipped from backup. For details, please check 'winclustersvc.log'.
avhypervvss Warning <43427>: No targets available for backup after checkpoint process.
"""


def parse(data: bytes | str, path: str = "avhypervvss.log") -> tuple[list, ParseStats]:
    raw = data.encode() if isinstance(data, str) else data
    stats = ParseStats(path=path, kind="avhypervvss")
    records = list(parse_avhypervvss(io.BytesIO(raw), path, stats))
    assert stats.balanced()
    return records, stats


def test_scenario_lines_verbatim() -> None:
    records, stats = parse(SCENARIO)
    assert stats.lines_total == 6 and stats.record_lines == 6 and stats.unparsed_lines == 0
    assert [r.code for r in records] == [43419, 43420, 43426, 43426, 43426, 43427]
    assert all(isinstance(r, PluginLogRecord) for r in records)
    first, second, *failed, last = records
    assert first.guest_backup_type == "Copy"
    assert first.timestamp is None and first.time_basis == "none"
    assert second.consistency_level == "Application"
    assert second.timestamp == datetime(2019, 4, 15, 0, 5, 5)
    assert second.time_basis == "host-local" and second.timestamp.tzinfo is None
    assert [r.vm_name for r in failed] == ["DELLEMC-VM", "AVAMAR-DEV", "DDR-Dev2"]
    assert failed[2].vm_id == "XXXXX-XXXX-XXXX-XXXX-XXXXXX"
    assert failed[2].vm_id_raw == "XXXXX-XXXX-XXXX-XXXX-XXXXXX"
    assert failed[2].vm_id_valid is False
    assert all(r.referenced_log == "winclustersvc.log" for r in failed)
    assert all(r.time_basis == "host-local-inherited" for r in failed)
    assert failed[0].timestamp == datetime(2019, 4, 15, 0, 5, 5)
    assert last.level == "Warning" and last.component == "avhypervvss"
    for number, (record, line) in enumerate(zip(records, SCENARIO.splitlines(), strict=True), 1):
        assert record.line == number and record.raw == line
        assert record.source == "avhypervvss" and record.path == "avhypervvss.log"


def test_real_guid_normalised_and_original_kept() -> None:
    line = (
        "2024-03-12 00:05:09 avhypervvss Error <43426>: Checkpoint creation for Virtual machine "
        "'File Server 03<{5b0e6c1a-9d2f-4e3b-8a7c-1f2e3d4c5b6a}>' has failed and will be skipped "
        "from backup. For details, please check 'winclustersvc.log'."
    )
    [record], _ = parse(line)
    assert record.vm_name == "File Server 03"
    assert record.vm_id == "5B0E6C1A-9D2F-4E3B-8A7C-1F2E3D4C5B6A"
    assert record.vm_id_raw == "{5b0e6c1a-9d2f-4e3b-8a7c-1f2e3d4c5b6a}"
    assert record.vm_id_valid is True


def test_vm_name_with_quote_and_angle_brackets() -> None:
    line = (
        "avhypervvss Error <43426>: Checkpoint creation for Virtual machine "
        "'say \"hi\" <b>it's</b><8F23A1B2-0C4D-4E5F-9A6B-7C8D9E0F1A2B>' has failed and will be "
        "skipped from backup."
    )
    [record], _ = parse(line)
    assert record.vm_name == 'say "hi" <b>it\'s</b>'
    assert record.vm_id == "8F23A1B2-0C4D-4E5F-9A6B-7C8D9E0F1A2B"
    assert record.referenced_log is None


def test_43426_without_guid_keeps_name() -> None:
    [record], _ = parse(
        "avhypervvss Error <43426>: Checkpoint creation for Virtual machine 'VM1' has failed "
        "and will be skipped from backup."
    )
    assert record.vm_name == "VM1" and record.vm_id is None


def test_correct_spelling_of_consistency() -> None:
    [record], _ = parse(
        "avhypervvss Info <43420>: Creating backup CheckPoint with 'Crash' consistency level"
    )
    assert record.consistency_level == "Crash"


@pytest.mark.parametrize(
    ("line", "component", "level", "code", "message"),
    [
        (
            "2019-04-15 00:20:01 avtar Info <8688>: Status 2019-04-15 00:20:01, 1,024 files, 12 folders, 40.0 GB",
            "avtar", "Info", 8688, "Status 2019-04-15 00:20:01, 1,024 files, 12 folders, 40.0 GB",
        ),
        (
            "avtar Info <5314>: Command failed (1 error, exit code 10028: Operation failed because target server is full)",
            "avtar", "Info", 5314, "Command failed (1 error, exit code 10028: Operation failed because target server is full)",
        ),
        ("avexvss Error <13077>: Unable to complete backup.", "avexvss", "Error", 13077, "Unable to complete backup."),
        ("avexvss Warning <0000>: free text", "avexvss", "Warning", 0, "free text"),
        ("<2019-04-15 00:05:05 avtar Info <5100>: Status", "avtar", "Info", 5100, "Status"),
    ],
)  # fmt: skip
def test_other_components_and_codes(
    line: str, component: str, level: str, code: int, message: str
) -> None:
    [record], _ = parse(line)
    # avtar job lines (5314) and Error/FATAL lines of any component are typed records now
    typed = code == 5314 or level == "Error"
    assert isinstance(record, PluginLogRecord if typed else LogLine)
    assert (record.component, record.level, record.code, record.message) == (
        component, level, code, message,
    )  # fmt: skip
    model = record if isinstance(record, PluginLogRecord) else record.to_model()
    assert model.code == code


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        (
            "avtar Info <5314>: Command failed (5 errors, 2 warnings, exit code 10007: miscellaneous error)",
            {"job_errors": 5, "job_warnings": 2, "exit_code": 10007, "exit_text": "miscellaneous error"},
        ),
        (
            "avtar Info <5314>: Command failed (1 error, exit code 10028: Operation failed because target server is full)",
            {"job_errors": 1, "job_warnings": 0, "exit_code": 10028},
        ),
        ("avtar Info <6149>: Error summary: 5 errors: 6655, 5674, 40009, 0", {"error_codes": (6655, 5674, 40009, 0)}),
        (
            "2021-06-29 15:06:17 avtar Info <7883>: Finished at 2021-06-29 15:06:17 KST, Elapsed time: 0000h:12m:20s",
            {"zone_name": "KST"},
        ),
        (
            "avtar FATAL <0000>: <10608>Replication failed: could not open connection to dest DDR dd2, DDR result code: 5037, desc: illegal operation",
            {"level": "FATAL", "code": 0, "nested_code": 10608},
        ),
        (
            "avhypervvss Error <0000>: 'APPSRV' could not initiate a checkpoint operation: (0x80070020). Error code: '32774'.",
            {"hresult_hex": "0x80070020", "wmi_code": 32774},
        ),
    ],
)  # fmt: skip
def test_avtar_job_and_error_lines_are_typed(line: str, fields: dict[str, object]) -> None:
    [record], _ = parse(line)
    assert isinstance(record, PluginLogRecord)
    assert {name: getattr(record, name) for name in fields} == fields


def test_unknown_plugin_code_still_parses() -> None:
    [record], _ = parse("avhypervvss Info <43499>: something new")
    assert isinstance(record, PluginLogRecord)
    assert record.code == 43499 and record.message == "something new"
    assert record.vm_name is None


def test_glued_heading_and_pid_thread_fields() -> None:
    records, _ = parse(
        "avhypervvss Warning <43427>: No targets available for backup after checkpoint process.Cause\n"
        "2024-01-01 01:02:03 avhypervvss[1234:5678] Info <43419>: Creating backup CheckPoint with 'Copy' guest backup type\n"
        "2024-01-01 01:02:03 avhypervvss [worker-3] Info <0000>: hello\n"
    )
    assert records[0].message.endswith("process.Cause")
    assert records[1].process_id == 1234 and records[1].thread == "5678"
    assert records[2].thread == "worker-3" and records[2].message == "hello"


def test_debug_layout_is_parsed_not_mistaken() -> None:
    [record], _ = parse(
        "2021/02/19-20:11:12.90914 [VcbImageBackupAssistThread] exclude file/folder: C:/x"
    )
    assert record.layout == "debug" and record.thread == "VcbImageBackupAssistThread"
    assert record.timestamp == datetime(2021, 2, 19, 20, 11, 12, 909140)
    assert record.code is None and record.message == "exclude file/folder: C:/x"


def test_multi_line_message_is_one_record() -> None:
    text = (
        "2024-03-10 00:05:06 avhypervvss Info <0000>: Virtual machines in job:\r\n"
        "    SQL-PROD01\r\n"
        "\tAPP-WEB02\r\n"
        "avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' guest backup type\r\n"
    )
    records, stats = parse(text)
    assert len(records) == 2
    assert records[0].continuation == ("    SQL-PROD01", "\tAPP-WEB02")
    assert records[0].full_message == "Virtual machines in job:\n    SQL-PROD01\n\tAPP-WEB02"
    assert records[0].raw == "2024-03-10 00:05:06 avhypervvss Info <0000>: Virtual machines in job:"
    assert stats.continuation_lines == 2 and stats.record_lines == 2
    assert records[1].line == 4
    assert records[1].timestamp == datetime(2024, 3, 10, 0, 5, 6)


def test_unparsed_lines_keep_file_line_and_reason() -> None:
    records, stats = parse("garbage here\n\navhypervvss Info <0000>: ok\n   orphan indent? no\nx")
    kinds = [type(r).__name__ for r in records]
    assert kinds == ["Unparsed", "LogLine", "Unparsed"]
    assert records[0].line == 1 and records[0].raw == "garbage here" and records[0].reason
    assert records[1].continuation == ("   orphan indent? no",)
    assert records[2].line == 5 and records[2].source == "unparsed"
    assert (stats.lines_total, stats.blank_lines, stats.unparsed_lines) == (5, 1, 2)


def test_indented_line_with_no_record_before_is_unparsed() -> None:
    [record], stats = parse("   indented first line\n")
    assert isinstance(record, Unparsed) and stats.unparsed_lines == 1


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp1252"]
)
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_encodings_and_line_endings(encoding: str, newline: str) -> None:
    text = newline.join(
        [
            "2024-03-12 00:05:05 avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' guest backup type",
            "avhypervvss Error <43426>: Checkpoint creation for Virtual machine 'Caf\u00e9-VM<8F23A1B2-0C4D-4E5F-9A6B-7C8D9E0F1A2B>' has failed and will be skipped from backup.",
            "",
        ]
    )
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + text.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + text.encode("utf-16-be")
    else:
        data = text.encode(encoding)
    records, stats = parse(data)
    assert [r.code for r in records] == [43419, 43426]
    assert records[1].vm_name == "Caf\u00e9-VM"
    assert records[1].line == 2
    assert stats.unparsed_lines == 0


def test_utf16_without_bom_detected_by_nul_pattern() -> None:
    data = "avhypervvss Info <0000>: hello\r\n".encode("utf-16-le") * 3
    records, stats = parse(data)
    assert len(records) == 3 and stats.encoding == "utf-16-le"


def test_japanese_vm_name_in_utf8() -> None:
    [record], _ = parse(
        "avhypervvss Error <43426>: Checkpoint creation for Virtual machine "
        "'\u691c\u8a3c\u30b5\u30fc\u30d0<8F23A1B2-0C4D-4E5F-9A6B-7C8D9E0F1A2B>' has failed"
    )
    assert record.vm_name == "\u691c\u8a3c\u30b5\u30fc\u30d0"


def test_invalid_timestamp_is_a_diagnostic_not_an_error() -> None:
    [record], stats = parse("2019-13-45 25:61:61 avhypervvss Info <0000>: odd time")
    assert record.timestamp is None and record.time_basis == "none"
    assert [d.code for d in stats.diagnostics] == ["timestamp-invalid"]


def test_crlf_split_across_chunk_boundary(monkeypatch: pytest.MonkeyPatch) -> None:
    import avlogparse.textio as textio

    monkeypatch.setattr(textio, "CHUNK_BYTES", 7)
    text = "avtar Info <0000>: a\r\navtar Info <0000>: bb\ravtar Info <0000>: c\u00e9\n"
    records, stats = parse(text)
    assert [r.message for r in records] == ["a", "bb", "c\u00e9"]
    assert stats.lines_total == 3


def test_continuation_lines_stay_with_their_own_record() -> None:
    records, _ = parse(
        "avtar Info <0000>: a\n  a1\n\navtar Info <0000>: b\navtar Info <0000>: c\n  c1\n"
    )
    assert [r.continuation for r in records] == [("  a1",), (), ("  c1",)]


def test_long_header_texts_are_matched_but_not_remembered() -> None:
    """The header caches keep short texts only: a hostile log of long lines with a ">:" far
    in would otherwise keep thousands of them (81.6 MiB above imports for an 80 MB log)."""
    from avlogparse.sources.avamar_log import _Headers, _SlotFields
    from avlogparse.sources.memo import MEMO_KEY_CHARS as HEADER_CACHE_KEY_CHARS

    headers = _Headers(lambda code: False)
    slots = _SlotFields(headers)
    short = "avtar Info <5100>: "
    long = "a" * HEADER_CACHE_KEY_CHARS + " Info <5100>: "
    assert slots[short] == (len(short), "avtar", None, None, "Info", 5100)
    assert slots[long] == (len(long), "a" * HEADER_CACHE_KEY_CHARS, None, None, "Info", 5100)
    assert short in headers and short in slots
    assert long not in headers and long not in slots
    line = f"2024-03-13 00:05:04 {long}x".encode()
    stats = ParseStats(path="x.log", kind="avhypervvss")
    [record] = parse_avhypervvss(io.BytesIO(line), "x.log", stats)
    assert (record.component, record.code, record.message) == (long[:-14], 5100, "x")
