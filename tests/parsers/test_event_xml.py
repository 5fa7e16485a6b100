"""Event XML: every export variant and encoding, Hyper-V fields, broken and hostile input.

Data files are described in ``tests/data/event_xml/SOURCES.md`` (real python-evtx and Rust
evtx_dump output, synthetic Event Viewer / wevtutil shapes for Hyper-V events).
"""

from __future__ import annotations

import io
import sys
import time
import tracemalloc
from collections.abc import Generator, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avlogparse.catalog import HYPERV_EVENTS, MERGE_PROGRESS_EVENTS
from avlogparse.limits import Limits
from avlogparse.models.diagnostics import ParseStats
from avlogparse.models.records import Unparsed
from avlogparse.render.records_jsonl import record_to_dict
from avlogparse.sources import event_xml
from avlogparse.sources.event_xml import EventLine, EventRecord, parse_event_xml

DATA = Path(__file__).parent.parent / "data" / "event_xml"
NS = "http://schemas.microsoft.com/win/2004/08/events/event"
VML = "http://www.microsoft.com/Windows/Virtualization/Events"
UTC = timezone.utc
SAVE_AS = (DATA / "eventviewer-saveas.xml").read_bytes()
VMMS_19100 = SAVE_AS.decode().split("\r\n")[2]  # one single-quoted event with RenderingInfo
GUID = "8F23A1B2-0C4D-4E5F-9A6B-7C8D9E0F1A2B"

Parsed = list[EventRecord | Unparsed]


def parse(data: bytes | str, limits: Limits | None = None) -> tuple[Parsed, ParseStats]:
    """Parse and check the invariants every input must keep."""
    raw = data.encode() if isinstance(data, str) else data
    stats = ParseStats(path="vmms.xml", kind="event-xml")
    stream = io.BytesIO(raw)
    if limits is None:
        records = list(parse_event_xml(stream, "vmms.xml", stats))
    else:
        records = list(parse_event_xml(stream, "vmms.xml", stats, limits))
    assert stats.balanced()
    assert stats.events_seen == len(records)
    assert stats.event_records == sum(isinstance(r, (EventRecord, EventLine)) for r in records)
    records = [light_checked(r) if isinstance(r, EventLine) else r for r in records]
    # each event knows its place among the file's events, broken ones counted: (//Event)[n]
    assert all(
        r.event_index == n for n, r in enumerate(records, 1) if isinstance(r, EventRecord)
    )
    assert stats.bytes_read == len(raw)
    assert not [d for d in stats.diagnostics if d.code == "internal-error"], stats.diagnostics
    assert all(r.line >= 1 for r in records)
    assert [r.line for r in records] == sorted(r.line for r in records)
    return records, stats


def light_checked(light: EventLine) -> EventRecord:
    """The model of a light record, after checking it agrees with what was read eagerly."""
    hyperv = "hyper-v" in (light.provider or "").lower()
    kept_whole = light.event_id in HYPERV_EVENTS and light.event_id not in MERGE_PROGRESS_EVENTS
    assert not (hyperv and kept_whole), "catalogued Hyper-V events are models straight away"
    # what a merge progress event's EventLine read at parse time, before any model exists
    known = ("computer", "vm_name", "vm_id", "hresult", "hresult_hex")
    early = {name: getattr(light, name) for name in known} if light._known else {}
    assert light._model is None or not early
    model = light.to_model()
    assert light.to_model() is model  # built once
    eager = ("path", "line", "raw", "provider", "event_id", "timestamp", "time_basis", "source")
    assert all(getattr(light, name) == getattr(model, name) for name in eager)
    assert all(value == getattr(model, name) for name, value in early.items())
    assert light.computer == model.computer and light.data == model.data  # read through
    return model


def events(records: Parsed) -> list[EventRecord]:
    assert all(isinstance(r, EventRecord) for r in records), records
    return [r for r in records if isinstance(r, EventRecord)]


def codes(stats: ParseStats) -> list[str]:
    return [d.code for d in stats.diagnostics]


def with_event(**replace: str) -> str:
    """VMMS_19100 with substrings replaced (``old=new`` pairs passed as a dict)."""
    text = VMMS_19100
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


# ---- export variants ---------------------------------------------------------------------


def test_event_viewer_save_as_single_quoted_with_rendering_info() -> None:
    records, stats = parse(SAVE_AS)
    parsed = events(records)
    lines = SAVE_AS.decode().split("\r\n")
    assert [e.line for e in parsed] == [3, 4, 5, 6, 7]
    assert [e.event_id for e in parsed] == [19100, 19080, 18590, 20415, 4015]
    assert [e.raw for e in parsed] == lines[2:7]  # the event's text exactly as in the file
    assert stats.non_event_lines == 3  # declaration, <Events>, </Events>
    assert stats.encoding == "utf-8" and stats.complete and stats.diagnostics == []


