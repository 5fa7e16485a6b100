"""The log sources avlogparse reads, listed once, and the entry points that pick one.

Each source is one module (see :mod:`avlogparse.sources.base`); :data:`SOURCES` lists them.
``parse_file(path)`` sniffs the kind from the content and returns a :class:`ParsedFile`:
iterate it for the records; its ``stats`` are complete once the iteration ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from pathlib import Path
from typing import BinaryIO

from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import Diagnostic, DiagnosticSeverity, ParseStats
from avlogparse.models.records import Unparsed
from avlogparse.sources import avhypervvss, event_xml, evtx, winclustersvc
from avlogparse.sources.avamar_log import LogLine
from avlogparse.sources.avhypervvss import PluginLogRecord
from avlogparse.sources.base import LogSource
from avlogparse.sources.event_xml import EventLine, EventRecord
from avlogparse.sources.winclustersvc import ClusterLogRecord
from avlogparse.textio import detect_encoding

SOURCES: tuple[LogSource, ...] = (
    evtx.SOURCE,
    event_xml.SOURCE,
    avhypervvss.SOURCE,
    winclustersvc.SOURCE,
)
"""Every source, in the order sniffing breaks ties."""

Record = PluginLogRecord | ClusterLogRecord | EventRecord | EventLine | Unparsed | LogLine
"""Anything a source yields."""

UNKNOWN = "unknown"
"""The ``kind`` of an input no source recognises."""
SNIFF_BYTES = 16_384

_BY_KIND = {source.kind: source for source in SOURCES}


def source_of(kind: str) -> LogSource | None:
    """The source of a kind (None for ``unknown`` or a kind no source has)."""
    return _BY_KIND.get(kind)


def sniff_kind(head: bytes, name: str | None = None) -> str:
    """The kind of a file from its first bytes; ``name`` only breaks ties on empty content.

    Bundles rename files (``avhypervvss_20190415.log``, rotated ``*.log.1``, any ``*.xml``),
    so the content decides: the source most sure of it wins.
    """
    encoding = detect_encoding(head)
    text = head[encoding.bom_length : SNIFF_BYTES].decode(encoding.name, errors="replace")
    text = text.lstrip("\ufeff")
    best, best_score = None, 0
    for source in SOURCES:
        score = source.sniff(text, head)
        if score > best_score:
            best, best_score = source, score
    if best is not None:
        return best.kind
    if not text.strip() and name is not None:
        return sniff_name(name)
    return UNKNOWN


def sniff_name(name: str) -> str:
    """Kind suggested by a file name alone (used only when the content cannot tell)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return next((source.kind for source in SOURCES if source.named_like(base)), UNKNOWN)


class ParsedFile:
    """The records of one file, streamed; ``stats`` fill in as they are read.

    Iterate once. An unexpected exception inside a parser ends the file with an
    ``internal-error`` diagnostic instead of propagating: one bad file must never cost the
    rest of a bundle.
    """

    def __init__(
        self,
        open_stream: Callable[[], ContextManager[BinaryIO]],
        path: str,
        kind: str,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.path = path
        self.kind = kind
        self.source = source_of(kind)
        self.stats = ParseStats(path=path, kind=kind)
        self._open_stream = open_stream
        self._limits = limits

    def __iter__(self) -> Iterator[Record]:
        if self.source is None:
            self.stats.complete = False
            self.stats.add(
                Diagnostic(
                    severity=DiagnosticSeverity.INFO,
                    code="unknown-kind",
                    message="not an Avamar plug-in log or a Windows event XML export",
                    path=self.path,
                )
            )
            return
        try:
            with self._open_stream() as stream:
                yield from self.source.parse(stream, self.path, self.stats, self._limits)
        except Exception as error:  # the per-file safety net; see the class docstring
            self.stats.complete = False
            self.stats.add(Diagnostic.internal_error(error, self.path))


def parse_stream(
    stream: BinaryIO, path: str, kind: str, limits: Limits = DEFAULT_LIMITS
) -> ParsedFile:
    """Parse an already open binary stream of a known kind (the caller keeps it open)."""
    return ParsedFile(lambda: nullcontext(stream), path, kind, limits)


def parse_file(
    path: str | Path, kind: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> ParsedFile:
    """The records of one file, its kind sniffed from the content unless given.

    Iterating the result yields the records; its ``stats`` then hold the counts.
    """
    if kind is None:
        with open(path, "rb") as stream:
            kind = sniff_kind(stream.read(SNIFF_BYTES), str(path))
    return ParsedFile(lambda: open(path, "rb"), str(path), kind, limits)


__all__ = [
    "SNIFF_BYTES",
    "SOURCES",
    "UNKNOWN",
    "LogSource",
    "ParsedFile",
    "Record",
    "parse_file",
    "parse_stream",
    "sniff_kind",
    "sniff_name",
    "source_of",
]
