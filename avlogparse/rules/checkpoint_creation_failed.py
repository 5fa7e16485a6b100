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
from itertools import chain as concat

from avlogparse.catalog import KB_ORPHANED_CHECKPOINT
from avlogparse.correlation.chains import CheckpointFailure
from avlogparse.correlation.coverage import PLUGIN_LOG
from avlogparse.correlation.facts import Facts
from avlogparse.correlation.identity import vm_key
from avlogparse.models.findings import Finding, finding_id
from avlogparse.models.severity import Severity
from avlogparse.rules.base import Rule, host_time_arg
from avlogparse.rules.incident import causes_for
from avlogparse.rules.orphaned_checkpoint import OrphanedCheckpoint
from avlogparse.rules.remediation import CHECK_CHECKPOINTS


class CheckpointCreationFailed(Rule):
    id = "checkpoint-creation-failed"
    severity = Severity.ERROR
    description = __doc__ or ""
    remediation_ids = ("fix.check-winclustersvc", CHECK_CHECKPOINTS)
    references = (KB_ORPHANED_CHECKPOINT,)
    requires = frozenset({PLUGIN_LOG})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        # one finding per VM and run: a log repeating a VM's 43426 in one run is one failure
        per_run: dict[tuple[int, str, str | None], list[CheckpointFailure]] = {}
        for failure in facts.checkpoint_failures:
            key = (failure.run.index, vm_key(failure.vm), failure.record.vm_name)
            per_run.setdefault(key, []).append(failure)
        for repeats in per_run.values():
            failure = repeats[0]
            omitted = facts.repeats_omitted(failure.record)
            total = len(repeats) + omitted
            evidence = concat(
                (facts.evidence(f.record, "checkpoint-failed") for f in repeats),
                (facts.evidence(e, "vmms-checkpoint-failed") for e in failure.vmms_events),
            )
            args = {
                "vm": failure.vm.label(),
                "started": host_time_arg(facts, failure.run.started),
                "cause": None,
            }
            explained_by: list[str] = []
            chain = facts.chain_for(failure)
            if chain is not None:
                cause_anchor = facts.evidence(chain.cleanup.cleanup, "cleanup")
                explained_by.append(finding_id(OrphanedCheckpoint.id, chain.vm, [cause_anchor]))
                args["cause"] = "msg.checkpoint-creation-failed.orphan"
                args["cleanup_time"] = host_time_arg(facts, chain.cleanup.local_time)
            elif failure.vmms_events:
                args["cause"] = "msg.checkpoint-creation-failed.vmms"
            explained_by += causes_for(facts, failure.vm, failure.utc)
            yield self.finding(
                facts,
                message_id="msg.checkpoint-creation-failed",
                message_args=args,
                evidence=evidence,
                vm=failure.vm,
                explained_by=explained_by,
                data={"run_index": failure.run.index}
                if total == 1
                else {"run_index": failure.run.index, "repeats": total},
                omitted=omitted,
            )
