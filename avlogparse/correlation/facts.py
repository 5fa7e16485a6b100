"""Everything the rules (and the report's timeline) may look at, built from the collector.

:func:`build_facts` resolves VM identities (:mod:`~.identity`), places host-local times in
UTC (:mod:`~.clock`), matches each 43426 with the VMMS events of its VM and links the
orphaned-checkpoint chains (:mod:`~.chains`). Rules read :class:`Facts` and know nothing of
files or formats; ``coverage`` says which facts the bundle holds and from where.

It also settles which host each input is and which hosts form a cluster
(:class:`~avlogparse.correlation.hosts.HostMap`). When the host-local logs (plug-in,
winclustersvc) come from more than one host, each host gets its own clock, inferred from its
own anchors (:func:`~.clock.clock_anchors` on that host's logs and the events of its host or
cluster, then :func:`~.clock.clock_from_anchors`); one host keeps the one clock of before.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from avlogparse.catalog import CHECKPOINT_FAILED_EVENT, MERGE_FAILED_EVENT
from avlogparse.correlation.chains import (
    CheckpointFailure,
    MergeFailure,
    OrphanChain,
    TimeIndex,
    link_orphan_chains,
)
from avlogparse.correlation.clock import (
    HostClock,
    anchors_explained,
    clock_anchors,
    clock_from_anchors,
    count_switch_hours,
    infer_clock,
)
from avlogparse.correlation.collector import Collector
from avlogparse.correlation.coverage import Coverage
from avlogparse.correlation.hosts import HostMap, short_host
from avlogparse.correlation.identity import VmRegistry, event_vm, plugin_vm, vm_key
from avlogparse.correlation.windows import CorrelationWindows
from avlogparse.models.findings import Evidence

if TYPE_CHECKING:
    from avlogparse.correlation.runs import BackupRun
    from avlogparse.sources import Record
    from avlogparse.sources.avhypervvss import PluginLogRecord
    from avlogparse.sources.event_xml import EventRecord, MergeProgress
    from avlogparse.sources.winclustersvc import Cleanup, ClusterLogRecord


@dataclass
class Facts:
    """Everything the rules (and the report's timeline) may look at.

    ``events`` are the catalogued Hyper-V events the collector kept, in input order, and
    ``merge_progress`` the merge start/completion events in compact form; ``registry``
    resolves any VM mention to its canonical reference.
    """

    coverage: Coverage
    clock: HostClock
    windows: CorrelationWindows
    runs: list[BackupRun]
    cleanups: list[Cleanup]
    destroy_failures: list[ClusterLogRecord]
    checkpoint_failures: list[CheckpointFailure]
    merge_failures: list[MergeFailure]
    chains: list[OrphanChain]
    events: list[EventRecord]
    merge_progress: list[MergeProgress]
    registry: VmRegistry
    failures_by_run: dict[int, list[CheckpointFailure]]
    omitted: dict[int, int] = field(default_factory=dict)
    """Repeats counted but not kept, by ``id`` of the first kept record of their fact."""
    hosts: HostMap = field(default_factory=HostMap)
    clocks: dict[str | None, HostClock] = field(default_factory=dict)
    """Per-host clocks when host-local logs come from several hosts (else empty: ``clock``
    serves every input)."""
    incident_events: list[EventRecord] = field(default_factory=list)
    """Catalogued VSS, cluster and VHDMP events and uncatalogued Error/Critical events."""
    plugin_lines: list[PluginLogRecord | ClusterLogRecord] = field(default_factory=list)
    """Error/FATAL plug-in log lines and the avtar job lines (5314, 6149, 7883)."""
    debug_pairs: list[tuple[datetime, datetime]] = field(default_factory=list)
    """(debug-layout stamp, preceding host-local stamp) pairs (:mod:`.debug_clock`)."""
    _chain_by_record: dict[int, OrphanChain] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for chain in self.chains:
            for consequence in chain.consequences:
                self._chain_by_record[id(consequence.record)] = chain

    def evidence(self, record: Record, role: str | None = None) -> Evidence:
        """An evidence item for a record, its time made aware in the host zone."""
        where = record.location
        return Evidence(
            path=record.path,
            line=record.line,
            source=record.source,
            timestamp=self.clock_at(record.path).aware(record.timestamp),
            text=record.raw,
            role=role,
            record_id=where.record_id,
            event_index=where.event_index,
        )

    def repeats_omitted(self, record: object) -> int:
        """How many more records repeated this one's fact than were kept (the collector keeps
        the first ``MAX_REPEATS`` of a fact; see :mod:`~.collector`)."""
        return self.omitted.get(id(record), 0)

    def clock_at(self, path: str) -> HostClock:
        """The clock of an input: its host's, or the bundle's one clock."""
        if not self.clocks:
            return self.clock
        return self.clocks.get(self.hosts.named_host(path), self.clock)

    def host_of(self, path: str) -> str | None:
        """The host an input belongs to (None when the bundle cannot tell)."""
        return self.hosts.path_host(path)

    def chain_for(self, failure: CheckpointFailure) -> OrphanChain | None:
        """The orphaned-checkpoint chain that explains a 43426, if any."""
        return self._chain_by_record.get(id(failure.record))


def build_facts(
    collector: Collector,
    clock: HostClock | None,
    windows: CorrelationWindows,
    clusters: Mapping[str, Iterable[str]] | None = None,
) -> Facts:
    """Resolve identities, settle hosts and clusters, align clocks and link chains (see the
    module docstring); ``clusters`` are the caller's (``{"NAME": ["NODE1", "NODE2"]}``)."""
    registry = VmRegistry()
    for run in collector.runs:
        for record in run.records:
            registry.learn(*plugin_vm(record))
        for name, vm_id in run.mentioned_vms:
            registry.learn(name, vm_id)
    for event in collector.all_events():
        registry.learn(*event_vm(event))
    hosts = _settle_hosts(collector, registry, clusters)
    clocks: dict[str | None, HostClock] = {}
    if clock is None:
        clock, clocks = _infer_clocks(collector, windows, hosts)
    return _aligned(collector, clock, clocks, windows, registry, hosts)


