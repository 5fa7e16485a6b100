"""no-hot-backup — the VM cannot be hot backed up: no SCSI controller (VMMS 10103).

What it looks for: Hyper-V-VMMS event 10103, "The virtual machine '<VM>' cannot be hot
backed up since it has no SCSI controllers attached. Please add one or more SCSI
controllers to the virtual machine before performing a backup." One finding per VM and
incident.

Why it matters: by design on Windows Server 2012 R2 a VM needs a virtual SCSI controller for
an online (child-partition snapshot) backup; without it the backup fails or falls back to a
saved-state backup (``shared/failure-catalog.md`` F11).
"""

from __future__ import annotations

from avlogparse.catalog import BLOG_NO_SCSI, FAMILY_HYPERV, NO_SCSI_EVENT
from avlogparse.rules.incident import IncidentRule


class NoHotBackup(IncidentRule):
    id = "no-hot-backup"
    description = __doc__ or ""
    remediation_ids = ("fix.add-scsi",)
    references = (BLOG_NO_SCSI,)
    events = frozenset({(FAMILY_HYPERV, NO_SCSI_EVENT)})
