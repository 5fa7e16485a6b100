"""Parser for binary Windows event logs (``.evtx``), through the optional ``evtx`` package.

``evtx`` (PyPI; Rust ``evtx`` crate bindings, ``pip install 'avlogparse[evtx]'``) decodes the
BinXML; each record's JSON rendering is mapped onto the same fields the event XML parser
collects (:data:`avlogparse.sources.event_xml` ``_Done``) and handed to the same record
builder, so an event gives the same :class:`EventRecord`/:class:`EventLine` either way:
provider, channel, computer, level, EventRecordID, data, VM name/id and HRESULT. Records
carry ``source`` ``event-xml`` on purpose: every rule reads them as it reads an XML export.

Where an event is (``docs/formats/evtx.md``): a binary file has no lines, so ``line`` is
the event's EventRecordID (the number Event Viewer shows and ``wevtutil qe
/q:"*[System[EventRecordID=4205]]"`` finds), else the record header's id, else the
record's ordinal in the file; ``System.evtx:4205`` reads as record 4205 of that file.
``raw`` is the record as ``evtx`` renders it in JSON (one line).

Nothing lost: ``events_seen == event_records + unparsed_events``. A record or chunk
``evtx`` cannot decode (bad chunk magic, CRC, string cache, BinXML) becomes one
:class:`Unparsed` naming the chunk or record ids, with an ``evtx-corrupt`` diagnostic, and
the rest is read. What ``evtx`` skips silently is checked here from the headers: a file cut
inside a chunk, a zeroed chunk inside the used part, a header declaring chunks the file
does not hold (``evtx-truncated``/``evtx-chunk-empty``; the file is then incomplete).
Without ``evtx`` installed the file gives an ``evtx-unavailable`` error naming the extra,
no events, and counts as not read whole (``analyze`` exits 3, "could not judge").

The library needs to seek: a non-seekable stream (a bundle member) is first spooled to a
:class:`tempfile.SpooledTemporaryFile` (in memory up to 8 MiB), at most
``max_member_bytes``.
"""

from __future__ import annotations

import json
import re
import struct
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO, cast

from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import (
    Diagnostic,
    DiagnosticSeverity,
    FileDiagnostics,
    ParseStats,
)
from avlogparse.models.records import Unparsed
from avlogparse.sources import event_xml
from avlogparse.sources.base import LogSource, guarded
from avlogparse.sources.event_xml import EventLine, EventRecord

if TYPE_CHECKING:
    from avlogparse.correlation.collector import Collector
    from avlogparse.sources import Record

KIND = "evtx"
EVTX_MAGIC = b"ElfFile\x00"
"""Signature of a binary Windows event log (``.evtx``), whatever its name."""

HEADER_BYTES = 4096
CHUNK_BYTES = 65536
SPOOL_IN_MEMORY = 8 << 20
INSTALL_HINT = "pip install 'avlogparse[evtx]'"
RAW_CAP = 4096
MAX_REPEATED_ERRORS = 1000
"""The same error this many times in a row ends the file (a library that does not advance)."""

_ZERO_MAGIC = bytes(8)
_RECORD_RANGE = re.compile(r"record IDs (\d+)\.\.(\d+)")
_CHUNK_NUMBER = re.compile(r"chunk number (\d+)")
_RECORD_NUMBER = re.compile(r"record number (\d+)")
_decode = json.JSONDecoder().raw_decode  # json.loads less its per-call checks
_EVENT = "Event"  # no namespace: event_xml's builder then looks System up by local name


def parse_evtx(
    stream: BinaryIO, path: str, stats: ParseStats, limits: Limits = DEFAULT_LIMITS
) -> Iterator[EventRecord | EventLine | Unparsed]:
    """Yield one record per event of a binary ``.evtx`` file; see the module docstring.

    ``stats`` is complete once the generator is exhausted or closed; never raises on any
    input bytes (a bug ends the file with an ``internal-error`` diagnostic).
    """
    return guarded(_parse, stream, path, stats, limits)


