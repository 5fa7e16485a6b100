"""missing-evidence — a checkpoint failure the bundle cannot explain: a log is missing.

What it looks for: 43426 lines in avhypervvss.log when the bundle shows no winclustersvc.log
lines or no Hyper-V-VMMS-Admin events — by what was read, not by file: an event export of
another channel (System, Application) holds no VMMS evidence. One finding per missing log,
naming the log to collect and where it lives on the host. On a failover cluster
(docs/guide/clusters.md) the merge runs on the node that owns the VM, so a node of the
plug-in host's cluster with no Hyper-V-VMMS-Admin events gets a finding of its own, naming
the node.

It also asks, one finding per log, for the Windows logs Microsoft's own collection guidance
lists for backup checkpoint failures when no finding explains a 43426 and the bundle holds
none of their events: Application
(VSS writer events 8229, 12289, 12293), System (cluster events 5120, 5142, 1254) and
Hyper-V-Worker Admin (``shared/failure-catalog.md`` §3).

Why it matters: the plug-in log only says that the checkpoint failed. The orphaned-checkpoint
diagnosis needs the cleanup lines of winclustersvc.log and the merge events of VMMS;
without them the report cannot tell the cause, and silence would read as "no cause found".
"""

from __future__ import annotations

from collections.abc import Iterator

from avlogparse.catalog import KB_ORPHANED_CHECKPOINT
from avlogparse.correlation.chains import CheckpointFailure
from avlogparse.correlation.coverage import CLUSTER_LOG, PLUGIN_LOG, VMMS_ADMIN
from avlogparse.correlation.facts import Facts
from avlogparse.models.findings import Finding
from avlogparse.models.severity import Severity
from avlogparse.rules.base import Rule
from avlogparse.rules.incident import causes_for

WINDOWS_LOGS = {
    "channel:Application": "application",
    "channel:System": "system",
    "channel:Microsoft-Windows-Hyper-V-Worker-Admin": "worker-admin",
}
"""Channels Microsoft's guidance collects beside VMMS-Admin: VSS, cluster and worker events."""
EXPLAINING_FACTS = {CLUSTER_LOG: "winclustersvc", VMMS_ADMIN: "vmms-admin"}
"""The facts that explain a 43426, each with the name of its texts: the catalog has
``msg.missing-evidence.<name>`` and ``fix.collect-<name>`` (what to collect and where)."""


class MissingEvidence(Rule):
    id = "missing-evidence"
    severity = Severity.INFO
    description = __doc__ or ""
    references = (KB_ORPHANED_CHECKPOINT,)
    requires = frozenset({PLUGIN_LOG})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        failures = facts.checkpoint_failures
        if not failures:
            return
        omitted = sum(facts.repeats_omitted(f.record) for f in failures)
        channels = facts.coverage.channels()
        for fact, name in EXPLAINING_FACTS.items():
            if facts.coverage.has(fact):
                continue
            message_id = f"msg.missing-evidence.{name}"
            args: dict[str, object] = {"failures": len(failures) + omitted}
            if fact.startswith("channel:") and channels:
                message_id += ".other-channels"
                args["channels"] = channels
            yield self.finding(
                facts,
                message_id=message_id,
                message_args=args,
                evidence=(facts.evidence(f.record, "unexplained") for f in failures),
                remediation_ids=[f"fix.collect-{name}"],
                data={"missing": fact},
                omitted=omitted,
            )
        if facts.coverage.has(VMMS_ADMIN) and facts.hosts.clusters:
            yield from self._nodes_without_vmms(facts)
        windows = [fact for fact in WINDOWS_LOGS if not facts.coverage.has(fact)]
        unexplained = [
            f
            for f in failures
            if facts.chain_for(f) is None and not causes_for(facts, f.vm, f.utc)
        ]
        if not unexplained:
            return
        evidence = [facts.evidence(f.record, "unexplained") for f in unexplained]
        repeats = sum(facts.repeats_omitted(f.record) for f in unexplained)
        for fact in windows:
            name = WINDOWS_LOGS[fact]
            yield self.finding(
                facts,
                message_id="msg.missing-evidence.windows-log",
                message_args={
                    "failures": len(unexplained) + repeats,
                    "log": fact.removeprefix("channel:"),
                },
                evidence=evidence,
                remediation_ids=[f"fix.collect-{name}"],
                data={"missing": fact},
                omitted=repeats,
            )

    def _nodes_without_vmms(self, facts: Facts) -> Iterator[Finding]:
        """Nodes of the plug-in hosts' clusters that show no VMMS-Admin events."""
        with_vmms = {facts.host_of(path) for path in facts.coverage.files(VMMS_ADMIN)}
        by_cluster: dict[int, list[CheckpointFailure]] = {}
        clusters = {}
        for failure in facts.checkpoint_failures:
            cluster = facts.hosts.cluster_of(facts.host_of(failure.record.path))
            if cluster is not None:
                by_cluster.setdefault(id(cluster), []).append(failure)
                clusters[id(cluster)] = cluster
        for key, failures in by_cluster.items():
            cluster = clusters[key]
            for node in cluster.nodes:
                if node in with_vmms:
                    continue
                yield self.finding(
                    facts,
                    message_id="msg.missing-evidence.vmms-admin.node",
                    message_args={
                        "failures": len(failures),
                        "node": node,
                        "nodes": cluster.nodes,
                    },
                    evidence=[facts.evidence(f.record, "unexplained") for f in failures],
                    host=node,
                    remediation_ids=["fix.collect-vmms-admin"],
                    data={"missing": VMMS_ADMIN, "node": node, "cluster": cluster.nodes},
                )
