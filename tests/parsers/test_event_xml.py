"""Event XML: every export variant and encoding, Hyper-V fields, hostile and broken input."""

from __future__ import annotations

import io
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avlogparse.models.diagnostics import ParseStats
from avlogparse.models.records import EventRecord, Unparsed
from avlogparse.parsers.event_xml import parse_event_xml

DATA = Path(__file__).parent.parent / "data" / "event_xml"
NS = "http://schemas.microsoft.com/win/2004/08/events/event"
VMMS_19100 = (
    f"<Event xmlns='{NS}'><System><Provider Name='Microsoft-Windows-Hyper-V-VMMS' "
    "Guid='{6066f867-7ca1-4418-85fd-36e3f9c0600c}'/><EventID Qualifiers='0'>19100</EventID>"
    "<Version>0</Version><Level>2</Level><Task>0</Task><Opcode>0</Opcode>"
    "<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='2019-05-09T15:35:02.2356205Z'/>"
    "<EventRecordID>4711</EventRecordID><Correlation ActivityID='{ab-cd}'/>"
    "<Execution ProcessID='3012' ThreadID='4470'/><Channel>Microsoft-Windows-Hyper-V-VMMS-Admin</Channel>"
    "<Computer>SERVER.corp.example</Computer><Security UserID='S-1-5-18'/></System>"
    "<UserData><VmlEventLog xmlns='http://www.microsoft.com/Windows/Virtualization/Events'>"
    "<VmName>DDR-Dev2</VmName><VmId>{8f23a1b2-0c4d-4e5f-9a6b-7c8d9e0f1a2b}</VmId>"
    "<ErrorMessage>%%2147943727</ErrorMessage><ErrorCode>0x8007052F</ErrorCode></VmlEventLog></UserData>"
    "<RenderingInfo Culture='en-US'><Message>'DDR-Dev2' background disk merge failed to complete: "
    "Account restrictions are preventing this user from signing in. (0x8007052F). "
    "(Virtual machine ID 8F23A1B2-0C4D-4E5F-9A6B-7C8D9E0F1A2B)</Message><Level>Error</Level>"
    "<Task>None</Task></RenderingInfo></Event>"
)


def parse(data: bytes | str) -> tuple[list[EventRecord | Unparsed], ParseStats]:
    raw = data.encode() if isinstance(data, str) else data
    stats = ParseStats(path="vmms.xml", kind="event-xml")
    records = list(parse_event_xml(io.BytesIO(raw), "vmms.xml", stats))
    assert stats.balanced()
    assert not [d for d in stats.diagnostics if d.code == "internal-error"]
    return records, stats


def test_vmms_19100_every_field() -> None:
    [event], stats = parse(f"<Events>{VMMS_19100}</Events>")
    assert isinstance(event, EventRecord)
    assert event.provider == "Microsoft-Windows-Hyper-V-VMMS"
    assert event.provider_guid == "6066F867-7CA1-4418-85FD-36E3F9C0600C"
    assert (event.event_id, event.qualifiers, event.version, event.level) == (19100, 0, 0, 2)
    assert event.level_name == "Error" and event.rendering_level == "Error"
    assert (event.task, event.opcode, event.keywords) == (0, 0, "0x8000000000000000")
    assert event.timestamp == datetime(2019, 5, 9, 15, 35, 2, 235620, tzinfo=timezone.utc)
    assert event.time_basis == "utc"
    assert event.event_record_id == 4711 and event.activity_id == "AB-CD"
    assert (event.process_id, event.thread_id) == (3012, 4470)
    assert event.channel == "Microsoft-Windows-Hyper-V-VMMS-Admin"
    assert event.computer == "SERVER.corp.example" and event.user_sid == "S-1-5-18"
    assert event.data_kind == "UserData"
    assert list(event.data) == ["VmName", "VmId", "ErrorMessage", "ErrorCode"]
    assert event.vm_name == "DDR-Dev2"
    assert event.vm_id == "8F23A1B2-0C4D-4E5F-9A6B-7C8D9E0F1A2B"
    assert event.hresult == 0x8007052F and event.hresult_hex == "0x8007052F"
    assert event.message and event.message.startswith("'DDR-Dev2' background disk merge")
    assert event.rendering_culture == "en-US" and event.line == 1 and event.raw == VMMS_19100
    assert stats.non_event_lines == 2  # <Events> and </Events>


