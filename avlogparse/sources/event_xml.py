"""Parser for Windows event logs exported as XML (Hyper-V-VMMS, Worker and any other channel).

Accepted shapes (``docs/formats/event-xml.md``): an ``<Events>`` root (Event Viewer "Save as XML",
python-evtx), bare concatenated ``<Event>`` elements (``wevtutil qe /f:xml``,
``Get-WinEvent .ToXml()``), Rust ``evtx_dump`` output (a ``Record N`` line and an XML
declaration before every event); with or without declaration and RenderingInfo; single or
double quotes; pretty-printed or single-line; UTF-8 with or without BOM, UTF-16 LE/BE (a
declaration that lies about the encoding is ignored: the BOM and the bytes decide).

How (``docs/security.md``): the bytes are decoded here (invalid bytes become
U+FFFD, never an error), re-encoded as UTF-8 into a rolling buffer and fed to one
``pyexpat`` parser in 64 KiB slices, inside a synthetic root element, so that bare
concatenated events are well-formed and a DOCTYPE can only be a syntax error. XML
declarations between events are blanked (same length, newlines kept) before they are fed,
so byte offsets and line numbers stay those of the file: ``EventRecord.line`` is the line of
``<Event``, and ``raw`` is the event's text sliced from the buffer. Elements are selected by
local name, so events in any namespace, or none, are read.

Raw C0 control characters (not XML 1.0; pyevtx-rs writes them unescaped in Data values) are
read as U+FFFD with a ``control-char-replaced`` diagnostic, so their events parse. An
``<Event>`` inside an open event starts a new one only when its first child is ``<System>``;
otherwise it is payload (a UserData wrapper named ``Event``).

One broken event costs one event: on a syntax error the events completed before it are kept,
the broken one becomes :class:`Unparsed` (line of its start, its text capped at 4 KiB, the
expat message), and a fresh parser resumes at the next ``<Event``. End of input inside an
event gives the same plus an ``xml-truncated`` diagnostic. DOCTYPE and ENTITY declarations
give ``dtd-forbidden`` (and are refused by handlers as a second lock); entities other than
the five predefined ones are undefined, so billion laughs and XXE end in microseconds with
nothing read. ``max_event_bytes`` (counted in UTF-8 bytes of the decoded text) and
``max_xml_depth`` give ``limit-exceeded``.

Fields: System values as typed fields; ``data`` from EventData (``<Data Name='x'>`` → ``x``,
unnamed ``Data0``, ``Data1`` …, ``<Binary>`` → ``Binary``) or UserData (the children of the
wrapper element by local name); whitespace-only values (Rust ``evtx_dump`` renders empty
elements as ``<X>\\n  </X>``) become ``""``. ``timestamp`` is aware UTC, truncated to
microseconds; years outside 1970 to 2999 (zero FILETIMEs, year 0, 9999) give ``None`` and
``timestamp-invalid``. For Hyper-V providers ``vm_name``, ``vm_id`` and ``hresult`` are taken
from the data (``VmName``/``Parameter0``, ``VmId``/``Parameter1``, ``ErrorCode``, then a
``%%n`` insertion with the failure bit set) and then from the message.

Typical content (one line per event in an Event Viewer export)::

    <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Hyper-V-VMMS' Guid='{6066F867-7CA1-4418-85FD-36E3F9C0600C}'/><EventID>19100</EventID>…</System><UserData><VmlEventLog xmlns='http://www.microsoft.com/Windows/Virtualization/Events'><VmName>DDR-Dev2</VmName><VmId>…</VmId>…</VmlEventLog></UserData></Event>

Examples:
    >>> import io
    >>> from avlogparse.models.diagnostics import ParseStats
    >>> text = (b"Record 7\\n<Event><System><Provider Name='Microsoft-Windows-Hyper-V-VMMS'/>"
    ...         b"<EventID>19100</EventID><TimeCreated SystemTime='2019-05-09T15:35:02.2356205Z'/>"
    ...         b"</System><UserData><VmlEventLog><VmName>DDR-Dev2</VmName>"
    ...         b"<ErrorCode>0x8007052f</ErrorCode></VmlEventLog></UserData></Event>\\n")
    >>> stats = ParseStats(path="vmms.xml", kind="event-xml")
    >>> [event] = parse_event_xml(io.BytesIO(text), "vmms.xml", stats)
    >>> event.line, event.event_id, event.vm_name, event.hresult_hex, event.timestamp.isoformat()
    (2, 19100, 'DDR-Dev2', '0x8007052F', '2019-05-09T15:35:02.235620+00:00')
    >>> stats.event_records, stats.non_event_lines
    (1, 1)
"""

from __future__ import annotations

import codecs
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, BinaryIO, ClassVar, Literal, NamedTuple, NoReturn, TypeVar
from xml.parsers import expat

from pydantic import Field

from avlogparse.catalog import (
    FAMILY_CLUSTER,
    FAMILY_HYPERV,
    FAMILY_VHDMP,
    FAMILY_VSS,
    HYPERV_EVENTS,
    MERGE_PROGRESS_EVENTS,
    MISSING_SNAPSHOT_EVENTS,
    NOISE_EVENTS,
    WINDOWS_EVENTS,
    event_family,
)
from avlogparse.correlation.coverage import channel_fact
from avlogparse.correlation.hosts import LIVE_MIGRATION_EVENTS, MAX_MIGRATIONS
from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import (
    FileDiagnostics,
    ParseStats,
)
from avlogparse.models.records import Location, RecordBase, TimeBasis, Unparsed
from avlogparse.normalize import format_hresult, normalize_guid, parse_hresult
from avlogparse.sources.base import LogSource, guarded
from avlogparse.sources.memo import memorable
from avlogparse.textio import detect_encoding

if TYPE_CHECKING:
    from avlogparse.correlation.collector import Collector
    from avlogparse.sources import Record

KIND = "event-xml"


class EventRecord(RecordBase):
    """One Windows event from an XML export (``<Event>`` element).

    ``data`` is EventData or UserData as an ordered name → value mapping; unnamed
    ``<Data>`` elements are named ``Data0``, ``Data1`` … by position. For Hyper-V events the
    VM name, VM id and HRESULT are taken from the data or, failing that, from the message.
    """

    source: Literal["event-xml"] = "event-xml"
    time_basis: TimeBasis = "utc"
    provider: str | None = None
    provider_guid: str | None = None
    event_source_name: str | None = None
    event_id: int | None = None
    qualifiers: int | None = None
    version: int | None = None
    level: int | None = None
    level_name: str | None = None
    task: int | None = None
    opcode: int | None = None
    keywords: str | None = None
    event_record_id: int | None = None
    activity_id: str | None = None
    related_activity_id: str | None = None
    process_id: int | None = None
    thread_id: int | None = None
    channel: str | None = None
    computer: str | None = None
    user_sid: str | None = None
    data: dict[str, str] = Field(default_factory=dict)
    data_kind: Literal["EventData", "UserData"] | None = None
    message: str | None = None
    rendering_level: str | None = None
    rendering_task: str | None = None
    rendering_culture: str | None = None
    vm_name: str | None = None
    vm_id: str | None = None
    hresult: int | None = None
    hresult_hex: str | None = None
    family: str | None = None
    """The provider family a rule reads (``hyper-v``, ``vss``, ``cluster``, ``vhdmp``)."""
    writer_name: str | None = None
    writer_id: str | None = None
    csv_name: str | None = None
    status_code: str | None = None
    status_name: str | None = None
    resource_name: str | None = None
    disk_path: str | None = None
    event_index: int | None = None
    """Position among the file's events, from 1, broken ones included (the XPath
    ``(//Event)[n]``): what locates an event without an EventRecordID when several share a
    line. In a binary ``.evtx``, the position among the records read."""

    @property
    def location(self) -> Location:
        return Location(self.path, self.line, self.event_record_id, self.event_index)


