"""chain-corruption — the differencing-disk chain or its RCT change tracking is corrupt.

What it looks for: VHDMP-Operational events 7 ("The Vhd Chain for VHD … is corrupted"),
8 ("The change tracking file for VHD … is corrupted and cannot be read"), 9 ("… modified
without updating its associated change tracking file") and 10 ("Error … when attempting to
update the change tracking file"), and any Hyper-V event or plug-in error line with HRESULT
0x80070032, which Microsoft lists as disk chain corruption. The disk is read from the event
data. One finding per VM (or host) and incident.

Why it matters: an interrupted merge, a manual deletion or a storage failure broke the
chain; checkpoints and merges fail, and after an RCT corruption the next backup has to be
a full one (``shared/failure-catalog.md`` F10).
"""

from __future__ import annotations

from typing import Any

from avlogparse.catalog import (
    BLOG_VHDMP_EVENTS,
    CHAIN_CORRUPTION,
    FAMILY_VHDMP,
    MS_SA_DIFFERENCING_DISKS,
    VHDMP_CORRUPTION_EVENTS,
)
from avlogparse.correlation.facts import Facts
from avlogparse.rules.incident import Incident, IncidentRule


class ChainCorruption(IncidentRule):
    id = "chain-corruption"
    description = __doc__ or ""
    remediation_ids = ("fix.repair-chain",)
    references = (MS_SA_DIFFERENCING_DISKS, BLOG_VHDMP_EVENTS)
    events = frozenset((FAMILY_VHDMP, event_id) for event_id in VHDMP_CORRUPTION_EVENTS)
    hresults = frozenset({CHAIN_CORRUPTION})

    def message_args(self, incident: Incident, facts: Facts) -> dict[str, Any]:
        disks = sorted({d for s in incident.signals if (d := getattr(s.record, "disk_path", None))})
        return {"disks": disks}
