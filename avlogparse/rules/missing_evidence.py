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

COLLECT = {
    Kind.WINCLUSTERSVC: (
        "winclustersvc.log",
        "Collect winclustersvc.log from the Avamar client's var folder on every Hyper-V "
        "host (cluster node) of the job, typically C:\\Program Files\\avs\\var\\.",
    ),
    Kind.EVENT_XML: (
        "the Hyper-V-VMMS Admin event log",
        "Export the Hyper-V-VMMS Admin log of every Hyper-V host as XML: Event Viewer > "
        "Applications and Services Logs > Microsoft > Windows > Hyper-V-VMMS > Admin > "
        "Save All Events As… (XML), or `wevtutil qe Microsoft-Windows-Hyper-V-VMMS-Admin "
        "/f:xml > vmms-admin.xml`.",
    ),
}


class MissingEvidence(Rule):
    id = "missing-evidence"
    title = "Logs needed to explain a checkpoint failure are missing from the bundle"
    severity = Severity.INFO
    description = __doc__ or ""
    references = (KB_ORPHANED_CHECKPOINT,)
    requires = frozenset({Kind.AVHYPERVVSS})

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        failures = facts.checkpoint_failures
        if not failures:
            return
        for kind, (name, how) in COLLECT.items():
            if kind in facts.kinds:
                continue
            yield self.finding(
                facts,
                message=(
                    f"{len(failures)} checkpoint creation failure(s) (43426) cannot be "
                    f"explained because {name} is not in the bundle."
                ),
                evidence=[facts.evidence(f.record, "unexplained") for f in failures],
                remediation=[how],
                data={"missing": kind.value},
            )