class EventLine:
    """Light record of an event no rule reads (most of an export: starts, stops, migrations).

    ``path``, ``line``, ``raw``, ``provider``, ``channel``, ``event_id`` and ``timestamp`` are
    set when it is parsed (the parser checks the last two then), and so are the fields in
    ``known`` (the
    host, VM and HRESULT of a merge progress event, which the correlation reads); every other
    :class:`EventRecord` attribute reads through to the validated model, built once on first
    access by :meth:`to_model`. The parser yields a validated :class:`EventRecord` straight
    away for the other catalogued Hyper-V events (``catalog.HYPERV_EVENTS``).
    """

    __slots__ = (
        "path", "line", "raw", "provider", "channel", "event_id", "timestamp", "_known",
        "_build", "_build_args", "_model",
    )  # fmt: skip
    source: ClassVar[str] = KIND

    if TYPE_CHECKING:  # read through to the model by __getattr__
        provider_guid: str | None
        event_source_name: str | None
        qualifiers: int | None
        version: int | None
        level: int | None
        level_name: str | None
        task: int | None
        opcode: int | None
        keywords: str | None
        event_record_id: int | None
        activity_id: str | None
        related_activity_id: str | None
        process_id: int | None
        thread_id: int | None
        computer: str | None
        user_sid: str | None
        data: dict[str, str]
        data_kind: Literal["EventData", "UserData"] | None
        message: str | None
        rendering_level: str | None
        rendering_task: str | None
        rendering_culture: str | None
        vm_name: str | None
        vm_id: str | None
        hresult: int | None
        hresult_hex: str | None
        event_index: int | None

    def __init__(
        self,
        path: str,
        line: int,
        raw: str,
        provider: str | None,
        channel: str | None,
        event_id: int | None,
        timestamp: datetime | None,
        build: Callable[..., EventRecord],
        known: dict[str, Any] | None = None,
        build_args: tuple[Any, ...] = (),
    ) -> None:
        self.path = path
        self.line = line
        self.raw = raw
        self.provider = provider
        self.channel = channel
        self.event_id = event_id
        self.timestamp = timestamp
        self._known = known
        self._build: Callable[..., EventRecord] | None = build  # called with build_args
        self._build_args = build_args  # not a partial: one object less per event
        self._model: EventRecord | None = None

    @property
    def time_basis(self) -> TimeBasis:
        return "utc" if self.timestamp is not None else "none"

    @property
    def location(self) -> Location:
        """Where the event is (its EventRecordID or index read through to the model)."""
        return self.to_model().location

    @property
    def known(self) -> Mapping[str, Any]:
        """The fields read when the event was parsed, beyond the six slots (may be empty)."""
        return self._known or {}

    def to_model(self) -> EventRecord:
        """The validated pydantic model of this event (built once)."""
        if self._model is None:
            assert self._build is not None
            self._model = self._build(*self._build_args)
            self._build, self._build_args = None, ()
        return self._model

    def model_dump(self, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        """The same dictionary the validated model gives."""
        return self.to_model().model_dump(mode=mode)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        known = self._known
        if known is not None and name in known:
            return known[name]
        return getattr(self.to_model(), name)

    def __repr__(self) -> str:
        return (
            f"EventLine(path={self.path!r}, line={self.line}, provider={self.provider!r}, "
            f"event_id={self.event_id!r}, timestamp={self.timestamp!r})"
        )


READ_BYTES = 1 << 18
"""Bytes read from the stream at a time."""
FEED_BYTES = 1 << 16
"""Bytes handed to expat at a time: larger feeds are quadratic in expat 2.5 (benchmarks/README.md)."""
RAW_CAP = 4096
"""Bytes of a broken event kept in :attr:`Unparsed.raw`."""
MIN_YEAR = 1970
MAX_YEAR = 2999
LEVEL_NAMES: dict[int, str] = {
    0: "LogAlways",
    1: "Critical",
    2: "Error",
    3: "Warning",
    4: "Information",
    5: "Verbose",
}

_ROOT = b"<avlogparse-root>"
_UTC = timezone.utc
_EVENT_START = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?Event[\s/>]")
_EVENT_START_AT_EOF = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,40}:)?Event(?:[\s/>]|\Z)")
_EVENT_TAG = re.compile(
    rb"<(?:(/)(?:[A-Za-z_][\w.-]{0,40}:)?Event\s*>|(?:[A-Za-z_][\w.-]{0,40}:)?Event[\s/>])"
)
_SYSTEM_NEXT = re.compile(rb"\s*<(?:[A-Za-z_][\w.-]{0,40}:)?System[\s/>]")
_C0 = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_C0_TO_FFFD = dict.fromkeys((*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)), "\ufffd")
_NOT_C0 = bytes(sorted(set(range(256)) - set(_C0_TO_FFFD)))
"""Every byte but those C0 controls: ``data.translate(None, _NOT_C0)`` is empty unless
``data`` holds one (a C loop over the UTF-8 bytes, about 20 times cheaper than ``_C0.search``
over the text; multi-byte UTF-8 sequences hold no byte below 0x80)."""
_DTD_MARKUP = (b"<!DOCTYPE", b"<!ENTITY", b"<!ELEMENT", b"<!ATTLIST", b"<!NOTATION")
_DECL_TAIL = frozenset(b" \t\r\n?")
_DECLARED_ENCODING = re.compile(
    rb"\s*<\?xml\s[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z][A-Za-z0-9._-]{0,39})[\"']"
)
_NOT_NEWLINE = re.compile(rb"[^\r\n]")
_SYSTEM_TIME = re.compile(
    r"\s*(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{0,9}))?\s*(Z|[+-]\d\d:?\d\d)?\s*",
    re.ASCII,
)
_MESSAGE_VM_NAME = re.compile(r"\s*'([^'\r\n]{1,256})'")
_MESSAGE_VM_ID = re.compile(
    r"\((?:Virtual machine ID|VMID) \{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?\)",
    re.ASCII,
)
_SIGNED_DECIMAL = re.compile(r"\s*-?\d{1,10}\s*", re.ASCII)

_EMPTY: dict[str, str] = {}

_Attrs = dict[str, str]
_V = TypeVar("_V")
_DataKind = Literal["EventData", "UserData"] | None
# (start, start line, </Event> position, end line, Event's expanded name, System attributes
#  and texts by expanded element name, data, data kind, RenderingInfo texts, Culture)
_Done = tuple[
    int, int, int, int, str, dict[str, _Attrs], dict[str, str], dict[str, str], _DataKind,
    dict[str, str], str | None,
]  # fmt: skip


class _Stop(Exception):
    """Raised from an expat handler: a forbidden construct, a limit, or an unclosed event."""


def parse_event_xml(
    stream: BinaryIO, path: str, stats: ParseStats, limits: Limits = DEFAULT_LIMITS
) -> Iterator[EventRecord | EventLine | Unparsed]:
    """Yield one :class:`EventRecord`, :class:`EventLine` or :class:`Unparsed` per ``<Event>``.

    A generator with flat memory (a 256 KiB read buffer plus at most one event). ``stats``
    is complete once the generator is exhausted or closed: ``events_seen ==
    event_records + unparsed_events`` always holds. Never raises on any input bytes; an
    unexpected exception (a bug) ends the file with an ``internal-error`` diagnostic.
    """
    return guarded(_parse, stream, path, stats, limits)


