"""One parser module per source, and the entry points that pick the right one.

``parse_file(path)`` sniffs the kind from the content and returns a :class:`ParsedFile`:
iterate it for the records; its ``stats`` are complete once the iteration ends.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from pathlib import Path
from typing import BinaryIO

from avlogparse.limits import DEFAULT_LIMITS, Limits
from avlogparse.models.diagnostics import Diagnostic, DiagnosticSeverity, ParseStats
from avlogparse.models.records import Record
from avlogparse.parsers.avhypervvss import parse_avhypervvss
from avlogparse.parsers.event_xml import parse_event_xml
from avlogparse.parsers.evtx import parse_evtx
from avlogparse.parsers.winclustersvc import parse_winclustersvc
from avlogparse.sniff import SNIFF_BYTES, Kind, sniff_kind

Parser = Callable[[BinaryIO, str, ParseStats, Limits], Iterator[Record]]

PARSERS: dict[Kind, Parser] = {
    Kind.AVHYPERVVSS: parse_avhypervvss,
    Kind.WINCLUSTERSVC: parse_winclustersvc,
    Kind.EVENT_XML: parse_event_xml,
    Kind.EVTX: parse_evtx,
}


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
        kind: Kind,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        self.path = path
        self.kind = kind
        self.stats = ParseStats(path=path, kind=kind.value)
        self._open_stream = open_stream
        self._limits = limits

    def __iter__(self) -> Iterator[Record]:
        parser = PARSERS.get(self.kind)
        if parser is None:
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
                yield from parser(stream, self.path, self.stats, self._limits)
        except Exception as error:  # the per-file safety net; see the class docstring
            self.stats.complete = False
            self.stats.add(
                Diagnostic(
                    severity=DiagnosticSeverity.ERROR,
                    code="internal-error",
                    message=f"{type(error).__name__}: {error}",
                    path=self.path,
                    detail="".join(traceback.format_exception(error)),
                )
            )


def parse_stream(
    stream: BinaryIO, path: str, kind: Kind | str, limits: Limits = DEFAULT_LIMITS
) -> ParsedFile:
    """Parse an already open binary stream of a known kind (the caller keeps it open)."""
    return ParsedFile(lambda: nullcontext(stream), path, Kind(kind), limits)


def parse_file(
    path: str | Path, kind: Kind | str | None = None, limits: Limits = DEFAULT_LIMITS
) -> ParsedFile:
    """The records of one file, its kind sniffed from the content unless given.

    Iterating the result yields the records; its ``stats`` then hold the counts.
    """
    if kind is None:
        with open(path, "rb") as stream:
            kind = sniff_kind(stream.read(SNIFF_BYTES), str(path))
    return ParsedFile(lambda: open(path, "rb"), str(path), Kind(kind), limits)
