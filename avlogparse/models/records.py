"""What every record has, wherever it came from, and where an input thing sits.

Each log source (:mod:`avlogparse.sources`) declares its own record models next to its
parser; they all derive from :class:`RecordBase`: ``source`` (the kind of log, a source's
``kind``), ``path`` (member path inside the bundle), ``line`` (1-based; for XML the line where
``<Event`` starts), ``timestamp`` and ``raw``. ``time_basis`` says how to read
``timestamp``: ``utc`` (timezone-aware, event XML), ``host-local`` (naive, the plug-in logs
state no zone), ``host-local-inherited`` (naive, taken from the previous timestamped line
because this line had none), ``unknown`` (naive, zone not known: the Avamar debug layout
``YYYY/MM/DD-hh:mm:ss.fffff [thread]``, UTC in the one public sample that also has
host-local lines; :mod:`avlogparse.correlation.debug_clock` infers it) or ``none``. A line
or event no parser could read is an :class:`Unparsed` record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

TimeBasis = Literal["utc", "host-local", "host-local-inherited", "unknown", "none"]

UNPARSED = "unparsed"
"""The ``source`` of an :class:`Unparsed` record (its ``kind`` names the log it sits in)."""


class Location(NamedTuple):
    """Where something sits in a bundle: member path, 1-based line and, for a Windows event,
    its EventRecordID or, lacking one, its position among the file's events.

    ``str()`` gives the form every output cites: ``path:line``; for an event, so that events
    sharing a line (a one-line export) are told apart, ``path:line#record_id``
    (``export.xml:2#4205``) or, without an EventRecordID, ``path:line@index``
    (``export.xml:2@17``: the file's 17th event). A binary ``.evtx`` has no lines: its
    records' ``line`` is the EventRecordID, cited once: ``System.evtx#4205``."""

    path: str
    line: int | None = None
    record_id: int | None = None
    event_index: int | None = None

    def __str__(self) -> str:
        if self.record_id is not None and self.line == self.record_id:
            return f"{self.path}#{self.record_id}"
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        if self.record_id is not None:
            return f"{where}#{self.record_id}"
        return where if self.event_index is None else f"{where}@{self.event_index}"


class RecordBase(BaseModel):
    """Fields every record has; frozen so records can be shared and hashed into indexes."""

    model_config = ConfigDict(frozen=True)

    source: str
    path: str
    line: int = Field(ge=1)
    timestamp: datetime | None = None
    time_basis: TimeBasis = "none"
    raw: str

    @property
    def location(self) -> Location:
        return Location(self.path, self.line)


class Unparsed(RecordBase):
    """A line (or event) the parsers could not read, kept with where it was and why."""

    source: Literal["unparsed"] = "unparsed"
    kind: str
    reason: str
