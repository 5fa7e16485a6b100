"""Hostile structure, end to end through the CLI: cut XML, bad EventIDs and times, odd VM names.

Each case adds a file beside the sample's three; the harness (``harness.py``) checks that
nothing crashed and the counts add up, and each test checks what the report says about the
damage and that the sample's findings are all still found.

Covered at the parser level elsewhere (not repeated here): ``tests/parsers/
test_event_xml.py`` — truncation at every byte of an export, a broken event in the middle,
EventID and SystemTime edge cases one by one; ``tests/parsers/test_avhypervvss.py`` —
43426 without a GUID, names with quotes and angle brackets, Japanese names.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import SAMPLE, CliRunner, parse_records, run_capped, text_command

VMMS_NS = "http://schemas.microsoft.com/win/2004/08/events/event"
GUID = "5E1F2A3B-4C5D-4E6F-8A9B-0C1D2E3F4A5B"  # in no sample file
START = "2024-03-13 00:05:04 avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' guest backup type"
ODD_NAME = 'O\'Brien "DB" <prod> & 検証サーバー'


def failed(reference: str, stamp: str = "2024-03-13 00:05:09") -> str:
    """A 43426 line; ``reference`` is what stands between the quotes (``NAME<GUID>``)."""
    return (
        f"{stamp} avhypervvss Error <43426>: Checkpoint creation for Virtual machine "
        f"'{reference}' has failed and will be skipped from backup."
    )


def event(event_id: str | None, system_time: str, vm_name: str = "NOISE-VM") -> str:
    """One VMMS event on one line; ``vm_name`` is inserted as XML (escape it yourself)."""
    event_id_xml = "" if event_id is None else f"<EventID>{event_id}</EventID>"
    return (
        f"<Event xmlns='{VMMS_NS}'><System><Provider Name='Microsoft-Windows-Hyper-V-VMMS'/>"
        f"{event_id_xml}<TimeCreated SystemTime='{system_time}'/>"
        "<Computer>HV-NODE01.corp.example</Computer></System>"
        f"<UserData><VmlEventLog><VmName>{vm_name}</VmName><VmId>{GUID}</VmId></VmlEventLog>"
        "</UserData></Event>"
    )


def export(*events: str) -> str:
    return "<Events>\n" + "\n".join(events) + "\n</Events>\n"


def test_xml_cut_inside_an_event_keeps_every_complete_event(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    lines = (SAMPLE / "Microsoft-Windows-Hyper-V-VMMS-Admin.xml").read_text().splitlines()
    broken_at = 12  # the event on this line is cut in half; lines 3.. hold one event each
    cut = "\n".join([*lines[: broken_at - 1], lines[broken_at - 1][:150]])
    (bundle / "zz-cut.xml").write_text(cut)
    run = avlogparse_cli(bundle)
    assert run.code == 3  # could not judge: a file was cut short
    row = run.input("zz-cut.xml")
    complete_events = broken_at - 3
    assert (row["events"], row["records"], row["unparsed"]) == (
        complete_events + 1,
        complete_events,
        1,
    )
    assert not row["complete"]
    [where] = run.diagnostics("xml-truncated")
    assert (where["path"], where["line"]) == ("zz-cut.xml", broken_at)
    assert sample_findings <= run.findings()


def test_missing_and_non_numeric_event_ids(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    stamp = "2024-03-13T00:00:00Z"
    ids = ["abc", None, "-5", "", "18O12"]
    (bundle / "zz-ids.xml").write_text(export(*(event(i, stamp) for i in ids)))
    run = avlogparse_cli(bundle)
    assert run.code == 0
    row = run.input("zz-ids.xml")
    assert (row["events"], row["records"], row["unparsed"]) == (len(ids), len(ids), 0)
    invalid = run.diagnostics("event-id-invalid")
    assert [d["line"] for d in invalid] == [2, 3, 4, 5, 6]
    assert sample_findings <= run.findings()


@pytest.mark.parametrize("tz", [None, "+09:00", "-12:00", "+14:00"])
def test_absurd_timestamps(
    bundle: Path,
    avlogparse_cli: CliRunner,
    sample_findings: set[tuple[str, str | None]],
    tz: str | None,
) -> None:
    """Years 0, 1, 9999 and negative ones, in the event export and in the plug-in logs."""
    stamps = ["0000-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999Z", "-0001-01-01T00:00:00Z",
              "2024-13-45T99:99:99Z", "0001-01-01T00:00:00+14:00"]  # fmt: skip
    (bundle / "zz-times.xml").write_text(export(*(event("18012", s) for s in stamps)))
    (bundle / "zz-times.log").write_text(
        "\r\n".join(
            [
                START.replace("2024-03-13", "0001-01-01"),
                failed(f"YEAR-1-VM<{GUID}>", "0001-01-01 00:00:00"),
                failed(f"YEAR-9999-VM<{GUID}>", "9999-12-31 23:59:59"),
                failed(f"YEAR-0-VM<{GUID}>", "0000-00-00 00:00:00"),
                failed(f"NEGATIVE-VM<{GUID}>", "-001-01-01 00:00:00"),
                "winclustersvc INFO<0000>: Cleaning up checkpoint created on group"
                " AvamarBackup_HV-NODE01-nightly-99991231235959-0: checkpoint x",
            ]
        )
    )
    run = avlogparse_cli(bundle, *([f"--tz={tz}"] if tz else []))
    assert run.code == 0
    invalid = [(d["path"], d["line"]) for d in run.diagnostics("timestamp-invalid")]
    assert [(p, n) for p, n in invalid if p == "zz-times.xml"] == [
        ("zz-times.xml", n) for n in range(2, 7)
    ]
    assert ("zz-times.log", 4) in invalid  # month 0 is no date
    if tz in (None, "+09:00"):  # the sample's own zone, given or inferred
        assert sample_findings <= run.findings()


def test_43426_lines_with_missing_or_malformed_guids(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    references = {
        "NO-GUID-VM": "NO-GUID-VM",
        "EMPTY-GUID-VM<>": "EMPTY-GUID-VM",
        "BAD-GUID-VM<not-a-guid>": "BAD-GUID-VM",
        "MASKED-VM<XXXXX-XXXX-XXXX-XXXX-XXXXXX>": "MASKED-VM",  # as in the KB article
        "SHORT-VM<5E1F2A3B-4C5D>": "SHORT-VM",
    }
    path = bundle / "zz-guids.log"
    path.write_text("\r\n".join([START, *(failed(r) for r in references)]) + "\r\n")
    run = avlogparse_cli(bundle)
    assert run.code == 0
    found = {
        f["vm"]["name"]: f["vm"]["id"]
        for f in run.report["findings"]
        if f["rule_id"] == "checkpoint-creation-failed"
    }
    assert {name: found.get(name, "no finding") for name in references.values()} == dict.fromkeys(
        references.values()
    )
    records = parse_records(path)[1:]
    assert [r["vm_name"] for r in records] == list(references.values())
    assert [r["vm_id_valid"] for r in records] == [None, False, False, False, False]
    assert sample_findings <= run.findings()


def test_vm_names_with_quotes_angle_brackets_and_japanese_survive_exactly(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    log = bundle / "zz-names.log"
    log.write_text(f"{START}\r\n{failed(f'{ODD_NAME}<{GUID}>')}\r\n", encoding="utf-8")
    escaped = "O&apos;Brien &quot;DB&quot; &lt;prod&gt; &amp; 検証サーバー"
    xml = bundle / "zz-names.xml"
    xml.write_text(export(event("18012", "2024-03-12T15:05:09Z", escaped)), encoding="utf-8")
    run = avlogparse_cli(bundle)
    [finding] = [
        f
        for f in run.report["findings"]
        if f["rule_id"] == "checkpoint-creation-failed" and f["vm"]["id"] == GUID
    ]
    assert finding["vm"]["name"] == ODD_NAME
    assert any(ODD_NAME in item["text"] for item in finding["evidence"])
    assert parse_records(log)[1]["vm_name"] == ODD_NAME
    assert parse_records(xml)[0]["vm_name"] == ODD_NAME
    assert sample_findings <= run.findings()


def test_a_name_the_console_cannot_encode_does_not_cost_the_report(bundle: Path) -> None:
    (bundle / "zz-names.log").write_text(f"{START}\r\n{failed(f'{ODD_NAME}<{GUID}>')}\r\n")
    done = run_capped(text_command(bundle), "cp1252", PYTHONIOENCODING="cp1252")  # western
    assert done.returncode == 0, done.stderr
    assert "O'Brien" in done.stdout
