"""checkpoint-creation-failed — a VM was skipped because its checkpoint failed (43426).

What it looks for: avhypervvss.log message 43426, "Checkpoint creation for Virtual machine
'NAME<GUID>' has failed and will be skipped from backup", one finding per VM and backup
run, with the VMMS "Checkpoint operation failed" (18012) events of that VM when present.
When an orphaned checkpoint left by an earlier failed merge explains it, the finding links
to that cause.

Why it matters: the VM has no backup from this run. The plug-in only says "see
winclustersvc.log"; the cause is usually in the Hyper-V event log.
"""

from __future__ import annotations

from collections.abc import Iterator

from avlogparse.catalog import KB_ORPHANED_CHECKPOINT
from avlogparse.correlate import Facts
from avlogparse.models.findings import Finding, finding_id
from avlogparse.models.severity import Severity
from avlogparse.rules.base import Rule, describe_time
from avlogparse.rules.orphaned_checkpoint import OrphanedCheckpoint
from avlogparse.sniff import Kind

CHECK_WINCLUSTERSVC = (
    "Read winclustersvc.log and the Hyper-V-VMMS Admin event log of the host around the "
    "time of the failure for the reason the checkpoint could not be created."
)
CHECK_CHECKPOINTS = (
    "Check that the VM has no leftover checkpoint (`Get-VMSnapshot -VMName <name>`) and no "
    "stray .avhdx files in its folder, then retry the backup."
)


class CheckpointCreationFailed(Rule):
    id = "checkpoint-creation-failed"
    title = "Checkpoint creation failed; VM skipped from backup"
    severity = Severity.ERROR
    description = __doc__ or ""
    remediation = (CHECK_WINCLUSTERSVC, CHECK_CHECKPOINTS)
    references = (KB_ORPHANED_CHECKPOINT,)
    requires = frozenset({Kind.AVHYPERVVSS})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        for failure in facts.checkpoint_failures:
            evidence = [facts.evidence(failure.record, "checkpoint-failed")]
            evidence += [facts.evidence(e, "vmms-checkpoint-failed") for e in failure.vmms_events]
            message = (
                f"Checkpoint creation for '{failure.vm.label()}' failed in the backup started "
                f"{describe_time(facts, failure.run.started)}; the VM was skipped."
            )
            explained_by: list[str] = []
            chain = facts.chain_for(failure)
            if chain is not None:
                cause_anchor = facts.evidence(chain.cleanup.cleanup, "cleanup")
                explained_by.append(finding_id(OrphanedCheckpoint.id, chain.vm, [cause_anchor]))
                message += (
                    " Explained by an orphaned checkpoint: the merge after the cleanup of "
                    f"{describe_time(facts, chain.cleanup.local_time)} failed for this VM."
                )
            elif failure.vmms_events:
                message += " VMMS confirms the failed checkpoint operation."
            yield self.finding(
                facts,
                message=message,
                evidence=evidence,
                vm=failure.vm,
                explained_by=explained_by,
                data={"run_index": failure.run.index},
            )