def test_catalogued_hyperv_events_are_models_the_rest_light_records() -> None:
    """19100 is catalogued and kept whole: a validated model, and so is the Critical Worker
    18590 (an error the unexplained-errors rule reports); 19080 (merge progress), 20415 and
    4015 are EventLines whose every attribute (and JSON form) is the model's, built only
    when first asked; 19080's host, VM and HRESULT are read straight away."""
    stats = ParseStats(path="vmms.xml", kind="event-xml")
    records = list(parse_event_xml(io.BytesIO(SAVE_AS), "vmms.xml", stats))
    assert [type(r).__name__ for r in records] == [
        "EventRecord", "EventLine", "EventRecord", "EventLine", "EventLine",
    ]  # fmt: skip
    merged = records[1]
    assert isinstance(merged, EventLine) and merged.vm_name is not None
    assert merged.computer is not None and merged._model is None  # no model needed for them
    light = records[3]
    assert isinstance(light, EventLine) and light._model is None  # nothing built yet
    assert repr(light).startswith("EventLine(path='vmms.xml', line=6, provider=")
    assert light.level_name == light.to_model().level_name and light._model is not None
    assert light.model_dump(mode="json") == light.to_model().model_dump(mode="json")
    assert record_to_dict(light) == light.to_model().model_dump(mode="json")
    with pytest.raises(AttributeError):
        light.no_such_field  # noqa: B018


def test_vmms_19100_every_field() -> None:
    [event] = events(parse(SAVE_AS)[0])[:1]
    assert event.source == "event-xml" and event.path == "vmms.xml" and event.line == 3
    assert event.provider == "Microsoft-Windows-Hyper-V-VMMS"
    assert event.provider_guid == "6066F867-7CA1-4418-85FD-36E3F9C0600C"
    assert event.event_source_name is None
    assert (event.event_id, event.qualifiers, event.version) == (19100, None, 0)
    assert (event.level, event.level_name, event.rendering_level) == (2, "Error", "Error")
    assert (event.task, event.opcode, event.rendering_task) == (0, 0, "None")
    assert event.keywords == "0x8000000000000000"
    assert event.timestamp == datetime(2019, 5, 9, 15, 35, 2, 235620, tzinfo=UTC)
    assert event.time_basis == "utc"
    assert event.event_record_id == 4711
    assert event.activity_id == "B2C8A1D0-1F2E-4D3C-8B7A-0A1B2C3D4E5F"
    assert event.related_activity_id is None
    assert (event.process_id, event.thread_id) == (3012, 4470)
    assert event.channel == "Microsoft-Windows-Hyper-V-VMMS-Admin"
    assert event.computer == "HV-NODE01.corp.example" and event.user_sid == "S-1-5-18"
    assert event.data_kind == "UserData"
    assert event.data == {
        "VmName": "SQL-PROD01",
        "VmId": GUID,
        "ErrorMessage": "%%2147943727",
        "ErrorCode": "0x8007052F",
    }
    assert event.vm_name == "SQL-PROD01" and event.vm_id == GUID
    assert event.hresult == 0x8007052F and event.hresult_hex == "0x8007052F"
    assert event.message is not None
    assert event.message.startswith("'SQL-PROD01' background disk merge failed to complete")
    assert event.message.endswith(f"(0x8007052F). (Virtual machine ID {GUID})")
    assert event.rendering_culture == "en-US"
    assert event.raw == VMMS_19100


def test_hresult_from_insertion_when_no_error_code() -> None:
    text = with_event(**{"<ErrorCode>0x8007052F</ErrorCode>": "", "(0x8007052F)": "(gone)"})
    [event] = events(parse(text)[0])
    assert event.hresult == 2147943727 == 0x8007052F and event.hresult_hex == "0x8007052F"


def test_vm_fields_and_hresult_from_the_message_alone() -> None:
    text = with_event(
        **{
            "<VmName>SQL-PROD01</VmName>": "",
            f"<VmId>{GUID}</VmId>": "",
            "<ErrorMessage>%%2147943727</ErrorMessage>": "",
            "<ErrorCode>0x8007052F</ErrorCode>": "",
            "(0x8007052F)": "(0x8007052f)",
        }
    )
    [event] = events(parse(text)[0])
    assert event.data == {}
    assert event.vm_name == "SQL-PROD01" and event.vm_id == GUID
    assert event.hresult == 0x8007052F and event.hresult_hex == "0x8007052F"
    vmid = text.replace(f"(Virtual machine ID {GUID})", f"(VMID {{{GUID.lower()}}})")
    assert events(parse(vmid)[0])[0].vm_id == GUID


def test_error_code_spellings() -> None:
    for code, expected in [("2147943727", 0x8007052F), ("-2147024891", 0x80070005),
                           ("%%2147942432", 0x80070020), ("0x80070020", 0x80070020)]:  # fmt: skip
        text = with_event(**{"<ErrorCode>0x8007052F</ErrorCode>": f"<ErrorCode>{code}</ErrorCode>"})
        assert events(parse(text)[0])[0].hresult == expected, code
    # a %%n below 0x80000000 is a message-table insertion, not an HRESULT: the message decides
    text = with_event(**{"<ErrorCode>0x8007052F</ErrorCode>": "", "%%2147943727": "%%14592"})
    assert events(parse(text)[0])[0].hresult == 0x8007052F


