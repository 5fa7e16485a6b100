"""autorecovery-leftover — an AutoRecovery.avhdx left by an earlier failed backup blocks the
checkpoint (0x80070050, 0x800423FB).

What it looks for: any Hyper-V event or plug-in error line with HRESULT 0x80070050
(ERROR_FILE_EXISTS: "'<VM>' could not initiate a checkpoint operation: The file exists.")
or 0x800423FB (VSS_E_AUTORECOVERY_FAILED: "The autorecovery operation failed to complete on
the shadow copy."), at the start of the backup. One finding per VM and incident.

Why it matters: a failed or incomplete backup did not include the AutoRecovery.avhdx file
correctly; until it is removed every backup of the VM fails the same way (MS KB 3175561,
``shared/failure-catalog.md`` F7).
"""

from __future__ import annotations

from avlogparse.catalog import AUTORECOVERY_HRESULTS, MS_KB_AUTORECOVERY
from avlogparse.rules.incident import IncidentRule


class AutorecoveryLeftover(IncidentRule):
    id = "autorecovery-leftover"
    description = __doc__ or ""
    remediation_ids = ("fix.autorecovery",)
    references = (MS_KB_AUTORECOVERY,)
    hresults = AUTORECOVERY_HRESULTS
