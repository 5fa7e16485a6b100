"""file-lock — a checkpoint or merge was blocked because a file was locked (0x80070020).

What it looks for: any Hyper-V event or plug-in error line with HRESULT 0x80070020
(ERROR_SHARING_VIOLATION: "The process cannot access the file because it is being used by
another process") or the Hyper-V WMI job code 32774 (System is in use), e.g. VMMS 19100
"background disk merge failed to complete … (0x80070020)" or the requester text "could not
initiate a checkpoint operation … (0x80070020) … Error code: '32774'". Matched on the codes,
never on the (localised) text. The signals of one VM within six hours are one finding; the
cluster fallout of the same VM (FailoverClustering 1254 "failover threshold exceeded",
Hyper-V-High-Availability 21502 "failed to start") is added as evidence when present.

Why it matters: a backup agent, an antivirus scanner without Hyper-V exclusions or a stale
(even kernel-mode) handle holds the virtual disk, so the merge or the new .avhdx fails and
the VM keeps running on a growing differencing disk; in a cluster the VM role can fail over
and fail to start (``shared/failure-catalog.md`` F2, F3).
"""

from __future__ import annotations

from avlogparse.catalog import (
    CLUSTER_FALLOUT_EVENTS,
    MS_SA_AV_EXCLUSIONS,
    MS_SA_DIFFERENCING_DISKS,
    SHARING_VIOLATION,
    WMI_SYSTEM_IN_USE,
)
from avlogparse.correlation.facts import Facts
from avlogparse.rules.incident import Incident, IncidentRule, Signal


class FileLock(IncidentRule):
    id = "file-lock"
    description = __doc__ or ""
    remediation_ids = ("fix.find-lock", "fix.av-exclusions", "fix.restart-backup-services")
    references = (MS_SA_DIFFERENCING_DISKS, MS_SA_AV_EXCLUSIONS)
    hresults = frozenset({SHARING_VIOLATION})
    wmi_codes = frozenset({WMI_SYSTEM_IN_USE})

    def related(self, incident: Incident, facts: Facts) -> list[Signal]:
        return self.around(incident, facts, lambda s: s.code in CLUSTER_FALLOUT_EVENTS)