def test_worker_18590_with_vmname_and_vmid_children() -> None:
    worker = events(parse(SAVE_AS)[0])[2]
    assert worker.provider == "Microsoft-Windows-Hyper-V-Worker"
    assert worker.provider_guid == "51DDFA29-D5C8-4803-BE4B-2ECB715570FE"
    assert (worker.event_id, worker.level, worker.level_name) == (18590, 1, "Critical")
    assert worker.rendering_level == "Critique"  # RenderingInfo text is kept as written
    assert worker.vm_name == "File Server 03"
    assert worker.vm_id == "C0FFEE00-1234-4ABC-9DEF-00112233AABB"
    assert worker.data["VmId"] == "c0ffee00-1234-4abc-9def-00112233aabb"  # data as written
    assert worker.data["VmErrorCode1"] == "0xFFFFF80000000000"
    assert worker.data["VmErrorMessage"] == ""  # whitespace only
    assert worker.hresult is None and worker.hresult_hex is None
    assert worker.user_sid == "S-1-5-83-1-3771777264-1081088144-1618019458-270622736"
    assert worker.timestamp == datetime(2020, 9, 20, 6, 30, 7, tzinfo=UTC)  # 9 digits


def test_positional_parameters_and_rendered_newlines() -> None:
    migration = events(parse(SAVE_AS)[0])[3]
    assert migration.vm_name == "DC-INFRA01"
    assert migration.vm_id == "7E41B2C9-5D30-4A86-B1F4-6C2D8E9A0B17"
    assert migration.data["Parameter2"] == "0.128"
    assert migration.rendering_culture == "fr-FR" and migration.rendering_level == "Avertissement"
    assert migration.message == (
        "La migration dynamique de l'ordinateur virtuel 'DC-INFRA01' a réussi.\n"
        "Temps d'interruption : 0.128 s. (ID d'ordinateur virtuel "
        "7E41B2C9-5D30-4A86-B1F4-6C2D8E9A0B17)"
    )


def test_event_data_with_name_attribute_positional_data_and_binary() -> None:
    dns = events(parse(SAVE_AS)[0])[4]
    assert dns.data_kind == "EventData"
    assert dns.data == {
        "Data0": "0000251D",
        "Data1": "",
        "Zone": "corp.example",
        "Data2": "last",
        "Binary": "1D250000",
    }  # the Name on <EventData> itself names no value
    assert dns.qualifiers == 16384 and dns.event_source_name == "DNS"
    assert dns.provider_guid is None and dns.user_sid is None
    assert dns.timestamp == datetime(2021, 3, 1, 8, 0, 0, 500000, tzinfo=UTC)
    assert (dns.vm_name, dns.vm_id, dns.hresult) == (None, None, None)  # not a Hyper-V provider


def test_duplicate_data_names_keep_every_value() -> None:
    text = VMMS_19100.replace(
        f"<UserData><VmlEventLog xmlns='{VML}'>",
        f"<UserData><VmlEventLog xmlns='{VML}'><VmName>a</VmName>",
    )
    data = events(parse(text)[0])[0].data
    assert data["VmName"] == "a" and data["VmName#2"] == "SQL-PROD01"


def test_wevtutil_bare_concatenated_events() -> None:
    records, stats = parse((DATA / "wevtutil-bare.xml").read_bytes())
    parsed = events(records)
    assert [(e.line, e.event_id, e.event_record_id) for e in parsed] == [
        (1, 18590, 91),
        (1, 19100, 4711),
        (2, 19100, 4713),
    ]
    assert stats.non_event_lines == 0 and stats.complete and stats.diagnostics == []
    assert all(e.message is None and e.rendering_culture is None for e in parsed)
    text = (DATA / "wevtutil-bare.xml").read_text()
    assert all(e.raw in text and e.raw.endswith("</Event>") for e in parsed)


def test_pretty_printed_double_quoted() -> None:
    data = (DATA / "pretty-double-quoted.xml").read_bytes()
    [event], stats = parse(data)
    assert isinstance(event, EventRecord)
    assert event.line == 1 and event.raw == data.decode().rstrip("\n")
    assert event.provider_guid == "6066F867-7CA1-4418-85FD-36E3F9C0600C"
    assert event.timestamp == datetime(2017, 11, 21, 10, 57, 53, 874847, tzinfo=UTC)
    assert event.data["ErrorMessage"] == "%%2147942432"
    assert (event.vm_name, event.vm_id) == ("DDR-Dev2", "E0D0C0B0-A090-4070-8050-403020100000")
    assert event.hresult_hex == "0x80070020" and stats.non_event_lines == 0


def test_python_evtx_export() -> None:
    [event], stats = parse((DATA / "python-evtx.xml").read_bytes())
    assert isinstance(event, EventRecord)
    assert (event.event_id, event.line, event.level, event.level_name) == (4672, 4, 0, "LogAlways")
    assert event.qualifiers is None and event.activity_id is None and event.user_sid is None
    assert event.timestamp == datetime(2017, 6, 23, 5, 31, 19, 787264, tzinfo=UTC)
    assert event.data["PrivilegeList"].startswith("SeSecurityPrivilege\n")
    assert stats.non_event_lines == 3  # XML 1.1 declaration, <Events>, </Events>


