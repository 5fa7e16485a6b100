"""Binary ``.evtx`` files (parsers/evtx.py): the real samples of ``tests/data/evtx``, their XML
exports in every shape giving the same records, hostile files, and the extra missing."""

from __future__ import annotations

import io
import shutil
import struct
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from evtx_shapes import SHAPES, shapes

import avlogparse
from avlogparse.cli import main
from avlogparse.models.diagnostics import ParseStats
from avlogparse.models.records import Unparsed
from avlogparse.sources import Record, parse_file, parse_stream, sniff_kind
from avlogparse.sources.event_xml import EventLine, EventRecord, parse_event_xml
from avlogparse.sources.evtx import CHUNK_BYTES, EVTX_MAGIC, HEADER_BYTES, parse_evtx

evtx = pytest.importorskip("evtx")

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "evtx"
KB = ROOT / "samples" / "kb-orphaned-checkpoint"

Six = tuple[int, str, str, str, int, int]  # EventID, SystemTime, Computer, Provider, ERID, Level

# Computed once from evtx 0.14.0's own JSON (records_json(), Event.System) of each file:
# (events, first event's six fields, last event's six fields). The tests compare our parse
# to these literals.
EXPECTED: dict[str, tuple[int, Six, Six]] = {
    "2-vss_7-System.evtx": (
        1160,
        (12, "2018-07-06T18:37:44.881628Z", "DESKTOP-1N4R894", "Microsoft-Windows-Kernel-General", 1, 4),
        (33, "2018-08-08T14:44:03.605386Z", "DESKTOP-1N4R894", "Volsnap", 1422, 4),
    ),
    "Security_with_size_t.evtx": (
        636,
        (4608, "2015-08-24T06:51:38.406250Z", "26L2233B1-02", "Microsoft-Windows-Security-Auditing", 1, 0),
        (4672, "2015-09-12T18:20:02.345125Z", "WIN-L0ZZQ76PMUF", "Microsoft-Windows-Security-Auditing", 636, 0),
    ),
    "issue_201.evtx": (
        1,
        (1, "2021-11-19T16:52:33.833733500Z", "WEC.ave.local", "MSExchange CmdletLogs", 3229, 4),
        (1, "2021-11-19T16:52:33.833733500Z", "WEC.ave.local", "MSExchange CmdletLogs", 3229, 4),
    ),
    "new-user-security.evtx": (
        4,
        (4728, "2013-10-23T16:22:39.973500Z", "IE8Win7", "Microsoft-Windows-Security-Auditing", 111, 0),
        (4732, "2013-10-23T16:22:40.004750Z", "IE8Win7", "Microsoft-Windows-Security-Auditing", 116, 0),
    ),
    "sample-with-irregular-bool-values.evtx": (
        3028,
        (4116, "2018-07-28T07:25:01.257213Z", "WIN-LL0C19JS506", "Microsoft-Windows-GroupPolicy", 1, 4),
        (6339, "2019-03-20T20:57:45.580766Z", "DESKTOP-0QT8017", "Microsoft-Windows-GroupPolicy", 3028, 4),
    ),
    "security_bad_string_cache.evtx": (
        2261,
        (4608, "2016-07-08T18:12:51.681640Z", "37L4247F27-25", "Microsoft-Windows-Security-Auditing", 1, 0),
        (4672, "2017-04-14T01:21:10.906949Z", "WIN-03DLIIOFRRA", "Microsoft-Windows-Security-Auditing", 2261, 0),
    ),
    "system.evtx": (
        1881,
        (6009, "2017-07-12T17:16:28.214161Z", "WIN-P4SIAA0SQCO", "EventLog", 1, 4),
        (7023, "2018-03-06T08:13:42.009159Z", "DESKTOP-2KGM189", "Service Control Manager", 1881, 2),
    ),
}  # fmt: skip
SAMPLES = sorted(EXPECTED)
SMALL = ("new-user-security", "issue_201")  # their XML shapes are committed fixtures


def parse_path(path: Path) -> tuple[list[Record], ParseStats]:
    parsed = parse_file(path)
    records = list(parsed)
    return records, parsed.stats


