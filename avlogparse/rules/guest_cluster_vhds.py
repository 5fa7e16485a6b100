"""guest-cluster-vhds — a guest cluster's shared VHDX (VHD Set) collection cannot be
checkpointed.

What it looks for: a plug-in error line with the Hyper-V WMI job code of a VM-group
(collection) checkpoint failure written the requester's way, ``Error code: '32768'``
(failed to create checkpoint on collection), ``'32770'`` (active-active access is not
supported for the shared VHDX in the VM group) or ``'32775'`` (more than one VM claimed to
be the owner of the shared VHDX), with VMMS 19100 "background disk merge failed … General
access denied error (0x80070005)" of the same VM as related evidence when present. A 19100
with 0x80070005 alone is an ordinary permission problem and does not fire this rule.

Why it matters: Hyper-V backs up a guest cluster as one VM group; when the guest cluster
service cannot be queried, the VHDS is used as a CSV inside the guest, a shared drive is
offline in the guest or the VHDS folder denies the VM's account, every checkpoint of the
group fails (KB 4230569, ``shared/failure-catalog.md`` F5).
"""

from __future__ import annotations

from avlogparse.catalog import (
    ACCESS_DENIED,
    MERGE_FAILED_EVENT,
    MS_SA_GUEST_CLUSTER,
    WMI_COLLECTION_CODES,
)
from avlogparse.correlation.facts import Facts
from avlogparse.rules.incident import (
    PLUGIN,
    Incident,
    IncidentRule,
    Signal,
)


class GuestClusterVhds(IncidentRule):
    id = "guest-cluster-vhds"
    description = __doc__ or ""
    remediation_ids = (
        "fix.guest-cluster-service",
        "fix.vhds-not-csv",
        "fix.guest-shared-disks-online",
        "fix.vhds-acl",
    )
    references = (MS_SA_GUEST_CLUSTER,)

    def matches(self, signal: Signal, facts: Facts) -> bool:
        return (
            signal.family == PLUGIN
            and signal.wmi_code is not None
            and signal.wmi_code in WMI_COLLECTION_CODES
        )

    def related(self, incident: Incident, facts: Facts) -> list[Signal]:
        return self.around(
            incident,
            facts,
            lambda s: s.code == MERGE_FAILED_EVENT
            and s.family != PLUGIN
            and s.hresult == ACCESS_DENIED,
        )
