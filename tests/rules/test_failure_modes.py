"""Issue 12 beyond the fixture folders: typed fields of other channels' events, the
debug layout's clock, and a bundle of only unexplained errors failing the CLI."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from avlogparse.cli import main
from avlogparse.correlation.debug_clock import infer_debug_clock
from avlogparse.models.diagnostics import ParseStats
from avlogparse.sources.avhypervvss import parse_avhypervvss
from avlogparse.sources.event_xml import EventLine, EventRecord, parse_event_xml

HERE = Path(__file__).parent


def _events(path: Path) -> list[EventRecord | EventLine]:
    stats = ParseStats(path=path.name, kind="event-xml")
    with path.open("rb") as stream:
        return [
            r
            for r in parse_event_xml(stream, path.name, stats)
            if isinstance(r, (EventRecord, EventLine))
        ]


def test_vss_event_fields_come_from_event_data() -> None:
    events = _events(HERE / "vss-writer-failed/host-writer-timeout/application.xml")
    [writer] = [e for e in events if isinstance(e, EventRecord) and e.event_id == 8229]
    assert (writer.family, writer.channel, writer.provider) == ("vss", "Application", "VSS")
    assert writer.hresult_hex == "0x800423F2"
    assert writer.writer_id == "66841CD4-6DED-4F4B-8F17-FD23F8DDC3DE"
    assert writer.writer_name == "Microsoft Hyper-V VSS Writer"
    # the Information-level 8224 is neither catalogued nor an error: a light record
    assert all(isinstance(e, EventLine) for e in events if e.event_id == 8224)


def test_csv_event_fields_and_localised_hyperv_text() -> None:
    [lost, timeout] = [
        e
        for e in _events(HERE / "csv-lost/bad-network-path-then-timeout/system.xml")
        if isinstance(e, EventRecord)
    ]
    assert (lost.csv_name, lost.status_name, lost.status_code) == (
        "Volume1", "STATUS_BAD_NETWORK_PATH", "c00000be",
    )  # fmt: skip
    assert (timeout.status_name, timeout.status_code) == ("ERROR_TIMEOUT", "1460")
    # a Chinese host: the text is localised, the code in the data is not
    events = _events(HERE / "disk-full/chinese-host-and-vms-paused/vmms.xml")
    [full] = [e for e in events if e.event_id == 18012]
    assert isinstance(full, EventRecord) and full.hresult_hex == "0x80070070"
    assert full.vm_name == "APPSRV"


def test_vhdmp_disk_and_kvp_noise() -> None:
    events = _events(HERE / "chain-corruption/rct-file-corrupt/vhdmp.xml")
    [corrupt] = [e for e in events if isinstance(e, EventRecord)]
    assert corrupt.event_id == 8 and corrupt.disk_path is not None
    assert corrupt.disk_path.endswith("APPSRV.vhdx")
    noise = _events(HERE / "no-hot-backup/near-miss-kvp-noise-only/vmms.xml")
    kvp = [e for e in noise if e.event_id == 4096]
    assert kvp and all(isinstance(e, EventLine) for e in kvp)  # Error level, but noise


def test_debug_layout_is_unknown_and_its_offset_inferred() -> None:
    path = HERE / "backup-job-failed/replication-blocked/avtar.log"
    stats = ParseStats(path="avtar.log", kind="avhypervvss")
    with path.open("rb") as stream:
        records = list(parse_avhypervvss(stream, "avtar.log", stats))
    debug = [r for r in records if getattr(r, "layout", None) == "debug"]
    assert debug and all(r.time_basis == "unknown" for r in debug)
    clock = infer_debug_clock(
        [(datetime(2021, 6, 29, 6, 6, 17), datetime(2021, 6, 29, 15, 6, 17))], "KST"
    )
    assert clock is not None and clock.offset == timedelta(hours=9)
    assert clock.basis(9 * 60) == "utc" and clock.basis(None) == "offset"
    assert infer_debug_clock([]) is None


@pytest.mark.parametrize(
    ("case", "exit_code"),
    [("only-unknown-errors", 1), ("near-miss-noise-and-explained-errors", 1)],
)
def test_unexplained_errors_fail_the_cli(
    case: str, exit_code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    # the near miss still fails: its 19100 is an error (checkpoint-merge-failed)
    code = main(["analyze", str(HERE / "unexplained-errors" / case), "--fail-on", "error"])
    capsys.readouterr()
    assert code == exit_code


def test_healthy_bundle_does_not_fail(capsys: pytest.CaptureFixture[str]) -> None:
    case = HERE / "no-hot-backup/near-miss-kvp-noise-only"
    assert main(["analyze", str(case), "--fail-on", "error"]) == 0
    capsys.readouterr()


def test_job_lines_are_typed() -> None:
    stats = ParseStats(path="a.log", kind="avhypervvss")
    line = b"avtar Info <6149>: Error summary: 3 errors: 10541, 10509, 17964"
    [record] = list(parse_avhypervvss(io.BytesIO(line), "a.log", stats))
    assert getattr(record, "error_codes", None) == (10541, 10509, 17964)
