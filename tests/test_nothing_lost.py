"""Nothing lost: every line and every event of every data file is accounted for.

For each data file under ``samples/`` and ``tests/`` (not code, not caches) the parsers'
counts must balance (:meth:`ParseStats.balanced`) and agree with counts made here
independently of the parsers: line breaks for the Avamar logs, ``<Event`` start tags for
event XML. Every file is also parsed as every kind, whatever it really is, so the unparsed
paths are exercised by real text too. Per folder, the report of :func:`avlogparse.analyze`
must list each file once, carry the same counts as the parser, add them up in
:class:`ReportStats`, and summarise every unparsed line in ``unparsed_shapes``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

import pytest

import avlogparse
from avlogparse.correlation.collector import MAX_UNPARSED_SHAPES, OTHER_SHAPES
from avlogparse.errors import NotABundleError
from avlogparse.models.records import Unparsed
from avlogparse.sources import SOURCES, parse_file
from avlogparse.sources.evtx import EVTX_MAGIC

ROOT = Path(__file__).parent.parent
CODE_SUFFIXES = {".py", ".pyc"}
DATA_FILES = sorted(
    path
    for top in ("samples", "tests")
    for path in (ROOT / top).rglob("*")
    if path.is_file()
    and path.suffix not in CODE_SUFFIXES
    and not {"__pycache__", ".pytest_cache", ".hypothesis"} & set(path.parts)
)
FOLDERS = sorted({path.parent for path in DATA_FILES})
PARSED_KINDS = [source.kind for source in SOURCES]
LINE_BREAK = re.compile(rb"\r\n|\r|\n")
EVENT_START_TAG = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?Event[\s/>]")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# a System log from a volume shadow copy, with zeroed chunks among used ones: read, and said
# to be incomplete (tests/data/evtx/SOURCES.md)
EVTX_WITH_HOLES = {"2-vss_7-System.evtx"}


def name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def count_lines(data: bytes) -> int:
    """Lines as an editor counts them: CRLF, CR or LF ends one; a final break adds none."""
    if data.startswith(_UTF16_BOMS):
        data = data.decode("utf-16").encode("utf-8")
    if not data:
        return 0
    return len(LINE_BREAK.split(data)) - (1 if data.endswith((b"\n", b"\r")) else 0)


def test_there_are_data_files_of_every_kind() -> None:
    kinds = {parse_file(path).kind for path in DATA_FILES}
    assert kinds == {*PARSED_KINDS, "unknown"}


@pytest.mark.parametrize("kind", PARSED_KINDS, ids=PARSED_KINDS)
@pytest.mark.parametrize("path", DATA_FILES, ids=[name(p) for p in DATA_FILES])
def test_every_line_and_event_is_accounted_for(path: Path, kind: str) -> None:
    parsed = parse_file(path, kind)
    records = list(parsed)
    stats = parsed.stats
    data = path.read_bytes()
    assert stats.balanced(), stats
    assert not [d for d in stats.diagnostics if d.code == "internal-error"]
    if kind == "evtx":
        assert stats.bytes_read == len(data)
        assert stats.events_seen == len(records) == stats.records + stats.unparsed
        if not data.startswith(EVTX_MAGIC):  # not an .evtx: said so, nothing read, incomplete
            assert records == [] and not stats.complete
            assert {d.code for d in stats.diagnostics} == {"evtx-corrupt"}
            return
        assert stats.unparsed == 0 and stats.events_seen > 0
        assert stats.complete is (path.name not in EVTX_WITH_HOLES), stats.diagnostics
        return
    assert stats.complete
    assert stats.bytes_read == len(data)
    unparsed = [r for r in records if isinstance(r, Unparsed)]
    assert stats.unparsed == len(unparsed)
    assert stats.records + stats.unparsed == len(records)
    assert [r.line for r in records] == sorted(r.line for r in records)
    if kind == "event-xml":
        assert stats.events_seen == len(records)
        if parse_file(path).kind == "event-xml":  # real exports: count the start tags
            text = data.decode(stats.encoding or "utf-8", "replace")
            assert stats.events_seen == len(EVENT_START_TAG.findall(text))
    else:
        assert stats.lines_total == count_lines(data)
        assert all(1 <= r.line <= stats.lines_total for r in records)


@pytest.mark.parametrize("folder", FOLDERS, ids=[name(f) or "." for f in FOLDERS])
def test_the_report_accounts_for_every_file(folder: Path) -> None:
    files = [p for p in DATA_FILES if folder in p.parents]
    if all(parse_file(p).kind == "unknown" for p in files):
        with pytest.raises(NotABundleError, match=f"{len(files)} file"):
            avlogparse.analyze(folder)  # e.g. tests/data/sarif: nothing to analyse, said so
        return
    report = avlogparse.analyze(folder)
    by_path = {row.path: row for row in report.inputs}
    assert len(by_path) == len(report.inputs) == report.stats.files
    for path in (p for p in DATA_FILES if folder in p.parents):
        row = by_path[path.relative_to(folder).as_posix()]
        parsed = parse_file(path)
        list(parsed)
        if parsed.kind == "unknown":
            assert row.status == "unknown"
            continue
        stats = parsed.stats
        assert row.status == "read" and row.complete is (path.name not in EVTX_WITH_HOLES)
        counts = (row.lines, row.events, row.records, row.unparsed)
        assert counts == (stats.lines_total, stats.events_seen, stats.records, stats.unparsed)
    totals = report.stats
    assert totals.lines == sum(row.lines for row in report.inputs)
    assert totals.events == sum(row.events for row in report.inputs)
    assert totals.records == sum(row.records for row in report.inputs)
    assert totals.unparsed == sum(row.unparsed for row in report.inputs)
    assert sum(shape.count for shape in report.unparsed_shapes) == totals.unparsed


def test_unparsed_lines_of_more_shapes_than_listed_are_still_counted(tmp_path: Path) -> None:
    shapes = MAX_UNPARSED_SHAPES + 20
    words = [f"{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(shapes)]  # no digits
    junk = "".join(f"unknown {word} line\n" for word in words)
    (tmp_path / "avhypervvss.log").write_text("avhypervvss Info <43419>: start\n" + junk)
    report = avlogparse.analyze(tmp_path)
    assert report.stats.unparsed == shapes
    assert sum(shape.count for shape in report.unparsed_shapes) == shapes
    [other] = [s for s in report.unparsed_shapes if s.template == OTHER_SHAPES]
    assert other.count == shapes - MAX_UNPARSED_SHAPES