def _parse(
    stream: BinaryIO, path: str, stats: ParseStats, limits: Limits, diagnostics: FileDiagnostics
) -> Iterator[EventRecord | EventLine | Unparsed]:
    """The parse proper; see the module docstring. Positions are byte offsets in the
    UTF-8 re-encoded text (after the BOM), "global" as opposed to offsets in ``buf``."""
    diagnose = diagnostics.add
    max_depth = limits.max_xml_depth
    max_event = limits.max_event_bytes

    # ---- decoding into the rolling buffer ------------------------------------------------
    head = stream.read(READ_BYTES)
    bytes_read = len(head)
    encoding, bom_length = _choose_encoding(head)
    stats.encoding = encoding
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    eof = not head
    text = decoder.decode(head[bom_length:], eof)
    replaced = "\ufffd" in text
    if replaced:
        diagnose("decode-replaced", None, f"bytes not valid {encoding} replaced by U+FFFD")
    buf = text.encode("utf-8", "replace")
    if buf.translate(None, _NOT_C0) and (control := _C0.search(text)) is not None:
        text = _replace_controls(text, control.start(), 1, diagnose)
        buf = text.encode("utf-8", "replace")
    bs = 0  # global position of buf[0]
    be = len(buf)  # global position of the end of buf

    # ---- accounting ----------------------------------------------------------------------
    records = unparsed = non_event = 0
    acct = 0  # everything before acct is accounted for (events or non-event lines)
    acct_line = 1  # line number at acct
    last_counted = 0  # last line counted as a non-event line (a line counts once)
    complete = True
    finished = False

    # ---- parser state (read and written by the handlers) ---------------------------------
    # One pair of handlers per place in the document (outside events, directly in <Event>,
    # in System, EventData, UserData, RenderingInfo, another section); entering or leaving
    # a section swaps the pair, so each element costs a few bytecodes.
    texts: list[str] = []  # character data since the last start tag (buffer_text)
    done: list[_Done] = []
    names: dict[str, str] = {}  # expanded name -> local name
    parser = expat.ParserCreate("utf-8", namespace_separator="}")
    base = 0  # global = parser byte index + base
    line_base = 0  # file line = parser line + line_base
    parser_start = 0
    depth = -1  # elements open below the synthetic root
    sec_depth = 0  # depth of the open section element (System, EventData …)
    ev_name = ""
    ev_start = -1  # global position of the open <Event>, -1 outside events
    ev_line = 0
    data_key: str | None = None
    positional = 0
    sys_attrs: dict[str, _Attrs] = {}
    sys_text: dict[str, str] = {}
    data: dict[str, str] = {}
    render: dict[str, str] = {}
    data_kind: _DataKind = None
    culture: str | None = None
    stop: tuple[str, int, int, str] = ("", 0, 0, "")  # kind, position, line, message

    # ---- feeding state -------------------------------------------------------------------
    fed = 0  # global position fed to the current parser
    decl_from = 0  # no unhandled "<?xml" starts before this
    scanning = False  # looking for the next "<Event" after an error
    scan_from = 0
    scan_counts_text = True  # whether the text skipped while scanning is non-event text

    def learn(name: str) -> str:
        local = name.rpartition("}")[2]
        if memorable(names, name):
            names[name] = local
        return local

    def halt(kind: str) -> NoReturn:
        nonlocal stop
        stop = (kind, parser.CurrentByteIndex + base, parser.CurrentLineNumber + line_base, "")
        raise _Stop

    def starts_event() -> bool:
        """Whether the ``<Event`` just opened inside an event begins a new event (its first
        child is ``System``: the open one was never closed) rather than being payload (a
        UserData element named Event). Undecidable from the buffer: a new event."""
        at = parser.CurrentByteIndex + base - bs
        close = buf.find(b">", at, at + max_event)
        if close < 0:
            return True
        if buf[close - 1] == 47:  # "/>": an empty element, never an event
            return False
        if _SYSTEM_NEXT.match(buf, close + 1) is not None:
            return True
        return not buf[close + 1 :].strip() and not eof  # the rest not read yet

    def start_out(name: str, attrs: _Attrs) -> None:
        """Outside events: wait for an ``Event`` element in any namespace."""
        nonlocal depth, ev_name, ev_start, ev_line, data_kind, culture, positional
        depth += 1
        if (names.get(name) or learn(name)) == "Event":
            ev_name = name
            ev_start = parser.CurrentByteIndex + base
            ev_line = parser.CurrentLineNumber + line_base
            data_kind = culture = None
            positional = 0
            texts.clear()
            parser.StartElementHandler = start_event
            parser.EndElementHandler = end_event
        if depth > max_depth:
            halt("depth")

    def end_out(name: str) -> None:
        nonlocal depth
        depth -= 1

    def start_event(name: str, attrs: _Attrs) -> None:
        """A child of ``<Event>``: pick the handlers of its section."""
        nonlocal depth, sec_depth, data_kind, culture
        depth += 1
        texts.clear()
        if name == ev_name and starts_event():
            halt("nested")
        sec_depth = depth
        local = names.get(name) or learn(name)
        if local == "System":
            parser.StartElementHandler = start_system
            parser.EndElementHandler = end_system
        elif local == "EventData":
            data_kind = "EventData"
            parser.StartElementHandler = start_event_data
            parser.EndElementHandler = end_event_data
        elif local == "UserData":
            data_kind = "UserData"
            parser.StartElementHandler = start_user_data
            parser.EndElementHandler = end_user_data
        elif local == "RenderingInfo":
            culture = attrs.get("Culture") if attrs else None
            parser.StartElementHandler = start_rendering
            parser.EndElementHandler = end_rendering
        else:
            parser.StartElementHandler = start_other
            parser.EndElementHandler = end_other
        if depth > max_depth:
            halt("depth")

    def end_event(name: str) -> None:
        """``</Event>``: hand the collected fields to the feed loop."""
        nonlocal depth, ev_start, sys_attrs, sys_text, data, render
        done.append(
            (
                ev_start, ev_line, parser.CurrentByteIndex + base,
                parser.CurrentLineNumber + line_base, ev_name, sys_attrs, sys_text, data,
                data_kind, render, culture,
            )
        )  # fmt: skip
        ev_start = -1
        sys_attrs, sys_text, data, render = {}, {}, {}, {}
        parser.StartElementHandler = start_out
        parser.EndElementHandler = end_out
        depth -= 1

    # System and RenderingInfo values are keyed by expanded name (the record builder looks
    # them up in the event's namespace): no local-name lookup on the hottest elements
    def start_system(name: str, attrs: _Attrs) -> None:
        nonlocal depth
        depth += 1
        texts.clear()
        if attrs:
            sys_attrs[name] = attrs
        if name == ev_name and starts_event():
            halt("nested")
        if depth > max_depth:
            halt("depth")

    def end_system(name: str) -> None:
        nonlocal depth
        if depth == sec_depth:
            parser.StartElementHandler = start_event  # back to the event's children
            parser.EndElementHandler = end_event
        elif texts:
            sys_text[name] = "".join(texts)
            texts.clear()
        depth -= 1

    def start_event_data(name: str, attrs: _Attrs) -> None:
        nonlocal depth, data_key, positional
        depth += 1
        texts.clear()
        if name == ev_name and starts_event():
            halt("nested")
        if depth == sec_depth + 1:
            key = attrs.get("Name") if attrs else None
            if not key:
                key = names.get(name) or learn(name)
                if key == "Data":
                    key = f"Data{positional}"
                    positional += 1
            data_key = _unique(key, data) if key in data else key
        elif depth > max_depth:
            halt("depth")

    def end_data(value_depth: int) -> Callable[[str], None]:
        """The end handler of EventData (values one level below it) or UserData (two)."""

        def end(name: str) -> None:
            nonlocal depth, data_key
            if depth == sec_depth:
                parser.StartElementHandler = start_event  # back to the event's children
                parser.EndElementHandler = end_event
            elif data_key is not None and depth == sec_depth + value_depth:
                if texts:
                    value = "".join(texts)
                    texts.clear()
                    data[data_key] = "" if value.isspace() else value
                else:
                    data[data_key] = ""
                data_key = None
            depth -= 1

        return end

    end_event_data = end_data(1)

    def start_user_data(name: str, attrs: _Attrs) -> None:
        nonlocal depth, data_key
        depth += 1
        texts.clear()
        if name == ev_name and starts_event():
            halt("nested")
        if depth == sec_depth + 2:  # a child of the wrapper (VmlEventLog …)
            key = names.get(name) or learn(name)
            data_key = _unique(key, data) if key in data else key
        elif depth > max_depth:
            halt("depth")

    end_user_data = end_data(2)

    def start_rendering(name: str, attrs: _Attrs) -> None:
        nonlocal depth
        depth += 1
        texts.clear()
        if name == ev_name and starts_event():
            halt("nested")
        if depth > max_depth:
            halt("depth")

    def end_rendering(name: str) -> None:
        nonlocal depth
        if depth == sec_depth:
            parser.StartElementHandler = start_event  # back to the event's children
            parser.EndElementHandler = end_event
        elif texts:
            render[name] = "".join(texts)
            texts.clear()
        depth -= 1

    def start_other(name: str, attrs: _Attrs) -> None:
        nonlocal depth
        depth += 1
        if name == ev_name and starts_event():
            halt("nested")
        if depth > max_depth:
            halt("depth")

    def end_other(name: str) -> None:
        nonlocal depth
        if depth == sec_depth:
            parser.StartElementHandler = start_event  # back to the event's children
            parser.EndElementHandler = end_event
        depth -= 1

    def refuse(*_: object) -> NoReturn:
        halt("dtd")

    def new_parser(at: int, line: int) -> None:
        """A fresh parser whose input starts at global position ``at`` (line ``line``)."""
        nonlocal parser, base, line_base, parser_start, depth, ev_start
        nonlocal data_key, sys_attrs, sys_text, data, render, fed, decl_from, scanning
        made = expat.ParserCreate("utf-8", namespace_separator="}")
        made.buffer_text = True
        made.StartElementHandler = start_out
        made.EndElementHandler = end_out
        made.CharacterDataHandler = texts.append
        made.StartDoctypeDeclHandler = refuse
        made.EntityDeclHandler = refuse
        made.UnparsedEntityDeclHandler = refuse
        made.ExternalEntityRefHandler = refuse
        parser = made
        base = at - len(_ROOT)
        line_base = line - 1
        parser_start = fed = decl_from = at
        depth = -1
        ev_start = -1
        data_key = None
        sys_attrs, sys_text, data, render = {}, {}, {}, {}
        texts.clear()
        scanning = False
        made.Parse(_ROOT, False)

    def read_more() -> None:
        """Read, decode and append one chunk; drop what lies before ``acct``."""
        nonlocal buf, bs, be, eof, bytes_read, replaced
        chunk = stream.read(READ_BYTES)
        bytes_read += len(chunk)
        eof = not chunk
        decoded = decoder.decode(chunk, eof)
        if not replaced and "\ufffd" in decoded:
            replaced = True
            diagnose("decode-replaced", None, f"bytes not valid {encoding} replaced by U+FFFD")
        chunk = decoded.encode("utf-8", "replace")
        if chunk.translate(None, _NOT_C0) and (control := _C0.search(decoded)) is not None:
            line = acct_line + _line_breaks(buf[acct - bs :])
            decoded = _replace_controls(decoded, control.start(), line, diagnose)
            chunk = decoded.encode("utf-8", "replace")
        keep = acct - bs
        buf = (buf[keep:] if keep else buf) + chunk
        bs = acct
        be = bs + len(buf)

    def safe_cut(position: int) -> int:
        """``position``, moved back one byte if it would split a CRLF."""
        at = position - bs
        if 0 < at < len(buf) and buf[at - 1] == 13 and buf[at] == 10:
            return position - 1
        return position

    def advance(to: int, count_text: bool) -> None:
        """Account for the text up to ``to`` (as non-event lines when ``count_text``)."""
        nonlocal acct, acct_line, non_event, last_counted
        if to <= acct:
            return
        region = buf[acct - bs : to - bs]
        if count_text and not region.isspace():
            counted, last_counted = _text_lines(region, acct_line, last_counted)
            non_event += counted
        acct_line += _line_breaks(region)
        acct = to

    def drain() -> Iterator[EventRecord | EventLine | Unparsed]:
        """Turn the events completed by the last feed into records."""
        nonlocal acct, acct_line, records, unparsed, non_event, last_counted
        for item in done:
            begin = item[0]
            finish = buf.find(b">", item[2] - bs) + 1 + bs
            if begin > acct:
                gap = buf[acct - bs : begin - bs]
                if not gap.isspace():
                    counted, last_counted = _text_lines(gap, acct_line, last_counted)
                    non_event += counted
            acct = finish
            acct_line = item[3]
            if finish - begin > max_event:
                unparsed += 1
                diagnose(
                    "limit-exceeded", item[1],
                    f"event of {finish - begin} bytes exceeds max_event_bytes={max_event}",
                    "max_event_bytes",
                )  # fmt: skip
                yield Unparsed(
                    kind="event-xml", path=path, line=item[1],
                    raw=buf[begin - bs : begin - bs + RAW_CAP].decode("utf-8", "ignore"),
                    reason=f"event larger than max_event_bytes ({max_event})",
                )  # fmt: skip
                continue
            records += 1
            yield _record(item, buf[begin - bs : finish - bs].decode("utf-8", "replace"), path,
                          diagnostics, caches, records + unparsed)  # fmt: skip
        del done[:]

    def broken(
        begin: int, line: int, position: int, reason: str, resync_at: int | None = None
    ) -> Iterator[Unparsed]:
        """Yield the broken event starting at ``begin``, then resume after it."""
        nonlocal acct, acct_line, unparsed, scanning, scan_from, scan_counts_text
        advance(begin, True)
        acct_line = line
        while be < begin + RAW_CAP and not eof:
            read_more()
        window_end = min(be, begin + RAW_CAP)
        span_end: int | None = resync_at
        restart = resync_at
        if resync_at is None:
            # from the last tag opened before the error: the event's own end tag, or the
            # next event's start (which may be what broke this one)
            search_from = buf.rfind(b"<", begin + 1 - bs, position + 1 - bs)
            search_from = search_from + bs if search_from >= 0 else max(position, begin + 1)
            other = _EVENT_START.search(buf, begin + 1 - bs, search_from - bs)
            if other is not None:  # another event began before the error: resume there
                span_end = restart = other.start() + bs
            elif (found := _EVENT_TAG.search(buf, search_from - bs, window_end - bs)) is not None:
                span_end = found.end() + bs if found.group(1) else found.start() + bs
                restart = None if found.group(1) else span_end
            search_from = max(search_from, begin + 1)
        raw_end = min(span_end if span_end is not None else window_end, begin + RAW_CAP)
        raw = buf[begin - bs : raw_end - bs]
        if restart is not None:  # ends where the next event starts: not its separator
            raw = raw.rstrip()
        unparsed += 1
        yield Unparsed(
            kind="event-xml", path=path, line=line, raw=raw.decode("utf-8", "ignore"),
            reason=reason,
        )  # fmt: skip
        if span_end is None:  # end not found: skip to the next event, not as text
            scanning, scan_from, scan_counts_text = True, search_from, False
            return
        acct_line = line + _line_breaks(buf[begin - bs : span_end - bs])
        acct = span_end
        if restart is not None:
            new_parser(restart, acct_line)
        else:
            scanning, scan_from, scan_counts_text = True, span_end, True

    def on_error(kind: str, position: int, line: int, message: str) -> Iterator[Unparsed]:
        """Handle a stop of the current parser at global ``position`` (file ``line``)."""
        nonlocal scanning, scan_from, scan_counts_text
        position = min(max(position, parser_start), be)
        where = f"line {line}"
        if kind == "nested":
            yield from broken(
                ev_start, ev_line, position, f"event not closed before the next <Event> ({where})",
                resync_at=position,
            )  # fmt: skip
            return
        tag = buf.rfind(b"<", max(acct, parser_start) - bs, position + 1 - bs)
        tag = tag + bs if tag >= 0 else -1
        is_dtd = tag >= 0 and buf.startswith(_DTD_MARKUP, tag - bs)
        if kind == "depth":
            diagnose(
                "limit-exceeded", line, f"elements nested deeper than max_xml_depth={max_depth}",
                "max_xml_depth",
            )  # fmt: skip
            message = f"elements nested deeper than max_xml_depth ({max_depth})"
        elif kind == "dtd" or is_dtd:
            diagnose("dtd-forbidden", line, "DTD or entity declaration refused")
            message = f"DTD or entity declaration refused; {message}"
        if ev_start >= 0:
            yield from broken(ev_start, ev_line, position, f"{message} ({where})")
            return
        if tag >= 0 and _EVENT_START.match(buf, tag - bs):  # the <Event start tag is broken
            advance(tag, True)
            yield from broken(tag, acct_line, position, f"{message} ({where})")
            return
        stray_end = tag >= 0 and buf.startswith(b"</", tag - bs)  # expat points at its name
        if kind == "expat" and not is_dtd and not (stray_end and depth == 0 and parser_start):
            diagnose("xml-syntax", line, f"text between events is not XML: {message}")
        scanning, scan_from, scan_counts_text = True, max(position, parser_start + 1), True

    caches = _Caches()
    new_parser(0, 1)
    try:
        while True:
            if scanning:
                found = _EVENT_START.search(buf, scan_from - bs)
                if found is None:
                    if eof:
                        advance(be, scan_counts_text)
                        break
                    scan_from = max(scan_from, be - 64)
                    advance(safe_cut(scan_from), scan_counts_text)
                    read_more()
                    continue
                advance(found.start() + bs, scan_counts_text)
                new_parser(acct, acct_line)
                continue
            limit = be if eof else be - 5  # hold back a possible "<?xml" cut by the read
            if fed >= limit:
                if eof:
                    break
                advance(ev_start if ev_start >= 0 else safe_cut(
                    min(parser.CurrentByteIndex + base, fed)), True)  # fmt: skip
                read_more()
                continue
            stop_at = min(fed + FEED_BYTES, limit)
            at_declaration = False
            if decl_from < stop_at:
                found_at = buf.find(b"<?xml", max(decl_from, fed) - bs, min(stop_at + 5, be) - bs)
                if found_at < 0:
                    decl_from = stop_at
                elif found_at + bs == fed:
                    at_declaration = True
                else:
                    stop_at = found_at + bs  # feed up to it, handle it next time round
            chunk: bytes | memoryview
            if at_declaration:
                # an XML declaration (Rust evtx_dump: one per event): blanked between events
                after = fed + 5 - bs
                close = buf.find(b"?>", fed - bs, min(fed + 1024, be) - bs)
                if ev_start >= 0 or after >= len(buf) or buf[after] not in _DECL_TAIL:
                    decl_from = fed + 1  # not a declaration here: expat decides
                    continue
                if close < 0:
                    if eof or be >= fed + 1024:
                        decl_from = fed + 1
                        continue
                    advance(safe_cut(min(parser.CurrentByteIndex + base, fed)), True)
                    read_more()
                    continue
                stop_at = decl_from = close + 2 + bs
                chunk = _NOT_NEWLINE.sub(b" ", buf[fed - bs : stop_at - bs])
            else:
                chunk = memoryview(buf)[fed - bs : stop_at - bs]
            error: tuple[str, int, int, str] | None = None
            try:
                parser.Parse(chunk, False)
            except _Stop:
                error = stop
            except expat.ExpatError as failure:
                error = (
                    "expat", parser.ErrorByteIndex + base, parser.ErrorLineNumber + line_base,
                    expat.ErrorString(failure.code) or str(failure),
                )  # fmt: skip
            fed = stop_at
            if done:
                yield from drain()
            if error is not None:
                yield from on_error(*error)
                continue
            if ev_start >= 0:
                if fed - ev_start > max_event:
                    diagnose(
                        "limit-exceeded", ev_line,
                        f"event larger than max_event_bytes={max_event}", "max_event_bytes",
                    )  # fmt: skip
                    yield from broken(
                        ev_start, ev_line, fed, f"event larger than max_event_bytes ({max_event})"
                    )
            else:
                texts.clear()
                consumed = parser.CurrentByteIndex + base
                if fed - consumed > max_event:  # one unfinished token (tag, comment) too big
                    line = parser.CurrentLineNumber + line_base
                    diagnose(
                        "limit-exceeded", line,
                        f"markup larger than max_event_bytes={max_event}", "max_event_bytes",
                    )  # fmt: skip
                    tag = buf.find(b"<", consumed - bs, fed - bs)
                    if tag >= 0 and _EVENT_START.match(buf, tag):
                        advance(tag + bs, True)
                        yield from broken(
                            tag + bs, acct_line, fed,
                            f"start tag larger than max_event_bytes ({max_event})",
                        )  # fmt: skip
                    else:
                        scanning, scan_from, scan_counts_text = True, fed, False
                        advance(safe_cut(consumed), True)

        # ---- end of input ----------------------------------------------------------------
        if not scanning:
            consumed = max(parser.CurrentByteIndex + base, acct)
            tail = buf[consumed - bs :]
            tag = tail.find(b"<")
            truncated_at = -1
            if ev_start >= 0:
                truncated_at, line = ev_start, ev_line
            elif tag >= 0 and _EVENT_START_AT_EOF.match(tail, tag):
                advance(consumed + tag, True)
                truncated_at, line = consumed + tag, acct_line
            if truncated_at >= 0:
                advance(truncated_at, True)
                complete = False
                diagnose(
                    "xml-truncated", line, f"file ends inside the event starting at line {line}"
                )
                unparsed += 1
                yield Unparsed(
                    kind="event-xml", path=path, line=line,
                    raw=buf[truncated_at - bs : truncated_at - bs + RAW_CAP].decode("utf-8", "ignore"),
                    reason="file ends inside this event (truncated)",
                )  # fmt: skip
                acct = be
            elif depth > 0 or b"<" in tail:  # unclosed root or unfinished markup
                complete = False
                end_line = acct_line + _line_breaks(buf[acct - bs :])
                diagnose(
                    "xml-truncated", end_line,
                    "file ends before its XML is closed (no event is cut, later ones may be missing)",
                )  # fmt: skip
        advance(be, True)
        finished = True
    finally:
        stats.bytes_read = bytes_read
        stats.events_seen = records + unparsed
        stats.event_records = records
        stats.unparsed_events = unparsed
        stats.non_event_lines = non_event
        stats.complete = stats.complete and complete and finished