def _error(stats: ParseStats, path: str, code: str, message: str) -> None:
    stats.complete = False
    stats.add(
        Diagnostic(severity=DiagnosticSeverity.ERROR, code=code, message=message, path=path)
    )


def _parse(
    stream: BinaryIO, path: str, stats: ParseStats, limits: Limits, diagnostics: FileDiagnostics
) -> Iterator[EventRecord | EventLine | Unparsed]:
    stats.encoding = "binary"
    try:
        import evtx  # the optional extra
    except ImportError:
        _error(
            stats, path, "evtx-unavailable",
            f"binary Windows event log (.evtx) not read: install the 'evtx' extra ({INSTALL_HINT})"
            " or export it as XML (docs/formats/evtx.md)",
        )  # fmt: skip
        return
    records = unparsed = 0
    try:
        with _Seekable(stream, path, stats, limits) as seekable:
            size = seekable.seek(0, 2)
            stats.bytes_read = size
            seekable.seek(0)
            _check_layout(seekable, size, path, stats, diagnostics)
            seekable.seek(0)
            try:
                parser = evtx.PyEvtxParser(seekable)
            except Exception as error:  # OSError from the library: header unreadable
                _error(stats, path, "evtx-corrupt", f"not a readable .evtx file: {error}")
                return
            caches = event_xml._Caches()
            iterator = cast(Iterator[dict[str, Any]], iter(parser.records_json()))
            ordinal = repeats = 0
            last_error = ""
            while True:
                try:
                    item = next(iterator)
                except StopIteration:
                    break
                except Exception as error:  # one chunk or record: counted, the rest is read
                    ordinal += 1
                    unparsed += 1
                    message = str(error)
                    repeats = repeats + 1 if message == last_error else 1
                    last_error = message
                    if repeats >= MAX_REPEATED_ERRORS:  # the library is not moving on
                        _error(stats, path, "evtx-corrupt", f"reading stopped: {message[:300]}")
                        yield Unparsed(
                            kind="evtx", path=path, line=ordinal, raw="", reason=message[:RAW_CAP]
                        )
                        break
                    line = _error_line(message, ordinal)
                    if "chunk" in message:
                        stats.complete = False  # an unknown number of records is missing
                    diagnostics.add("evtx-corrupt", line, message[:500])
                    yield Unparsed(
                        kind="evtx", path=path, line=line, raw="", reason=message[:RAW_CAP]
                    )
                    continue
                ordinal += 1
                record = _record(item, ordinal, path, diagnostics, caches)
                if record is None:
                    unparsed += 1
                    yield Unparsed(
                        kind="evtx", path=path, line=ordinal, raw=str(item.get("data"))[:RAW_CAP],
                        reason="record rendered as something other than one <Event>",
                    )  # fmt: skip
                    continue
                records += 1
                yield record
    finally:
        stats.events_seen = records + unparsed
        stats.event_records = records
        stats.unparsed_events = unparsed


class _Seekable:
    """The stream itself when it can seek, else a bounded spooled copy of it."""

    def __init__(self, stream: BinaryIO, path: str, stats: ParseStats, limits: Limits) -> None:
        self._stream = stream
        self._path = path
        self._stats = stats
        self._limits = limits
        self._spool: tempfile.SpooledTemporaryFile[bytes] | None = None

    def __enter__(self) -> BinaryIO:
        stream = self._stream
        try:
            if stream.seekable():
                stream.seek(0, 1)
                return stream
        except (OSError, ValueError):
            pass
        cap = self._limits.max_member_bytes
        spool: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(
            SPOOL_IN_MEMORY, prefix="avlogparse-evtx-"
        )
        self._spool = spool
        copied = 0
        while copied <= cap and (chunk := stream.read(min(1 << 20, cap + 1 - copied))):
            spool.write(chunk)
            copied += len(chunk)
        if copied > cap:
            spool.truncate(cap)
            _error(
                self._stats, self._path, "limit-exceeded",
                f".evtx larger than max_member_bytes={cap}: only its first {cap} bytes are read",
            )  # fmt: skip
        spool.seek(0)
        return spool  # type: ignore[return-value]

    def __exit__(self, *_: object) -> None:
        if self._spool is not None:
            self._spool.close()