def test_python_evtx_and_rust_agree_on_the_same_records() -> None:
    py_records, py_stats = parse((DATA / "hello-python-evtx.xml").read_bytes())
    rs_records, rs_stats = parse((DATA / "hello-evtx-rs.txt").read_bytes())
    py, rs = events(py_records), events(rs_records)
    assert [e.event_record_id for e in py] == [e.event_record_id for e in rs] == [1, 2, 3, 4, 5, 0]
    assert [e.event_id for e in py] == [e.event_id for e in rs]
    for a, b in zip(py[:5], rs[:5], strict=True):
        assert a.timestamp is not None and b.timestamp is not None
        assert abs(a.timestamp - b.timestamp) <= timedelta(microseconds=1)  # float rounding
    # the zero FILETIME: 0001-01-01 00:00:00 (python-evtx), 1601-01-01T00:00:00.000000Z (Rust)
    assert py[5].timestamp is None and rs[5].timestamp is None and py[5].time_basis == "none"
    assert codes(py_stats) == codes(rs_stats) == ["timestamp-invalid"]
    assert [d.line for d in py_stats.diagnostics] == [py[5].line]
    assert rs_stats.non_event_lines == 12  # "Record N" and a declaration before each event
    assert [e.line for e in rs] == [3, 31, 59, 87, 116, 145]


def test_rust_evtx_dump_records() -> None:
    records, stats = parse((DATA / "evtx-rs-records.txt").read_bytes())
    parsed = events(records)
    assert [e.event_id for e in parsed] == [5152, 4611, 4776, 4625, 5152, 5157, 4673]
    assert stats.non_event_lines == 14 and stats.complete
    assert parsed[0].data["Direction"] == "%%14592" and parsed[0].vm_name is None
    assert parsed[0].raw.startswith('<Event xmlns="') and parsed[0].raw.endswith("</Event>")


def test_rust_forwarded_classic_event() -> None:
    [event], stats = parse((DATA / "msexchange-wec-evtx-rs.txt").read_bytes())
    assert isinstance(event, EventRecord)
    assert event.provider == "MSExchange CmdletLogs" and event.provider_guid is None
    assert event.qualifiers == 16384 and event.version is None
    assert event.timestamp == datetime(2021, 11, 19, 16, 52, 33, 833733, tzinfo=UTC)
    assert event.data["Data0"] == "Set-Mailbox" and event.data["Data7"] == ""  # "<Data>\n  </Data>"
    assert "forêt entière" in event.data["Data10"]
    assert len(event.data) == 27 and stats.non_event_lines == 2


def test_user_data_wrapper_and_text_before_the_first_event() -> None:
    [event], stats = parse((DATA / "capi2-userdata-evtx-rs.snap.txt").read_bytes())
    assert isinstance(event, EventRecord)
    assert event.line == 7 and event.data_kind == "UserData"
    assert event.data == {"EventAuxInfo": "", "CorrelationAuxInfo": ""}
    assert stats.non_event_lines == 6  # five lines of snapshot header and the declaration


@pytest.mark.parametrize(
    "event",
    [
        VMMS_19100.replace(f"xmlns='{NS}'", ""),
        VMMS_19100.replace(NS, "urn:somewhere-else"),
        VMMS_19100.replace(
            f"<Event xmlns='{NS}'>", f"<e:Event xmlns:e='{NS}' xmlns='{NS}'>"
        ).replace("</Event>", "</e:Event>"),
    ],
    ids=["no-namespace", "foreign-namespace", "prefixed"],
)
def test_events_in_any_namespace(event: str) -> None:
    [record] = events(parse(f"<Events>\n{event}\n</Events>")[0])
    assert (record.event_id, record.vm_name, record.hresult) == (19100, "SQL-PROD01", 0x8007052F)
    assert record.line == 2 and record.raw == event


def test_system_children_outside_the_event_namespace() -> None:
    text = VMMS_19100.replace("<System>", "<System xmlns=''>")
    [record] = events(parse(text)[0])
    assert record.event_id == 19100 and record.computer == "HV-NODE01.corp.example"


# ---- encodings ---------------------------------------------------------------------------


def _document(declared: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{declared}"?>\r\n<Events>\r\n{VMMS_19100}\r\n</Events>\r\n'
    )


@pytest.mark.parametrize(
    ("codec", "bom", "expected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8"),
        ("utf-16-le", b"\xff\xfe", "utf-16-le"),  # the declaration says utf-8: it lies
        ("utf-16-be", b"\xfe\xff", "utf-16-be"),
        ("utf-16-le", b"", "utf-16-le"),  # no BOM: NUL pattern
    ],
    ids=["utf-8", "utf-8-bom", "utf-16le-bom-lying-declaration", "utf-16be-bom", "utf-16le-no-bom"],
)
def test_encodings(codec: str, bom: bytes, expected: str) -> None:
    text = _document().replace("SQL-PROD01", "SQL-PRÖD01")
    records, stats = parse(bom + text.encode(codec))
    [event] = events(records)
    assert stats.encoding == expected
    assert event.vm_name == "SQL-PRÖD01" and event.line == 3
    assert event.raw == VMMS_19100.replace("SQL-PROD01", "SQL-PRÖD01")
    assert stats.non_event_lines == 3 and stats.diagnostics == []


