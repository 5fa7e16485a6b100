"""csv-lost — a Cluster Shared Volume was lost on a node during the backup (5120/5142).

What it looks for: System log FailoverClustering events 5120 ("Cluster Shared Volume … is
no longer available on this node because of 'STATUS_BAD_NETWORK_PATH(c00000be)'", also
STATUS_CONNECTION_DISCONNECTED(c000020c), STATUS_MEDIA_WRITE_PROTECTED(c00000a2)) and 5142
("… no longer accessible from this cluster node because of error 'ERROR_TIMEOUT(1460)'").
The volume and the status code are read from the event data. One finding per host and
incident.

Why it matters: the VMs on the volume lose their storage in the middle of the checkpoint or
merge; the usual cause is SMB (Client for Microsoft Networks, File and Printer Sharing)
disabled on the cluster network, or a lost reservation (``shared/failure-catalog.md`` F17).
"""

from __future__ import annotations

from typing import Any

from avlogparse.catalog import CSV_LOST_EVENTS, FAMILY_CLUSTER, MS_SA_CSV_5120
from avlogparse.correlation.facts import Facts
from avlogparse.rules.incident import Incident, IncidentRule


class CsvLost(IncidentRule):
    id = "csv-lost"
    description = __doc__ or ""
    remediation_ids = ("fix.csv-smb", "fix.csv-hotfix")
    references = (MS_SA_CSV_5120,)
    events = frozenset((FAMILY_CLUSTER, event_id) for event_id in CSV_LOST_EVENTS)
    explains_generic = False

    def message_args(self, incident: Incident, facts: Facts) -> dict[str, Any]:
        volumes = sorted(
            {v for s in incident.signals if (v := getattr(s.record, "csv_name", None))}
        )
        statuses: set[str] = set()
        for signal in incident.signals:
            code = getattr(signal.record, "status_code", None)
            name = getattr(signal.record, "status_name", None)
            if code:
                statuses.add(f"{name}({code})" if name else code)
        return {"volumes": volumes, "statuses": sorted(statuses)}
