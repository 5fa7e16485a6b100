"""What the sources hand over while the bundle streams: only what the rules need.

The engine gives each file's records to its source's ``collect``, which keeps a few of them
here (backup runs, cleanups, catalogued Hyper-V events) and says which facts it saw
(:class:`~avlogparse.correlation.coverage.Coverage`). Unparsed lines are grouped by shape.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from avlogparse.correlation.coverage import Coverage
from avlogparse.correlation.hosts import HostMap
from avlogparse.correlation.windows import CorrelationWindows
from avlogparse.models.records import Unparsed
from avlogparse.models.report import UnparsedShape
from avlogparse.templates import line_template

if TYPE_CHECKING:
    from avlogparse.correlation.clock import ZoneHint
    from avlogparse.correlation.runs import BackupRun
    from avlogparse.sources import Record
    from avlogparse.sources.avhypervvss import PluginLogRecord
    from avlogparse.sources.base import LogSource
    from avlogparse.sources.event_xml import EventRecord, MergeProgress
    from avlogparse.sources.winclustersvc import Cleanup, ClusterLogRecord

MAX_REPEATS = 200
"""Records of one fact kept whole (the same 43426 of a VM in one run, the same event of a VM
within an hour); later repeats are counted in :attr:`Collector.omitted`, not kept. A year of
nightly failures keeps every night, a log repeating one line 100,000 times keeps 200
(``docs/security.md``: memory grows with what is kept, not with the input)."""
MAX_DEBUG_PAIRS = 10_000
"""Pairs of debug-layout and host-local stamps kept for the debug clock: its offset is a
vote over them, and this many settle it (a debug log of millions of lines keeps no more)."""
MAX_UNPARSED_SHAPES = 100
OTHER_SHAPES = "<other shapes>"
"""The template that counts, per kind, the unparsed lines of shapes past the cap, so the
shape counts still add up to the unparsed total."""


class Collector:
    """Keeps what the rules need from a stream of records, nothing more."""

    def __init__(self, windows: CorrelationWindows) -> None:
        self.windows = windows
        self.coverage = Coverage()
        self.runs: list[BackupRun] = []
        self.cleanups: list[Cleanup] = []
        self.destroy_failures: list[ClusterLogRecord] = []
        self.events: list[EventRecord] = []
        self.merge_progress: list[MergeProgress] = []
        self.migrations: list[MergeProgress] = []
        """Live migration events (VMMS 20415), compact: which node logged which VM."""
        self.hosts = HostMap()
        """Every input's path; :func:`~avlogparse.correlation.facts.build_facts` settles
        their hosts and the clusters."""
        self.incident_events: list[EventRecord] = []
        """Events of other channels the rules read: catalogued VSS, cluster and VHDMP
        events, and every Error/Critical Hyper-V, VSS or cluster event not in ``events``."""
        self.debug_pairs: list[tuple[datetime, datetime]] = []  # at most MAX_DEBUG_PAIRS
        """(debug-layout stamp, stamp of the host-local line before it): the debug clock."""
        self.plugin_lines: list[PluginLogRecord | ClusterLogRecord] = []
        """Error/FATAL lines of the plug-in logs and the avtar job lines (5314, 6149, 7883)."""
        self.unparsed_shapes: dict[tuple[str, str], UnparsedShape] = {}
        self.runs_over_limit = 0
        """Backup runs not started because ``runs.MAX_RUNS`` were kept (they continue the last)."""
        self._repeats: dict[Hashable, tuple[object, int]] = {}
        self.omitted: Counter[int] = Counter()
        """Per kept record (by ``id``: the first of its fact), the repeats counted, not kept."""
        self.zone_hints: list[ZoneHint] = []
        """Zone abbreviations the logs print for a host-local time (avtar ``<7883>``)."""
        self.path = ""
        """The file being collected (what :meth:`saw` attributes facts to)."""

    def all_events(self) -> list[EventRecord | MergeProgress]:
        """The kept Hyper-V events, full and compact."""
        return [*self.events, *self.merge_progress]

    def add_file(self, source: LogSource | None, path: str, records: Iterable[Record]) -> None:
        """Consume one file's records (a generator: nothing is kept that is not needed)."""
        self.path = path
        self.hosts.add_path(path)
        if source is not None:
            source.collect(records, self)
            return
        for record in records:
            if isinstance(record, Unparsed):
                self.note_unparsed(record)

    def keep(self, key: Hashable, record: object) -> bool:
        """Whether ``record``, of the fact ``key`` (a source's notion of "the same"), is kept:
        the first :data:`MAX_REPEATS` are; later ones are counted against the first
        (:attr:`omitted`), which rules read as ``Facts.repeats_omitted(first)``."""
        first, count = self._repeats.get(key, (record, 0))
        count += 1
        self._repeats[key] = (first, count)
        if count <= MAX_REPEATS:
            return True
        self.omitted[id(first)] += 1
        return False

    def saw(self, fact: str, count: int = 1) -> None:
        """The current file showed ``count`` lines or events of ``fact``."""
        self.coverage.saw(fact, self.path, count)

    def note_unparsed(self, record: Unparsed) -> None:
        """Group an unparsed line or event with the others of its template.

        The sources' ``collect`` loops call it for records they do not keep, so an ordinary
        record costs no extra check or generator step."""
        shapes = self.unparsed_shapes
        key = (record.kind, line_template(record.raw))
        if key not in shapes and len(shapes) >= MAX_UNPARSED_SHAPES:
            key = (record.kind, OTHER_SHAPES)
        shape = shapes.get(key)
        if shape is not None:
            shape.count += 1
        else:
            shapes[key] = UnparsedShape(
                kind=record.kind,
                template=key[1],
                count=1,
                example=record.raw[:500],
                example_path=record.path,
                example_line=record.line,
            )