def test_declared_ansi_encoding_is_honoured() -> None:
    text = _document("windows-1252").replace("SQL-PROD01", "SQL-PRÖD01")
    [event], stats = parse(text.encode("cp1252"))
    assert isinstance(event, EventRecord)
    assert stats.encoding == "cp1252" and event.vm_name == "SQL-PRÖD01"


def test_invalid_utf8_bytes_are_replaced_not_fatal() -> None:
    data = _document().replace("SQL-PROD01", "SQL-PR\udcffOD01").encode("utf-8", "surrogateescape")
    [event], stats = parse(data)
    assert isinstance(event, EventRecord) and event.vm_name == "SQL-PR\ufffdOD01"
    assert codes(stats) == ["decode-replaced"]


def test_read_and_feed_boundaries_do_not_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    documents = [
        SAVE_AS,
        (DATA / "hello-evtx-rs.txt").read_bytes(),
        (DATA / "msexchange-wec-evtx-rs.txt").read_bytes(),
        b"\xff\xfe" + _document().encode("utf-16-le"),
        SAVE_AS.replace(b"<Level>4</Level>", b"<Level>4</Lvl>"),  # broken events too
    ]
    expected = [parse(document) for document in documents]
    monkeypatch.setattr(event_xml, "READ_BYTES", 97)
    monkeypatch.setattr(event_xml, "FEED_BYTES", 13)
    for document, (records, stats) in zip(documents, expected, strict=True):
        small_records, small_stats = parse(document)
        assert [r.model_dump() for r in small_records] == [r.model_dump() for r in records]
        assert small_stats.model_dump() == stats.model_dump()


# ---- truncated and broken input ----------------------------------------------------------


def test_truncated_file_keeps_the_events_before_the_break() -> None:
    text = SAVE_AS.decode()
    start = text.index(text.split("\r\n")[4])  # the event on line 5
    cut = start + 300
    records, stats = parse(text[:cut])
    assert [type(r).__name__ for r in records] == ["EventRecord", "EventRecord", "Unparsed"]
    broken = records[2]
    assert isinstance(broken, Unparsed) and broken.source == "unparsed"
    assert broken.kind == "event-xml" and broken.line == 5 and "truncated" in broken.reason
    assert broken.raw == text[start:cut]
    assert not stats.complete
    assert [(d.code, d.line) for d in stats.diagnostics] == [("xml-truncated", 5)]


def test_truncated_inside_the_event_start_tag() -> None:
    records, stats = parse(f"<Events>\n{VMMS_19100}\n<Event xmlns='http://sch")
    assert [type(r).__name__ for r in records] == ["EventRecord", "Unparsed"]
    assert records[1].line == 3 and codes(stats) == ["xml-truncated"] and not stats.complete


def test_truncated_between_events_loses_no_event_but_is_flagged() -> None:
    records, stats = parse(f"<Events>\r\n{VMMS_19100}\r\n")
    assert len(events(records)) == 1
    assert codes(stats) == ["xml-truncated"] and not stats.complete


def test_broken_event_in_the_middle_costs_one_event() -> None:
    mismatched = with_event(**{"<Level>2</Level>": "<Level>2</Lvl>"})
    text = "\r\n".join(["<Events>", VMMS_19100, mismatched, VMMS_19100, "</Events>", ""])
    records, stats = parse(text)
    assert [type(r).__name__ for r in records] == ["EventRecord", "Unparsed", "EventRecord"]
    assert [r.line for r in records] == [2, 3, 4]
    broken = records[1]
    assert isinstance(broken, Unparsed)
    assert broken.raw == mismatched and "mismatched tag" in broken.reason
    assert stats.diagnostics == []  # the Unparsed record says it all; </Events> is no junk
    assert stats.non_event_lines == 2 and stats.complete


def test_unclosed_event_then_next_event() -> None:
    unclosed = VMMS_19100.replace("</RenderingInfo></Event>", "")
    records, _ = parse("\n".join([VMMS_19100, unclosed, VMMS_19100, VMMS_19100]))
    assert [type(r).__name__ for r in records] == [
        "EventRecord", "Unparsed", "EventRecord", "EventRecord",
    ]  # fmt: skip
    assert [r.line for r in records] == [1, 2, 3, 4]
    assert records[1].raw == unclosed
    assert "not closed" in records[1].reason  # type: ignore[union-attr]


def test_broken_event_start_tag_and_junk_between_events() -> None:
    bad_tag = VMMS_19100.replace("<Event xmlns=", "<Event bad xmlns=")
    text = "\n".join([VMMS_19100, "junk & more <", VMMS_19100, bad_tag, "Record 9", VMMS_19100])
    records, stats = parse(text)
    assert [(type(r).__name__, r.line) for r in records] == [
        ("EventRecord", 1), ("EventRecord", 3), ("Unparsed", 4), ("EventRecord", 6),
    ]  # fmt: skip
    assert records[2].raw == bad_tag
    assert [(d.code, d.line) for d in stats.diagnostics] == [("xml-syntax", 2)]
    assert stats.non_event_lines == 2


