"""vss-writer-failed — a VSS writer on the host or in the guest failed the backup.

What it looks for: Application log VSS events 8229 (host writer errors), 12293 (guest
writer errors) and 8193 (e.g. 0x80070018, writer metadata too large), and any error signal
with a VSS writer HRESULT 0x800423F0 to 0x800423F4 (inconsistent snapshot, out of
resources, timeout between Freeze and Thaw, retryable, non-retryable). The writer is named
by its class id from the event data (the Hyper-V writer is
{66841cd4-6ded-4f4b-8f17-fd23f8ddc3de}). Event 12289 with 0x80042409 (an older writer
session state is removed) is benign once and reported only when it recurs on the host.

Why it matters: a failed or timed-out writer makes the shadow copy, and so the backup
checkpoint, fail or come out inconsistent (``shared/failure-catalog.md`` F13 to F15).
"""

from __future__ import annotations

from typing import Any

from avlogparse.catalog import (
    FAMILY_VSS,
    MS_SA_CHECKPOINT_STORAGE,
    MS_SA_EVENT_8193,
    MS_SA_EVENT_12289,
    VSS_STALE_SESSION,
    VSS_STALE_SESSION_EVENT,
    VSS_WRITER_ERRORS,
    VSS_WRITER_EVENTS,
)
from avlogparse.correlation.facts import Facts
from avlogparse.rules.incident import Incident, IncidentRule, Signal, signals

STALE_REPEAT = 2
"""12289/0x80042409 on one host this many times is no longer "intermittent"."""


def _stale(signal: Signal) -> bool:
    return (
        signal.family == FAMILY_VSS
        and signal.code == VSS_STALE_SESSION_EVENT
        and signal.hresult == VSS_STALE_SESSION
    )


class VssWriterFailed(IncidentRule):
    id = "vss-writer-failed"
    description = __doc__ or ""
    remediation_ids = ("fix.vss-writers", "fix.stagger-jobs")
    references = (MS_SA_CHECKPOINT_STORAGE, MS_SA_EVENT_12289, MS_SA_EVENT_8193)
    events = frozenset((FAMILY_VSS, event_id) for event_id in VSS_WRITER_EVENTS)
    hresults = VSS_WRITER_ERRORS
    explains_generic = False  # VSS events name no VM

    def matches(self, signal: Signal, facts: Facts) -> bool:
        return _stale(signal) or super().matches(signal, facts)

    def keep(self, incident: Incident, facts: Facts) -> bool:
        if not all(_stale(s) for s in incident.signals):
            return True
        host = incident.host
        return sum(1 for s in signals(facts) if _stale(s) and s.host == host) >= STALE_REPEAT

    def message_args(self, incident: Incident, facts: Facts) -> dict[str, Any]:
        writers = sorted(
            {
                name
                for s in incident.signals
                if (name := getattr(s.record, "writer_name", None)) is not None
            }
        )
        return {"writers": writers}