def test_hresult_from_insertion_and_from_message() -> None:
    without_code = VMMS_19100.replace("<ErrorCode>0x8007052F</ErrorCode>", "")
    [event], _ = parse(without_code)
    assert event.hresult == 0x8007052F
    message_only = without_code.replace("<ErrorMessage>%%2147943727</ErrorMessage>", "")
    message_only = message_only.replace("<VmName>DDR-Dev2</VmName>", "").replace(
        "<VmId>{8f23a1b2-0c4d-4e5f-9a6b-7c8d9e0f1a2b}</VmId>", ""
    )
    [event], _ = parse(message_only)
    assert event.hresult == 0x8007052F
    assert event.vm_name == "DDR-Dev2" and event.vm_id == "8F23A1B2-0C4D-4E5F-9A6B-7C8D9E0F1A2B"


def test_worker_event_and_positional_data() -> None:
    worker = (
        f"<Event xmlns='{NS}'><System><Provider Name='Microsoft-Windows-Hyper-V-Worker' "
        "Guid='{51ddfa29-d5c8-4803-be4b-2ecb715570fe}'/><EventID>18590</EventID><Level>1</Level>"
        "<TimeCreated SystemTime='2020-09-20T06:30:07.000000000Z'/></System><UserData>"
        "<VmlEventLog xmlns='http://www.microsoft.com/Windows/Virtualization/Events'>"
        "<VmName>vm1</VmName><VmId>E0D0C0B0-A090-8070-6050-403020100000</VmId>"
        "<VmErrorCode0>0x1</VmErrorCode0></VmlEventLog></UserData></Event>"
    )
    classic = (
        f"<Event xmlns='{NS}'><System><Provider Name='MSExchange CmdletLogs'/>"
        "<EventID Qualifiers='16384'>1</EventID><Level>4</Level>"
        "<TimeCreated SystemTime='2021-11-19 16:52:33.833733+00:00'/></System>"
        "<EventData Name='DNS_EVENT'><Data>a</Data><Data>b</Data><Data Name='x'>c</Data>"
        "<Binary>00FF</Binary></EventData></Event>"
    )
    (first, second), _ = parse(worker + classic)
    assert isinstance(first, EventRecord) and isinstance(second, EventRecord)
    assert first.vm_name == "vm1" and first.level_name == "Critical"
    assert first.data["VmErrorCode0"] == "0x1"
    assert second.data == {"Data0": "a", "Data1": "b", "x": "c", "Binary": "00FF"}
    assert second.qualifiers == 16384 and second.vm_name is None
    assert second.timestamp == datetime(2021, 11, 19, 16, 52, 33, 833733, tzinfo=timezone.utc)


def test_wevtutil_bare_events_count_lines() -> None:
    text = VMMS_19100 + "\r\n" + VMMS_19100 + VMMS_19100 + "\r\n"
    records, stats = parse(text)
    assert [r.line for r in records] == [1, 2, 2]
    assert stats.events_seen == 3 and stats.event_records == 3


def test_pretty_printed_double_quotes_and_rust_record_lines() -> None:
    records, stats = parse((DATA / "evtx-rs-records.txt").read_bytes())
    assert stats.event_records == 7 and stats.unparsed_events == 0
    assert stats.non_event_lines >= 7  # "Record N" and declarations
    assert all(isinstance(r, EventRecord) and r.event_id for r in records)


def test_python_evtx_export() -> None:
    [event], _ = parse((DATA / "python-evtx.xml").read_bytes())
    assert isinstance(event, EventRecord)
    assert event.event_id == 4672 and event.line == 4 and event.qualifiers is None
    assert event.timestamp == datetime(2017, 6, 23, 5, 31, 19, 787264, tzinfo=timezone.utc)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be"])