def test_raw_of_a_broken_event_is_capped() -> None:
    huge = with_event(
        **{"<Level>2</Level>": "<Level>2</Lvl>", "SQL-PROD01</VmName>": "x" * 9000 + "</VmName>"}
    )
    [broken] = parse(huge)[0]
    assert isinstance(broken, Unparsed) and len(broken.raw) == event_xml.RAW_CAP


def test_c0_characters_are_replaced_and_the_event_is_read() -> None:
    # pyevtx-rs writes C0 control characters of Data values unescaped (not XML 1.0):
    # the event is read with U+FFFD in their place, and a diagnostic says so
    control = with_event(**{"SQL-PROD01</VmName>": "SQL\x03PR\x01OD01\x0f</VmName>"})
    records, stats = parse("\n".join([VMMS_19100, control, VMMS_19100]))
    assert [type(r).__name__ for r in records] == ["EventRecord"] * 3
    recovered = cast(EventRecord, records[1])
    assert recovered.vm_name == "SQL\ufffdPR\ufffdOD01\ufffd" and recovered.event_id == 19100
    assert stats.unparsed_events == 0 and stats.event_records == 3
    [note] = [d for d in stats.diagnostics if d.code == "control-char-replaced"]
    assert note.line == 2 and "U+0003" in note.message


def test_c0_characters_in_a_later_read_are_replaced_on_their_line() -> None:
    filler = "\n".join([VMMS_19100] * 200)  # more than one READ_BYTES
    control = with_event(**{"SQL-PROD01</VmName>": "SQL\x02PROD01</VmName>"})
    records, stats = parse(filler + "\n" + control + "\n")
    assert len(records) == 201 and stats.unparsed_events == 0
    assert cast(EventRecord, records[-1]).vm_name == "SQL\ufffdPROD01"
    [note] = [d for d in stats.diagnostics if d.code == "control-char-replaced"]
    assert note.line == 201


def test_payload_element_named_event_is_payload() -> None:
    # Microsoft-Windows-LanguagePackSetup/Operational: a UserData element named Event, in the
    # events namespace; neither the outer event is lost nor an empty record made
    payload = VMMS_19100.replace(
        "<VmName>", f"<Event xmlns='{NS}'><Inner>1</Inner></Event><VmName>", 1
    )
    assert payload != VMMS_19100
    wrapper = VMMS_19100.replace("<UserData>", f"<UserData><Event xmlns='{NS}'/>", 1)
    records, stats = parse("\n".join([VMMS_19100, payload, wrapper, VMMS_19100]))
    assert [type(r).__name__ for r in records] == ["EventRecord"] * 4
    assert stats.events_seen == 4 and stats.unparsed_events == 0
    kept = cast(EventRecord, records[1])
    assert kept.vm_name == "SQL-PROD01" and "Event" in kept.data


def test_unclosed_event_before_a_new_one_is_still_one_unparsed() -> None:
    cut = VMMS_19100[: VMMS_19100.index("<VmName>")]  # never closed; the next event begins
    records, stats = parse("\n".join([cut, VMMS_19100]))
    assert [type(r).__name__ for r in records] == ["Unparsed", "EventRecord"]
    assert stats.events_seen == 2


# ---- hostile input -----------------------------------------------------------------------

BILLION_LAUGHS = f"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<Events><Event xmlns='{NS}'><System><EventID>&lol9;</EventID></System></Event>
{VMMS_19100}</Events>
"""


def _xxe(target: Path) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{target}"><!ENTITY % remote SYSTEM "file://{target}">%remote;]>
<Event xmlns='{NS}'><System><Computer>&xxe;</Computer></System></Event>
"""


def test_billion_laughs_is_refused_fast() -> None:
    started = time.perf_counter()
    records, stats = parse(BILLION_LAUGHS)
    assert time.perf_counter() - started < 2  # a DoS guard, not a speed target
    assert [type(r).__name__ for r in records] == ["Unparsed", "EventRecord"]
    assert "undefined entity" in records[0].reason  # type: ignore[union-attr]
    assert "lol" not in records[1].raw
    assert [(d.code, d.line) for d in stats.diagnostics] == [("dtd-forbidden", 2)]


@pytest.fixture
def opened_files() -> Iterator[list[str]]:
    """Paths passed to open() while the test runs (an audit hook; hooks cannot be removed)."""
    seen: list[str] = []
    active = [True]

    def hook(event: str, args: tuple[object, ...]) -> None:
        if active[0] and event == "open" and isinstance(args[0], (str, bytes, Path)):
            seen.append(str(args[0]))

    sys.addaudithook(hook)
    yield seen
    active[0] = False