# ---- helpers ---------------------------------------------------------------------------------


def _choose_encoding(head: bytes) -> tuple[str, int]:
    """Codec and BOM length: BOM and NUL patterns first, then a declared 8-bit encoding.

    A declaration is believed only for ASCII-compatible codecs other than UTF-8, and only
    when the first bytes are not valid non-ASCII UTF-8 (then the declaration lies).
    """
    sniffed = detect_encoding(head)
    if sniffed.bom_length or sniffed.name != "utf-8":
        return sniffed.name, sniffed.bom_length
    declared = _DECLARED_ENCODING.match(head)
    if declared is None:
        return "utf-8", 0
    try:
        name = codecs.lookup(declared.group(1).decode("ascii")).name
        if name.startswith(("utf-8", "utf-16", "utf-32", "utf_")) or (
            "<?xml version".encode(name) != b"<?xml version"
        ):
            return "utf-8", 0
    except (LookupError, UnicodeError, ValueError):
        return "utf-8", 0
    if not head.isascii():
        try:
            head[:-4].decode("utf-8")
            return "utf-8", 0
        except UnicodeDecodeError:
            pass
    return name, 0


def _replace_controls(
    text: str, first: int, line: int, diagnose: Callable[[str, int | None, str], None]
) -> str:
    """``text`` with its C0 control characters (not XML 1.0, written raw by some converters
    in Data values) as U+FFFD, so their events parse; ``first`` is the first one's index
    and ``line`` the line ``text`` starts on."""
    before = text[:first]
    at = line + before.count("\n") + before.count("\r") - before.count("\r\n")
    diagnose(
        "control-char-replaced", at,
        f"control character U+{ord(text[first]):04X} (not allowed in XML 1.0) replaced by "
        "U+FFFD; the event is read",
    )  # fmt: skip
    return text.translate(_C0_TO_FFFD)