def facts_with_clock(collector: Collector, facts: Facts, clock: HostClock) -> Facts:
    """The same bundle's facts with every host-local time read on ``clock`` (what ``--tz``
    would give): the rules run on them tell whether the findings depend on the clock chosen.
    Identities, hosts and clusters do not depend on the clock and are reused."""
    return _aligned(collector, clock, {}, facts.windows, facts.registry, facts.hosts)


def _aligned(
    collector: Collector,
    clock: HostClock,
    clocks: dict[str | None, HostClock],
    windows: CorrelationWindows,
    registry: VmRegistry,
    hosts: HostMap,
) -> Facts:
    """Times placed in UTC with the clocks settled; 43426s matched; chains linked."""
    clock = count_switch_hours(clock, _host_local_times(collector))
    clock_at = _clock_lookup(clock, clocks, hosts)

    failures: list[CheckpointFailure] = []
    checkpoint_events: dict[str, TimeIndex[EventRecord]] = {}
    by_vm: dict[str, list[tuple[datetime, EventRecord]]] = defaultdict(list)
    for event in collector.events:
        if event.event_id == CHECKPOINT_FAILED_EVENT and event.timestamp is not None:
            by_vm[vm_key(registry.resolve(*event_vm(event)))].append((event.timestamp, event))
    checkpoint_events = {key: TimeIndex(items) for key, items in by_vm.items()}
    match = windows.checkpoint_event_match
    for run in collector.runs:
        run_clock = clock_at(run.path)
        for record in run.failures:
            vm = registry.resolve(*plugin_vm(record))
            utc = run_clock.utc(record.timestamp)
            index = checkpoint_events.get(vm_key(vm))
            matched = index.between(utc - match, utc + match) if index and utc else []
            failures.append(CheckpointFailure(record, run, vm, utc, matched))

    merges = [
        MergeFailure(e, registry.resolve(*event_vm(e)), e.timestamp, short_host(e.computer))
        for e in collector.events
        if e.event_id == MERGE_FAILED_EVENT and e.timestamp is not None
    ]
    failures_by_run: dict[int, list[CheckpointFailure]] = {}
    for failure in failures:
        failures_by_run.setdefault(failure.run.index, []).append(failure)
    chains = link_orphan_chains(
        collector, clock, windows, registry, merges, failures_by_run, hosts, clock_at
    )
    return Facts(
        coverage=collector.coverage,
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
        failures_by_run=failures_by_run,
        omitted=dict(collector.omitted),
        hosts=hosts,
        clocks=clocks,
        incident_events=collector.incident_events,
        plugin_lines=collector.plugin_lines,
        debug_pairs=collector.debug_pairs,
    )


