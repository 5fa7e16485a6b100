"""no-backup-targets — a whole backup produced nothing (43427).

What it looks for: avhypervvss.log message 43427, "No targets available for backup after
checkpoint process", with the 43426 lines of the same backup run: the VMs that were skipped.

Why it matters: every VM of the job failed checkpointing, so this backup protected nothing.
When it repeats, no VM of the job has a recent backup.
"""

from __future__ import annotations

from collections.abc import Iterator

from avlogparse.catalog import CHECKPOINT_CREATE_CODE, KB_ORPHANED_CHECKPOINT
from avlogparse.correlation.coverage import PLUGIN_LOG
from avlogparse.correlation.facts import Facts
from avlogparse.models.findings import Finding
from avlogparse.models.severity import Severity
from avlogparse.rules.base import Rule, host_time_arg
from avlogparse.rules.remediation import CHECK_CHECKPOINTS


class NoBackupTargets(Rule):
    id = "no-backup-targets"
    severity = Severity.CRITICAL
    description = __doc__ or ""
    remediation_ids = ("fix.resolve-and-rerun", CHECK_CHECKPOINTS)
    references = (KB_ORPHANED_CHECKPOINT,)
    requires = frozenset({PLUGIN_LOG})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        for run in facts.runs:
            no_targets = run.no_targets
            if no_targets is None:
                continue
            skipped = facts.failures_by_run.get(run.index, [])
            starts = [r for r in run.records if r.code == CHECKPOINT_CREATE_CODE]
            evidence = [facts.evidence(r, "run") for r in starts[:1]]
            evidence += [facts.evidence(f.record, "vm-skipped") for f in skipped]
            evidence.append(facts.evidence(no_targets, "no-backup-targets"))
            yield self.finding(
                facts,
                message_id="msg.no-backup-targets",
                message_args={
                    "started": host_time_arg(facts, run.started),
                    "skipped": [f.vm.label() for f in skipped],
                },
                evidence=evidence,
                data={
                    "run_index": run.index,
                    "skipped_vms": [f.vm.model_dump() for f in skipped],
                },
            )
