"""Host names as the logs write them, made comparable; which input is which host; clusters.

Every input belongs to a host: an event export names it in each event's ``Computer``, a
winclustersvc cleanup in its WMI path and group name (``AvamarBackup_<host>-<job>-…``), and
a log that names none (the plug-in log) takes the host of the other logs of its folder
(``node1/avhypervvss.log`` next to ``node1/winclustersvc.log``; ``a.zip!node1.zip!x.log``:
the inner archive is the folder), or the bundle's one host when its logs name only one.
When the bundle holds one folder per node and a folder's logs name no host, the folder's
name is the host (for listing and missing evidence only: see :meth:`HostMap.named_host`).

Hosts form a failover cluster when the caller says so (``clusters={"NAME": [...]}``,
``--cluster NAME=NODE1,NODE2``) or when the bundle shows it: one VM (by GUID, never by name)
logged by two hosts — the job's VMs spread over the nodes, or a live migration (VMMS 20415)
on one node of a VM another node logs. :class:`HostMap` answers :meth:`HostMap.related`:
the same host, or two nodes of one cluster. See ``docs/guide/clusters.md``.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

LIVE_MIGRATION_EVENTS = frozenset({20415})
"""VMMS "successfully completed the live migration of virtual machine" (VM name and GUID in
the data): the node that logs it and the nodes that log the VM are one cluster."""
MAX_MIGRATIONS = 10_000
"""Live migration events kept per bundle (a hostile export could hold millions)."""

_SEPARATORS = re.compile(r"[/\\!]")
_ARCHIVE_SUFFIX = re.compile(r"\.(?:zip|tar\.gz|tgz|tar\.bz2|tar\.xz|tar|gz)$", re.IGNORECASE)

ONE_HOST_SHARE = 0.9
"""Share of a file's host mentions one host must have for the file to be that host's."""


def short_host(name: str | None) -> str | None:
    """``HV-NODE01.corp.example`` → ``HV-NODE01`` (upper case), for same-host checks."""
    if not name:
        return None
    return name.split(".", 1)[0].strip().upper() or None


def same_host(a: str | None, b: str | None) -> bool:
    """Unknown hosts (the plug-in log names none) match any host."""
    return a is None or b is None or a == b


def folder_of(path: str) -> str:
    """The folder (or inner archive) a bundle member sits in; ``""`` at the bundle root.

    >>> folder_of("node1/winclustersvc.log"), folder_of("a.zip!node2.zip!vmms.xml")
    ('node1', 'a.zip!node2.zip')
    """
    parts = _SEPARATORS.split(path)
    return path[: len(path) - len(parts[-1]) - 1] if len(parts) > 1 else ""


def folder_label(folder: str) -> str | None:
    """The host a folder's name suggests (``node1`` → ``NODE1``; ``x.zip!node2.zip`` →
    ``NODE2``)."""
    last = _SEPARATORS.split(folder)[-1] if folder else ""
    return short_host(_ARCHIVE_SUFFIX.sub("", last))


def parse_cluster_option(text: str) -> tuple[str, list[str]]:
    """``NAME=NODE1,NODE2`` → ``("NAME", ["NODE1", "NODE2"])`` (ValueError when malformed).

    >>> parse_cluster_option("HVC01=hv-node01.corp, HV-NODE02")
    ('HVC01', ['HV-NODE01', 'HV-NODE02'])
    """
    name, sep, nodes_text = text.partition("=")
    nodes = [node for part in nodes_text.split(",") if (node := short_host(part))]
    if not sep or not name.strip() or len(nodes) < 2:
        raise ValueError(f"expected NAME=NODE1,NODE2[,...], got {text!r}")
    return name.strip(), nodes


@dataclass
class Cluster:
    """Hosts that are nodes of one failover cluster, and how we know."""

    nodes: list[str]
    name: str | None = None
    source: str = "inferred"
    """``given`` (the caller named it) or ``inferred`` (the bundle shows it)."""
    shared_vms: list[str] = field(default_factory=list)
    """GUIDs of VMs logged by more than one of its nodes."""
    migrations: list[str] = field(default_factory=list)
    """GUIDs of VMs with a live migration event on one of its nodes."""


class HostMap:
    """Which host each input is, and which hosts are one cluster (see the module docstring).

    Fill it with :meth:`add_path` and :meth:`note` (a host an input names), call
    :meth:`settle_paths`, then :meth:`note_vm` (a VM GUID a host logs) and
    :meth:`settle_clusters`.
    """

    def __init__(self) -> None:
        self._named: dict[str, Counter[str]] = defaultdict(Counter)
        self._paths: dict[str, None] = {}
        self._vm_hosts: dict[str, set[str]] = defaultdict(set)
        self._migrated: dict[str, set[str]] = defaultdict(set)
        self._given: list[tuple[str, list[str]]] = []
        self.path_hosts: dict[str, str | None] = {}
        self._by_folder_name: set[str] = set()
        self.clusters: list[Cluster] = []
        self._cluster_of: dict[str, Cluster] = {}

    def add_path(self, path: str) -> None:
        """An input of the bundle (whether or not it names a host)."""
        self._paths[path] = None

    def note(self, path: str, host: str | None, count: int = 1) -> None:
        """``path`` names ``host`` ``count`` times."""
        short = short_host(host)
        if short is not None:
            self._named[path][short] += count

    def note_vm(self, host: str | None, vm_id: str | None, migration: bool = False) -> None:
        """``host`` logged the VM ``vm_id`` (a GUID); ``migration``: in a live migration."""
        if host is not None and vm_id is not None:
            (self._migrated if migration else self._vm_hosts)[vm_id].add(host)

    def give(self, clusters: Mapping[str, Iterable[str]]) -> None:
        """Clusters the caller names: ``{"HVC01": ["HV-NODE01", "HV-NODE02"]}``."""
        for name, nodes in clusters.items():
            shorts = list(dict.fromkeys(s for node in nodes if (s := short_host(node))))
            self._given.append((name, shorts))

    def path_host(self, path: str) -> str | None:
        """The host of an input (None when the bundle cannot tell)."""
        return self.path_hosts.get(path)

    def named_host(self, path: str) -> str | None:
        """The host of an input when a log names it (not only its folder's name): what
        clusters, clocks and job VMs go by, so a single host's logs sorted into folders
        (``plugin/``, ``events/``) are never taken for several hosts."""
        host = self.path_hosts.get(path)
        return None if host in self._by_folder_name else host

    def settle_paths(self) -> None:
        """Settle each input's host: its own, else its folder's (else the bundle's one host),
        else the folder's name. A file naming several hosts (one export or cleanup log of a
        whole cluster, written on one machine) belongs to none of them: it gives no host to
        itself or to its folder's other logs."""
        by_folder: dict[str, set[str]] = defaultdict(set)
        folders: dict[str, None] = {}
        for path in self._paths:
            folder = folder_of(path)
            folders[folder] = None
            named = self._named.get(path)
            if named:
                host, count = named.most_common(1)[0]
                if count < ONE_HOST_SHARE * named.total():
                    continue  # several hosts' records: settled as None below
                self.path_hosts[path] = host
                by_folder[folder].add(host)
        per_node_folders = len(folders) > 1
        every = {host for hosts in by_folder.values() for host in hosts}
        only = next(iter(every)) if len(every) == 1 else None  # a one-host bundle
        for path in self._paths:
            if path in self.path_hosts:
                continue
            folder = folder_of(path)
            hosts = by_folder.get(folder, set())
            if only is not None and not hosts:
                self.path_hosts[path] = only
            elif len(hosts) == 1:
                self.path_hosts[path] = next(iter(hosts))
            elif not hosts and per_node_folders and folder:
                label = folder_label(folder)
                self.path_hosts[path] = label
                if label is not None:
                    self._by_folder_name.add(label)
            else:
                self.path_hosts[path] = None

    @property
    def hosts(self) -> list[str]:
        """Every host the bundle shows, sorted."""
        found = {h for h in self.path_hosts.values() if h is not None}
        for hosts in (*self._vm_hosts.values(), *self._migrated.values()):
            found |= hosts
        for _, nodes in self._given:
            found |= set(nodes)
        return sorted(found)

    def settle_clusters(self) -> None:
        """Join hosts into clusters: the caller's, then by VMs two hosts both log."""
        parent: dict[str, str] = {}

        def find(host: str) -> str:
            parent.setdefault(host, host)
            while parent[host] != host:
                parent[host] = parent[parent[host]]
                host = parent[host]
            return host

        def union(hosts: Iterable[str]) -> None:
            items = sorted(hosts)
            for other in items[1:]:
                parent[find(other)] = find(items[0])

        for _, nodes in self._given:
            union(nodes)
        shared: dict[str, set[str]] = {}
        for vm_id, hosts in self._vm_hosts.items():
            if len(hosts) > 1:
                union(hosts)
                shared[vm_id] = hosts
        migrated: dict[str, set[str]] = {}
        for vm_id, hosts in self._migrated.items():
            others = self._vm_hosts.get(vm_id, set()) | hosts
            if len(others) > 1:
                union(others)
                migrated[vm_id] = others
        groups: dict[str, list[str]] = defaultdict(list)
        for host in list(parent):
            groups[find(host)].append(host)
        self.clusters = []
        self._cluster_of = {}
        for members in groups.values():
            if len(members) < 2:
                continue
            nodes = sorted(members)
            given = [name for name, given_nodes in self._given if set(given_nodes) & set(nodes)]
            cluster = Cluster(
                nodes=nodes,
                name=given[0] if given else None,
                source="given" if given else "inferred",
                shared_vms=sorted(v for v, h in shared.items() if h <= set(nodes)),
                migrations=sorted(v for v, h in migrated.items() if h <= set(nodes)),
            )
            self.clusters.append(cluster)
            for node in nodes:
                self._cluster_of[node] = cluster
        self.clusters.sort(key=lambda c: c.nodes)

    def cluster_of(self, host: str | None) -> Cluster | None:
        """The cluster a host is a node of, if any."""
        return self._cluster_of.get(host) if host is not None else None

    def related(self, a: str | None, b: str | None) -> bool:
        """The same host (:func:`same_host`), or two nodes of one cluster."""
        if same_host(a, b):
            return True
        cluster = self._cluster_of.get(a or "")
        return cluster is not None and cluster is self._cluster_of.get(b or "")
