"""Parser for Windows event logs exported as XML (Hyper-V-VMMS and any other channel).

Accepted shapes (``shared/domain.md`` §4): an ``<Events>`` root (Event Viewer "Save as
XML", python-evtx), bare concatenated ``<Event>`` elements (``wevtutil qe /f:xml``,
``Get-WinEvent .ToXml()``), Rust ``evtx_dump`` output (a ``Record N`` line and an XML
declaration before every event); with or without declaration and RenderingInfo; single or
double quotes; UTF-8 with or without BOM, UTF-16 LE/BE (a declaration that lies about the
encoding is ignored: the bytes decide).

How: the text is cut into ``<Event …>…</Event>`` segments with plain string searches, and
each segment is parsed on its own by a fresh ``pyexpat`` parser. So one broken event costs
one event (it becomes :class:`Unparsed` and parsing resumes at the next ``<Event``), the
start line of every event is exact, the whole document is never held in memory, and a DTD
can never apply: declarations outside events are ignored, and entities other than the five
predefined ones are undefined inside an event (billion laughs and XXE fail in microseconds,
reading nothing). Handlers refuse any DOCTYPE or entity declaration as a second lock.

Typical content (one line per event in an Event Viewer export)::

    <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Hyper-V-VMMS' Guid='{6066F867-7CA1-4418-85FD-36E3F9C0600C}'/><EventID>19100</EventID>…</System><UserData><VmlEventLog xmlns='http://www.microsoft.com/Windows/Virtualization/Events'><VmName>DDR-Dev2</VmName><VmId>…</VmId>…</VmlEventLog></UserData></Event>
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from typing import BinaryIO, Literal
from xml.parsers import expat

from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import FileDiagnostics, ParseStats
from avlogparse.models.records import EventRecord, Unparsed
from avlogparse.normalize import format_hresult, normalize_guid, parse_hresult
from avlogparse.textio import detect_encoding

FEED_CHARS = 1 << 16
RAW_CAP = 4096
LEVEL_NAMES = {
    0: "LogAlways",
    1: "Critical",
    2: "Error",
    3: "Warning",
    4: "Information",
    5: "Verbose",
}

_EVENT_START = re.compile(r"<Event[\s>/]")
_EVENT_END = "</Event>"
_SYSTEM_TIME = re.compile(
    r"\s*(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?\s*(Z|[+-]\d\d:?\d\d)?\s*",
    re.ASCII,
)
_MESSAGE_VM_NAME = re.compile(r"'([^'\r\n]{1,256})'")
_MESSAGE_VM_ID = re.compile(
    r"\((?:Virtual machine ID|VMID) \{?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-"
    r"[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?\)",
    re.ASCII,
)
_INT_FIELDS = {"Version": "version", "Level": "level", "Task": "task", "Opcode": "opcode"}


class _Refused(Exception):
    """Raised from expat handlers to stop on a forbidden construct."""


class _EventBuilder:
    """Collects one event's fields from expat callbacks (local names; namespaces ignored)."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.stack: list[str] = []
        self.fields: dict[str, object] = {}
        self.data: dict[str, str] = {}
        self.data_kind: Literal["EventData", "UserData"] | None = None
        self.text: list[str] = []
        self.wrapper_depth = 0
        self.positional = 0
        self.data_name: str | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition("}")[2]
        stack = self.stack
        stack.append(local)
        if len(stack) > self.max_depth:
            raise _Refused(f"elements nested deeper than {self.max_depth}")
        self.text = []
        parent = stack[-2] if len(stack) > 1 else ""
        fields = self.fields
        if parent == "System":
            if local == "Provider":
                fields["provider"] = attrs.get("Name")
                fields["provider_guid"] = attrs.get("Guid")
                fields["event_source_name"] = attrs.get("EventSourceName")
            elif local == "EventID":
                fields["qualifiers"] = attrs.get("Qualifiers")
            elif local == "TimeCreated":
                fields["system_time"] = attrs.get("SystemTime")
            elif local == "Correlation":
                fields["activity_id"] = attrs.get("ActivityID")
                fields["related_activity_id"] = attrs.get("RelatedActivityID")
            elif local == "Execution":
                fields["process_id"] = attrs.get("ProcessID")
                fields["thread_id"] = attrs.get("ThreadID")
            elif local == "Security":
                fields["user_sid"] = attrs.get("UserID")
        elif local == "EventData" and parent == "Event":
            self.data_kind = "EventData"
        elif local == "UserData" and parent == "Event":
            self.data_kind = "UserData"
        elif parent == "RenderingInfo" or local == "RenderingInfo":
            if local == "RenderingInfo":
                fields["rendering_culture"] = attrs.get("Culture")
        elif self.data_kind == "EventData" and local in ("Data", "Binary"):
            self.data_name = attrs.get("Name") or (
                "Binary" if local == "Binary" else f"Data{self.positional}"
            )
            if local == "Data" and not attrs.get("Name"):
                self.positional += 1
        elif self.data_kind == "UserData" and "UserData" in stack:
            depth = len(stack) - stack.index("UserData") - 1
            if depth == 2:
                self.data_name = local

    def end(self, name: str) -> None:
        local = self.stack.pop()
        value = "".join(self.text)
        self.text = []
        parent = self.stack[-1] if self.stack else ""
        if parent == "System":
            if local in ("EventID", "EventRecordID", "Channel", "Computer", "Keywords"):
                self.fields[local] = value.strip()
            elif local in _INT_FIELDS:
                self.fields[_INT_FIELDS[local]] = value.strip()
        elif parent == "RenderingInfo":
            if local in ("Message", "Level", "Task"):
                self.fields["rendering_" + local.lower()] = value
        elif self.data_name is not None and local != "EventData":
            self.data[self.data_name] = value
            self.data_name = None

    def chars(self, text: str) -> None:
        self.text.append(text)