def _line_breaks(text: bytes) -> int:
    """Line breaks as expat and ``bytes.splitlines`` count them (CRLF, CR, LF)."""
    breaks = text.count(b"\n")
    if b"\r" in text:
        breaks += text.count(b"\r") - text.count(b"\r\n")
    return breaks


def _text_lines(text: bytes, first_line: int, last_counted: int) -> tuple[int, int]:
    """Lines of ``text`` (starting on ``first_line``) holding something, each counted once."""
    counted = 0
    line = first_line
    for piece in text.splitlines(keepends=True):
        if line != last_counted and piece.strip():
            counted += 1
            last_counted = line
        if piece.endswith((b"\n", b"\r")):
            line += 1
    return counted, last_counted


def _unique(key: str, data: dict[str, str]) -> str:
    """``key`` made unique in ``data`` (``Name#2``, ``Name#3`` …) so no value is lost."""
    number = 2
    while f"{key}#{number}" in data:
        number += 1
    return f"{key}#{number}"


class _IntMemo(dict[str | None, int | None]):
    """``text -> int`` (None when not a number); System values repeat on every event."""

    def __missing__(self, key: str | None) -> int | None:
        value = _int(key)
        if memorable(self, key):
            self[key] = value
        return value


class _TextMemo(dict[str | None, str | None]):
    """``text -> text.strip() or None`` for repeated values (Channel, Computer, Keywords)."""

    def __missing__(self, key: str | None) -> str | None:
        value = key.strip() or None if key else None
        if memorable(self, key):
            self[key] = value
        return value