def _settle_hosts(
    collector: Collector,
    registry: VmRegistry,
    clusters: Mapping[str, Iterable[str]] | None,
) -> HostMap:
    """Each input's host (what it names, else its folder's), then the clusters: the caller's,
    and hosts that log one VM (by GUID)."""
    hosts = collector.hosts
    if clusters:
        hosts.give(clusters)
    events: list[EventRecord | MergeProgress] = [*collector.all_events(), *collector.migrations]
    for (path, computer), count in Counter((e.path, e.computer) for e in events).items():
        hosts.note(path, computer, count)
    for cleanup in collector.cleanups:
        hosts.note(cleanup.cleanup.path, cleanup.host)
    hosts.settle_paths()
    for computer, vm_id in {(e.computer, e.vm_id) for e in collector.all_events()}:
        hosts.note_vm(short_host(computer), vm_id)
    for computer, vm_id in {(e.computer, e.vm_id) for e in collector.migrations}:
        hosts.note_vm(short_host(computer), vm_id, migration=True)
    for run in collector.runs:
        host = hosts.named_host(run.path)
        if host is None:
            continue
        for name, vm_id in run.mentioned_vms:
            hosts.note_vm(host, registry.resolve(name, vm_id).id)
        for record in run.records:
            hosts.note_vm(host, registry.resolve(*plugin_vm(record)).id)
    hosts.settle_clusters()
    return hosts


OWN_CLOCK_SHARE = 0.9
"""Share of a host's anchors its own clock must explain to replace the bundle's."""


def _infer_clocks(
    collector: Collector, windows: CorrelationWindows, hosts: HostMap
) -> tuple[HostClock, dict[str | None, HostClock]]:
    """The bundle's clock and, for a host whose own logs it explains worse, that host's.

    The bundle's clock is inferred from every anchor (most anchors, and a daylight-saving
    change, are seen only together); a host keeps a clock of its own only when that clock
    explains nearly all of the host's anchors (``OWN_CLOCK_SHARE``) and more of them than the
    bundle's does: a node set to another zone. A plug-in log holding several hosts' jobs
    gives a host anchors whose events sit on other nodes, which some odd offset may then fit
    by chance; the share keeps that from passing for a node's own clock.
    """
    bundle_clock = infer_clock(collector, windows)
    local_hosts = {hosts.named_host(run.path) for run in collector.runs}
    local_hosts.update(hosts.named_host(c.cleanup.path) for c in collector.cleanups)
    if len(local_hosts) <= 1:
        return bundle_clock, {}
    clocks: dict[str | None, HostClock] = {}
    for host in local_hosts:
        anchors = clock_anchors(_host_view(collector, host, hosts), windows)
        own = clock_from_anchors(anchors)
        explained = anchors_explained(own, anchors)
        better = explained > anchors_explained(bundle_clock, anchors)
        own_ok = better and explained >= OWN_CLOCK_SHARE * len(anchors)
        clocks[host] = own if own_ok else bundle_clock
    return bundle_clock, clocks


def _host_view(collector: Collector, host: str | None, hosts: HostMap) -> Collector:
    """A collector holding one host's host-local logs and the events of its host or cluster."""
    view = Collector(collector.windows)
    view.runs = [r for r in collector.runs if hosts.named_host(r.path) == host]
    view.cleanups = [c for c in collector.cleanups if hosts.named_host(c.cleanup.path) == host]
    related: dict[str | None, bool] = {}

    def near(computer: str | None) -> bool:
        if computer not in related:
            related[computer] = hosts.related(host, short_host(computer))
        return related[computer]

    view.events = [e for e in collector.events if near(e.computer)]
    view.merge_progress = [e for e in collector.merge_progress if near(e.computer)]
    return view


def _clock_lookup(
    clock: HostClock, clocks: dict[str | None, HostClock], hosts: HostMap
) -> Callable[[str], HostClock]:
    """The clock of an input path (the one clock when there are no per-host clocks)."""
    if not clocks:
        return lambda path: clock
    return lambda path: clocks.get(hosts.named_host(path), clock)


def _host_local_times(collector: Collector) -> Iterable[datetime | None]:
    """The host-local times the rules place in UTC: cleanups, run bounds, plug-in records."""
    for cleanup in collector.cleanups:
        yield cleanup.local_time
    for run in collector.runs:
        yield run.started
        yield run.ended
        for record in run.records:
            yield record.timestamp