def _check_layout(
    stream: BinaryIO, size: int, path: str, stats: ParseStats, diagnostics: FileDiagnostics
) -> None:
    """What ``evtx`` passes over in silence: a cut chunk, zeroed chunks in the used part,
    chunks the header declares and the file lacks. Reads 8 bytes per chunk."""
    header = stream.read(HEADER_BYTES)
    if len(header) < 128 or not header.startswith(EVTX_MAGIC):
        return  # the library reports it
    declared = struct.unpack_from("<H", header, 42)[0]
    slots, cut = divmod(max(0, size - HEADER_BYTES), CHUNK_BYTES)
    if cut:
        _error(
            stats, path, "evtx-truncated",
            f"file ends {cut} bytes into chunk {slots} (a chunk is {CHUNK_BYTES} bytes): "
            "its records may be lost, and any after it",
        )  # fmt: skip
    if declared > slots + (1 if cut else 0):
        _error(
            stats, path, "evtx-truncated",
            f"header declares {declared} chunks, the file holds {slots + (1 if cut else 0)}",
        )  # fmt: skip
    magics: list[bytes] = []
    for slot in range(slots):
        stream.seek(HEADER_BYTES + slot * CHUNK_BYTES)
        magics.append(stream.read(8))
    used = max((i for i, magic in enumerate(magics) if magic != _ZERO_MAGIC), default=-1)
    for slot, magic in enumerate(magics):
        if magic == _ZERO_MAGIC and (slot < used or slot < declared):
            stats.complete = False
            diagnostics.add(
                "evtx-chunk-empty", None,
                f"chunk {slot} is zeroed although "
                + ("later chunks hold records" if slot < used else "the header declares it")
                + ": its records, if any, are lost",
            )  # fmt: skip


def _error_line(message: str, ordinal: int) -> int:
    """Where a library error points: the first record id it names, else the ordinal."""
    found = _RECORD_RANGE.search(message) or _RECORD_NUMBER.search(message)
    if found is not None and int(found.group(1)) > 0:
        return int(found.group(1))
    return ordinal


def _text(value: Any) -> str:
    """A JSON value as the XML rendering spells it."""
    if isinstance(value, str):
        # XML parsers normalise line ends to LF; evtx's JSON keeps CRLF
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, dict):
        return _text(value.get("#text"))
    if isinstance(value, list):
        return "".join(_text(v) for v in value)
    return str(value)


def _put(data: dict[str, str], key: str, value: str) -> None:
    data[event_xml._unique(key, data) if key in data else key] = value