class _GuidMemo(dict[str | None, tuple[str | None, bool]]):
    """``text -> (GUID upper case without braces, well-formed)``; (None, False) if empty."""

    def __missing__(self, key: str | None) -> tuple[str | None, bool]:
        value: tuple[str | None, bool] = (None, False)
        if key and key.strip("{} \t\r\n"):
            value = normalize_guid(key)
        if memorable(self, key):
            self[key] = value
        return value


_KEYS = (
    "Provider", "EventID", "Version", "Level", "Task", "Opcode", "Keywords", "TimeCreated",
    "EventRecordID", "Correlation", "Execution", "Channel", "Computer", "Security", "Message",
)  # fmt: skip


class _KeyMemo(dict[str, tuple[str, ...]]):
    """Event's expanded name -> the expanded names of the System/RenderingInfo elements."""

    def __missing__(self, event_name: str) -> tuple[str, ...]:
        namespace = event_name[: -len("Event")]
        value = tuple(namespace + local for local in _KEYS)
        if memorable(self, event_name, 64):
            self[event_name] = value
        return value


class _Caches:
    """Per-file memos of values that repeat on every event."""

    def __init__(self) -> None:
        self.keys = _KeyMemo()
        self.ints = _IntMemo()
        self.texts = _TextMemo()
        self.guids = _GuidMemo()
        self.families: dict[str, str] = {}
        self.hresults: dict[str, int | None] = {}

    def family(self, provider: str) -> str:
        """The provider's family (:func:`avlogparse.catalog.event_family`), memoised."""
        family = self.families.get(provider)
        if family is None:
            family = event_family(provider)
            if provider.lower() in _NOISE_PROVIDERS:
                family = "noise:" + family
            if memorable(self.families, provider, 1024):
                self.families[provider] = family
        return family



_validate_event = EventRecord.__pydantic_validator__.validate_python


def _by_local_name(values: dict[str, _V]) -> dict[str, _V]:
    return {name.rpartition("}")[2]: value for name, value in values.items()}


def _record(
    item: _Done,
    raw: str,
    path: str,
    diagnostics: FileDiagnostics,
    caches: _Caches,
    index: int | None = None,
) -> EventRecord | EventLine:
    """The record of one completed event: EventID, provider and time are read (and checked)
    now, and host, VM and HRESULT of a merge progress event; the whole model only for the
    other catalogued Hyper-V events, or when an :class:`EventLine` is first asked for more
    (benchmarks/README.md: a model per event misses the target). ``index`` is the event's
    position in the file (:attr:`EventRecord.event_index`)."""
    _, line, _, _, event_name, sys_attrs, sys_text, data, data_kind, render, culture = item
    keys = caches.keys[event_name]
    if keys[1] not in sys_text and (sys_text or sys_attrs):
        # System children in another namespace than <Event> (or none): look up by local name
        sys_attrs, sys_text = _by_local_name(sys_attrs), _by_local_name(sys_text)
        render = _by_local_name(render)
        keys = _KEYS
    provider_attrs = sys_attrs.get(keys[0], _EMPTY)
    provider = provider_attrs.get("Name") or None
    event_id_text = sys_text.get(keys[1])
    event_id = caches.ints[event_id_text]
    if event_id is None:
        diagnostics.add(
            "event-id-invalid", line, f"missing or non-numeric EventID {event_id_text!r}"
        )
    system_time = sys_attrs.get(keys[7], _EMPTY).get("SystemTime")
    timestamp = _timestamp(system_time) if system_time is not None else None
    if timestamp is None:
        diagnostics.add("timestamp-invalid", line, f"no usable SystemTime ({system_time!r})")
    family = caches.family(provider) if provider is not None else ""
    fields = (
        path, line, raw, keys, sys_attrs, sys_text, data, data_kind, render, culture,
        provider_attrs, provider, event_id, timestamp, family, caches, index,
    )  # fmt: skip
    known: dict[str, Any] | None = None
    if family:
        if family == FAMILY_HYPERV and event_id in HYPERV_EVENTS:
            if event_id not in MERGE_PROGRESS_EVENTS:
                return _event_record(*fields)
            # read for every checkpoint of every VM: what the correlation needs, no model
            known = _hyperv_extra(data, _message(render, keys[14]), caches)
            known["computer"] = caches.texts[sys_text.get(keys[12])]
        elif family == FAMILY_HYPERV and event_id in LIVE_MIGRATION_EVENTS:
            # which node, which VM (clusters): no model
            known = _hyperv_extra(data, _message(render, keys[14]), caches)
            known["computer"] = caches.texts[sys_text.get(keys[12])]
        elif (family, event_id) in WINDOWS_EVENTS or (
            sys_text.get(keys[3]) in _ERROR_LEVELS and family[:6] != "noise:"
        ):
            return _event_record(*fields)  # kept: catalogued, or an error to report
    channel = caches.texts[sys_text.get(keys[11])]
    return EventLine(
        path, line, raw, provider, channel, event_id, timestamp, _event_record, known, fields
    )


def _message(render: dict[str, str], key: str) -> str | None:
    """RenderingInfo's message with its line ends as ``\\n``."""
    message = render.get(key)
    if message is not None and "\r" in message:
        message = message.replace("\r\n", "\n").replace("\r", "\n")
    return message


def _hyperv_extra(data: dict[str, str], message: str | None, caches: _Caches) -> dict[str, Any]:
    """The VM name, VM id and HRESULT fields of a Hyper-V event."""
    vm_name, vm_id, hresult = _hyperv_fields(data, message, caches)
    extra: dict[str, Any] = {"vm_name": vm_name, "vm_id": vm_id}
    if hresult is not None:
        extra["hresult"] = hresult
        extra["hresult_hex"] = format_hresult(hresult)
    else:
        extra["hresult"] = extra["hresult_hex"] = None
    return extra