def test_external_entities_are_never_read(tmp_path: Path, opened_files: list[str]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    opened_files.clear()
    records, stats = parse(_xxe(secret))
    assert [type(r).__name__ for r in records] == ["Unparsed"]
    assert "undefined entity" in records[0].reason  # type: ignore[union-attr]
    assert "TOP-SECRET" not in records[0].raw
    assert codes(stats) == ["dtd-forbidden"]
    assert not [name for name in opened_files if "secret" in name]


def test_entity_declaration_inside_an_event() -> None:
    text = VMMS_19100.replace("<System>", "<!ENTITY a 'b'><System>")
    records, stats = parse(text + "\n" + VMMS_19100)
    assert [type(r).__name__ for r in records] == ["Unparsed", "EventRecord"]
    assert codes(stats) == ["dtd-forbidden"]


def test_oversized_event_is_refused_and_the_next_one_kept() -> None:
    big = with_event(**{"SQL-PROD01</VmName>": "x" * 5000 + "</VmName>"})
    records, stats = parse("\n".join([big, VMMS_19100]), Limits(max_event_bytes=2048))
    assert [type(r).__name__ for r in records] == ["Unparsed", "EventRecord"]
    assert [r.line for r in records] == [1, 2]
    assert [(d.code, d.limit) for d in stats.diagnostics] == [("limit-exceeded", "max_event_bytes")]


def test_oversized_event_across_many_feeds() -> None:
    big = with_event(**{"SQL-PROD01</VmName>": "x" * 300_000 + "</VmName>"})
    records, stats = parse("\n".join([VMMS_19100, big, VMMS_19100]), Limits(max_event_bytes=65_536))
    assert [type(r).__name__ for r in records] == ["EventRecord", "Unparsed", "EventRecord"]
    assert len(records[1].raw) == event_xml.RAW_CAP
    assert [d.limit for d in stats.diagnostics] == ["max_event_bytes"]


def test_oversized_start_tag_is_refused() -> None:
    big = VMMS_19100.replace("<Event xmlns=", "<Event a='" + "x" * 300_000 + "' xmlns=")
    records, stats = parse("\n".join([big, VMMS_19100]), Limits(max_event_bytes=65_536))
    assert [type(r).__name__ for r in records] == ["Unparsed", "EventRecord"]
    assert [d.limit for d in stats.diagnostics] == ["max_event_bytes"]


def test_deep_nesting_is_refused() -> None:
    deep = VMMS_19100.replace("<VmName>", "<a>" * 100 + "<VmName>").replace(
        "</VmName>", "</VmName>" + "</a>" * 100
    )
    records, stats = parse("\n".join([deep, VMMS_19100]))
    assert [type(r).__name__ for r in records] == ["Unparsed", "EventRecord"]
    assert [(d.code, d.limit) for d in stats.diagnostics] == [("limit-exceeded", "max_xml_depth")]
    outside = "<a>" * 100 + VMMS_19100 + "</a>" * 100
    records, stats = parse(outside + "\n" + VMMS_19100)
    assert [type(r).__name__ for r in records] == ["EventRecord", "EventRecord"]  # resynced
    assert [d.limit for d in stats.diagnostics] == ["max_xml_depth"]


# ---- field edge cases --------------------------------------------------------------------


def test_non_numeric_or_missing_event_id_is_still_a_record() -> None:
    variants = ["abc", "", "\uff11\uff19\uff11\uff10\uff10", " 19100 "]  # fullwidth digits
    text = "\n".join(
        with_event(**{"<EventID>19100</EventID>": f"<EventID>{value}</EventID>"})
        for value in variants
    )
    text += "\n" + with_event(**{"<EventID>19100</EventID>": ""})
    records, stats = parse(text)
    assert [e.event_id for e in events(records)] == [None, None, None, 19100, None]
    assert [(d.code, d.line) for d in stats.diagnostics] == [
        ("event-id-invalid", 1), ("event-id-invalid", 2), ("event-id-invalid", 3),
        ("event-id-invalid", 5),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "stamp",
    [
        "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "-0001-01-01T00:00:00Z",
        "1601-01-01T00:00:00.000000Z", "0001-01-01 00:00:00", "2019-13-09T15:35:02Z",
        "2019-05-09T25:35:02Z", "2019-05-09T15:35:02+25:00", "yesterday", "",
        "\uff12\uff10\uff11\uff19-05-09T15:35:02Z", "2019-W19-4T15:35:02.2356205Z",
    ],
)  # fmt: skip
def test_absurd_timestamps_are_none_with_a_diagnostic(stamp: str) -> None:
    [event], stats = parse(with_event(**{"2019-05-09T15:35:02.2356205Z": stamp}))
    assert isinstance(event, EventRecord)
    assert event.timestamp is None and event.time_basis == "none"
    assert [(d.code, d.line) for d in stats.diagnostics] == [("timestamp-invalid", 1)]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2019-05-09T15:35:02Z", datetime(2019, 5, 9, 15, 35, 2, tzinfo=UTC)),
        ("2019-05-09T15:35:02.5Z", datetime(2019, 5, 9, 15, 35, 2, 500000, tzinfo=UTC)),
        ("2019-05-09T15:35:02.999999999Z", datetime(2019, 5, 9, 15, 35, 2, 999999, tzinfo=UTC)),
        ("2019-05-09 15:35:02.966627+00:00", datetime(2019, 5, 9, 15, 35, 2, 966627, tzinfo=UTC)),
        ("2019-05-09T17:35:02+02:00", datetime(2019, 5, 9, 15, 35, 2, tzinfo=UTC)),
        ("2019-05-09T10:05:02-0530", datetime(2019, 5, 9, 15, 35, 2, tzinfo=UTC)),
        ("2019-05-09T15:35:02", datetime(2019, 5, 9, 15, 35, 2, tzinfo=UTC)),  # SystemTime is UTC
    ],
)
def test_timestamp_spellings(stamp: str, expected: datetime) -> None:
    [event] = events(parse(with_event(**{"2019-05-09T15:35:02.2356205Z": stamp}))[0])
    assert event.timestamp == expected and event.timestamp.tzinfo is not None


