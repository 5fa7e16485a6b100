"""unexplained-errors — errors in the bundle that no other finding explains.

What it looks for: every Error/FATAL line of the plug-in logs (avhypervvss.log, with the
avtar lines it holds, and winclustersvc.log) and every Error/Critical Hyper-V, VSS, failover
cluster or VHDMP event that is not evidence of another rule's finding, grouped by what it
is: the Avamar code (a nested ``<10608>`` counts as that code) or the event id and
provider, and the HRESULT. Each group is one finding with its count and first and last
sighting. Documented noise never counts: Hyper-V-Integration-KvpExchange 4096 (the Data
Exchange service queried while the VM changes state).

Why it matters: a bundle that holds errors must never read as healthy because no rule knows
them: these are the lines to read first when the report names no cause.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta

from avlogparse.correlation.facts import Facts
from avlogparse.correlation.identity import vm_key
from avlogparse.models.findings import Finding
from avlogparse.models.records import Location
from avlogparse.models.severity import Severity
from avlogparse.rules import remediation
from avlogparse.rules.base import Rule, host_time_arg
from avlogparse.rules.incident import PLUGIN, Signal, signals


class UnexplainedErrors(Rule):
    id = "unexplained-errors"
    severity = Severity.ERROR
    description = __doc__ or ""
    remediation_ids = ("fix.read-unexplained",)

    after_others = True

    def evaluate_after(self, facts: Facts, earlier: Sequence[Finding]) -> Iterator[Finding]:
        explained, nearby = _explained(facts, earlier)
        groups: dict[tuple[str, str, int | None, int | None], list[Signal]] = defaultdict(list)
        for signal in signals(facts):
            record = signal.record
            if not signal.error or record.location in explained:
                continue
            if signal.family == PLUGIN and _near(signal, nearby):
                continue  # the plug-in's own words for a failure another finding reports
            origin = (
                getattr(record, "component", None) or record.source
                if signal.family == PLUGIN
                else getattr(record, "provider", None) or signal.family
            )
            groups[(signal.family, origin or "?", signal.code, signal.hresult)].append(signal)
        for (family, origin, code, hresult), items in groups.items():
            critical = any(_critical(s) for s in items)
            yield self.finding(
                facts,
                message_id=f"msg.unexplained-errors.{'line' if family == PLUGIN else 'event'}",
                message_args={
                    "origin": origin,
                    "code": code,
                    "hresult": remediation.hresult_arg(hresult),
                    "count": len(items),
                    "first": host_time_arg(facts, items[0].utc),
                    "last": host_time_arg(facts, items[-1].utc),
                },
                evidence=[facts.evidence(s.record, "unexplained") for s in items],
                severity=Severity.CRITICAL if critical else None,
                data={
                    "family": family,
                    "origin": origin,
                    "code": code,
                    "hresult": remediation.hresult_arg(hresult),
                    "count": len(items),
                },
            )


def _critical(signal: Signal) -> bool:
    """A Critical event (level 1) or a FATAL line."""
    level = getattr(signal.record, "level", None)
    return level == 1 or (isinstance(level, str) and level.lower() == "fatal")


NEARBY = timedelta(minutes=10)
"""A plug-in error line this close to a finding's plug-in evidence, on the same VM (or
naming none), tells the same failure in other words."""


def _near(signal: Signal, nearby: list[tuple[str | None, datetime]]) -> bool:
    if signal.utc is None:
        return False
    key = vm_key(signal.vm) if signal.vm is not None else None
    return any(
        (key is None or vm is None or vm == key) and abs(moment - signal.utc) <= NEARBY
        for vm, moment in nearby
    )


def _explained(
    facts: Facts, earlier: Sequence[Finding]
) -> tuple[set[Location], list[tuple[str | None, datetime]]]:
    """Where every evidence item of the other rules' findings is (with the event's record id
    or index: one line of a one-line export holds many events), and the VM and time of their
    plug-in log evidence."""
    seen: set[Location] = set()
    nearby: list[tuple[str | None, datetime]] = []
    for finding in earlier:
        if finding.rule_id == "missing-evidence":
            continue
        seen.update(e.location for e in finding.evidence)
        key = vm_key(finding.vm) if finding.vm is not None else None
        nearby += [
            (key, e.timestamp)
            for e in finding.evidence
            if e.timestamp is not None and e.source in ("avhypervvss", "winclustersvc")
        ]
    return seen, nearby