def _refuse(*_: object) -> None:
    raise _Refused("DTD or entity declaration")


def _refuse_external(
    context: str, base: str | None, system_id: str | None, public_id: str | None
) -> int:
    raise _Refused(f"external entity reference {system_id!r}")


def parse_event_xml(
    stream: BinaryIO, path: str, stats: ParseStats, limits: Limits = DEFAULT_LIMITS
) -> Iterator[EventRecord | Unparsed]:
    """Yield one :class:`EventRecord` (or :class:`Unparsed`) per ``<Event>`` in the stream."""
    diagnostics = FileDiagnostics(path, stats)
    diagnose = diagnostics.add

    head = stream.read(FEED_CHARS)
    encoding = detect_encoding(head)
    stats.encoding = encoding.name
    decoder = codecs.getincrementaldecoder(encoding.name)("replace")
    bytes_read = len(head)
    buffer = decoder.decode(head[encoding.bom_length :])
    pos = 0  # everything before pos is accounted for
    line = 1  # line number at buffer[pos]
    records = unparsed = non_event = 0
    eof = False
    search_event = _EVENT_START.search
    try:
        while True:
            found = search_event(buffer, pos)
            end_at = buffer.find(_EVENT_END, found.end()) if found else -1
            if found is not None and end_at >= 0:
                start = found.start()
                inner = search_event(buffer, found.end(), end_at)
                stop = inner.start() if inner else end_at + len(_EVENT_END)
                non_event += _text_lines(buffer[pos:start])
                line += buffer.count("\n", pos, start)
                segment = buffer[start:stop]
                record: EventRecord | Unparsed
                if len(segment) > limits.max_event_bytes:
                    diagnose(
                        "limit-exceeded",
                        line,
                        f"event larger than {limits.max_event_bytes} characters",
                        "max_event_bytes",
                    )
                    record = Unparsed(
                        kind="event-xml", path=path, line=line, raw=segment[:RAW_CAP],
                        reason="event exceeds max_event_bytes",
                    )  # fmt: skip
                elif inner is None:
                    record = _parse_event(segment, path, line, limits, diagnose)
                else:
                    record = Unparsed(
                        kind="event-xml", path=path, line=line, raw=segment[:RAW_CAP],
                        reason="event not closed before the next <Event>",
                    )  # fmt: skip
                if isinstance(record, Unparsed):
                    unparsed += 1
                else:
                    records += 1
                yield record
                line += segment.count("\n")
                pos = stop
                continue
            pending = len(buffer) - (found.start() if found else pos)
            too_long = found is not None and pending > limits.max_event_bytes
            if not eof and not too_long:
                if found is None and pending > 64:
                    # nothing event-like: account for the text, keep a tail for a split tag
                    keep = len(buffer) - 16
                    non_event += _text_lines(buffer[pos:keep])
                    line += buffer.count("\n", pos, keep)
                    pos = keep
                buffer = buffer[pos:]
                pos = 0
                chunk = stream.read(FEED_CHARS)
                bytes_read += len(chunk)
                eof = not chunk
                buffer += decoder.decode(chunk, eof)
                continue
            if found is None:
                non_event += _text_lines(buffer[pos:])
                break
            start = found.start()
            non_event += _text_lines(buffer[pos:start])
            line += buffer.count("\n", pos, start)
            if too_long:
                diagnose(
                    "limit-exceeded",
                    line,
                    f"event larger than {limits.max_event_bytes} characters",
                    "max_event_bytes",
                )
                reason = "event exceeds max_event_bytes"
            else:
                stats.complete = False
                diagnose("xml-truncated", line, "file ends inside an event")
                reason = "file ends inside this event (truncated)"
            unparsed += 1
            yield Unparsed(
                kind="event-xml", path=path, line=line, raw=buffer[start : start + RAW_CAP],
                reason=reason,
            )  # fmt: skip
            next_event = search_event(buffer, found.end())
            cut = next_event.start() if next_event else len(buffer)
            line += buffer.count("\n", start, cut)
            pos = cut
            if next_event is None and eof:
                break
    finally:
        stats.bytes_read = bytes_read
        stats.events_seen = records + unparsed
        stats.event_records = records
        stats.unparsed_events = unparsed
        stats.non_event_lines = non_event
        diagnostics.summarise()