def test_cdata_comments_and_processing_instructions() -> None:
    text = with_event(
        **{"<VmName>SQL-PROD01</VmName>": "<!-- c --><VmName><![CDATA[SQL<&>01]]></VmName><?pi x?>"}
    )
    [event] = events(parse("<!-- head -->\n" + text)[0])
    assert event.vm_name == "SQL<&>01" and event.line == 2


# ---- accounting, memory, safety net --------------------------------------------------------


def test_closing_the_generator_early_marks_the_file_incomplete() -> None:
    stats = ParseStats(path="x", kind="event-xml")
    parser = cast(
        Generator[EventRecord | Unparsed, None, None],
        parse_event_xml(io.BytesIO(SAVE_AS), "x", stats),
    )  # a generator: closing it early must still leave balanced stats
    next(parser)
    parser.close()
    assert stats.events_seen == stats.event_records == 1 and not stats.complete


def test_memory_stays_flat() -> None:
    line = VMMS_19100 + "\r\n"

    def peak(count: int) -> int:
        stream = io.BytesIO(("<Events>\r\n" + line * count + "</Events>\r\n").encode())
        stats = ParseStats(path="x", kind="event-xml")
        tracemalloc.start()
        try:
            for _ in parse_event_xml(stream, "x", stats):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(200), peak(2000)  # 0.25 MB and 2.5 MB of events
    assert large < small * 2 and large < 8 << 20


def test_memory_stays_flat_when_every_event_names_another_long_host() -> None:
    """The per-file memos keep short texts only (a hostile export, 20 KB per host name)."""

    def peak(count: int) -> int:
        events = "".join(
            VMMS_19100.replace("19100", "19070").replace(
                "<Computer>", f"<Computer>{'h' * 20_000}{number}"
            )
            + "\r\n"
            for number in range(count)
        )
        stream = io.BytesIO(f"<Events>\r\n{events}</Events>\r\n".encode())
        stats = ParseStats(path="x", kind="event-xml")
        tracemalloc.start()
        try:
            for number, record in enumerate(parse_event_xml(stream, "x", stats)):
                assert record.computer.startswith("h" * 20_000 + str(number))  # read, not kept
            assert stats.event_records == count
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(40), peak(400)  # 0.8 MB and 8 MB of host names
    assert large < small * 2 and large < 4 << 20


def test_safety_net_turns_a_failing_stream_into_a_diagnostic() -> None:
    class Failing(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise ValueError("disk on fire")

    stats = ParseStats(path="x", kind="event-xml")
    assert list(parse_event_xml(Failing(), "x", stats)) == []
    assert codes(stats) == ["internal-error"] and not stats.complete and stats.balanced()


# ---- properties --------------------------------------------------------------------------


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=4000))
def test_any_bytes_never_raise_and_counts_add_up(data: bytes) -> None:
    parse(data)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.sampled_from(["utf-8", "utf-16-le"]), st.data())
def test_any_bytes_after_a_prefix_never_raise(codec: str, data: st.DataObject) -> None:
    head = ("<Events>\n" + VMMS_19100 + "\n").encode(codec)
    parse(head + data.draw(st.binary(max_size=2000)))


_SNIPPETS = ["<", ">", "&", "<Event>", "</Event>", "<Event ", "\x00", "'", '"', "]]>",
             "<!DOCTYPE x>", "<?xml version='1.0'?>", "<![CDATA[", "<!--", "\ufeff", "\r",
             "Record 3\n", "&lol;", "</Events>", "<Events>"]  # fmt: skip


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.data())
def test_mutated_exports_never_raise(data: st.DataObject) -> None:
    source = data.draw(
        st.sampled_from(
            [SAVE_AS.decode(), (DATA / "hello-evtx-rs.txt").read_text(),
             (DATA / "wevtutil-bare.xml").read_text()]
        )
    )  # fmt: skip
    text = source
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "truncate"]))
        if action == "insert":
            text = text[:at] + data.draw(st.sampled_from(_SNIPPETS)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + data.draw(st.integers(1, 40)) :]
        else:
            text = text[:at]
    records, _ = parse(text.encode("utf-8"))
    read = text.translate(event_xml._C0_TO_FFFD)  # C0 characters are read as U+FFFD
    for record in records:
        if isinstance(record, EventRecord):
            assert record.raw in read  # a record's raw is always a piece of the file


@settings(max_examples=100, deadline=None)
@given(st.integers(0, len(SAVE_AS)))
def test_truncation_anywhere_keeps_every_complete_event(cut: int) -> None:
    _, stats = parse(SAVE_AS[:cut])
    complete_events = SAVE_AS[:cut].count(b"</Event>")
    assert stats.event_records == complete_events
    assert stats.unparsed_events <= 1
    if stats.unparsed_events:
        assert "xml-truncated" in codes(stats) and not stats.complete
