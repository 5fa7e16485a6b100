"""Property tests for the Avamar log parsers: any input, no exception, counts add up."""

from __future__ import annotations

import io
import re
from datetime import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from avlogparse.models.diagnostics import ParseStats
from avlogparse.models.records import Unparsed
from avlogparse.sources.avamar_log import STANDARD_LINE, LogLine
from avlogparse.sources.avhypervvss import PluginLogRecord, parse_avhypervvss
from avlogparse.sources.winclustersvc import parse_winclustersvc

PARSERS = (parse_avhypervvss, parse_winclustersvc)

LINE_PIECES = st.sampled_from(
    [
        "avhypervvss Error <43426>: Checkpoint creation for Virtual machine 'A<B>' has failed",
        "2019-04-15 00:05:05 avhypervvss Info <43420>: with 'Application' consistenty level",
        'winclustersvc INFO<0000>: Cleaning up checkpoint created on group AvamarBackup_H-j-20190510000504-0: checkpoint \\\\H\\root:X.CollectionID="1" .',
        "winclustersvc INFO<0000>: DestroySnapshot executed successfully",
        "    continuation",
        "",
        "<",
        "'",
        "2021/02/19-20:11:12.90914 [T] x",
        "\u691c\u8a3c",
        "\x85",
        "\x0c",
    ]
)
# NUL-free: "\x00\n\x00\n" *is* valid BOM-less UTF-16, so NULs are left to the bytes test
TEXT = st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"])
LINE_ENDINGS = st.sampled_from(["\r\n", "\n", "\r"])


def run(parser, data: bytes) -> tuple[list, ParseStats]:  # type: ignore[no-untyped-def]
    stats = ParseStats(path="x.log", kind="test")
    records = list(parser(io.BytesIO(data), "x.log", stats))
    return records, stats


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.sampled_from(PARSERS))
def test_any_bytes_never_raise_and_counts_add_up(data: bytes, parser) -> None:  # type: ignore[no-untyped-def]
    records, stats = run(parser, data)
    assert stats.balanced()
    assert stats.record_lines + stats.unparsed_lines == len(records)
    lines = [r.line for r in records]
    assert lines == sorted(set(lines))
    assert all(1 <= n <= stats.lines_total for n in lines)


@settings(max_examples=150)
@given(
    st.lists(
        st.tuples(st.one_of(LINE_PIECES, st.text(TEXT, max_size=40)), LINE_ENDINGS), max_size=30
    ),
    st.sampled_from(PARSERS),
    st.sampled_from(["utf-8", "utf-16"]),
)
def test_raw_is_the_input_line(pieces: list[tuple[str, str]], parser, encoding: str) -> None:  # type: ignore[no-untyped-def]
    text = "".join(line + ending for line, ending in pieces)
    records, stats = run(parser, text.encode(encoding, errors="surrogatepass"))
    expected = re.split("\r\n|\r|\n", text)
    if expected and expected[-1] == "":
        expected.pop()
    assert stats.lines_total == len(expected)
    assert stats.balanced()
    for record in records:
        assert record.raw == expected[record.line - 1]
        if isinstance(record, LogLine) or hasattr(record, "continuation"):
            for offset, extra in enumerate(record.continuation, 1):
                assert extra == expected[record.line - 1 + offset]


@settings(max_examples=60)
@given(st.binary(max_size=500), st.binary(max_size=500), st.sampled_from(PARSERS))
def test_concatenation_adds_line_counts(a: bytes, b: bytes, parser) -> None:  # type: ignore[no-untyped-def]
    a_text = a.replace(b"\r", b"").replace(b"\n", b"") + b"\n"
    b_text = b.replace(b"\r", b"").replace(b"\n", b"") + b"\n"
    _, alone_a = run(parser, b"x" + a_text)
    _, alone_b = run(parser, b"x" + b_text)
    _, together = run(parser, b"x" + a_text + b"x" + b_text)
    assert together.lines_total == alone_a.lines_total + alone_b.lines_total


