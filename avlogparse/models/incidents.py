"""Incidents: one root cause with the findings it explains, so a report reads cause first.

One orphaned checkpoint on three VMs yields eleven findings (three orphans, three failed
merges, three failed checkpoint creations and the backup that produced nothing); they are
one incident. :func:`group_incidents` builds them from the findings alone, so the grouping
is the same for a fresh report, a narrowed one (``--vm``) and one read back from JSON:

1. a finding whose ``explained_by`` names another finding is a symptom of it;
2. a finding whose evidence lines all belong to another finding with more lines, about the
   same VM, is a symptom of it (a failed merge inside an orphaned-checkpoint chain);
3. causes of the same rule that share an evidence line are one cause on several VMs (the
   one cleanup after which every VM's merge failed);
4. a job-level finding (no VM) whose evidence lines are shared only with findings of one
   incident is a symptom of that incident (the backup that produced nothing because every
   VM's checkpoint failed).

Every finding belongs to exactly one incident; a finding nothing explains is an incident of
its own. Incidents hold ids only (no text), so they read the same in every language.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, Field

from avlogparse.models.findings import Finding, VmRef
from avlogparse.models.severity import Severity


class Incident(BaseModel):
    """One root cause (possibly on several VMs) and the findings it explains."""

    id: str = Field(description="the id of the first cause finding")
    rule_id: str = Field(description="the rule of the cause findings")
    severity: Severity = Field(description="the worst severity of the cause and its symptoms")
    causes: list[str] = Field(description="ids of the root-cause findings (one per VM)")
    symptoms: list[str] = Field(
        default_factory=list, description="ids of the findings the causes explain"
    )
    vms: list[VmRef] = Field(default_factory=list, description="every VM the incident touches")
    counts: dict[str, int] = Field(
        default_factory=dict, description="findings per rule id, causes and symptoms together"
    )
    remediation_ids: list[str] = Field(
        default_factory=list, description="the causes' fix, every step in order"
    )
    first_seen: AwareDatetime | None = None
    last_seen: AwareDatetime | None = None


def affected_vms(finding: Finding) -> list[VmRef]:
    """The VMs a finding concerns: its own, or for a job-level finding the VMs it lists in
    ``data`` (``skipped_vms`` or ``vms``, as :class:`VmRef` dumps)."""
    if finding.vm is not None:
        return [finding.vm]
    listed = finding.data.get("skipped_vms") or finding.data.get("vms") or []
    refs: list[VmRef] = []
    for item in listed:
        if isinstance(item, dict):
            refs.append(VmRef.model_validate(item))
    return refs


def group_incidents(findings: Sequence[Finding]) -> list[Incident]:
    """The findings as incidents, worst first (see the module docstring)."""
    by_id = {f.id: f for f in findings}
    places = {f.id: {(e.path, e.line) for e in f.evidence} for f in findings}
    sharing: dict[tuple[str, int], list[str]] = {}
    for finding in findings:
        for place in places[finding.id]:
            sharing.setdefault(place, []).append(finding.id)

    def neighbours(finding_id: str) -> list[str]:
        """Findings sharing an evidence line with this one, in report order, once each."""
        found = dict.fromkeys(o for p in places[finding_id] for o in sharing[p])
        found.pop(finding_id, None)
        return sorted(found, key=order.__getitem__)

    order = {f.id: index for index, f in enumerate(findings)}
    parent: dict[str, str] = {}
    for finding in findings:  # 1. explicit links
        cause = next((c for c in finding.explained_by if c in by_id and c != finding.id), None)
        if cause is not None:
            parent[finding.id] = cause
    for finding in findings:  # 2. evidence inside a bigger finding about the same VM
        mine = places[finding.id]
        if finding.id in parent or not mine or finding.vm is None:
            continue
        for other in map(by_id.__getitem__, neighbours(finding.id)):
            if (
                other.vm == finding.vm
                and len(places[other.id]) > len(mine)
                and mine <= places[other.id]
                and parent.get(other.id) != finding.id
            ):
                parent[finding.id] = other.id
                break

    def root(finding_id: str) -> str:
        seen = {finding_id}
        while finding_id in parent and parent[finding_id] not in seen:
            finding_id = parent[finding_id]
            seen.add(finding_id)
        return finding_id

    # 3. causes of one rule sharing an evidence line are one cause
    roots = [f.id for f in findings if root(f.id) == f.id]
    union: dict[str, str] = {r: r for r in roots}

    def top(finding_id: str) -> str:
        while union[finding_id] != finding_id:
            finding_id = union[finding_id]
        return finding_id

    for first in roots:
        for second in neighbours(first):
            if (
                second in union
                and order[second] > order[first]
                and by_id[first].rule_id == by_id[second].rule_id
                and by_id[first].vm is not None
                and top(second) != top(first)
            ):
                union[top(second)] = top(first)

    def incident_of(finding_id: str) -> str:
        return top(root(finding_id))

    # 4. a job-level root that shares lines with one incident only belongs to it
    attached: set[str] = set()
    for finding in findings:
        if finding.vm is not None or root(finding.id) != finding.id:
            continue
        touched = {incident_of(other) for other in neighbours(finding.id)}
        touched.discard(incident_of(finding.id))
        if len(touched) == 1:
            parent[finding.id] = touched.pop()
            attached.add(finding.id)

    members: dict[str, list[Finding]] = {}
    for finding in findings:
        members.setdefault(incident_of(finding.id), []).append(finding)
    causes = {r for r in roots if r not in attached}
    incidents = [_incident(group, causes) for group in members.values()]
    incidents.sort(
        key=lambda i: (-i.severity.rank, i.first_seen is None, i.first_seen or datetime.min)
    )
    return incidents


def _incident(group: list[Finding], cause_ids: set[str]) -> Incident:
    causes = [f for f in group if f.id in cause_ids] or group[:1]
    symptoms = [f for f in group if f not in causes]
    vms: list[VmRef] = []
    for finding in [*causes, *symptoms]:
        for vm in affected_vms(finding):
            if not any(vm == known or (vm.id and vm.id == known.id) for known in vms):
                vms.append(vm)
    steps: list[str] = []
    for finding in causes:
        steps.extend(step for step in finding.remediation_ids if step not in steps)
    times = [t for f in group for t in (f.first_seen, f.last_seen) if t is not None]
    return Incident(
        id=causes[0].id,
        rule_id=causes[0].rule_id,
        severity=max((f.severity for f in group), key=lambda s: s.rank),
        causes=[f.id for f in causes],
        symptoms=[f.id for f in symptoms],
        vms=vms,
        counts=dict(Counter(f.rule_id for f in group)),
        remediation_ids=steps,
        first_seen=min(times, default=None),
        last_seen=max(times, default=None),
    )
