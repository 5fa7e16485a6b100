"""What a log source is: one module that recognises, parses and contributes one kind of log.

A source declares its ``kind`` (the ``source`` of its records and the ``kind`` of its input
rows), the docs page that describes the format, the file names it is usually found under,
and three methods:

* :meth:`LogSource.sniff` — how sure it is that a file's first characters are its kind
  (0: not at all); the content decides, never the name;
* :meth:`LogSource.parse` — a generator of typed records from a binary stream, every line or
  event ending as a record or an :class:`~avlogparse.models.records.Unparsed` one, with
  :class:`~avlogparse.models.diagnostics.ParseStats` whose counts add up;
* :meth:`LogSource.collect` — what its records add to the facts: it hands the
  :class:`~avlogparse.correlation.collector.Collector` the few records the rules need and
  tells it which facts it has seen (:mod:`avlogparse.correlation.coverage`).

Sources are listed once, in :data:`avlogparse.sources.SOURCES`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, BinaryIO, ClassVar, TypeVar

from avlogparse.limits import Limits
from avlogparse.models.diagnostics import Diagnostic, FileDiagnostics, ParseStats

if TYPE_CHECKING:
    from avlogparse.correlation.collector import Collector
    from avlogparse.sources import Record


class LogSource:
    """Base class of a source; a subclass sets the class variables and the three methods."""

    kind: ClassVar[str]
    """The record ``source`` and input ``kind`` value, e.g. ``avhypervvss``."""
    docs_page: ClassVar[str]
    """The format's page, relative to ``docs/`` (a test checks that it exists)."""
    name_prefixes: ClassVar[tuple[str, ...]] = ()
    name_suffixes: ClassVar[tuple[str, ...]] = ()
    """Lower-case file name starts and ends that suggest this kind, used only when the content
    cannot tell (an empty file)."""

    def sniff(self, text: str, head: bytes) -> int:
        """Confidence that a file is this kind (0 is no), from its first bytes ``head`` and
        their decoded ``text``."""
        raise NotImplementedError

    def parse(
        self, stream: BinaryIO, path: str, stats: ParseStats, limits: Limits
    ) -> Iterator[Record]:
        """Yield the records of one file (see the module docstring)."""
        raise NotImplementedError

    def collect(self, records: Iterable[Record], collector: Collector) -> None:
        """Consume one file's records, keeping in ``collector`` only what the rules need."""
        raise NotImplementedError

    def named_like(self, base_name: str) -> bool:
        """Whether a lower-case file name suggests this kind."""
        return base_name.startswith(self.name_prefixes) or base_name.endswith(
            self.name_suffixes
        )


RecordT = TypeVar("RecordT")


def guarded(
    parse: Callable[[BinaryIO, str, ParseStats, Limits, FileDiagnostics], Iterator[RecordT]],
    stream: BinaryIO,
    path: str,
    stats: ParseStats,
    limits: Limits,
) -> Iterator[RecordT]:
    """``parse`` with the per-file safety net: a bug ends the file with an ``internal-error``
    diagnostic instead of propagating, and the file's diagnostics are summed up however the
    generator ends (exhausted, closed or failed)."""
    diagnostics = FileDiagnostics(path, stats)
    try:
        yield from parse(stream, path, stats, limits, diagnostics)
    except Exception as error:  # the per-file safety net; tests assert it never fires
        stats.complete = False
        stats.add(Diagnostic.internal_error(error, path))
    finally:
        diagnostics.summarise()