def _event_record(
    path: str,
    line: int,
    raw: str,
    keys: tuple[str, ...],
    sys_attrs: dict[str, _Attrs],
    sys_text: dict[str, str],
    data: dict[str, str],
    data_kind: _DataKind,
    render: dict[str, str],
    culture: str | None,
    provider_attrs: _Attrs,
    provider: str | None,
    event_id: int | None,
    timestamp: datetime | None,
    family: str,
    caches: _Caches,
    index: int | None = None,
) -> EventRecord:
    """The validated model (pydantic-core from one dict) of an event :func:`_record` read."""
    (
        _, k_event_id, k_version, k_level, k_task, k_opcode, k_keywords, _,
        k_record_id, k_correlation, k_execution, k_channel, k_computer, k_security, k_message,
    ) = keys  # fmt: skip
    ints = caches.ints
    texts = caches.texts
    guids = caches.guids
    level = ints[sys_text.get(k_level)]
    record_id = sys_text.get(k_record_id)
    correlation = sys_attrs.get(k_correlation, _EMPTY)
    execution = sys_attrs.get(k_execution, _EMPTY)
    message = _message(render, k_message)
    fields = {
        "path": path,
        "line": line,
        "raw": raw,
        "timestamp": timestamp,
        "time_basis": "utc" if timestamp is not None else "none",
        "provider": provider,
        "provider_guid": guids[provider_attrs.get("Guid")][0],
        "event_source_name": provider_attrs.get("EventSourceName") or None,
        "event_id": event_id,
        "qualifiers": ints[sys_attrs.get(k_event_id, _EMPTY).get("Qualifiers")],
        "version": ints[sys_text.get(k_version)],
        "level": level,
        "level_name": LEVEL_NAMES.get(level) if level is not None else None,
        "task": ints[sys_text.get(k_task)],
        "opcode": ints[sys_text.get(k_opcode)],
        "keywords": texts[sys_text.get(k_keywords)],
        "event_record_id": int(record_id)
        if record_id is not None and record_id.isdigit() and record_id.isascii()
        else _int(record_id),  # unique per event: no memo
        "activity_id": guids[correlation.get("ActivityID")][0],
        "related_activity_id": guids[correlation.get("RelatedActivityID")][0],
        "process_id": ints[execution.get("ProcessID")],
        "thread_id": ints[execution.get("ThreadID")],
        "channel": texts[sys_text.get(k_channel)],
        "computer": texts[sys_text.get(k_computer)],
        "user_sid": sys_attrs.get(k_security, _EMPTY).get("UserID") or None,
        "data": data,
        "data_kind": data_kind,
        "message": message,
        "rendering_level": texts[render.get(k_level)],
        "rendering_task": texts[render.get(k_task)],
        "rendering_culture": culture or None,
        "event_index": index,
    }
    if family == FAMILY_HYPERV:
        fields.update(_hyperv_extra(data, message, caches))
        fields["family"] = family
        if event_id in MISSING_SNAPSHOT_EVENTS:  # Parameter0 is the failing call, no VM
            fields["vm_name"] = None
    elif family and family[:6] != "noise:":
        fields["family"] = family
        fields.update(_other_fields(family, data))
    record: EventRecord = _validate_event(fields)
    return record


def _hyperv_fields(
    data: dict[str, str], message: str | None, caches: _Caches
) -> tuple[str | None, str | None, int | None]:
    """VM name, VM id and HRESULT of a Hyper-V event, from its data, then its message."""
    name = data.get("VmName") or data.get("Parameter0")
    if name is not None:
        name = name.strip() or None
    vm_id, _ = caches.guids[data.get("VmId")]
    if vm_id is None and "Parameter1" in data:
        candidate, valid = caches.guids[data["Parameter1"]]
        vm_id = candidate if valid else None
    if message:
        if name is None and (quoted := _MESSAGE_VM_NAME.match(message)):
            name = quoted.group(1).strip() or None
        if vm_id is None and (found := _MESSAGE_VM_ID.search(message)):
            vm_id = found.group(1).upper()
    code = data.get("ErrorCode")
    hresult: int | None = None
    if code is not None:
        hresult = caches.hresults.get(code, -1)
        if hresult == -1:
            hresult = _hresult_code(code)
            if memorable(caches.hresults, code, 1024):
                caches.hresults[code] = hresult
    if hresult is None:
        for value in data.values():
            if value.startswith("%%"):
                insertion = parse_hresult(value)
                if insertion is not None and insertion & 0x80000000:
                    hresult = insertion
                    break
    if hresult is None and message:
        hresult = parse_hresult(message)
    return name, vm_id, hresult


_ERROR_LEVELS = frozenset({"1", "2"})
"""``<Level>`` of Critical and Error events: kept for the unexplained-errors rule."""
_NOISE_PROVIDERS = frozenset(provider for provider, _ in NOISE_EVENTS)
_DATA_HRESULT = re.compile(r"\b0[xX]8[0-9A-Fa-f]{7}\b", re.ASCII)
_DATA_STATUS = re.compile(r"\b(STATUS_[A-Z0-9_]{2,64}|ERROR_[A-Z0-9_]{2,64})\(([0-9A-Fa-f]{1,8})\)", re.ASCII)
_DATA_NTSTATUS = re.compile(r"\b[cC]0[0-9A-Fa-f]{6}\b", re.ASCII)
_DATA_GUID = re.compile(
    r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}", re.ASCII
)
_DATA_WRITER_NAME = re.compile(r"Writer Name: ?([^\r\n]{1,128})")
_DISK_SUFFIXES = (".vhd", ".vhdx", ".avhd", ".avhdx", ".vhds")
KNOWN_WRITERS: dict[str, str] = {
    "66841CD4-6DED-4F4B-8F17-FD23F8DDC3DE": "Microsoft Hyper-V VSS Writer",
}
"""VSS writer class ids, which the event data carries in every language."""
_CSV_KEYS = ("VolumeName", "CsvName", "Volume", "ResourceName", "Parameter0", "Data0")
_RESOURCE_KEYS = ("ResourceGroup", "ResourceName", "GroupName", "Parameter0", "Data0")


def _other_fields(family: str, data: dict[str, str]) -> dict[str, Any]:
    """Typed fields of a VSS, cluster or VHDMP event, from its EventData (never from the
    rendered message: Windows localises it). HRESULTs and status codes are read as codes
    (``0x800423F2``, ``STATUS_BAD_NETWORK_PATH(c00000be)``), writers by class id."""
    fields: dict[str, Any] = {}
    hresult: int | None = None
    code = data.get("ErrorCode") or data.get("hr")
    if code is not None:
        hresult = _hresult_code(code)
    values = list(data.values())
    if hresult is None:
        for value in values:
            if value.startswith("%%"):
                insertion = parse_hresult(value)
                if insertion is not None and insertion & 0x80000000:
                    hresult = insertion
                    break
            found = _DATA_HRESULT.search(value)
            if found is not None:
                hresult = int(found.group(0), 16)
                break
    if hresult is not None:
        fields["hresult"] = hresult
        fields["hresult_hex"] = format_hresult(hresult)
    if family == FAMILY_VSS:
        for value in values:
            for guid in _DATA_GUID.findall(value):
                name = KNOWN_WRITERS.get(guid.upper())
                if name is not None:
                    fields["writer_id"], fields["writer_name"] = guid.upper(), name
                    break
            if "writer_name" in fields:
                break
        if "writer_name" not in fields:
            for value in values:
                named = _DATA_WRITER_NAME.search(value)
                if named is not None:
                    fields["writer_name"] = named.group(1).strip().strip("[]'\"") or None
                    break
    elif family == FAMILY_CLUSTER:
        csv = next((data[k].strip() for k in _CSV_KEYS if data.get(k, "").strip()), None)
        fields["csv_name"] = csv
        fields["resource_name"] = next(
            (data[k].strip() for k in _RESOURCE_KEYS if data.get(k, "").strip()), None
        )
        for value in values:
            status = _DATA_STATUS.search(value)
            if status is not None:
                fields["status_name"], fields["status_code"] = status.group(1), status.group(2)
                break
            ntstatus = _DATA_NTSTATUS.search(value)
            if ntstatus is not None:
                fields["status_code"] = ntstatus.group(0).lower()
                break
    elif family == FAMILY_VHDMP:
        for value in values:
            candidate = value.strip()
            if candidate.lower().endswith(_DISK_SUFFIXES):
                fields["disk_path"] = candidate
                break
    return fields


