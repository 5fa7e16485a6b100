"""From records to facts: backup runs, VM identities, host time, and causal chains.

The engine streams every record once into a :class:`Collector`, which keeps only what the
rules need (plug-in 434xx lines, cleanup lines, Hyper-V checkpoint and merge events) and
groups the plug-in log into backup runs. :func:`build_facts` then resolves VM identities,
aligns host-local time with UTC and links the orphaned-checkpoint chains. Rules read
:class:`Facts` and know nothing of files or formats.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from itertools import islice
from typing import Any, Generic, Literal, NamedTuple, TypeVar

from avlogparse.catalog import (
    CHECKPOINT_FAILED_EVENT,
    HYPERV_EVENTS,
    MERGE_COMPLETED_EVENT,
    MERGE_FAILED_EVENT,
    MERGE_PROGRESS_EVENTS,
)
from avlogparse.i18n import text as catalog_text
from avlogparse.models.findings import Evidence, VmRef
from avlogparse.models.records import (
    ClusterLogRecord,
    EventLine,
    EventRecord,
    LogLine,
    PluginLogRecord,
    Record,
    Unparsed,
)
from avlogparse.models.report import UnparsedShape
from avlogparse.parsers.avhypervvss import split_vm_reference
from avlogparse.sniff import Kind
from avlogparse.templates import line_template

MAX_UNPARSED_SHAPES = 100
OTHER_SHAPES = "<other shapes>"
"""The template that counts, per kind, the unparsed lines of shapes past the cap, so the
shape counts still add up to the unparsed total."""
PLAUSIBLE_YEARS = range(1970, 3000)
"""Host-local times outside these years (a log line stamped 0001 or 9999) are never
correlated: the windows around them would overflow ``datetime``."""

T = TypeVar("T")
_MERGE_EVENTS = frozenset({19070, MERGE_COMPLETED_EVENT, 19090, MERGE_FAILED_EVENT})


@dataclass(frozen=True)
class Windows:
    """Correlation windows; the defaults fit one nightly backup per host."""

    merge_after_cleanup: timedelta = timedelta(minutes=60)
    clock_skew: timedelta = timedelta(minutes=2)
    checkpoint_event_match: timedelta = timedelta(minutes=10)
    merge_burst_gap: timedelta = timedelta(minutes=30)
    run_gap: timedelta = timedelta(hours=3)
    merge_recovery: timedelta = timedelta(hours=24)


# --- time -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HostClock:
    """How host-local (naive) times map to UTC, and how we know (``reason_id`` + args)."""

    zone: tzinfo
    source: Literal["given", "inferred", "assumed"]
    reason_id: str
    offset_minutes: int | None
    anchors: int = 0
    reason_args: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        """Why this zone, in English (``clock.*`` in the catalogs)."""
        return catalog_text(self.reason_id, **self.reason_args)

    def aware(self, moment: datetime | None) -> datetime | None:
        """A naive host-local time made aware in the host zone; aware times pass through."""
        if moment is None or moment.tzinfo is not None:
            return moment
        try:
            return moment.replace(tzinfo=self.zone)
        except (OverflowError, ValueError):
            return None

    def host_time(self, moment: datetime | None) -> datetime | None:
        """Any record time as aware host time (UTC events shown in the host's zone)."""
        aware = self.aware(moment)
        if aware is None:
            return None
        try:
            return aware.astimezone(self.zone)
        except (OverflowError, ValueError):
            return None

    def utc(self, moment: datetime | None) -> datetime | None:
        """Any record time in UTC (None when it cannot be placed, or is implausible)."""
        aware = self.aware(moment)
        if aware is None or aware.year not in PLAUSIBLE_YEARS:
            return None
        try:
            return aware.astimezone(timezone.utc)
        except (OverflowError, ValueError):
            return None


def fixed_zone(minutes: int) -> timezone:
    """A fixed UTC offset in minutes as a tzinfo."""
    return timezone(timedelta(minutes=minutes))


# --- collected records --------------------------------------------------------------------


@dataclass
class BackupRun:
    """One backup of the plug-in log: from a 43419 (or a long pause) to the next."""

    index: int
    path: str
    first: PluginLogRecord | LogLine
    last: PluginLogRecord | LogLine
    started: datetime | None = None
    ended: datetime | None = None
    records: list[PluginLogRecord] = field(default_factory=list)
    mentioned_vms: dict[tuple[str | None, str | None], None] = field(default_factory=dict)
    """(name, GUID) of every VM the run's lines mention, in order (a dict as ordered set)."""

    @property
    def failures(self) -> list[PluginLogRecord]:
        """The run's 43426 lines."""
        return [r for r in self.records if r.code == 43426]

    @property
    def no_targets(self) -> PluginLogRecord | None:
        """The run's 43427 line, if it has one."""
        return next((r for r in self.records if r.code == 43427), None)

    @property
    def outcome(self) -> Literal["success", "partial", "failed"]:
        """``failed`` when nothing was backed up, ``partial`` when VMs were skipped."""
        if self.no_targets is not None:
            return "failed"
        return "partial" if self.failures else "success"


@dataclass
class Cleanup:
    """A checkpoint cleanup of winclustersvc: the cleanup line and its DestroySnapshot."""

    cleanup: ClusterLogRecord
    destroy: ClusterLogRecord | None = None

    @property
    def succeeded(self) -> bool:
        """The plug-in reported success (the merge may still fail afterwards)."""
        return self.destroy is not None and self.destroy.destroy_snapshot == "success"

    @property
    def local_time(self) -> datetime | None:
        """When the cleanup ran, host-local; the backup start when no line has a time."""
        for record in (self.destroy, self.cleanup):
            if record is not None and record.timestamp is not None:
                return record.timestamp
        return self.cleanup.group_started

    @property
    def host(self) -> str | None:
        return short_host(self.cleanup.wmi_host or self.cleanup.group_host)


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


def _compact(event: EventRecord | EventLine) -> MergeProgress:
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


class Collector:
    """Keeps what the rules need from a stream of records, nothing more."""

    def __init__(self, windows: Windows) -> None:
        self.windows = windows
        self.kinds: set[Kind] = set()
        self.runs: list[BackupRun] = []
        self.cleanups: list[Cleanup] = []
        self.destroy_failures: list[ClusterLogRecord] = []
        self.events: list[EventRecord] = []
        self.merge_progress: list[MergeProgress] = []
        self.unparsed_shapes: dict[tuple[str, str], UnparsedShape] = {}
        self._pending_cleanup: Cleanup | None = None

    def all_events(self) -> list[EventRecord | MergeProgress]:
        """The kept Hyper-V events, full and compact."""
        return [*self.events, *self.merge_progress]

    def add_file(self, kind: Kind, records: Iterable[Record]) -> None:
        """Consume one file's records (a generator: nothing is kept that is not needed)."""
        if kind is Kind.EVTX:  # .evtx gives the same records as an event XML export
            kind = Kind.EVENT_XML
        self.kinds.add(kind)
        self._pending_cleanup = None
        if kind is Kind.AVHYPERVVSS:
            self._add_plugin(records)
        elif kind is Kind.WINCLUSTERSVC:
            self._add_cluster(records)
        elif kind is Kind.EVENT_XML:
            self._add_events(records)
        else:
            for record in records:
                if isinstance(record, Unparsed):
                    self._note_unparsed(record)

    def _note_unparsed(self, record: Unparsed) -> None:
        """Group an unparsed line or event with the others of its template.

        The ``_add_*`` loops call it for records they do not keep, so an ordinary record
        costs no extra check or generator step."""
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

    def _add_plugin(self, records: Iterable[Record]) -> None:
        """Split the plug-in log into backup runs: a 43419 or a pause longer than
        ``run_gap`` starts one. Ordinary lines (most of the log) take a short path: lines of
        one second share one datetime object, so times are looked at only when it changes."""
        run: BackupRun | None = None
        last: PluginLogRecord | LogLine | None = None
        ended: datetime | None = None  # run.ended, kept in a local for the short path
        gap = self.windows.run_gap
        for record in records:
            if type(record) is LogLine:
                timestamp = record.timestamp
                if run is None:
                    run = self._next_run(run, last, record)
                    ended = run.ended
                elif timestamp is not ended and timestamp is not None:
                    if ended is not None and timestamp - ended <= gap:
                        run.ended = ended = timestamp  # what _next_run does within a run
                    else:
                        run = self._next_run(run, last, record)
                        ended = run.ended
                last = record
                if "Virtual machine '" in record.message:
                    _note_vm_mention(run, record.message)
                continue
            if not isinstance(record, PluginLogRecord):
                if isinstance(record, Unparsed):
                    self._note_unparsed(record)
                continue
            new_job = record.code == 43419 and run is not None and run.records != []
            run = self._next_run(run, last, record, new_job)
            ended = run.ended
            last = record
            run.records.append(record)
            if record.vm_name is not None or record.vm_id is not None:
                run.mentioned_vms[plugin_vm(record)] = None
        if run is not None and last is not None:
            run.last = last

    def _next_run(
        self,
        run: BackupRun | None,
        last: PluginLogRecord | LogLine | None,
        record: PluginLogRecord | LogLine,
        new_job: bool = False,
    ) -> BackupRun:
        """The run ``record`` belongs to: ``run``, or a new one when there is none, a new
        job starts or the log paused longer than ``run_gap`` (``run`` then ends at ``last``)."""
        timestamp = record.timestamp
        if (
            run is None
            or new_job
            or (
                timestamp is not None
                and run.ended is not None
                and timestamp - run.ended > self.windows.run_gap
            )
        ):
            if run is not None and last is not None:
                run.last = last
            run = BackupRun(len(self.runs), record.path, record, record)
            self.runs.append(run)
        if timestamp is not None:
            if run.started is None:
                run.started = timestamp
            run.ended = timestamp
        return run

    def _add_cluster(self, records: Iterable[Record]) -> None:
        for record in records:
            if not isinstance(record, ClusterLogRecord):
                if isinstance(record, Unparsed):
                    self._note_unparsed(record)
                continue
            if record.group is not None:
                self._pending_cleanup = Cleanup(record)
                self.cleanups.append(self._pending_cleanup)
            elif record.destroy_snapshot is not None:
                if self._pending_cleanup is not None and self._pending_cleanup.destroy is None:
                    self._pending_cleanup.destroy = record
                if record.destroy_snapshot == "failure":
                    self.destroy_failures.append(record)

    def _add_events(self, records: Iterable[Record]) -> None:
        for record in records:
            if isinstance(record, (EventLine, EventRecord)):
                if (
                    record.event_id in HYPERV_EVENTS
                    and record.provider is not None
                    and "hyper-v" in record.provider.lower()
                ):
                    if record.event_id in MERGE_PROGRESS_EVENTS:
                        self.merge_progress.append(_compact(record))
                    else:
                        model = record if isinstance(record, EventRecord) else record.to_model()
                        self.events.append(model)
            elif isinstance(record, Unparsed):
                self._note_unparsed(record)


def _note_vm_mention(run: BackupRun, message: str) -> None:
    """A VM named in an uncatalogued line (``Virtual machine 'NAME<GUID>'``)."""
    found = split_vm_reference(message, ">'")
    if found.get("vm_name") is not None:
        key = (found["vm_name"], found.get("vm_id") if found.get("vm_id_valid") else None)
        run.mentioned_vms[key] = None


# --- VM identity --------------------------------------------------------------------------


class VmRegistry:
    """Joins VM mentions by GUID first and by name second, never merging two GUIDs.

    A name maps to a GUID only when exactly one GUID was seen with that name; masked or
    malformed GUIDs are not join keys (the KB masks two VMs with the same text).
    """

    def __init__(self) -> None:
        self._names_by_id: dict[str, str | None] = {}
        self._ids_by_name: dict[str, set[str]] = defaultdict(set)
        # one VmRef per mention, shared (it is frozen): events repeat the same few VMs
        self._resolved: dict[tuple[str | None, str | None], VmRef] = {}

    def learn(self, name: str | None, vm_id: str | None) -> None:
        if vm_id is None:
            return
        self._resolved.clear()
        if name is not None or vm_id not in self._names_by_id:
            self._names_by_id[vm_id] = name
        if name is not None:
            self._ids_by_name[name.casefold()].add(vm_id)

    def resolve(self, name: str | None, vm_id: str | None) -> VmRef:
        """The canonical reference for a mention (``id`` set whenever it is certain)."""
        vm = self._resolved.get((name, vm_id))
        if vm is None:
            vm = self._reference(name, vm_id)
            if len(self._resolved) < 4096:  # hostile exports name a new VM per event
                self._resolved[(name, vm_id)] = vm
        return vm

    def _reference(self, name: str | None, vm_id: str | None) -> VmRef:
        if vm_id is not None:
            return VmRef(name=name or self._names_by_id.get(vm_id), id=vm_id)
        if name is not None:
            ids = self._ids_by_name.get(name.casefold(), set())
            if len(ids) == 1:
                return VmRef(name=name, id=next(iter(ids)))
        return VmRef(name=name, id=None)


def vm_key(vm: VmRef) -> str:
    """Hashable identity: the GUID when known, else the case-folded name."""
    return vm.id or f"name:{(vm.name or '').casefold()}"


def plugin_vm(record: PluginLogRecord) -> tuple[str | None, str | None]:
    """(name, GUID usable as a join key) of a plug-in record."""
    return record.vm_name, record.vm_id if record.vm_id_valid else None


def event_vm(record: EventRecord | MergeProgress) -> tuple[str | None, str | None]:
    return record.vm_name, record.vm_id


def _same_vm(known: VmRef, mention: VmRef) -> bool:
    """By GUID when the mention has one; by name only when it has none."""
    if mention.id is not None:
        return mention.id == known.id
    return (mention.name or "").casefold() == (known.name or "").casefold()


def short_host(name: str | None) -> str | None:
    """``HV-NODE01.corp.example`` → ``HV-NODE01`` (upper case), for same-host checks."""
    if not name:
        return None
    return name.split(".", 1)[0].strip().upper() or None


def same_host(a: str | None, b: str | None) -> bool:
    """Unknown hosts (the plug-in log names none) match any host."""
    return a is None or b is None or a == b


# --- facts ----------------------------------------------------------------------------------


class TimeIndex(Generic[T]):
    """Items sorted by time; ``between`` answers a window query by bisection, not a scan."""

    def __init__(self, items: Iterable[tuple[datetime, T]]) -> None:
        pairs = sorted(items, key=lambda pair: pair[0])
        self._times = [moment for moment, _ in pairs]
        self._items = [item for _, item in pairs]

    def between(self, low: datetime, high: datetime) -> list[T]:
        """Items with ``low <= time <= high``, in time order."""
        return self._items[bisect_left(self._times, low) : bisect_right(self._times, high)]

    def after(self, moment: datetime) -> Iterator[T]:
        """Items strictly later than ``moment``, in time order (lazily)."""
        return islice(self._items, bisect_right(self._times, moment), None)


@dataclass
class MergeFailure:
    """A VMMS 19100 event, placed in UTC and resolved to a VM."""

    event: EventRecord
    vm: VmRef
    utc: datetime
    host: str | None


@dataclass
class CheckpointFailure:
    """A 43426 line with its run, VM and (when found) the matching VMMS 18012 events."""

    record: PluginLogRecord
    run: BackupRun
    vm: VmRef
    utc: datetime | None
    vmms_events: list[EventRecord] = field(default_factory=list)


@dataclass
class OrphanChain:
    """Cleanup reported success, then the merge failed for a VM: an orphaned checkpoint.

    ``consequences`` are the later 43426 lines for the same VM (the next backup it was in);
    ``missing_links`` says which part of the chain the bundle does not show (catalog ids).
    """

    cleanup: Cleanup
    vm: VmRef
    merge_failures: list[MergeFailure]
    consequences: list[CheckpointFailure] = field(default_factory=list)
    consequence_run: BackupRun | None = None
    missing_links: list[str] = field(default_factory=list)


@dataclass
class Facts:
    """Everything the rules (and the report's timeline) may look at.

    ``events`` are the catalogued Hyper-V events the collector kept, in input order, and
    ``merge_progress`` the merge start/completion events in compact form; ``registry``
    resolves any VM mention to its canonical reference.
    """

    kinds: set[Kind]
    clock: HostClock
    windows: Windows
    runs: list[BackupRun]
    cleanups: list[Cleanup]
    destroy_failures: list[ClusterLogRecord]
    checkpoint_failures: list[CheckpointFailure]
    merge_failures: list[MergeFailure]
    chains: list[OrphanChain]
    events: list[EventRecord]
    merge_progress: list[MergeProgress]
    registry: VmRegistry
    failures_by_run: dict[int, list[CheckpointFailure]] = field(default_factory=dict)
    _chain_by_record: dict[int, OrphanChain] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for failure in self.checkpoint_failures:
            self.failures_by_run.setdefault(failure.run.index, []).append(failure)
        for chain in self.chains:
            for consequence in chain.consequences:
                self._chain_by_record[id(consequence.record)] = chain

    def evidence(self, record: Record, role: str | None = None) -> Evidence:
        """An evidence item for a record, its time made aware in the host zone."""
        return Evidence(
            path=record.path,
            line=record.line,
            source=record.source.value,
            timestamp=self.clock.aware(record.timestamp),
            text=record.raw,
            role=role,
        )

    def chain_for(self, failure: CheckpointFailure) -> OrphanChain | None:
        """The orphaned-checkpoint chain that explains a 43426, if any."""
        return self._chain_by_record.get(id(failure.record))


def build_facts(collector: Collector, clock: HostClock | None, windows: Windows) -> Facts:
    """Resolve identities, align clocks and link chains (see the module docstring)."""
    registry = VmRegistry()
    for run in collector.runs:
        for record in run.records:
            registry.learn(*plugin_vm(record))
        for name, vm_id in run.mentioned_vms:
            registry.learn(name, vm_id)
    for event in collector.all_events():
        registry.learn(*event_vm(event))
    if clock is None:
        clock = infer_clock(collector, windows)

    failures: list[CheckpointFailure] = []
    checkpoint_events: dict[str, TimeIndex[EventRecord]] = {}
    by_vm: dict[str, list[tuple[datetime, EventRecord]]] = defaultdict(list)
    for event in collector.events:
        if event.event_id == CHECKPOINT_FAILED_EVENT and event.timestamp is not None:
            by_vm[vm_key(registry.resolve(*event_vm(event)))].append((event.timestamp, event))
    checkpoint_events = {key: TimeIndex(items) for key, items in by_vm.items()}
    match = windows.checkpoint_event_match
    for run in collector.runs:
        for record in run.failures:
            vm = registry.resolve(*plugin_vm(record))
            utc = clock.utc(record.timestamp)
            index = checkpoint_events.get(vm_key(vm))
            matched = index.between(utc - match, utc + match) if index and utc else []
            failures.append(CheckpointFailure(record, run, vm, utc, matched))

    merges = [
        MergeFailure(e, registry.resolve(*event_vm(e)), e.timestamp, short_host(e.computer))
        for e in collector.events
        if e.event_id == MERGE_FAILED_EVENT and e.timestamp is not None
    ]
    chains = link_orphan_chains(collector, clock, windows, registry, merges, failures)
    return Facts(
        kinds=collector.kinds,
        clock=clock,
        windows=windows,
        runs=collector.runs,
        cleanups=collector.cleanups,
        destroy_failures=collector.destroy_failures,
        checkpoint_failures=failures,
        merge_failures=merges,
        chains=chains,
        events=collector.events,
        merge_progress=collector.merge_progress,
        registry=registry,
    )


def link_orphan_chains(
    collector: Collector,
    clock: HostClock,
    windows: Windows,
    registry: VmRegistry,
    merges: list[MergeFailure],
    failures: list[CheckpointFailure],
) -> list[OrphanChain]:
    """Cleanup success → merge failure of a VM soon *after* it on the same host → later 43426."""
    completed: dict[str, list[tuple[datetime, None]]] = defaultdict(list)
    for event in collector.merge_progress:
        if event.event_id == MERGE_COMPLETED_EVENT and event.timestamp is not None:
            completed[vm_key(registry.resolve(*event_vm(event)))].append((event.timestamp, None))
    completions = {key: TimeIndex(items) for key, items in completed.items()}
    merge_index = TimeIndex((merge.utc, merge) for merge in merges)
    failures_by_run: dict[int, list[CheckpointFailure]] = defaultdict(list)
    for failure in failures:
        failures_by_run[failure.run.index].append(failure)
    runs = TimeIndex(
        (start, run) for run in collector.runs if (start := clock.utc(run.started)) is not None
    )
    chains: list[OrphanChain] = []
    for cleanup in collector.cleanups:
        start = clock.utc(cleanup.local_time)
        if not cleanup.succeeded or start is None:
            continue
        by_vm: dict[str, list[MergeFailure]] = defaultdict(list)
        window = merge_index.between(
            start - windows.clock_skew, start + windows.merge_after_cleanup
        )
        for merge in window:
            if same_host(cleanup.host, merge.host):
                by_vm[vm_key(merge.vm)].append(merge)
        for key, vm_merges in by_vm.items():
            last_failure = max(m.utc for m in vm_merges)
            done = completions.get(key)
            if done and done.between(
                last_failure + timedelta(microseconds=1), last_failure + windows.merge_recovery
            ):
                continue
            chain = OrphanChain(cleanup, vm_merges[0].vm, vm_merges)
            _link_consequence(chain, collector, runs, failures_by_run)
            chains.append(chain)
    return chains


def _link_consequence(
    chain: OrphanChain,
    collector: Collector,
    runs: TimeIndex[BackupRun],
    failures_by_run: dict[int, list[CheckpointFailure]],
) -> None:
    """Find the next backup that included the VM and whether it failed checkpointing."""
    if Kind.AVHYPERVVSS not in collector.kinds:
        chain.missing_links.append("missing.next-backup-log")
        return
    after = chain.merge_failures[0].utc
    key = vm_key(chain.vm)
    for run in runs.after(after):
        run_failures = [f for f in failures_by_run.get(run.index, ()) if vm_key(f.vm) == key]
        mentioned = bool(run_failures) or any(
            _same_vm(chain.vm, VmRef(name=name, id=vm_id)) for name, vm_id in run.mentioned_vms
        )
        if not mentioned:
            continue
        chain.consequence_run = run
        chain.consequences = run_failures
        if not run_failures:
            chain.missing_links.append("missing.next-backup-succeeded")
        return
    chain.missing_links.append("missing.no-later-backup")


def infer_clock(collector: Collector, windows: Windows) -> HostClock:
    """Estimate the host's UTC offset from pairs the logs themselves provide.

    Anchors are host-local times with a UTC counterpart: a cleanup (the merge events VMMS
    writes right after it) and a 43426 line (the VMMS 18012 of the same VM). Every offset
    on a 15-minute grid from -14 h to +14 h is scored by how many anchors it explains; the
    best wins, ties going to the smallest total lag.
    """
    # (host-local time, sorted UTC times, window start, window end): for each offset the
    # window is shifted; the first UTC time in it (bisected) counts, with how far it lies
    anchors: list[tuple[datetime, list[datetime], datetime, datetime]] = []
    merge_times = _naive_sorted(e for e in collector.all_events() if e.event_id in _MERGE_EVENTS)
    checkpoint_times = _naive_sorted(
        e for e in collector.events if e.event_id == CHECKPOINT_FAILED_EVENT
    )
    for cleanup in collector.cleanups:
        local = cleanup.local_time
        if local is not None and local.year in PLAUSIBLE_YEARS and merge_times:
            window = (local - windows.clock_skew, local + windows.merge_after_cleanup)
            anchors.append((local, merge_times, *window))
    match = windows.checkpoint_event_match
    for run in collector.runs:
        for record in run.failures:
            stamp = record.timestamp
            if stamp is not None and stamp.year in PLAUSIBLE_YEARS and checkpoint_times:
                anchors.append((stamp, checkpoint_times, stamp - match, stamp + match))
    if not anchors:
        return HostClock(
            zone=timezone.utc,
            source="assumed",
            reason_id="clock.no-anchors",
            offset_minutes=None,
        )
    best: tuple[int, float, int] | None = None
    scores: dict[int, int] = {}
    for minutes in range(-14 * 60, 14 * 60 + 1, 15):
        offset = timedelta(minutes=minutes)
        explained = 0
        total_lag = 0.0
        for local, utc_times, start, end in anchors:
            at = bisect_left(utc_times, start - offset)
            if at < len(utc_times) and utc_times[at] <= end - offset:
                explained += 1
                total_lag += abs((utc_times[at] + offset - local).total_seconds())
        scores[minutes] = explained
        if explained and (best is None or (explained, -total_lag) > (best[0], -best[1])):
            best = (explained, total_lag, minutes)
    if best is None:
        return HostClock(
            zone=timezone.utc,
            source="assumed",
            reason_id="clock.no-match",
            offset_minutes=None,
            anchors=len(anchors),
            reason_args={"anchors": len(anchors)},
        )
    explained, _, minutes = best
    rivals = sorted((m for m, s in scores.items() if s == explained and m != minutes))
    sign = "+" if minutes >= 0 else "-"
    return HostClock(
        zone=fixed_zone(minutes),
        source="inferred",
        reason_id="clock.inferred",
        offset_minutes=minutes,
        anchors=len(anchors),
        reason_args={
            "offset": f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}",
            "explained": explained,
            "anchors": len(anchors),
            "rivals": "clock.inferred.rivals" if rivals else None,
            "rival_count": len(rivals),
        },
    )


def _naive_sorted(events: Iterable[EventRecord | MergeProgress]) -> list[datetime]:
    """Event times as sorted naive UTC, for bisecting."""
    return sorted(e.timestamp.replace(tzinfo=None) for e in events if e.timestamp is not None)
