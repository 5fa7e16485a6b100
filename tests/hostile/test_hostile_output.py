"""Hostile text in the output: forged lines, invisible characters, formulas, huge names, dates.

A bundle controls VM names, host names, member names and messages. None of it may start a
line of the text report, hide or reorder text on a terminal, break a JSON Lines reader, run
as a spreadsheet formula, make a renderer quadratic, or crash a renderer with a date.
"""

from __future__ import annotations

import csv
import io
import json
import time
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from harness import EXIT_CODES, SAMPLE, run_capped, text_report
from harness import _command as avlogparse_command

from avlogparse.models.timeline import TimelineEntry
from avlogparse.render.csv_findings import neutralise
from avlogparse.render.html import _when
from avlogparse.render.safe import escape, in_zone, json_line_safe
from avlogparse.render.timeline_layout import layout
from avlogparse.render.timeline_svg import _shorten, timeline_svg

VMMS = SAMPLE / "Microsoft-Windows-Hyper-V-VMMS-Admin.xml"
FORGED = "No findings. All backups healthy."
INVISIBLE = (
    "\u061c\ufeff\u2028\u2029\u180e\u2060\u2061\u2062\u2063\u2064\U000e0001\U000e0041"
    "\u00ad\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\x85\x9b\u200b"
)


def merge_failed(vm_name_xml: str, computer_xml: str = "HV-NODE01.corp.example") -> str:
    """The sample's first 19100 event with another VM (name given as XML) and host."""
    lines = VMMS.read_text(encoding="utf-8").splitlines()
    event = next(line for line in lines if "<EventID>19100</EventID>" in line)
    event = event.replace("<VmName>SQL-PROD01</VmName>", f"<VmName>{vm_name_xml}</VmName>")
    event = event.replace(
        "3F2A8C10-7B4D-4E21-9C55-0A1B2C3D4E5F", "0BADF00D-0000-4000-8000-00000000AAAA"
    )
    event = event.replace("HV-NODE01.corp.example", computer_xml)
    return "<Events>\n" + event + "\n</Events>\n"


def run_text(bundle: Path, *options: str) -> str:
    done = run_capped(
        [*avlogparse_command(), "analyze", str(bundle), "--fail-on", "never", *options]
    )
    assert done.returncode in EXIT_CODES and "Traceback" not in done.stderr, done.stderr
    return done.stdout


# --- the escape itself ------------------------------------------------------------------------