def _text_lines(text: str) -> int:
    """Lines of text outside events that hold something (declarations, roots, ``Record N``)."""
    if not text or text.isspace():
        return 0
    return sum(1 for part in text.splitlines() if part.strip())


def _parse_event(
    segment: str,
    path: str,
    line: int,
    limits: Limits,
    diagnose: Callable[..., None],
) -> EventRecord | Unparsed:
    builder = _EventBuilder(limits.max_xml_depth)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.chars
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse_external
    try:
        parser.Parse(segment, True)
    except (expat.ExpatError, _Refused, ValueError, UnicodeError) as error:
        reason = f"invalid event XML: {error}"
        if isinstance(error, _Refused):
            diagnose("xml-refused", line, str(error))
        return Unparsed(
            kind="event-xml", path=path, line=line, raw=segment[:RAW_CAP], reason=reason
        )
    return _record(builder, segment, path, line, diagnose)


def _record(
    builder: _EventBuilder, segment: str, path: str, line: int, diagnose: Callable[..., None]
) -> EventRecord:
    fields = builder.fields
    event_id = _int(fields.get("EventID"))
    if event_id is None:
        diagnose(
            "event-id-invalid", line, f"missing or non-numeric EventID {fields.get('EventID')!r}"
        )
    timestamp = _system_time(fields.get("system_time"))
    if timestamp is None and fields.get("system_time") is not None:
        diagnose("timestamp-invalid", line, f"unusable SystemTime {fields.get('system_time')!r}")
    level = _int(fields.get("level"))
    guid = fields.get("provider_guid")
    provider = _str(fields.get("provider"))
    message = _str(fields.get("rendering_message"))
    if message is not None:
        message = message.replace("\r\n", "\n").replace("\r", "\n")
    data = builder.data
    record = EventRecord(
        path=path,
        line=line,
        raw=segment[:RAW_CAP] if len(segment) > RAW_CAP else segment,
        timestamp=timestamp,
        time_basis="utc" if timestamp is not None else "none",
        provider=provider,
        provider_guid=normalize_guid(guid)[0] if isinstance(guid, str) and guid else None,
        event_source_name=_str(fields.get("event_source_name")),
        event_id=event_id,
        qualifiers=_int(fields.get("qualifiers")),
        version=_int(fields.get("version")),
        level=level,
        level_name=LEVEL_NAMES.get(level) if level is not None else None,
        task=_int(fields.get("task")),
        opcode=_int(fields.get("opcode")),
        keywords=_str(fields.get("Keywords")),
        event_record_id=_int(fields.get("EventRecordID")),
        activity_id=_guid(fields.get("activity_id")),
        related_activity_id=_guid(fields.get("related_activity_id")),
        process_id=_int(fields.get("process_id")),
        thread_id=_int(fields.get("thread_id")),
        channel=_str(fields.get("Channel")),
        computer=_str(fields.get("Computer")),
        user_sid=_str(fields.get("user_sid")),
        data=data,
        data_kind=builder.data_kind,
        message=message,
        rendering_level=_str(fields.get("rendering_level")),
        rendering_task=_str(fields.get("rendering_task")),
        rendering_culture=_str(fields.get("rendering_culture")),
        **_hyperv_fields(provider, data, message),
    )
    return record