def parse_bytes(data: bytes, name: str = "x.evtx") -> tuple[list[Record], ParseStats]:
    parsed = parse_stream(io.BytesIO(data), name, "evtx")
    records = list(parsed)
    return records, parsed.stats


def models(records: list[Record]) -> list[EventRecord]:
    out = []
    for record in records:
        assert isinstance(record, EventRecord | EventLine), record
        out.append(record.to_model() if isinstance(record, EventLine) else record)
    return out


def six(record: EventRecord) -> Six:
    assert record.event_id is not None and record.timestamp is not None
    assert record.computer is not None and record.provider is not None
    assert record.event_record_id is not None and record.level is not None
    return (
        record.event_id, record.timestamp.isoformat(), record.computer, record.provider,
        record.event_record_id, record.level,
    )  # fmt: skip


def expected_six(fields: Six) -> Six:
    """evtx's SystemTime as avlogparse's aware UTC (microseconds, truncated)."""
    event_id, time_text, computer, provider, record_id, level = fields
    moment = datetime.fromisoformat(time_text[:26]).replace(tzinfo=timezone.utc)
    return (event_id, moment.isoformat(), computer, provider, record_id, level)


def comparable(record: EventRecord) -> dict[str, Any]:
    """Every field but where it is and its raw text (a line vs an EventRecordID; XML vs JSON)."""
    return record.model_dump(exclude={"path", "line", "raw"})


# ---- the real samples ----------------------------------------------------------------------


def test_sniffed_by_magic_whatever_the_name() -> None:
    head = (DATA / "system.evtx").read_bytes()[:16384]
    assert head.startswith(EVTX_MAGIC)
    assert sniff_kind(head, "renamed.log") == "evtx"
    assert sniff_kind(head) == "evtx"


@pytest.mark.parametrize("name", SAMPLES)
def test_real_sample_counts_and_first_last_six_fields(name: str) -> None:
    count, first, last = EXPECTED[name]
    records, stats = parse_path(DATA / name)
    events = models(records)
    assert len(events) == count
    assert stats.events_seen == stats.event_records == count and stats.unparsed_events == 0
    assert stats.balanced() and stats.kind == "evtx"
    assert six(events[0]) == expected_six(first)
    assert six(events[-1]) == expected_six(last)
    for event in events:
        assert event.source == "event-xml" and event.path.endswith(name)
        # located by EventRecordID: System.evtx:4205 is record 4205 of that file
        assert event.line == event.event_record_id
        assert event.channel is not None and event.timestamp is not None


def test_security_sample_keeps_repeated_data_names() -> None:
    # two <Data Name='LogonGuid'> in one event: JSON keeps the last, the parser keeps both
    events = models(parse_path(DATA / "Security_with_size_t.evtx")[0])
    repeated = [e for e in events if "LogonGuid#2" in e.data]
    assert repeated and all(e.data["LogonGuid"] for e in repeated)


def test_vss_sample_reports_its_zeroed_chunks() -> None:
    # a System log copied from a volume shadow copy: chunks 10 and 11 are zeros between
    # chunks holding records. evtx skips them silently; avlogparse says so
    _, stats = parse_path(DATA / "2-vss_7-System.evtx")
    empty = [d for d in stats.diagnostics if d.code == "evtx-chunk-empty"]
    assert [d.message.split(" is ")[0] for d in empty] == ["chunk 10", "chunk 11"]
    assert not stats.complete


def test_c0_character_read_as_the_xml_path_reads_it() -> None:
    records, stats = parse_path(DATA / "security_bad_string_cache.evtx")
    replaced = [e for e in models(records) if "\ufffd" in "".join(e.data.values())]
    assert len(replaced) == 1 and replaced[0].data["MinPasswordAge"] == "\ufffd"
    assert [d.code for d in stats.diagnostics] == ["control-char-replaced"]


@pytest.mark.parametrize("name", SAMPLES)
def test_same_records_from_evtx_and_every_xml_shape(name: str) -> None:
    """pyevtx-rs renders each record as XML; every export shape of them gives the records
    the binary file gives, with zero unparsed (raw C0 characters and all)."""
    binary = models(parse_path(DATA / name)[0])
    rendered = [
        (r["event_record_id"], r["data"]) for r in evtx.PyEvtxParser(str(DATA / name)).records()
    ]
    for shape, data in shapes(rendered).items():
        stats = ParseStats(path=f"{name}.{shape}", kind="event-xml")
        from_xml = models(list(parse_event_xml(io.BytesIO(data), stats.path, stats)))
        assert stats.unparsed_events == 0 and stats.events_seen == len(binary), shape
        assert [comparable(e) for e in from_xml] == [comparable(e) for e in binary], shape


