"""destroy-snapshot-failed — the plug-in could not remove its backup checkpoint.

What it looks for: winclustersvc.log DestroySnapshot lines that report a failure, with the
Hyper-V WMI return code (32768 Failed, 32775 Invalid state, …) or HRESULT when present.

Why it matters: the backup checkpoint stays attached to the VM; the next backup's checkpoint
creation will likely fail and the VM keeps running on a differencing disk.
"""

from __future__ import annotations

from collections.abc import Iterator

from avlogparse.catalog import KB_ORPHANED_CHECKPOINT
from avlogparse.correlation.coverage import CLUSTER_LOG
from avlogparse.correlation.facts import Facts
from avlogparse.models.findings import Finding
from avlogparse.models.severity import Severity
from avlogparse.rules import remediation
from avlogparse.rules.base import Rule, host_time_arg


class DestroySnapshotFailed(Rule):
    id = "destroy-snapshot-failed"
    severity = Severity.ERROR
    description = __doc__ or ""
    remediation_ids = ("fix.remove-backup-checkpoint", remediation.WINDOWS_UPDATES)
    references = (KB_ORPHANED_CHECKPOINT,)
    requires = frozenset({CLUSTER_LOG})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        cleanup_of = {id(c.destroy): c for c in facts.cleanups if c.destroy is not None}
        for record in facts.destroy_failures:
            cleanup = cleanup_of.get(id(record))
            evidence = [facts.evidence(record, "destroy-failed")]
            if cleanup is not None:
                evidence.insert(0, facts.evidence(cleanup.cleanup, "cleanup"))
            yield self.finding(
                facts,
                message_id="msg.destroy-snapshot-failed" + (".group" if cleanup else ""),
                message_args={
                    "time": host_time_arg(facts, record.timestamp),
                    "group": cleanup.cleanup.group if cleanup else None,
                    "code": "msg.destroy-snapshot-failed."
                    + ("hresult" if record.return_code is None else "wmi"),
                    "return_code": record.return_code,
                    "hresult": remediation.hresult_arg(record.hresult),
                },
                evidence=evidence,
                host=cleanup.host if cleanup else None,
                data={"return_code": record.return_code, "hresult": record.hresult_hex},
            )
