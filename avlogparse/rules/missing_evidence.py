"""missing-evidence — a checkpoint failure the bundle cannot explain: a log is missing.

What it looks for: 43426 lines in avhypervvss.log when the bundle holds no winclustersvc.log
or no Hyper-V-VMMS event export. One finding per missing log, naming the file to collect
and where it lives on the host.

Why it matters: the plug-in log only says that the checkpoint failed. The orphaned-checkpoint
diagnosis needs the cleanup lines of winclustersvc.log and the merge events of VMMS;
without them the report cannot tell the cause, and silence would read as "no cause found".
"""

from __future__ import annotations

from collections.abc import Iterator

from avlogparse.catalog import KB_ORPHANED_CHECKPOINT
from avlogparse.correlate import Facts
from avlogparse.models.findings import Finding
from avlogparse.models.severity import Severity
from avlogparse.rules.base import Rule
from avlogparse.sniff import Kind

EXPLAINING_KINDS = (Kind.WINCLUSTERSVC, Kind.EVENT_XML)
"""The logs that explain a 43426; the catalog has ``msg.missing-evidence.<kind>`` and
``fix.collect-<kind>`` (what to collect and where) for each."""


class MissingEvidence(Rule):
    id = "missing-evidence"
    severity = Severity.INFO
    description = __doc__ or ""
    references = (KB_ORPHANED_CHECKPOINT,)
    requires = frozenset({Kind.AVHYPERVVSS})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        failures = facts.checkpoint_failures
        if not failures:
            return
        for kind in EXPLAINING_KINDS:
            if kind in facts.kinds:
                continue
            yield self.finding(
                facts,
                message_id=f"msg.missing-evidence.{kind.value}",
                message_args={"failures": len(failures)},
                evidence=[facts.evidence(f.record, "unexplained") for f in failures],
                remediation_ids=[f"fix.collect-{kind.value}"],
                data={"missing": kind.value},
            )
