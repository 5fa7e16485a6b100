"""chain-file-missing — a disk or checkpoint file of the VM's chain is missing (0x80070002).

What it looks for: Hyper-V-VMMS events 1101 ("GetBackupSnapshot: ReadString failed …
HRESULT = 0x80070002") and 1102 ("GetReplicaType: ReadUnsignedInteger failed …"), and any
Hyper-V event or plug-in error line with HRESULT 0x80070002 (ERROR_FILE_NOT_FOUND: "cannot
create the storage required for the checkpoint using disk …", "Could not create backup
checkpoint …", "Cannot delete checkpoint …"). One finding per VM and incident.

Why it matters: a parent or child disk, or the checkpoint metadata, is gone; no checkpoint
can be created or removed until the chain is repaired (``shared/failure-catalog.md`` F8).
"""

from __future__ import annotations

from avlogparse.catalog import (
    FAMILY_HYPERV,
    FILE_NOT_FOUND,
    MISSING_SNAPSHOT_EVENTS,
    MS_SA_DIFFERENCING_DISKS,
)
from avlogparse.rules.incident import IncidentRule


class ChainFileMissing(IncidentRule):
    id = "chain-file-missing"
    description = __doc__ or ""
    remediation_ids = ("fix.restore-chain-file",)
    references = (MS_SA_DIFFERENCING_DISKS,)
    events = frozenset((FAMILY_HYPERV, event_id) for event_id in MISSING_SNAPSHOT_EVENTS)
    hresults = frozenset({FILE_NOT_FOUND})