def _record(
    item: dict[str, Any], ordinal: int, path: str, diagnostics: FileDiagnostics,
    caches: event_xml._Caches,
) -> EventRecord | EventLine | None:  # fmt: skip
    """One ``records_json()`` item as event_xml would yield it.

    As on the XML path, only EventID, provider and time are read (and checked) now, and the
    rest when a rule first asks (:class:`EventLine`, rebuilt from ``raw``); the catalogued
    Hyper-V events, and events with control characters (a diagnostic now), are mapped whole
    onto event_xml's collected fields and built by its record builder straight away."""
    raw = item.get("data")
    try:
        decoded = _decode(raw)[0] if isinstance(raw, str) else None
    except ValueError:  # not JSON: never seen from evtx, but one record is not worth a file
        return None
    event = decoded.get(_EVENT) if isinstance(decoded, dict) else None
    if not isinstance(event, dict) or not isinstance(raw, str):
        return None
    system = event.get("System")
    if not isinstance(system, dict):
        system = {}
    record_id = system.get("EventRecordID")
    if type(record_id) is not int or record_id < 1:
        record_id = event_xml._int(_text(record_id)) if record_id is not None else None
        if record_id is None or record_id < 1:
            header_id = item.get("event_record_id")
            record_id = header_id if isinstance(header_id, int) and header_id >= 1 else ordinal
    provider_attrs = system.get("Provider")
    provider = None
    if isinstance(provider_attrs, dict) and (attrs := provider_attrs.get("#attributes")):
        provider = _text(attrs.get("Name")) or None
    event_id_value = system.get("EventID")
    if isinstance(event_id_value, dict):
        event_id_value = event_id_value.get("#text")
    if type(event_id_value) is int and event_id_value >= 0:
        event_id: int | None = event_id_value
    else:
        event_id = caches.ints[None if event_id_value is None else _text(event_id_value)]
    if (
        "\\u00" in raw
        or (provider is not None and caches.family(provider))  # event_xml decides what to keep
    ):
        sys_attrs, sys_text, data, data_kind = _collect(event, raw, diagnostics)
        done: event_xml._Done = (
            0, record_id, 0, record_id, _EVENT, sys_attrs, sys_text, data, data_kind, {}, None
        )  # fmt: skip
        return event_xml._record(done, raw, path, diagnostics, caches, ordinal)
    created = system.get("TimeCreated")
    system_time = None
    if isinstance(created, dict) and (attrs := created.get("#attributes")):
        system_time = attrs.get("SystemTime")
    timestamp = event_xml._timestamp(system_time) if isinstance(system_time, str) else None
    # the same diagnostics, in the same words, as event_xml._record
    if event_id is None:
        text = None if event_id_value is None else _text(event_id_value)
        diagnostics.add("event-id-invalid", record_id, f"missing or non-numeric EventID {text!r}")
    if timestamp is None:
        diagnostics.add(
            "timestamp-invalid", record_id, f"no usable SystemTime ({system_time!r})"
        )  # fmt: skip
    channel = system.get("Channel")
    return EventLine(
        path, record_id, raw, provider, _text(channel) or None if channel is not None else None,
        event_id, timestamp, _build, None,
        (raw, record_id, path, provider, event_id, timestamp, caches, ordinal),
    )  # fmt: skip


def _build(
    raw: str, line: int, path: str, provider: str | None, event_id: int | None,
    timestamp: datetime | None, caches: event_xml._Caches, index: int,
) -> EventRecord:  # fmt: skip
    """The validated model of an event :func:`_record` left light (raw holds no C0)."""
    event = json.loads(raw)[_EVENT]
    sys_attrs, sys_text, data, data_kind = _collect(event, raw, None)
    family = caches.family(provider) if provider is not None else ""
    return event_xml._event_record(
        path, line, raw, event_xml._KEYS, sys_attrs, sys_text, data, data_kind, {}, None,
        sys_attrs.get("Provider", {}), provider, event_id, timestamp, family, caches, index,
    )  # fmt: skip


