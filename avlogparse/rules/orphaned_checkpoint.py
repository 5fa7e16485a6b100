"""orphaned-checkpoint — cleanup reported success, but the checkpoint merge failed.

What it looks for: winclustersvc.log reports "Cleaning up checkpoint … DestroySnapshot
executed successfully" for a backup job, and Hyper-V-VMMS reports "background disk merge
failed to complete" (event 19100) for a VM on the same host within the hour after it —
never before it — with no later "merge completed" (19080) for that VM. On a failover
cluster the merge fails on the node that owns the VM: a 19100 on another node of the same
cluster counts for a VM of the job, and the finding names that node (see
docs/guide/clusters.md).

Why it matters: DestroySnapshot only starts the merge; when the merge fails, the
checkpoint's .avhdx stays in the VM folder, invisible to Hyper-V Manager, PowerShell and the
plug-in. Windows then cannot create the next checkpoint, so the next backup fails with
43426 for that VM — and with 43427 when every VM of the job is affected
(Dell KB 000044579).
"""

from __future__ import annotations

from collections.abc import Iterator

from avlogparse.catalog import KB_ORPHANED_CHECKPOINT, MS_KB_LOGON_AS_SERVICE
from avlogparse.correlation.chains import OrphanChain
from avlogparse.correlation.coverage import CLUSTER_LOG, VMMS_ADMIN
from avlogparse.correlation.facts import Facts
from avlogparse.models.findings import Finding
from avlogparse.models.severity import Severity
from avlogparse.rules import remediation
from avlogparse.rules.base import Rule, host_time_arg


class OrphanedCheckpoint(Rule):
    id = "orphaned-checkpoint"
    severity = Severity.ERROR
    description = __doc__ or ""
    references = (KB_ORPHANED_CHECKPOINT, MS_KB_LOGON_AS_SERVICE)
    requires = frozenset({CLUSTER_LOG, VMMS_ADMIN})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        for chain in facts.chains:
            yield self._finding(facts, chain)

    def _finding(self, facts: Facts, chain: OrphanChain) -> Finding:
        cleanup = chain.cleanup
        hresults = [m.event.hresult for m in chain.merge_failures if m.event.hresult is not None]
        hresult = hresults[0] if hresults else None
        omitted = sum(facts.repeats_omitted(m.event) for m in chain.merge_failures)
        evidence = [facts.evidence(cleanup.cleanup, "cleanup")]
        if cleanup.destroy is not None:
            evidence.append(facts.evidence(cleanup.destroy, "cleanup-success"))
        evidence += [facts.evidence(m.event, "merge-failed") for m in chain.merge_failures]
        evidence += [facts.evidence(c.record, "next-backup-failed") for c in chain.consequences]
        no_targets = chain.consequence_run.no_targets if chain.consequence_run else None
        if chain.consequences and no_targets is not None:
            evidence.append(facts.evidence(no_targets, "no-backup-targets"))

        args = {
            "job": cleanup.cleanup.group_job or cleanup.cleanup.group or "?",
            "group": cleanup.cleanup.group,
            "cleanup_time": host_time_arg(facts, cleanup.local_time),
            "vm": chain.vm.label(),
            "attempts": len(chain.merge_failures) + omitted,
            "hresult": remediation.hresult_arg(hresult),
            "consequence": None,
        }
        message_id = "msg.orphaned-checkpoint"
        host = cleanup.host
        data: dict[str, object] = {}
        if chain.cross_node:
            message_id = "msg.orphaned-checkpoint.cluster"
            host = chain.owner_host
            args["cleanup_host"] = cleanup.host or "?"
            args["node"] = chain.owner_host or "?"
            cluster = facts.hosts.cluster_of(chain.owner_host)
            data = {
                "cleanup_host": cleanup.host,
                "merge_hosts": sorted({m.host for m in chain.merge_failures if m.host}),
                "cluster": cluster.nodes if cluster else None,
            }
        if chain.consequences:
            args["consequence"] = "msg.orphaned-checkpoint.explains"
            args["next_backup"] = host_time_arg(facts, chain.consequences[0].run.started)
        steps = [
            *remediation.for_hresult(hresult),
            remediation.FIND_ORPHANS,
            remediation.MICROSOFT_CASE,
        ]
        return self.finding(
            facts,
            message_id=message_id,
            message_args=args,
            evidence=evidence,
            vm=chain.vm,
            host=host,
            remediation_ids=steps,
            missing_link_ids=chain.missing_links,
            omitted=omitted,
            data={
                "group": cleanup.cleanup.group,
                "job": cleanup.cleanup.group_job,
                "collection_id": cleanup.cleanup.collection_id,
                "hresult": remediation.hresult_arg(hresult),
                "merge_failures": len(chain.merge_failures),
                "explains": [str(c.record.location) for c in chain.consequences],
                **data,
            },
        )
