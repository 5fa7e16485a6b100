"""checkpoint-merge-failed — Hyper-V could not merge a checkpoint disk back.

What it looks for: Hyper-V-VMMS event 19100, "'<VM>' background disk merge failed to
complete: … (0x8007xxxx)". VMMS retries, so the repeats of one VM within half an hour are
one finding; the HRESULT is decoded.

Why it matters: until the merge succeeds the VM runs on a differencing disk (.avhdx) that
keeps growing, and a checkpoint left unmerged blocks the next backup checkpoint.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from avlogparse.catalog import KB_ORPHANED_CHECKPOINT, MS_KB_LOGON_AS_SERVICE
from avlogparse.correlation.chains import MergeFailure
from avlogparse.correlation.coverage import VMMS_ADMIN
from avlogparse.correlation.facts import Facts
from avlogparse.correlation.identity import vm_key
from avlogparse.models.findings import Finding
from avlogparse.models.severity import Severity
from avlogparse.rules import remediation
from avlogparse.rules.base import Rule, host_time_arg
from avlogparse.rules.incident import causes_for


class CheckpointMergeFailed(Rule):
    id = "checkpoint-merge-failed"
    severity = Severity.ERROR
    description = __doc__ or ""
    references = (KB_ORPHANED_CHECKPOINT, MS_KB_LOGON_AS_SERVICE)
    requires = frozenset({VMMS_ADMIN})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        for burst in _bursts(facts):
            first = burst[0].event
            hresult = first.hresult
            omitted = sum(facts.repeats_omitted(m.event) for m in burst)
            attempts = len(burst) + omitted
            yield self.finding(
                facts,
                message_id="msg.checkpoint-merge-failed",
                message_args={
                    "vm": burst[0].vm.label(),
                    "attempts": attempts,
                    "first": host_time_arg(facts, burst[0].utc),
                    "last": host_time_arg(facts, burst[-1].utc),
                    "hresult": remediation.hresult_arg(hresult),
                },
                evidence=(facts.evidence(m.event, "merge-failed") for m in burst),
                vm=burst[0].vm,
                host=burst[0].host,
                remediation_ids=[*remediation.for_hresult(hresult), remediation.FIND_ORPHANS],
                explained_by=causes_for(facts, burst[0].vm, burst[0].utc),
                data={"hresult": first.hresult_hex, "attempts": attempts},
                omitted=omitted,
            )


def _bursts(facts: Facts) -> list[list[MergeFailure]]:
    """Merge failures per host and VM, split where they pause longer than the burst gap."""
    by_vm: dict[tuple[str | None, str], list[MergeFailure]] = defaultdict(list)
    for merge in sorted(facts.merge_failures, key=lambda m: m.utc):
        by_vm[(merge.host, vm_key(merge.vm))].append(merge)
    bursts: list[list[MergeFailure]] = []
    for merges in by_vm.values():
        current = [merges[0]]
        for merge in merges[1:]:
            if merge.utc - current[-1].utc > facts.windows.merge_burst_gap:
                bursts.append(current)
                current = []
            current.append(merge)
        bursts.append(current)
    return sorted(bursts, key=lambda burst: burst[0].utc)