@pytest.mark.parametrize("name", SMALL)
@pytest.mark.parametrize("shape", SHAPES)
def test_committed_xml_fixtures_match_the_binary(name: str, shape: str) -> None:
    path = DATA / "xml" / f"{name}.{shape}.{'txt' if shape == 'record-n' else 'xml'}"
    head = path.read_bytes()[:16384]
    assert sniff_kind(head, path.name) == "event-xml"
    from_xml, stats = parse_path(path)
    binary = models(parse_path(DATA / f"{name}.evtx")[0])
    assert stats.unparsed_events == 0
    assert [comparable(e) for e in models(from_xml)] == [comparable(e) for e in binary]
    count, first, last = EXPECTED[f"{name}.evtx"]
    assert len(from_xml) == count and six(models(from_xml)[0]) == expected_six(first)
    assert six(models(from_xml)[-1]) == expected_six(last)


def test_bundle_member_is_streamed_through_a_spool(tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "bundle.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(DATA / "new-user-security.evtx", "logs/Security-renamed.bin")
    bundle = avlogparse.open_bundle(tmp_path / "bundle.zip")
    seen = []
    for member, stream in bundle.members():
        assert member.kind == "evtx" and not stream.seekable()
        parsed = parse_stream(stream, member.path, member.kind)
        seen.append(([comparable(e) for e in models(list(parsed))], parsed.stats))
    [(events, stats)] = seen
    direct = models(parse_path(DATA / "new-user-security.evtx")[0])
    assert events == [comparable(e) for e in direct] and len(events) == 4
    assert stats.complete and stats.bytes_read == 69632


# ---- analyze: the same findings, exit codes ------------------------------------------------


def _neutral(finding: Any) -> dict[str, Any]:
    """A finding less what names the file form: its id (a hash of its evidence locations)
    and each evidence's path, line and raw text."""
    dumped: dict[str, Any] = finding.model_dump(exclude={"id"})
    for evidence in dumped["evidence"]:
        for key in ("path", "line", "text"):
            evidence.pop(key)
    return dumped


def test_kb_case_with_its_vmms_events_as_evtx_gives_the_same_findings(tmp_path: Path) -> None:
    """The KB case's VMMS export written as a binary .evtx (tests/parsers/evtx_writer.py: no Python
    package writes .evtx), beside the plug-in logs: the findings of the XML bundle, with
    the events located by EventRecordID; the same again from a zip."""
    import zipfile

    from evtx_writer import events_of, write_evtx

    vmms = "Microsoft-Windows-Hyper-V-VMMS-Admin"
    shutil.copytree(KB, tmp_path / "xml")
    (tmp_path / "evtx").mkdir()
    for name in ("avhypervvss.log", "winclustersvc.log"):
        shutil.copy(KB / name, tmp_path / "evtx" / name)
    binary = write_evtx(events_of((KB / f"{vmms}.xml").read_bytes()))
    (tmp_path / "evtx" / f"{vmms}.evtx").write_bytes(binary)
    for form in ("xml", "evtx"):  # each zipped too, as bundle.zip (paths: bundle.zip!…)
        (tmp_path / f"{form}-zip").mkdir()
        zipped = tmp_path / f"{form}-zip" / "bundle.zip"
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted((tmp_path / form).iterdir()):
                archive.write(path, path.name)
    for suffix in ("", "-zip"):
        from_xml = avlogparse.analyze(tmp_path / f"xml{suffix}")
        from_evtx = avlogparse.analyze(tmp_path / f"evtx{suffix}")
        [row] = [i for i in from_evtx.inputs if i.kind == "evtx"]
        assert row.events == 23 and row.unparsed == 0 and row.complete and from_evtx.complete
        assert len(from_xml.findings) == len(from_evtx.findings) >= 10
        assert [_neutral(f) for f in from_evtx.findings] == [_neutral(f) for f in from_xml.findings]
        events = [e for f in from_evtx.findings for e in f.evidence if e.path.endswith(".evtx")]
        assert events and all(4100 <= e.line <= 4122 for e in events)  # EventRecordIDs
        merge = next(f for f in from_evtx.findings if f.rule_id == "checkpoint-merge-failed")
        assert [e.line for e in merge.evidence if e.path.endswith(".evtx")][:1] == [4110]
        cited = next(str(e.location) for e in merge.evidence if e.path.endswith(".evtx"))
        assert cited.endswith(f"{vmms}.evtx#4110")  # a binary log is cited by record id alone


def test_analyze_reads_evtx_beside_the_kb_case(tmp_path: Path) -> None:
    """A real .evtx (a System log) beside the KB case is read, counted, and changes no
    finding."""
    shutil.copytree(KB, tmp_path / "kb")
    before = avlogparse.analyze(tmp_path / "kb")
    shutil.copy(DATA / "system.evtx", tmp_path / "kb" / "System.evtx")
    after = avlogparse.analyze(tmp_path / "kb")
    [system] = [i for i in after.inputs if i.path.endswith("System.evtx")]
    assert system.kind == "evtx" and system.events == 1881 and system.complete
    assert before.findings and [f.model_dump() for f in after.findings] == [
        f.model_dump() for f in before.findings
    ]
    assert all(r.status == "ran" for r in after.rules)


def test_an_evtx_of_another_channel_is_no_vmms_evidence(tmp_path: Path) -> None:
    """Rules need the channel's events, not an event file: a Security .evtx alone leaves the
    VMMS rules skipped, saying which channel is missing (the KB test above has them run)."""
    shutil.copy(DATA / "new-user-security.evtx", tmp_path / "Security.evtx")
    report = avlogparse.analyze(tmp_path)
    merge = next(r for r in report.rules if r.rule_id == "checkpoint-merge-failed")
    assert merge.status == "skipped"
    assert merge.reason == "the bundle holds no Hyper-V-VMMS-Admin events"


def test_without_the_extra_a_clear_diagnostic_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(KB, tmp_path / "kb")
    shutil.copy(DATA / "new-user-security.evtx", tmp_path / "kb" / "Security.evtx")
    monkeypatch.setitem(sys.modules, "evtx", None)  # import evtx -> ImportError
    records, stats = parse_path(tmp_path / "kb" / "Security.evtx")
    assert records == [] and not stats.complete
    [missing] = stats.diagnostics
    assert missing.code == "evtx-unavailable" and "avlogparse[evtx]" in missing.message
    code = main(["analyze", str(tmp_path / "kb"), "--format", "json", "--fail-on", "never"])
    out = capsys.readouterr()
    assert code == 3, out.err
    assert "evtx-unavailable" in out.out and "Traceback" not in out.out + out.err


# ---- hostile files -------------------------------------------------------------------------


def sample() -> bytes:
    return (DATA / "system.evtx").read_bytes()


def chunk_at(index: int) -> int:
    return HEADER_BYTES + index * CHUNK_BYTES


def check_hostile(data: bytes) -> tuple[list[Record], ParseStats]:
    started = time.monotonic()
    records, stats = parse_bytes(data)
    assert time.monotonic() - started < 20
    assert stats.balanced() and len(records) == stats.events_seen
    assert not [d for d in stats.diagnostics if d.code == "internal-error"]
    return records, stats


def codes(stats: ParseStats) -> set[str]:
    return {d.code for d in stats.diagnostics}


def test_truncated_file() -> None:
    records, stats = check_hostile(sample()[: chunk_at(2) + 30000])
    assert 0 < len(records) < 1881 and not stats.complete
    [cut] = [d for d in stats.diagnostics if d.code == "evtx-truncated"]
    assert "chunk 2" in cut.message


@pytest.mark.parametrize("size", [0, 7, 100, HEADER_BYTES])
def test_truncated_header(size: int) -> None:
    records, stats = check_hostile(sample()[:size])
    assert records == [] and not stats.complete
    assert codes(stats) & {"evtx-corrupt", "evtx-truncated"}


def test_zeroed_chunk_is_reported() -> None:
    data = bytearray(sample())
    data[chunk_at(2) : chunk_at(3)] = bytes(CHUNK_BYTES)
    records, stats = check_hostile(bytes(data))
    assert len(records) < 1881 and not stats.complete
    [empty] = [d for d in stats.diagnostics if d.code == "evtx-chunk-empty"]
    assert empty.message.startswith("chunk 2 ")


def test_header_claiming_more_chunks_than_exist() -> None:
    data = bytearray(sample())
    struct.pack_into("<H", data, 42, 0xFFFF)
    records, stats = check_hostile(bytes(data))
    assert len(records) == 1881 and not stats.complete
    assert any("declares 65535 chunks" in d.message for d in stats.diagnostics)


def test_bad_chunk_magic_costs_that_chunk_and_is_named() -> None:
    data = bytearray(sample())
    data[chunk_at(1) : chunk_at(1) + 8] = b"XXXXXXXX"
    records, stats = check_hostile(bytes(data))
    [bad] = [r for r in records if isinstance(r, Unparsed)]
    assert bad.kind == "evtx" and "chunk" in bad.reason and "magic" in bad.reason
    assert stats.unparsed_events == 1 and stats.event_records > 1700 and not stats.complete
    assert "evtx-corrupt" in codes(stats)


def test_garbled_string_cache_names_the_records() -> None:
    data = bytearray(sample())
    data[chunk_at(3) + 600 : chunk_at(3) + 700] = b"\xff" * 100
    records, stats = check_hostile(bytes(data))
    [bad] = [r for r in records if isinstance(r, Unparsed)]
    assert "record IDs 327..444" in bad.reason and bad.line == 327
    assert stats.event_records > 1700


def test_huge_declared_record_size() -> None:
    data = bytearray(sample())
    struct.pack_into("<I", data, chunk_at(0) + 512 + 4, 0xFFFFFFF0)
    records, stats = check_hostile(bytes(data))
    assert any(isinstance(r, Unparsed) for r in records) and stats.event_records > 1700


def test_huge_declared_header_fields() -> None:
    data = bytearray(sample())
    struct.pack_into("<QQQ", data, 8, 2**63, 2**63, 2**63)  # first, last chunk; next record
    struct.pack_into("<I", data, 32, 0xFFFFFFFF)  # header size
    check_hostile(bytes(data))


def test_larger_than_max_member_bytes_is_cut_with_a_diagnostic() -> None:
    from avlogparse.limits import Limits

    class NoSeek(io.BytesIO):
        def seekable(self) -> bool:
            return False

    limits = Limits(max_member_bytes=chunk_at(2))
    stats = ParseStats(path="x.evtx", kind="evtx")
    records = list(parse_evtx(NoSeek(sample()), "x.evtx", stats, limits))
    assert 0 < len(records) < 1881 and not stats.complete
    assert "limit-exceeded" in codes(stats)


class _StuckLibrary:
    """An ``evtx`` module whose iterator raises the same error forever, then one whose
    records are not JSON: the parser must end and count, not spin or raise."""

    class PyEvtxParser:
        def __init__(self, stream: Any) -> None:
            self.stream = stream

        def records_json(self) -> Any:
            return self

        def __iter__(self) -> Any:
            return self

        def __next__(self) -> dict[str, Any]:
            raise RuntimeError("Failed to parse record number 5: stuck")


class _OddLibrary(_StuckLibrary):
    class PyEvtxParser(_StuckLibrary.PyEvtxParser):
        def __next__(self) -> dict[str, Any]:
            if getattr(self, "done", False):
                raise StopIteration
            self.done = True
            return {"event_record_id": 1, "data": "not json"}


def test_a_library_stuck_on_one_error_ends_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "evtx", _StuckLibrary)
    records, stats = check_hostile(sample())
    assert len(records) == 1000 and stats.unparsed_events == 1000 and not stats.complete
    assert any(d.message.startswith("reading stopped") for d in stats.diagnostics)


def test_a_record_that_is_not_an_event_is_unparsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "evtx", _OddLibrary)
    [record], stats = check_hostile(sample())
    assert isinstance(record, Unparsed) and record.raw == "not json" and record.line == 1
    assert stats.unparsed_events == 1
