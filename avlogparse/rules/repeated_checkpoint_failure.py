"""repeated-checkpoint-failure — the same VM fails checkpoint creation run after run.

What it looks for: a VM with 43426 in two or more consecutive backup runs of the plug-in
log (runs in which it was not mentioned at all do not break the streak).

Why it matters: one failure can be a passing conflict; a streak means something persistent
— typically an orphaned checkpoint — blocks every new checkpoint, and the VM's last good
backup is getting older each night.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from avlogparse.catalog import KB_ORPHANED_CHECKPOINT
from avlogparse.correlate import CheckpointFailure, Facts, vm_key
from avlogparse.models.findings import Finding
from avlogparse.models.severity import Severity
from avlogparse.rules import remediation
from avlogparse.rules.base import Rule, describe_time
from avlogparse.rules.checkpoint_creation_failed import CHECK_CHECKPOINTS
from avlogparse.sniff import Kind

MIN_STREAK = 2


class RepeatedCheckpointFailure(Rule):
    id = "repeated-checkpoint-failure"
    title = "VM fails checkpoint creation on consecutive backups"
    severity = Severity.ERROR
    description = __doc__ or ""
    remediation = (CHECK_CHECKPOINTS, remediation.FIND_ORPHANS, remediation.MICROSOFT_CASE)
    references = (KB_ORPHANED_CHECKPOINT,)
    requires = frozenset({Kind.AVHYPERVVSS})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        failed_runs: dict[str, dict[int, CheckpointFailure]] = defaultdict(dict)
        for failure in facts.checkpoint_failures:
            failed_runs[vm_key(failure.vm)].setdefault(failure.run.index, failure)
        for key, by_run in failed_runs.items():
            for streak in _streaks(facts, key, by_run):
                if len(streak) < MIN_STREAK:
                    continue
                first, last = streak[0], streak[-1]
                yield self.finding(
                    facts,
                    message=(
                        f"'{last.vm.label()}' failed checkpoint creation in {len(streak)} "
                        f"consecutive backups, from {describe_time(facts, first.run.started)} "
                        f"to {describe_time(facts, last.run.started)}."
                    ),
                    evidence=[facts.evidence(f.record, "checkpoint-failed") for f in streak],
                    vm=last.vm,
                    data={"streak": len(streak)},
                )


def _streaks(
    facts: Facts, key: str, by_run: dict[int, CheckpointFailure]
) -> list[list[CheckpointFailure]]:
    """Runs that mention the VM, split into streaks of failures."""
    streaks: list[list[CheckpointFailure]] = [[]]
    for run in facts.runs:
        if run.index in by_run:
            streaks[-1].append(by_run[run.index])
        elif any(vm_key_of(name, vm_id, facts) == key for name, vm_id in run.mentioned_vms):
            streaks.append([])
    return streaks


def vm_key_of(name: str | None, vm_id: str | None, facts: Facts) -> str:
    """The identity key of a mention, matching :func:`vm_key` of resolved VMs."""
    failure_names = {(f.vm.name or "").casefold(): vm_key(f.vm) for f in facts.checkpoint_failures}
    if vm_id is not None:
        return vm_id
    return failure_names.get((name or "").casefold(), f"name:{(name or '').casefold()}")
