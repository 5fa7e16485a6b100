"""Typed records: what the parsers turn lines and events into.

Every record carries ``source`` (the log kind), ``path`` (member path inside the bundle),
``line`` (1-based; for XML the line where ``<Event`` starts), ``timestamp`` and ``raw``.
``time_basis`` says how to read ``timestamp``: ``utc`` (timezone-aware, event XML),
``host-local`` (naive, the plugin logs state no zone), ``host-local-inherited`` (naive, taken
from the previous timestamped line because this line had none) or ``none``.

Ordinary plugin-log lines are yielded as :class:`LogLine`, and events no rule reads as
:class:`EventLine`: light records that convert to the validated model on access
(``to_model()``), because a pydantic model per line would cost 7x the raw read
(``shared/perf-notes.md``). Lines whose code is catalogued, cleanup lines and the catalogued
Hyper-V events are validated models straight away.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field


class Source(str, Enum):
    """Which kind of input a record came from (the JSON ``source`` value)."""

    AVHYPERVVSS = "avhypervvss"
    WINCLUSTERSVC = "winclustersvc"
    EVENT_XML = "event-xml"
    UNPARSED = "unparsed"


TimeBasis = Literal["utc", "host-local", "host-local-inherited", "none"]


class RecordBase(BaseModel):
    """Fields every record has; frozen so records can be shared and hashed into indexes."""

    model_config = ConfigDict(frozen=True)

    source: Source
    path: str
    line: int = Field(ge=1)
    timestamp: datetime | None = None
    time_basis: TimeBasis = "none"
    raw: str


class AvamarLogRecord(RecordBase):
    """One message of an Avamar component log (``component Level <code>: message``).

    ``layout`` tells which line shape it was: ``standard`` (``[ts ]component Level <code>:``)
    or ``debug`` (``YYYY/MM/DD-hh:mm:ss.fffff [Thread] text``). ``continuation`` holds the
    extra lines of a multi-line message; ``raw`` is the first line only, so ``raw`` is always
    one input line.
    """

    component: str | None = None
    level: str | None = None
    code: int | None = None
    message: str = ""
    process_id: int | None = None
    thread: str | None = None
    layout: Literal["standard", "debug"] = "standard"
    continuation: tuple[str, ...] = ()
    truncated: bool = False

    @property
    def full_message(self) -> str:
        """The message with its continuation lines joined by newlines."""
        if not self.continuation:
            return self.message
        return "\n".join((self.message, *self.continuation))


class PluginLogRecord(AvamarLogRecord):
    """A line of ``avhypervvss.log`` with the fields its message code carries.

    43419: ``guest_backup_type``; 43420: ``consistency_level``; 43426: ``vm_name``,
    ``vm_id`` (normalised: upper case, no braces), ``vm_id_raw`` (as written),
    ``vm_id_valid`` (False for masked or malformed GUIDs) and ``referenced_log``.
    """

    source: Source = Source.AVHYPERVVSS
    guest_backup_type: str | None = None
    consistency_level: str | None = None
    vm_name: str | None = None
    vm_id: str | None = None
    vm_id_raw: str | None = None
    vm_id_valid: bool | None = None
    referenced_log: str | None = None


class ClusterLogRecord(AvamarLogRecord):
    """A line of ``winclustersvc.log``; cleanup and DestroySnapshot lines get their fields.

    The group name ``AvamarBackup_<host>-<job>-<YYYYMMDDhhmmss>-<n>`` is split into
    ``group_host``, ``group_job``, ``group_started`` (host-local, naive) and
    ``group_sequence``.
    """

    source: Source = Source.WINCLUSTERSVC
    group: str | None = None
    group_host: str | None = None
    group_job: str | None = None
    group_started: datetime | None = None
    group_sequence: int | None = None
    wmi_path: str | None = None
    wmi_host: str | None = None
    collection_id: str | None = None
    destroy_snapshot: Literal["success", "failure"] | None = None
    return_code: int | None = None
    return_code_name: str | None = None
    hresult: int | None = None
    hresult_hex: str | None = None


class EventRecord(RecordBase):
    """One Windows event from an XML export (``<Event>`` element).

    ``data`` is EventData or UserData as an ordered name → value mapping; unnamed
    ``<Data>`` elements are named ``Data0``, ``Data1`` … by position. For Hyper-V events the
    VM name, VM id and HRESULT are taken from the data or, failing that, from the message.
    """

    source: Source = Source.EVENT_XML
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


class Unparsed(RecordBase):
    """A line (or event) the parsers could not read, kept with where it was and why."""

    source: Source = Source.UNPARSED
    kind: str
    reason: str


class LogLine(NamedTuple):
    """Light record for an ordinary Avamar log line (no catalogued payload).

    A named tuple with the same attributes as :class:`AvamarLogRecord`: immutable and about
    ten times cheaper to build than a validated model. :meth:`to_model` gives the validated
    model when a caller wants one.
    """

    source: Source
    path: str
    line: int
    timestamp: datetime | None
    time_basis: TimeBasis
    raw: str
    component: str | None
    level: str | None
    code: int | None
    message: str
    process_id: int | None
    thread: str | None
    layout: Literal["standard", "debug"]
    continuation: tuple[str, ...]
    truncated: bool

    @property
    def full_message(self) -> str:
        """The message with its continuation lines joined by newlines."""
        if not self.continuation:
            return self.message
        return "\n".join((self.message, *self.continuation))

    def to_model(self) -> AvamarLogRecord:
        """The validated pydantic model of this line."""
        model: type[AvamarLogRecord] = (
            ClusterLogRecord if self.source is Source.WINCLUSTERSVC else PluginLogRecord
        )
        return model(**self._asdict())

    def model_dump(self, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        """The same dictionary the validated model would give."""
        return self.to_model().model_dump(mode=mode)


class EventLine:
    """Light record of an event no rule reads (most of an export: starts, stops, migrations).

    ``path``, ``line``, ``raw``, ``provider``, ``event_id`` and ``timestamp`` are set when it
    is parsed (the parser checks the last two then), and so are the fields in ``known`` (the
    host, VM and HRESULT of a merge progress event, which the correlation reads); every other
    :class:`EventRecord` attribute reads through to the validated model, built once on first
    access by :meth:`to_model`. The parser yields a validated :class:`EventRecord` straight
    away for the other catalogued Hyper-V events (``catalog.HYPERV_EVENTS``).
    """

    __slots__ = (
        "path", "line", "raw", "provider", "event_id", "timestamp", "_known", "_build",
        "_build_args", "_model",
    )  # fmt: skip
    source: ClassVar[Source] = Source.EVENT_XML

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
        channel: str | None
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

    def __init__(
        self,
        path: str,
        line: int,
        raw: str,
        provider: str | None,
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


Record = PluginLogRecord | ClusterLogRecord | EventRecord | EventLine | Unparsed | LogLine
"""Anything a parser yields."""