def _collect(
    event: dict[str, Any], raw: str, diagnostics: FileDiagnostics | None
) -> tuple[dict[str, dict[str, str]], dict[str, str], dict[str, str], event_xml._DataKind]:
    """System attributes and texts, data and data kind, as event_xml's handlers collect
    them from the XML rendering of the same event."""
    section = event.get("EventData") or event.get("UserData")
    if isinstance(section, dict):
        # JSON objects keep the last of repeated names (two <Data Name='LogonGuid'>): when
        # the text holds more keys than were kept, read it again keeping them all
        at = raw.find('"EventData":' if "EventData" in event else '"UserData":')
        if raw.count('":', at) - 1 > _keys(section):
            event = json.loads(raw, object_pairs_hook=_all_pairs)[_EVENT]
    system = event.get("System")
    sys_attrs: dict[str, dict[str, str]] = {}
    sys_text: dict[str, str] = {}
    if isinstance(system, dict):
        for name, value in system.items():
            if isinstance(value, dict):
                attrs = value.get("#attributes")
                if attrs:
                    sys_attrs[name] = {k: _text(v) for k, v in attrs.items()}
                if "#text" in value:
                    sys_text[name] = _text(value["#text"])
            elif value is not None:
                sys_text[name] = _text(value)
    data: dict[str, str] = {}
    data_kind: event_xml._DataKind = None
    if "EventData" in event:
        data_kind = "EventData"
        section = event["EventData"]
        if isinstance(section, dict):
            positional = 0
            for name, value in section.items():
                if name == "#attributes":
                    continue
                if name == "Data" and isinstance(value, dict) and "#text" in value:
                    texts = value["#text"]
                    for text in texts if isinstance(texts, list) else [texts]:
                        _put(data, f"Data{positional}", _value(text))
                        positional += 1
                elif isinstance(value, _Repeated):
                    for one in value:
                        _put(data, name, _value(one))
                else:
                    _put(data, name, _value(value))
    elif "UserData" in event:
        data_kind = "UserData"
        section = event["UserData"]
        if isinstance(section, dict):
            for wrapper in section.values():
                if isinstance(wrapper, dict):
                    for name, value in wrapper.items():
                        if name == "#attributes":
                            continue
                        if isinstance(value, _Repeated):
                            for one in value:
                                _put(data, name, _value(one))
                        else:
                            _put(data, name, _value(value))
    if diagnostics is not None and any(event_xml._C0.search(v) for v in data.values()):
        # as the XML path reads them (a raw C0 character is not XML 1.0): U+FFFD
        first = next(v for v in data.values() if event_xml._C0.search(v))
        code = ord(event_xml._C0.search(first).group())  # type: ignore[union-attr]
        data = {k: v.translate(event_xml._C0_TO_FFFD) for k, v in data.items()}
        diagnostics.add(
            "control-char-replaced", None,
            f"control character U+{code:04X} in a Data value replaced by U+FFFD (as an XML "
            f"export of it reads); record {sys_text.get('EventRecordID')}",
        )  # fmt: skip
    return sys_attrs, sys_text, data, data_kind


def _value(value: Any) -> str:
    """A data value; whitespace-only values become ``""`` as in the XML path."""
    text = _text(value)
    return "" if text.isspace() else text


def _keys(value: Any) -> int:
    """Keys in a decoded JSON value, nested ones included."""
    if isinstance(value, dict):
        return len(value) + sum(_keys(v) for v in value.values() if isinstance(v, dict | list))
    if isinstance(value, list):
        return sum(_keys(v) for v in value if isinstance(v, dict | list))
    return 0


def _all_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose repeated names keep every value (as a list)."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            held = result[key]
            if isinstance(held, _Repeated):
                held.append(value)
            else:
                result[key] = _Repeated((held, value))
        else:
            result[key] = value
    return result


class _Repeated(list[Any]):
    """The values of a name repeated in one JSON object."""


class EvtxSource(LogSource):
    """Binary Windows event logs (``.evtx``): the same records as an XML export of them, so
    they add the same facts (``collect`` is the event export's)."""

    kind = KIND
    docs_page = "formats/evtx.md"
    name_suffixes = (".evtx",)

    def sniff(self, text: str, head: bytes) -> int:
        return 3 if head.startswith(EVTX_MAGIC) else 0  # a signature: surer than any text

    def parse(
        self, stream: BinaryIO, path: str, stats: ParseStats, limits: Limits
    ) -> Iterator[Record]:
        return parse_evtx(stream, path, stats, limits)

    def collect(self, records: Iterable[Record], collector: Collector) -> None:
        event_xml.SOURCE.collect(records, collector)


SOURCE = EvtxSource()