def _hresult_code(text: str | None) -> int | None:
    """An ``ErrorCode`` value: ``0x8007052F``, ``%%2147943727`` or a (signed) decimal."""
    if not text or not text.strip():
        return None
    if _SIGNED_DECIMAL.fullmatch(text):
        number = int(text)
        return number & 0xFFFFFFFF if -(1 << 31) <= number <= 0xFFFFFFFF else None
    stripped = text.strip()
    if stripped[:2] not in ("0x", "0X", "%%"):
        return None
    return parse_hresult(stripped)


def _int(text: str | None) -> int | None:
    """A decimal integer of ASCII digits (or ``0x`` hex); anything else is None."""
    if not text:
        return None
    if text.isdigit() and text.isascii():
        return int(text)
    text = text.strip()
    if text.isdigit() and text.isascii():
        return int(text)
    if text[:2] in ("0x", "0X") and text[2:].isalnum() and text.isascii():
        try:
            return int(text[2:], 16)
        except ValueError:
            return None
    return None


def _timestamp(text: str) -> datetime | None:
    """``SystemTime`` in any producer's spelling as aware UTC, truncated to microseconds.

    None when unparsable or outside MIN_YEAR..MAX_YEAR (zero FILETIMEs: 1601 or year 1).
    """
    # fast path, EvtRender's spelling 2019-05-09T15:35:02.2356205Z (6 to 9 fraction digits);
    # fromisoformat reads ASCII digits only, and is 4x cheaper than datetime.replace(tzinfo)
    if (
        27 <= len(text) <= 30
        and text[-1] == "Z"
        and text[10] == "T"
        and text[19] == "."
        and text[7] == "-"
        and (len(text) == 27 or (text[26:-1].isdigit() and text[26:-1].isascii()))
    ):
        try:
            moment = datetime.fromisoformat(text[:26] + "+00:00")
        except ValueError:
            return None
        return moment if MIN_YEAR <= moment.year <= MAX_YEAR else None
    found = _SYSTEM_TIME.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    if not MIN_YEAR <= int(year) <= MAX_YEAR:
        return None
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int((fraction or "0")[:6].ljust(6, "0")), tzinfo=_UTC,
        )  # fmt: skip
        if zone and zone != "Z":
            digits = zone[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 14 or minutes > 59:
                return None
            offset = timedelta(hours=hours, minutes=minutes)
            moment = moment - offset if zone[0] == "+" else moment + offset
    except (ValueError, OverflowError):
        return None
    return moment


class MergeProgress(NamedTuple):
    """A merge started / interrupted / completed event (19070, 19090, 19080), kept small.

    Busy hosts write these for every checkpoint of every VM; the rules only need when, on
    which host and for which VM, so a validated EventRecord (several KB) is not kept.
    """

    path: str
    line: int
    event_id: int | None
    timestamp: datetime | None
    computer: str | None
    vm_name: str | None
    vm_id: str | None
    hresult_hex: str | None = None


_COMPACT_FIELDS = frozenset({"computer", "vm_name", "vm_id", "hresult_hex"})


def compact(event: EventRecord | EventLine) -> MergeProgress:
    """The event as a MergeProgress, with one copy of each host and VM name however many
    events repeat it. An EventLine's fields are read from ``known`` (no model is built)."""
    known = event.known if isinstance(event, EventLine) else None
    if known is not None and known.keys() >= _COMPACT_FIELDS:
        computer, vm_name, vm_id = known["computer"], known["vm_name"], known["vm_id"]
        hresult_hex = known["hresult_hex"]
    else:
        computer, vm_name, vm_id = event.computer, event.vm_name, event.vm_id
        hresult_hex = event.hresult_hex
    intern = sys.intern
    return MergeProgress(
        event.path,
        event.line,
        event.event_id,
        event.timestamp,
        computer and intern(computer),
        vm_name and intern(vm_name),
        vm_id and intern(vm_id),
        hresult_hex,
    )


def repeat_key(event: EventRecord | MergeProgress) -> tuple[object, ...]:
    """What makes two kept events one repeated fact: same event id, host, VM and HRESULT
    within the same UTC hour (VMMS retries a failed merge every few minutes, nightly)."""
    moment = event.timestamp
    hour = moment.replace(minute=0, second=0, microsecond=0) if moment else None
    vm = event.vm_id or event.vm_name
    return (KIND, event.event_id, event.computer, vm, event.hresult_hex, hour)


_XML_START = re.compile(
    r"^\s*(?:Record \d+\s*)?(?:(?:<!--(?:[^-]|-(?!-))*-->|<\?(?!xml[\s?])[^>]*\?>)\s*)*"
    r"<(?:\?xml|Events\b|Event\b)",
    re.ASCII,
)  # an optional ``Record N`` line, comments and processing instructions, then the XML
_EVENT_NS = "schemas.microsoft.com/win/2004/08/events"


class EventXmlSource(LogSource):
    """Windows event logs exported as XML, of any channel or of several in one file."""

    kind = KIND
    docs_page = "formats/event-xml.md"
    name_suffixes = (".xml",)

    def sniff(self, text: str, head: bytes) -> int:
        if _XML_START.match(text) and ("<Event" in text or _EVENT_NS in text):
            return 2  # sure: before any line-log guess
        return 0

    def parse(
        self, stream: BinaryIO, path: str, stats: ParseStats, limits: Limits
    ) -> Iterator[Record]:
        return parse_event_xml(stream, path, stats, limits)

    def collect(self, records: Iterable[Record], collector: Collector) -> None:
        """Keep the catalogued Hyper-V events (merge progress in compact form) and count the
        events of each channel: a channel's facts exist only where its events were seen."""
        channels: Counter[tuple[str | None, str | None]] = Counter()
        events = collector.events
        incidents = collector.incident_events
        progress = collector.merge_progress
        for record in records:
            if isinstance(record, (EventLine, EventRecord)):
                provider = record.provider
                channels[record.channel, provider] += 1
                if (
                    record.event_id in HYPERV_EVENTS
                    and provider is not None
                    and "hyper-v" in provider.lower()
                    and "kvpexchange" not in provider.lower()
                ):
                    if record.event_id in MERGE_PROGRESS_EVENTS:
                        kept = compact(record)
                        if collector.keep(repeat_key(kept), kept):
                            progress.append(kept)
                    else:
                        model = record if isinstance(record, EventRecord) else record.to_model()
                        if collector.keep(repeat_key(model), model):
                            events.append(model)
                elif (
                    record.event_id in LIVE_MIGRATION_EVENTS
                    and len(collector.migrations) < MAX_MIGRATIONS
                    and provider is not None
                    and "hyper-v" in provider.lower()
                ):
                    collector.migrations.append(compact(record))
                elif (
                    isinstance(record, EventRecord)
                    and record.family
                    and collector.keep(repeat_key(record), record)
                ):
                    incidents.append(record)  # catalogued other events, unexplained errors
            elif isinstance(record, Unparsed):
                collector.note_unparsed(record)
        for (channel, provider), count in channels.items():
            collector.saw(channel_fact(channel, provider), count)


SOURCE = EventXmlSource()
