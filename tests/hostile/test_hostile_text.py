"""Hostile text, end to end through the CLI: NULs, bad encodings, odd line breaks, huge lines.

Each case adds one plug-in log beside the sample's files. Its last line is a 43426 for a VM
named after the case, so the test can see that the lines after the damage were still read,
at the right line number, with the name intact; the harness (``harness.py``) checks the
rest (no traceback, counts add up, sample findings kept via ``sample_findings``).

Covered at the parser level elsewhere (not repeated here): ``tests/parsers/
test_avhypervvss.py`` — every encoding and line ending, UTF-16 without BOM, CRLF split across
a read boundary; ``tests/parsers/test_avamar_properties.py`` — any bytes never raise, raw is
the input line; ``tests/parsers/test_event_xml.py`` — invalid UTF-8 in event XML.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import CliRunner, Run, parse_records, text_report

from avlogparse.limits import Limits

CHECKPOINT_FAILED = "checkpoint-creation-failed"
GUID = "C0FFEE00-1234-4ABC-9DEF-00112233AABB"
START = "2024-03-13 00:05:04 avhypervvss Info <43419>: Creating backup CheckPoint with 'Copy' guest backup type"


def failed(vm: str) -> str:
    return (
        f"2024-03-13 00:05:09 avhypervvss Error <43426>: Checkpoint creation for Virtual machine "
        f"'{vm}<{GUID}>' has failed and will be skipped from backup."
    )


def evidence_line(run: Run, vm: str) -> tuple[str, int]:
    """Where the 43426 finding for ``vm`` points."""
    [finding] = [
        f
        for f in run.report["findings"]
        if f["rule_id"] == CHECKPOINT_FAILED and f["vm"]["name"] == vm
    ]
    [item] = [e for e in finding["evidence"] if "43426" in e["text"]]
    return item["path"], item["line"]


def test_nul_bytes(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    text = (
        START.encode() + b"\r\n"
        + b"\x00" * 8192 + b"\r\n"  # NUL padding, as a crash leaves in a log
        + b"avhypervvss Info <43419>: with \x00 inside\r\n"
        + failed("NUL-VM").encode() + b"\r\n"
    )  # fmt: skip
    (bundle / "zz-nul.log").write_bytes(text)
    run = avlogparse_cli(bundle)
    assert run.code == 0
    assert run.input("zz-nul.log")["lines"] == 4
    assert evidence_line(run, "NUL-VM") == ("zz-nul.log", 4)
    assert sample_findings <= run.findings()


def test_invalid_utf8_falls_back_per_line(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    text = (
        START.encode() + b"\r\n"
        + b"avhypervvss Info <43419>: junk \xff\xfe\x81\xc3\r\n"
        + failed("Caf\xe9-VM").encode("cp1252") + b"\r\n"
    )  # fmt: skip
    (bundle / "zz-latin.log").write_bytes(text)
    run = avlogparse_cli(bundle)
    assert run.code == 0
    assert evidence_line(run, "Café-VM") == ("zz-latin.log", 3)
    [fallback] = run.diagnostics("decode-fallback")
    assert fallback["path"] == "zz-latin.log" and fallback["message"].startswith("2 lines")
    assert sample_findings <= run.findings()


def test_invalid_utf16(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    lone_surrogate = "\ud800".encode("utf-16-le", "surrogatepass")
    text = (
        b"\xff\xfe"
        + (START + "\r\n").encode("utf-16-le")
        + lone_surrogate + "x\r\n".encode("utf-16-le")
        + (failed("UTF16-VM") + "\r\n").encode("utf-16-le")
        + b"\x41"  # an odd final byte
    )  # fmt: skip
    (bundle / "zz-utf16.log").write_bytes(text)
    run = avlogparse_cli(bundle)
    assert run.code == 0
    assert run.input("zz-utf16.log")["encoding"] == "utf-16-le"
    assert evidence_line(run, "UTF16-VM") == ("zz-utf16.log", 3)
    assert sample_findings <= run.findings()


def test_mixed_encodings_in_one_file(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    text = (
        START.encode() + b"\r\n"
        + failed("Müller-VM").encode("cp1252") + b"\r\n"
        + failed("検証-VM-SJIS").encode("cp932") + b"\r\n"
        + failed("検証-VM").encode("utf-8") + b"\r\n"
    )  # fmt: skip
    (bundle / "zz-mixed.log").write_bytes(text)
    run = avlogparse_cli(bundle)
    assert run.code == 0
    assert evidence_line(run, "Müller-VM") == ("zz-mixed.log", 2)
    assert evidence_line(run, "検証-VM") == ("zz-mixed.log", 4)  # UTF-8 lines stay exact
    [fallback] = run.diagnostics("decode-fallback")
    assert fallback["message"].startswith("2 lines")  # cp932 is read as cp1252: mojibake
    assert run.input("zz-mixed.log")["lines"] == 4
    assert sample_findings <= run.findings()


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n\r"], ids=["CR", "LF", "CRLF-CR"])
def test_odd_line_breaks(
    bundle: Path,
    avlogparse_cli: CliRunner,
    sample_findings: set[tuple[str, str | None]],
    newline: str,
) -> None:
    """A lone CR ends a line, as in an editor; CRLF followed by CR is two line ends."""
    (bundle / "zz-breaks.log").write_bytes(newline.join([START, failed("CR-VM")]).encode())
    run = avlogparse_cli(bundle)
    lines = 3 if newline == "\r\n\r" else 2
    assert run.input("zz-breaks.log")["lines"] == lines
    assert evidence_line(run, "CR-VM") == ("zz-breaks.log", lines)
    assert sample_findings <= run.findings()


def test_a_50_mb_line_keeps_its_prefix_and_is_marked(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    huge = START + " " + "A" * (50 << 20)
    path = bundle / "zz-huge.log"
    path.write_text(f"{huge}\r\n{failed('AFTER-HUGE')}\r\n")
    run = avlogparse_cli(bundle)
    assert run.code == 0
    assert run.input("zz-huge.log")["lines"] == 2
    [cut] = run.diagnostics("line-truncated")
    assert cut["path"] == "zz-huge.log" and cut["limit"] == "max_line_bytes"
    assert evidence_line(run, "AFTER-HUGE") == ("zz-huge.log", 2)
    assert sample_findings <= run.findings()
    first, second = parse_records(path)
    assert first["truncated"] and huge.startswith(first["raw"]) and len(first["raw"]) == 65_536
    assert not second["truncated"] and second["vm_name"] == "AFTER-HUGE"


def test_empty_files(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    empty = bundle / "empty"
    empty.mkdir()
    for name in ("avhypervvss.log", "winclustersvc.log", "vmms.xml", "notes.txt"):
        (empty / name).write_bytes(b"")
    run = avlogparse_cli(bundle)
    assert run.code == 0
    rows = {
        i["path"]: (i["status"], i["kind"], i["lines"], i["events"]) for i in run.report["inputs"]
    }
    assert {path: row for path, row in rows.items() if path.startswith("empty/")} == {
        "empty/avhypervvss.log": ("read", "avhypervvss", 0, 0),
        "empty/winclustersvc.log": ("read", "winclustersvc", 0, 0),
        "empty/vmms.xml": ("read", "event-xml", 0, 0),
        "empty/notes.txt": ("unknown", "unknown", 0, 0),
    }
    assert sample_findings <= run.findings()


def test_no_final_newline(
    bundle: Path, avlogparse_cli: CliRunner, sample_findings: set[tuple[str, str | None]]
) -> None:
    (bundle / "zz-open-end.log").write_text(f"{START}\r\n{failed('LAST-LINE-VM')}")
    run = avlogparse_cli(bundle)
    assert run.code == 0
    assert evidence_line(run, "LAST-LINE-VM") == ("zz-open-end.log", 2)
    assert sample_findings <= run.findings()


def test_a_message_with_too_many_continuation_lines_says_which_limit_was_hit(
    bundle: Path, avlogparse_cli: CliRunner
) -> None:
    too_many = Limits().max_record_lines + 5
    continuation = "".join(f"    part {n} of a long message\r\n" for n in range(too_many))
    (bundle / "zz-long-message.log").write_text(f"{START}\r\n{continuation}")
    run = avlogparse_cli(bundle)
    assert run.input("zz-long-message.log")["lines"] == too_many + 1  # nothing lost, even so
    assert [d["limit"] for d in run.diagnostics("limit-exceeded")] == ["max_record_lines"]


def test_control_and_bidi_characters_in_names_never_reach_the_terminal(bundle: Path) -> None:
    name = "EVIL\x1b]0;owned\x07\x1b[31mVM\u202egpj.exe"
    (bundle / "zz-escape.log").write_text(f"{START}\r\n{failed(name)}\r\n", encoding="utf-8")
    shown = text_report(bundle)
    assert "EVIL\\x1b]0;owned\\x07\\x1b[31mVM\\u202egpj.exe" in shown
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