def test_encodings(encoding: str) -> None:
    text = f'<?xml version="1.0" encoding="utf-8"?>\r\n<Events>\r\n{VMMS_19100}\r\n</Events>\r\n'
    data = text.encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    elif encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    [event], stats = parse(data)
    assert isinstance(event, EventRecord) and event.vm_name == "DDR-Dev2" and event.line == 3
    assert stats.non_event_lines == 3


def test_truncated_file_keeps_events_before_the_break() -> None:
    text = "<Events>\n" + VMMS_19100 + "\n" + VMMS_19100 + "\n" + VMMS_19100[:300]
    records, stats = parse(text)
    assert [type(r).__name__ for r in records] == ["EventRecord", "EventRecord", "Unparsed"]
    assert records[2].line == 4 and "truncated" in records[2].reason  # type: ignore[union-attr]
    assert not stats.complete
    assert [d.code for d in stats.diagnostics] == ["xml-truncated"]


def test_broken_event_in_the_middle_costs_one_event() -> None:
    broken = VMMS_19100.replace("<Level>2</Level>", "<Level>2</Lvl>")
    unclosed = VMMS_19100.replace("</Event>", "")
    records, stats = parse("\n".join([VMMS_19100, broken, unclosed, VMMS_19100, "&junk; <"]))
    assert [type(r).__name__ for r in records] == ["EventRecord", "Unparsed", "Unparsed", "EventRecord"]
    assert [r.line for r in records] == [1, 2, 3, 4]
    assert stats.unparsed_events == 2


def test_non_numeric_event_id_and_absurd_times() -> None:
    events = "".join(
        VMMS_19100.replace("<EventID Qualifiers='0'>19100</EventID>", f"<EventID>{event_id}</EventID>")
        .replace("2019-05-09T15:35:02.2356205Z", stamp)
        for event_id, stamp in [
            ("abc", "0000-01-01T00:00:00Z"),
            ("", "9999-12-31T23:59:59.9999999Z"),
            ("19100", "-0001-01-01T00:00:00Z"),
            ("\uff11\uff19\uff11\uff10\uff10", "1601-01-01T00:00:00.000000Z"),
        ]
    )
    records, stats = parse(events)
    assert len(records) == 4 and all(isinstance(r, EventRecord) for r in records)
    assert [r.event_id for r in records] == [None, None, 19100, None]  # type: ignore[union-attr]
    assert [r.timestamp is None for r in records] == [True, False, True, True]  # type: ignore[union-attr]
    codes = {d.code for d in stats.diagnostics}
    assert {"event-id-invalid", "timestamp-invalid"} <= codes


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>&lol9;</EventID></System></Event></Events>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Computer>&xxe;</Computer></System></Event>
"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entities_are_never_expanded(document: str) -> None:
    started = time.perf_counter()
    [record], _ = parse(document)
    assert isinstance(record, Unparsed) and "undefined entity" in record.reason
    assert "root:" not in record.raw
    assert time.perf_counter() - started < 5  # a DoS guard, not a speed target


def test_oversized_event_is_refused() -> None:
    from avlogparse.limits import Limits

    huge = VMMS_19100.replace("DDR-Dev2</VmName>", "x" * 5000 + "</VmName>")
    stats = ParseStats(path="x", kind="event-xml")
    records = list(parse_event_xml(io.BytesIO(huge.encode()), "x", stats, Limits(max_event_bytes=2048)))
    assert isinstance(records[0], Unparsed) and stats.balanced()
    assert any(d.limit == "max_event_bytes" for d in stats.diagnostics)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_never_raise(data: bytes) -> None:
    parse(data)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_exports_never_raise(data: st.DataObject) -> None:
    text = f"<Events>\n{VMMS_19100}\n{VMMS_19100}\n</Events>\n"
    cut = data.draw(st.integers(0, len(text)))
    insert = data.draw(st.sampled_from(["<", ">", "&", "<Event>", "</Event>", "\x00", "'", "<!DOCTYPE x>", "\ud800"]))
    mutated = text[:cut] + insert + text[cut:]
    records, stats = parse(mutated.encode("utf-8", errors="surrogatepass"))
    assert stats.events_seen == len(records)