def _hyperv_fields(
    provider: str | None, data: dict[str, str], message: str | None
) -> dict[str, object]:
    """VM name, VM id and HRESULT of a Hyper-V event, from its data or its message."""
    if provider is None or "hyper-v" not in provider.lower():
        return {}
    name = data.get("VmName") or data.get("Parameter0")
    raw_id = data.get("VmId") or data.get("Parameter1")
    if message:
        if not name and (found := _MESSAGE_VM_NAME.match(message)):
            name = found.group(1)
        if not raw_id and (found_id := _MESSAGE_VM_ID.search(message)):
            raw_id = found_id.group(1)
    vm_id, valid = normalize_guid(raw_id) if raw_id else (None, False)
    hresult = parse_hresult(data.get("ErrorCode"))
    if hresult is None:
        for value in data.values():
            if value.startswith("%%") and (hresult := parse_hresult(value)) is not None:
                break
    if hresult is None and message:
        hresult = parse_hresult(message)
    return {
        "vm_name": name.strip() if name and name.strip() else None,
        "vm_id": vm_id if valid else None,
        "hresult": hresult,
        "hresult_hex": format_hresult(hresult) if hresult is not None else None,
    }


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _int(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return int(text, 16) if text[:2].lower() == "0x" else int(text) if text.isascii() else None
    except ValueError:
        return None


def _guid(value: object) -> str | None:
    return normalize_guid(value)[0] if isinstance(value, str) and value.strip("{} ") else None


def _system_time(value: object) -> datetime | None:
    """``SystemTime`` in any producer's spelling as aware UTC (None when absurd)."""
    if not isinstance(value, str):
        return None
    found = _SYSTEM_TIME.fullmatch(value)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    if int(year) <= 1601:  # zero FILETIME, year 0 and the like: no usable time
        return None
    try:
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second),
            int((fraction or "0")[:6].ljust(6, "0")), tzinfo=timezone.utc,
        )  # fmt: skip
        if zone and zone != "Z":
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            moment = moment - sign * offset
    except (ValueError, OverflowError):
        return None
    return moment
