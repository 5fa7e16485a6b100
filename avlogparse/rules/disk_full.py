"""disk-full — a checkpoint or merge ran out of disk space (0x80070070, VMMS 16060).

What it looks for: any Hyper-V event or plug-in error line with HRESULT 0x80070070
(ERROR_DISK_FULL; e.g. "'<VM>' could not initiate a checkpoint operation: … (0x80070070)",
"failed to save RAM contents during a checkpoint operation"), and Hyper-V-VMMS event 16060
(the host paused its VMs because the disk filled). Matched on the code: the text is
localised (a Chinese host prints 磁盘空间不足。 (0x80070070)). One finding per VM (or host)
and incident.

Why it matters: growing .avhdx files and dynamic disks exhaust the volume; checkpoints fail,
merges cannot complete, and VMs pause (``shared/failure-catalog.md`` F9).
"""

from __future__ import annotations

from avlogparse.catalog import DISK_FULL, DISK_FULL_EVENT, FAMILY_HYPERV, MS_SA_DIFFERENCING_DISKS
from avlogparse.rules.incident import IncidentRule


class DiskFull(IncidentRule):
    id = "disk-full"
    description = __doc__ or ""
    remediation_ids = ("fix.disk-space", "fix.merge-space")
    references = (MS_SA_DIFFERENCING_DISKS,)
    events = frozenset({(FAMILY_HYPERV, DISK_FULL_EVENT)})
    hresults = frozenset({DISK_FULL})
