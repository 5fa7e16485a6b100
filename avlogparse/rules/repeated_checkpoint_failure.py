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
from avlogparse.correlation.chains import CheckpointFailure
from avlogparse.correlation.coverage import PLUGIN_LOG
from avlogparse.correlation.facts import Facts
from avlogparse.correlation.identity import vm_key
from avlogparse.models.findings import Finding
from avlogparse.models.severity import Severity
from avlogparse.rules import remediation
from avlogparse.rules.base import Rule, host_time_arg

MIN_STREAK = 2


class RepeatedCheckpointFailure(Rule):
    id = "repeated-checkpoint-failure"
    severity = Severity.ERROR
    description = __doc__ or ""
    remediation_ids = (
        remediation.CHECK_CHECKPOINTS,
        remediation.FIND_ORPHANS,
        remediation.MICROSOFT_CASE,
    )
    references = (KB_ORPHANED_CHECKPOINT,)
    requires = frozenset({PLUGIN_LOG})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        failed_runs: dict[str, dict[int, CheckpointFailure]] = defaultdict(dict)
        for failure in facts.checkpoint_failures:
            failed_runs[vm_key(failure.vm)].setdefault(failure.run.index, failure)
        mentioned = _mentions_by_run(facts)
        for key, by_run in failed_runs.items():
            for streak in _streaks(facts, key, by_run, mentioned):
                if len(streak) < MIN_STREAK:
                    continue
                first, last = streak[0], streak[-1]
                yield self.finding(
                    facts,
                    message_id="msg.repeated-checkpoint-failure",
                    message_args={
                        "vm": last.vm.label(),
                        "streak": len(streak),
                        "first": host_time_arg(facts, first.run.started),
                        "last": host_time_arg(facts, last.run.started),
                    },
                    evidence=[facts.evidence(f.record, "checkpoint-failed") for f in streak],
                    vm=last.vm,
                    data={"streak": len(streak)},
                )


def _mentions_by_run(facts: Facts) -> dict[int, set[str]]:
    """Identity keys of the VMs each run mentions (a name alone maps to the failing VM's key)."""
    key_by_name = {(f.vm.name or "").casefold(): vm_key(f.vm) for f in facts.checkpoint_failures}
    mentions: dict[int, set[str]] = {}
    for run in facts.runs:
        mentions[run.index] = {
            vm_id or key_by_name.get((name or "").casefold(), f"name:{(name or '').casefold()}")
            for name, vm_id in run.mentioned_vms
        }
    return mentions


def _streaks(
    facts: Facts, key: str, by_run: dict[int, CheckpointFailure], mentioned: dict[int, set[str]]
) -> list[list[CheckpointFailure]]:
    """Runs that mention the VM, split into streaks of failures."""
    streaks: list[list[CheckpointFailure]] = [[]]
    for run in facts.runs:
        if run.index in by_run:
            streaks[-1].append(by_run[run.index])
        elif key in mentioned[run.index]:
            streaks.append([])
    return streaks
