"""Causal chains: a cleanup reported success, then the merge failed, then the next backup.

The orphaned-checkpoint chain of Dell KB 000044579 (see ``docs/rules``): winclustersvc says
"DestroySnapshot executed successfully", VMMS fails to merge the checkpoint of a VM soon
after on the same host (19100) and never completes it (19080), and the next backup that
includes the VM fails to create its checkpoint (43426). :func:`link_orphan_chains` finds
them, and says which link the bundle does not show.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Generic, TypeVar

from avlogparse.catalog import MERGE_COMPLETED_EVENT
from avlogparse.correlation.clock import HostClock
from avlogparse.correlation.coverage import PLUGIN_LOG
from avlogparse.correlation.hosts import HostMap, same_host
from avlogparse.correlation.identity import VmRegistry, event_vm, plugin_vm, same_vm, vm_key
from avlogparse.correlation.windows import CorrelationWindows
from avlogparse.models.findings import VmRef

if TYPE_CHECKING:
    from avlogparse.correlation.collector import Collector
    from avlogparse.correlation.runs import BackupRun
    from avlogparse.sources.avhypervvss import PluginLogRecord
    from avlogparse.sources.event_xml import EventRecord
    from avlogparse.sources.winclustersvc import Cleanup

T = TypeVar("T")


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
    owner_host: str | None = None
    """The node the merge failed on (the last failure's, when the VM migrated)."""
    cross_node: bool = False
    """The merge failed on another node of the cleanup host's cluster."""


def link_orphan_chains(
    collector: Collector,
    clock: HostClock,
    windows: CorrelationWindows,
    registry: VmRegistry,
    merges: list[MergeFailure],
    failures_by_run: dict[int, list[CheckpointFailure]],
    hosts: HostMap | None = None,
    clock_at: Callable[[str], HostClock] | None = None,
) -> list[OrphanChain]:
    """Cleanup success → merge failure of a VM soon *after* it on the same host (or another
    node of its cluster, for a VM of the job) → later 43426.

    ``clock_at`` gives the clock of an input (per host); ``clock`` serves every input when
    it is not given."""
    clock_of: Callable[[str], HostClock] = clock_at or (lambda path: clock)
    completed: dict[str, list[tuple[datetime, None]]] = defaultdict(list)
    for event in collector.merge_progress:
        if event.event_id == MERGE_COMPLETED_EVENT and event.timestamp is not None:
            completed[vm_key(registry.resolve(*event_vm(event)))].append((event.timestamp, None))
    completions = {key: TimeIndex(items) for key, items in completed.items()}
    merge_index = TimeIndex((merge.utc, merge) for merge in merges)
    runs = TimeIndex(
        (start, run)
        for run in collector.runs
        if (start := clock_of(run.path).utc(run.started)) is not None
    )
    jobs = _JobVms(collector, registry, hosts, windows) if hosts and hosts.clusters else None
    chains: list[OrphanChain] = []
    for cleanup in collector.cleanups:
        start = clock_of(cleanup.cleanup.path).utc(cleanup.local_time)
        if not cleanup.succeeded or start is None:
            continue
        by_vm: dict[str, list[MergeFailure]] = defaultdict(list)
        window = merge_index.between(
            start - windows.clock_skew, start + windows.merge_after_cleanup
        )
        for merge in window:
            same = same_host(cleanup.host, merge.host)
            if same or (jobs is not None and jobs.owns(cleanup, merge)):
                by_vm[vm_key(merge.vm)].append(merge)
        for key, vm_merges in by_vm.items():
            last_failure = max(m.utc for m in vm_merges)
            done = completions.get(key)
            if done and done.between(
                last_failure + timedelta(microseconds=1), last_failure + windows.merge_recovery
            ):
                continue
            chain = OrphanChain(cleanup, vm_merges[0].vm, vm_merges)
            owner = max(vm_merges, key=lambda m: m.utc).host
            chain.owner_host = owner or cleanup.host
            chain.cross_node = any(not same_host(cleanup.host, m.host) for m in vm_merges)
            _link_consequence(chain, collector, runs, failures_by_run)
            chains.append(chain)
    return chains


class _JobVms:
    """Whether a merge failure on another node belongs to a cleanup: the nodes are one
    cluster and the VM is one of the job's (the VMs of the plug-in run the cleanup ends,
    when the bundle has that run)."""

    def __init__(
        self,
        collector: Collector,
        registry: VmRegistry,
        hosts: HostMap,
        windows: CorrelationWindows,
    ) -> None:
        self.runs = collector.runs
        self.registry = registry
        self.hosts = hosts
        self.windows = windows
        self._vms: dict[int, set[str] | None] = {}

    def owns(self, cleanup: Cleanup, merge: MergeFailure) -> bool:
        if not self.hosts.related(cleanup.host, merge.host):
            return False
        if id(cleanup) not in self._vms:
            self._vms[id(cleanup)] = self._job_vms(cleanup)
        vms = self._vms[id(cleanup)]
        return vms is None or vm_key(merge.vm) in vms

    def _job_vms(self, cleanup: Cleanup) -> set[str] | None:
        """The VM keys of the latest run on the cleanup's host that the cleanup ends."""
        local = cleanup.local_time
        if local is None:
            return None
        found: BackupRun | None = None
        for run in self.runs:
            if run.started is None or run.ended is None:
                continue
            if not same_host(cleanup.host, self.hosts.named_host(run.path)):
                continue
            if (
                run.started - self.windows.clock_skew
                <= local
                <= run.ended + self.windows.merge_after_cleanup
            ) and (found is None or found.started is None or run.started >= found.started):
                found = run
        if found is None:
            return None
        resolve = self.registry.resolve
        keys = {vm_key(resolve(name, vm_id)) for name, vm_id in found.mentioned_vms}
        keys |= {vm_key(resolve(*plugin_vm(record))) for record in found.records}
        return keys or None


def _link_consequence(
    chain: OrphanChain,
    collector: Collector,
    runs: TimeIndex[BackupRun],
    failures_by_run: dict[int, list[CheckpointFailure]],
) -> None:
    """Find the next backup that included the VM and whether it failed checkpointing."""
    if not collector.coverage.has(PLUGIN_LOG):
        chain.missing_links.append("missing.next-backup-log")
        return
    after = chain.merge_failures[0].utc
    key = vm_key(chain.vm)
    for run in runs.after(after):
        run_failures = [f for f in failures_by_run.get(run.index, ()) if vm_key(f.vm) == key]
        mentioned = bool(run_failures) or any(
            same_vm(chain.vm, VmRef(name=name, id=vm_id)) for name, vm_id in run.mentioned_vms
        )
        if not mentioned:
            continue
        chain.consequence_run = run
        chain.consequences = run_failures
        if not run_failures:
            chain.missing_links.append("missing.next-backup-succeeded")
        return
    chain.missing_links.append("missing.no-later-backup")
