"""The line grammar every Avamar component log shares, and the streaming loop over it.

Layouts (``shared/domain.md`` §1.1):

* standard: ``[YYYY-MM-DD HH:MM:SS ]component[\\[pid[:tid]\\]] [\\[thread\\] ]Level <code>: message``
  — the timestamp is optional (a line without one inherits the previous line's time, marked
  ``host-local-inherited``); ``winclustersvc`` glues the level to the code (``INFO<0000>``);
  public copies sometimes carry a stray ``<`` in front;
* debug: ``YYYY/MM/DD-hh:mm:ss.fffff [ThreadName] text`` (avtar debug/image logs).

Indented lines right after a record are its continuation (a multi-line message). Every other
line that fits no layout becomes :class:`Unparsed`. Blank lines are counted, not yielded.

The source modules (``avhypervvss``, ``winclustersvc``) plug in a :class:`Detail`: a cheap
prefilter on the message and an extractor that adds typed fields, so only the few lines that
matter pay for a validated model.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, Generic, TypeVar

from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import (
    Diagnostic,
    DiagnosticSeverity,
    FileDiagnostics,
    ParseStats,
)
from avlogparse.models.records import AvamarLogRecord, LogLine, Source, TimeBasis, Unparsed
from avlogparse.textio import LineStats, iter_line_batches

STANDARD_LINE = re.compile(
    r"<?(?:(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.\d{1,9})? +)?"
    r"([A-Za-z][A-Za-z0-9_.-]*)(?:\[(\d{1,10})(?::(\d{1,10}))?\])? +"
    r"(?:\[([^\]]{0,64})\] +)?"
    r"([A-Za-z]+) *<(\d{4,5})>: ?",
    re.ASCII,
)
DEBUG_LINE = re.compile(
    r"(\d{4})/(\d\d)/(\d\d)-(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? \[([^\]]{0,128})\] ?(.*)",
    re.ASCII | re.DOTALL,
)

ModelT = TypeVar("ModelT", bound=AvamarLogRecord)


@dataclass(frozen=True)
class Detail(Generic[ModelT]):
    """How a source turns some lines into validated models.

    ``wanted(code, message)`` must be cheap (it runs on every line); ``extract`` returns the
    extra fields for the model and runs only on the lines ``wanted`` accepts.
    """

    model: type[ModelT]
    wanted: Callable[[int, str], bool]
    extract: Callable[[int, str], dict[str, Any]]


def parse_avamar_log(
    stream: BinaryIO,
    path: str,
    stats: ParseStats,
    source: Source,
    detail: Detail[ModelT],
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[LogLine | ModelT | Unparsed]:
    """Yield one record per message (and one :class:`Unparsed` per unreadable line).

    A record is yielded when the next line shows it has no more continuation lines, so
    memory stays one record deep. ``stats`` is complete once the generator is exhausted.
    """
    line_stats = LineStats()
    diagnostics = FileDiagnostics(path, stats)
    match_standard = STANDARD_LINE.match
    wanted = detail.wanted
    max_continuation = limits.max_record_lines
    kind = source.value
    make_line = tuple.__new__
    codes: dict[str, int] = {}
    # the message being collected (fields in LogLine order) and its continuation lines
    pending: tuple[Any, ...] | None = None
    continuation: list[str] = []
    last_ts_text = ""
    last_ts: datetime | None = None
    records = blanks = unparsed = continued = 0
    number = 0

    def flush(fields: tuple[Any, ...]) -> LogLine | ModelT:
        if continuation:
            fields = (*fields[:13], tuple(continuation), fields[14])
        code = fields[8]
        if code is not None and wanted(code, fields[9]):
            values = dict(zip(LogLine._fields, fields, strict=True))
            values.update(detail.extract(code, "\n".join((fields[9], *continuation))))
            return detail.model(**values)
        return make_line(LogLine, fields)

    try:
        for batch, cuts in iter_line_batches(stream, line_stats, limits.max_line_bytes):
            batch_start = number
            for text in batch:
                number += 1
                first = text[:1]
                if first == " " or first == "\t" or not first:
                    if not first or text.isspace():
                        blanks += 1
                        if pending is not None:
                            yield flush(pending)
                            pending = None
                            continuation = []
                        continue
                    if pending is not None and len(continuation) < max_continuation:
                        continuation.append(text)
                        continued += 1
                        continue
                if pending is not None:
                    yield flush(pending)
                    pending = None
                    continuation = []
                truncated = bool(cuts) and (number - batch_start - 1) in cuts
                match = match_standard(text)
                if match is not None:
                    ts_text, component, pid, tid, thread, level, code_text = match.groups()
                    time_basis: TimeBasis
                    if ts_text is None:
                        time_basis = "host-local-inherited" if last_ts is not None else "none"
                    else:
                        if ts_text != last_ts_text:
                            last_ts_text = ts_text
                            last_ts = _local_time(ts_text)
                            if last_ts is None:
                                diagnostics.add(
                                    "timestamp-invalid", number, f"invalid timestamp {ts_text!r}"
                                )
                        time_basis = "host-local" if last_ts is not None else "none"
                    code = codes.get(code_text)
                    if code is None:
                        code = codes[code_text] = int(code_text)
                    if tid is not None and thread is None:
                        thread = tid
                    pending = (
                        source, path, number, last_ts, time_basis, text, component, level,
                        code, text[match.end() :], None if pid is None else int(pid), thread,
                        "standard", (), truncated,
                    )  # fmt: skip
                    records += 1
                    continue
                debug = DEBUG_LINE.match(text) if text[4:5] == "/" else None
                if debug is not None:
                    debug_time = _debug_time(debug.groups()[:7])
                    pending = (
                        source, path, number, debug_time,
                        "host-local" if debug_time is not None else "none", text, None, None,
                        None, debug.group(9), None, debug.group(8), "debug", (), truncated,
                    )  # fmt: skip
                    records += 1
                    continue
                unparsed += 1
                yield Unparsed(
                    kind=kind,
                    path=path,
                    line=number,
                    raw=text,
                    reason="line fits no known Avamar log layout",
                )
        if pending is not None:
            yield flush(pending)
            pending = None
    finally:
        diagnostics.summarise()
        stats.encoding = line_stats.encoding
        stats.bytes_read = line_stats.bytes_read
        stats.lines_total = number
        stats.record_lines = records
        stats.blank_lines = blanks
        stats.unparsed_lines = unparsed
        stats.continuation_lines = continued
        stats.truncated_lines = line_stats.truncated_lines
        stats.decode_fallback_lines = line_stats.decode_fallback_lines
        if line_stats.decode_fallback_lines:
            stats.add(
                Diagnostic(
                    severity=DiagnosticSeverity.INFO,
                    code="decode-fallback",
                    message=f"{line_stats.decode_fallback_lines} lines were not valid "
                    f"{line_stats.encoding} and were decoded as cp1252",
                    path=path,
                )
            )
        if line_stats.truncated_lines:
            stats.add(
                Diagnostic(
                    severity=DiagnosticSeverity.WARNING,
                    code="line-truncated",
                    message=f"{line_stats.truncated_lines} lines longer than "
                    f"{limits.max_line_bytes} characters were cut (prefix kept)",
                    path=path,
                    limit="max_line_bytes",
                )
            )


def _local_time(text: str) -> datetime | None:
    """``YYYY-MM-DD HH:MM:SS`` as a naive host-local datetime; None when impossible."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _debug_time(parts: tuple[str | Any, ...]) -> datetime | None:
    """The debug layout's ``YYYY/MM/DD-hh:mm:ss.fffff`` as a naive datetime."""
    year, month, day, hour, minute, second, fraction = parts
    micros = int((fraction or "0").ljust(6, "0")[:6])
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micros
        )
    except ValueError:
        return None


def parse_group_time(text: str) -> datetime | None:
    """``YYYYMMDDhhmmss`` (the winclustersvc group stamp) as a naive datetime."""
    try:
        return datetime(
            int(text[0:4]), int(text[4:6]), int(text[6:8]),
            int(text[8:10]), int(text[10:12]), int(text[12:14]),
        )  # fmt: skip
    except ValueError:
        return None