def test_escape_covers_every_control_format_and_separator_character() -> None:
    """Cc (but the tab), Cf, Zl, Zp and Cs as a class, and the whole tag block, per this
    Python's Unicode database: nothing invisible or line-breaking gets through."""
    unsafe = [
        chr(code)
        for code in range(0x110000)
        if (unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp", "Cs") and code != 9)
        or 0xE0000 <= code <= 0xE007F
    ]
    escaped = escape("".join(unsafe))
    assert escaped.isascii() and escaped.count("\\") == len(unsafe)
    assert escape("SQL-PROD01\tx 検証サーバー") == "SQL-PROD01\tx 検証サーバー"
    assert escape("a\nb\rc\u2028d\udcff") == "a\\nb\\rc\\u2028d\\udcff"


def test_json_lines_never_carry_a_raw_unicode_line_break() -> None:
    text = json.dumps({"vm": "a\x85b\u2028c\u2029d"}, ensure_ascii=False)
    safe = json_line_safe(text)
    assert safe.splitlines() == [safe] and json.loads(safe) == json.loads(text)


@pytest.mark.parametrize(
    "cell",
    [" =1+1", "\u00a0=HYPERLINK(1)", "\uff1dcmd", "\uff0b1", "\uff0d1", "\uff20SUM(1)",
     "\u3000+1", "\t=1", "\n=1", "  @x"],
)  # fmt: skip
def test_csv_formula_cells_are_neutralised_after_spaces_and_in_full_width(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


def test_csv_leaves_plain_cells_alone() -> None:
    assert [neutralise(c) for c in ("SQL-PROD01", "a=b", "", " x")] == [
        "SQL-PROD01",
        "a=b",
        "",
        " x",
    ]


# --- end to end: the text report, the timeline, JSON Lines, CSV ------------------------------


def test_newlines_in_vm_name_and_computer_never_start_a_line(bundle: Path) -> None:
    forged = f"EVIL&#10;{FORGED}&#13;{FORGED}\n{FORGED}"
    (bundle / "zz-forged.xml").write_text(merge_failed(forged, f"HOST&#13;{FORGED}"))
    shown = text_report(bundle)
    assert "EVIL\\n" in shown
    assert not [line for line in shown.splitlines() if line.strip().startswith(FORGED)], shown
    assert "\r" not in shown


def test_invisible_and_bidi_characters_are_escaped_in_text_and_timeline(bundle: Path) -> None:
    name = "VM" + "".join(f"&#x{ord(c):x};" for c in INVISIBLE) + "END"
    (bundle / "zz-invisible.xml").write_text(merge_failed(name), encoding="utf-8")
    for shown in (text_report(bundle), run_timeline(bundle)):
        assert "VM\\u061c\\ufeff\\u2028\\u2029\\u180e\\u2060" in shown, shown
        assert not set(INVISIBLE) & set(shown)


def run_timeline(bundle: Path) -> str:
    done = run_capped([*avlogparse_command(), "timeline", str(bundle)])
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout


def test_json_lines_escape_unicode_line_breaks_end_to_end(bundle: Path) -> None:
    (bundle / "zz-breaks.xml").write_text(merge_failed("A&#x85;B&#x2028;C&#x2029;D"))
    out = run_text(bundle, "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert any((row["vm"] or {}).get("name") == "A\x85B\u2028C\u2029D" for row in rows)
    assert not {"\x85", "\u2028", "\u2029"} & set(out)
    records = run_capped([*avlogparse_command(), "parse", str(bundle / "zz-breaks.xml")]).stdout
    assert records and not {"\x85", "\u2028", "\u2029"} & set(records)
    assert all(json.loads(line) for line in records.splitlines())


def test_csv_cells_with_spaced_or_full_width_formulas_are_neutralised(bundle: Path) -> None:
    (bundle / "zz-formula.xml").write_text(merge_failed("\uff1dHYPERLINK(1)"))
    rows = list(csv.DictReader(io.StringIO(run_text(bundle, "--format", "csv"))))
    assert "'\uff1dHYPERLINK(1)" in {row["vm_name"] for row in rows}


# --- denial of service and crashes in the renderers ----------------------------------------


def test_a_huge_vm_name_is_shortened_in_linear_time(bundle: Path) -> None:
    assert _shorten("a" * 30, 26) == "a" * 25 + "…" and _shorten("検" * 14, 26) == "検" * 12 + "…"
    assert _shorten("a" * 26, 26) == "a" * 26 and _shorten("a" * 25 + "検", 26) == "a" * 25 + "…"
    started = time.perf_counter()
    assert _shorten("x" * 2_000_000, 26) == "x" * 25 + "…"
    assert time.perf_counter() - started < 0.5
    (bundle / "zz-long.xml").write_text(merge_failed("L" * 40_000))
    started = time.perf_counter()
    html = run_text(bundle, "--format", "html")
    assert "L" * 25 + "…" in html and time.perf_counter() - started < 20  # was 152 s


@pytest.mark.parametrize("tz", ["+09:00", "+14:00", "-12:00"])
def test_extreme_dates_with_extreme_zones_do_not_crash_the_html(bundle: Path, tz: str) -> None:
    line = (
        "{stamp} avhypervvss Error <43426>: Checkpoint creation for Virtual machine "
        "'{name}<C0FFEE00-1234-4ABC-9DEF-00112233AABB>' has failed and will be skipped.\r\n"
    )
    (bundle / "zz-ages.log").write_text(
        line.format(stamp="0001-01-01 00:00:01", name="OLD")
        + line.format(stamp="9999-12-31 23:59:59", name="NEW")
    )
    done = run_capped(
        [*avlogparse_command(), "analyze", str(bundle), f"--tz={tz}", "--format", "html"]
    )
    assert done.returncode in (0, 1, 3) and done.stdout.startswith("<!DOCTYPE html>"), done.stderr


def test_dates_at_the_ends_of_datetime_are_shown_not_raised() -> None:
    east = timezone(timedelta(hours=14))
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    newest = datetime.max.replace(tzinfo=timezone.utc)
    assert in_zone(oldest, timezone(timedelta(hours=-12))) == oldest
    assert _when(newest, east).startswith("9999-12-31") and _when(oldest, east).startswith("0001")
    entries = [
        TimelineEntry(
            time=moment, host_time=moment, kind="merge-failed", label="x", path="a.xml", line=1
        )
        for moment in (oldest, newest)
    ]
    assert layout(entries).segments
    assert "<svg" in timeline_svg(entries)
