"""Everything the rules (and the report's timeline) may look at, built from the collector.

:func:`build_facts` resolves VM identities (:mod:`~.identity`), places host-local times in
UTC (:mod:`~.clock`), matches each 43426 with the VMMS events of its VM and links the
orphaned-checkpoint chains (:mod:`~.chains`). Rules read :class:`Facts` and know nothing of
files or formats; ``coverage`` says which facts the bundle holds and from where.
"""

from __future__ import annotations

from collections import defaultdict
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
from avlogparse.correlation.clock import HostClock, infer_clock
from avlogparse.correlation.collector import Collector
from avlogparse.correlation.coverage import Coverage
from avlogparse.correlation.hosts import short_host
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
        return Evidence(
            path=record.path,
            line=record.line,
            source=record.source,
            timestamp=self.clock.aware(record.timestamp),
            text=record.raw,
            role=role,
        )

    def chain_for(self, failure: CheckpointFailure) -> OrphanChain | None:
        """The orphaned-checkpoint chain that explains a 43426, if any."""
        return self._chain_by_record.get(id(failure.record))


def build_facts(
    collector: Collector, clock: HostClock | None, windows: CorrelationWindows
) -> Facts:
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
    failures_by_run: dict[int, list[CheckpointFailure]] = {}
    for failure in failures:
        failures_by_run.setdefault(failure.run.index, []).append(failure)
    chains = link_orphan_chains(collector, clock, windows, registry, merges, failures_by_run)
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
        incident_events=collector.incident_events,
        plugin_lines=collector.plugin_lines,
        debug_pairs=collector.debug_pairs,
    )