STAMPS = st.sampled_from(
    ["", "2019-04-15 00:05:05 ", "2019-04-15 00:05:05.123 ", "2019-04-15  00:05:05 ",
     "2019-13-45 00:05:05 ", "2019-04-15T00:05:05 ", "2019-04-15 00:05+09 ", "2019-0x-15 00:05:05 ",
     "<2019-04-15 00:05:05 ", "2019-04-15 00:05:05x", "\u0662019-04-15 00:05:05 "]
)  # fmt: skip
HEADERS = st.tuples(
    st.sampled_from(["avtar", "avhypervvss", "a-b.c_d", "9x", "", "avtar[12]", "avtar[1:2]"]),
    st.sampled_from([" ", "  ", ""]),
    st.sampled_from(["", "[main] ", "[a>: b] ", "[] "]),
    st.sampled_from(["Info", "INFO", "Warn1ng", ""]),
    st.sampled_from([" ", "", "  "]),
    st.sampled_from(["<5100>", "<43426>", "<123>", "<123456>", "<0000", "5100>"]),
    st.sampled_from([": ", ":", ":  ", " :"]),
)


@settings(max_examples=400)
@given(STAMPS, HEADERS, st.text(TEXT, max_size=20))
def test_fast_path_agrees_with_the_full_grammar(stamp: str, header: tuple[str, ...], tail: str) -> None:
    """The hot loop's shortcut for plain lines must give what STANDARD_LINE gives."""
    line = stamp + "".join(header) + tail.replace("\r", " ").replace("\n", " ")
    if line[:1] in ("", " ", "\t") or line.isspace():
        return
    [record], _ = run(parse_avhypervvss, line.encode("utf-8"))
    match = STANDARD_LINE.match(line)
    if match is None:
        assert isinstance(record, Unparsed) or (isinstance(record, LogLine) and record.layout == "debug")
        return
    ts_text, _, component, pid, tid, thread, level, code, message = match.groups()
    assert (record.component, record.level, record.code, record.message) == (
        component, level, int(code), message,
    )  # fmt: skip
    assert record.process_id == (None if pid is None else int(pid))
    assert record.thread == (tid if thread is None else thread)
    expected_time = None
    if ts_text is not None:
        try:
            expected_time = datetime.fromisoformat(ts_text)
        except ValueError:
            expected_time = None
    assert record.timestamp == expected_time
    assert record.time_basis == ("host-local" if expected_time is not None else "none")


SLOT_STAMPS = st.sampled_from(
    ["2019-04-15 00:05:05 ", "2019-04-15 00:05:06 ", "2019-04-15 00:05:06 ", "",
     "2019-13-45 00:05:05 ", "2019-W16-1 00:05:05 ", "2019-04-15 000505+01 ",
     "2019-04-15T00:05:05 ", "2019-04-15 00:05:05.5 "]
)  # fmt: skip
SLOT_HEADERS = st.sampled_from(
    ["avtar Info <8688>: ", "avhypervvss Info <0000>: ", "avtar Info <5156>: ",
     "avtar Info <7539>: ", "avtar Info <5100>:", "avhypervvss Error <43426>: ",
     "avtar[12:3] Info <6083>: ", "avtar [main] Warning <10684>: ", "x>: y Info <1>: ",
     "avtar Info <8688>:  "]
)  # fmt: skip


@settings(max_examples=300)
@given(st.lists(st.tuples(SLOT_STAMPS, SLOT_HEADERS, st.sampled_from(["", "a", "b>: c"])),
                min_size=1, max_size=25))  # fmt: skip
def test_header_slots_agree_with_the_full_grammar(lines: list[tuple[str, str, str]]) -> None:
    """Lines repeating a few headers go through the hot loop's header slots (refilled as
    headers come and go); every record must still say what STANDARD_LINE says."""
    texts = ["".join(parts) for parts in lines]
    records, stats = run(parse_avhypervvss, "\n".join(texts).encode("utf-8"))
    assert len(records) == len(texts) and stats.balanced()
    last_time: datetime | None = None
    for record, line in zip(records, texts, strict=True):
        match = STANDARD_LINE.match(line)
        if match is None:  # a stamp of another shape: no layout fits
            assert isinstance(record, Unparsed), line
            continue
        assert isinstance(record, LogLine | PluginLogRecord), line
        ts_text, _, component, pid, tid, thread, level, code, message = match.groups()
        assert (record.component, record.level, record.code, record.message) == (
            component, level, int(code), message,
        ), line  # fmt: skip
        assert (record.process_id, record.thread) == (
            None if pid is None else int(pid), tid if thread is None else thread,
        ), line  # fmt: skip
        if ts_text is not None:
            try:
                last_time = datetime.fromisoformat(ts_text)
            except ValueError:
                last_time = None
        assert record.timestamp == last_time, line
