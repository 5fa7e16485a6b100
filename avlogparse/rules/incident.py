"""What the failure-mode rules share: error signals, and one finding per VM and incident.

A *signal* is one kept record that reports an error, whatever its source: a Hyper-V, VSS,
cluster or VHDMP event (``Facts.events``, ``Facts.incident_events``) or an Error/FATAL line
of the plug-in logs (``Facts.plugin_lines``). Each carries what the rules match on, all read
from codes, never from message text: the event id (or Avamar code), the HRESULT, the Hyper-V
WMI job code, the provider family, the VM and the host.

:class:`IncidentRule` is a failure mode of ``shared/failure-catalog.md`` that is recognised
by those codes: a subclass says which ``(family, event id)`` pairs, HRESULTs and WMI codes
are its signature; the signals of one VM on one host that follow each other within
:data:`INCIDENT_GAP` are one incident, so one finding. :func:`causes_for` tells the generic
rules (merge failed, checkpoint creation failed) which incident finding explains them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from avlogparse.catalog import CLUSTER_FALLOUT_EVENTS, is_error_level
from avlogparse.correlation.facts import Facts
from avlogparse.correlation.hosts import short_host
from avlogparse.correlation.identity import event_vm, vm_key
from avlogparse.models.findings import Finding, VmRef, finding_id
from avlogparse.models.severity import Severity
from avlogparse.normalize import error_fields
from avlogparse.rules import remediation
from avlogparse.rules.base import Rule, host_time_arg

if TYPE_CHECKING:
    from avlogparse.sources.avhypervvss import PluginLogRecord
    from avlogparse.sources.event_xml import EventRecord
    from avlogparse.sources.winclustersvc import ClusterLogRecord

INCIDENT_GAP = timedelta(hours=6)
"""Signals of one VM further apart than this are separate incidents."""
CAUSE_WINDOW = timedelta(hours=2)
"""How far a generic failure may be from an incident that explains it."""
PLUGIN = "plugin"
"""The family of plug-in log lines."""
_QUOTED_VM = re.compile(r"(?:[Vv]irtual machine |operation for |^)'([^'\r\n<]{1,256})")
_CLUSTER_VM_PREFIX = "Virtual Machine "


@dataclass
class Signal:
    """One error (or catalogued) record, with what the rules match on."""

    record: EventRecord | PluginLogRecord | ClusterLogRecord
    family: str
    code: int | None
    """The event id, or for plug-in lines the Avamar code (a nested ``<10608>`` wins)."""
    hresult: int | None
    wmi_code: int | None
    vm: VmRef | None
    host: str | None
    utc: datetime | None
    error: bool
    """Level Error/Critical (events) or Error/FATAL (plug-in lines)."""


def _cache(facts: Facts) -> dict[str, Any]:
    """Per-Facts memo: rules and :func:`causes_for` ask for the same signals many times."""
    cache: dict[str, Any] = vars(facts).setdefault("_incident_cache", {})
    return cache


def signals(facts: Facts) -> list[Signal]:
    """Every kept event and plug-in error line as a signal, in time order (no time last)."""
    cache = _cache(facts)
    if "signals" not in cache:
        cache["signals"] = _signals(facts)
    found: list[Signal] = cache["signals"]
    return found


def _signals(facts: Facts) -> list[Signal]:
    found: list[Signal] = []
    for event in [*facts.events, *facts.incident_events]:
        found.append(_event_signal(facts, event))
    for line in facts.plugin_lines:
        if line.level is None or not is_error_level(line.level):
            continue
        fields = _line_fields(line)
        name = fields.get("vm_name")
        vm = (
            facts.registry.resolve(name, fields.get("vm_id"))
            if name or fields.get("vm_id")
            else None
        )
        found.append(
            Signal(
                record=line,
                family=PLUGIN,
                code=fields.get("nested_code") or line.code,
                hresult=fields.get("hresult"),
                wmi_code=fields.get("wmi_code"),
                vm=vm,
                host=None,
                utc=facts.clock.utc(line.timestamp),
                error=True,
            )
        )
    return sorted(found, key=lambda s: (s.utc is None, s.utc or datetime.min))


def _line_fields(line: PluginLogRecord | ClusterLogRecord) -> dict[str, Any]:
    fields: dict[str, Any] = {
        name: getattr(line, name, None)
        for name in ("nested_code", "hresult", "wmi_code", "vm_name", "vm_id")
    }
    if fields["hresult"] is None and fields["wmi_code"] is None:
        fields.update({k: v for k, v in error_fields(line.full_message).items() if v})
    if fields["vm_name"] is None and fields["vm_id"] is None:
        quoted = _QUOTED_VM.search(line.message)
        if quoted is not None:
            fields["vm_name"] = quoted.group(1).strip() or None
    return fields


def _event_signal(facts: Facts, event: EventRecord) -> Signal:
    name, vm_id = event_vm(event)
    if (
        name is None
        and vm_id is None
        and event.resource_name
        and event.event_id in CLUSTER_FALLOUT_EVENTS  # its role is the VM; a CSV's is a disk
    ):
        resource = event.resource_name
        name = (
            resource[len(_CLUSTER_VM_PREFIX) :]
            if resource.startswith(_CLUSTER_VM_PREFIX)
            else resource
        )
    vm = facts.registry.resolve(name, vm_id) if name or vm_id else None
    level = event.level
    return Signal(
        record=event,
        family=event.family or "hyper-v",
        code=event.event_id,
        hresult=event.hresult,
        wmi_code=None,
        vm=vm,
        host=short_host(event.computer),
        utc=event.timestamp,
        error=level in (1, 2),
    )


@dataclass
class Incident:
    """The signals of one failure mode on one VM (or host) that belong together."""

    signals: list[Signal]

    @property
    def vm(self) -> VmRef | None:
        return next((s.vm for s in self.signals if s.vm is not None), None)

    @property
    def host(self) -> str | None:
        return next((s.host for s in self.signals if s.host is not None), None)

    @property
    def hresult(self) -> int | None:
        return next((s.hresult for s in self.signals if s.hresult is not None), None)


class IncidentRule(Rule):
    """A failure mode recognised by event ids, HRESULTs and WMI job codes (see module)."""

    severity = Severity.ERROR
    events: ClassVar[frozenset[tuple[str, int]]] = frozenset()
    """``(family, event id)`` pairs that are this failure mode by themselves."""
    hresults: ClassVar[frozenset[int]] = frozenset()
    """HRESULTs that are this failure mode in any error signal."""
    wmi_codes: ClassVar[frozenset[int]] = frozenset()
    """Hyper-V WMI job codes (``Error code: '32774'``) that are this failure mode."""
    explains_generic: ClassVar[bool] = True
    """Whether its findings explain merge and checkpoint failures of the same VM."""
    kinds: ClassVar[list[IncidentRule]] = []
    """One of each failure mode, as its module defines it (``causes_for`` asks them all)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        IncidentRule.kinds.append(cls())

    def matches(self, signal: Signal, facts: Facts) -> bool:
        """Whether a signal belongs to this failure mode."""
        if signal.code is not None and (signal.family, signal.code) in self.events:
            return True
        if not signal.error:
            return False
        if signal.hresult is not None and signal.hresult in self.hresults:
            return True
        return signal.wmi_code is not None and signal.wmi_code in self.wmi_codes

    def incidents(self, facts: Facts) -> list[Incident]:
        """The matching signals grouped per host and VM, split at pauses > INCIDENT_GAP."""
        cache = _cache(facts)
        key = f"incidents:{self.id}"
        if key not in cache:
            cache[key] = self._incidents(facts)
        found: list[Incident] = cache[key]
        return found

    def _incidents(self, facts: Facts) -> list[Incident]:
        groups: dict[tuple[str | None, str], list[Signal]] = defaultdict(list)
        for signal in signals(facts):
            if self.matches(signal, facts):
                key = vm_key(signal.vm) if signal.vm is not None else ""
                groups[(signal.host if signal.vm is None else None, key)].append(signal)
        incidents: list[Incident] = []
        for items in groups.values():
            current = [items[0]]
            for signal in items[1:]:
                last = current[-1].utc
                if signal.utc is not None and last is not None and signal.utc - last > INCIDENT_GAP:
                    incidents.append(Incident(current))
                    current = []
                current.append(signal)
            incidents.append(Incident(current))
        return [i for i in incidents if self.keep(i, facts)]

    def keep(self, incident: Incident, facts: Facts) -> bool:
        """Whether an incident is reported (a subclass may ask for more, e.g. a repeat)."""
        return True

    def related(self, incident: Incident, facts: Facts) -> list[Signal]:
        """More evidence that belongs to the incident (e.g. cluster fallout)."""
        return []

    @staticmethod
    def around(
        incident: Incident, facts: Facts, wanted: Callable[[Signal], bool]
    ) -> list[Signal]:
        """The ``wanted`` signals of the incident's VM within ``CAUSE_WINDOW`` of it."""
        vm = incident.vm
        times = [s.utc for s in incident.signals if s.utc is not None]
        if vm is None or not times:
            return []
        key = vm_key(vm)
        low, high = min(times) - CAUSE_WINDOW, max(times) + CAUSE_WINDOW
        return [
            s
            for s in signals(facts)
            if s.vm is not None
            and s.utc is not None
            and low <= s.utc <= high
            and vm_key(s.vm) == key
            and wanted(s)
        ]

    def message_args(self, incident: Incident, facts: Facts) -> dict[str, Any]:
        """Extra message arguments of a subclass."""
        return {}

    def evaluate(self, facts: Facts) -> Iterator[Finding]:
        for incident in self.incidents(facts):
            yield self._finding(facts, incident)

    def _finding(self, facts: Facts, incident: Incident) -> Finding:
        items = incident.signals
        related = self.related(incident, facts)
        vm = incident.vm
        hresult = incident.hresult
        codes = sorted({s.code for s in items if s.code is not None and s.family != PLUGIN})
        args: dict[str, Any] = {
            "vm": vm.label() if vm is not None else "?",
            "host": incident.host or "?",
            "count": len(items),
            "first": host_time_arg(facts, items[0].utc),
            "last": host_time_arg(facts, items[-1].utc),
            "hresult": remediation.hresult_arg(hresult),
            "events": [str(code) for code in codes],
            **self.message_args(incident, facts),
        }
        evidence = [facts.evidence(s.record, "incident") for s in items]
        evidence += [facts.evidence(s.record, "related") for s in related]
        return self.finding(
            facts,
            message_id=f"msg.{self.id}",
            message_args=args,
            evidence=evidence,
            vm=vm,
            host=incident.host,
            data={
                "hresult": remediation.hresult_arg(hresult),
                "event_ids": codes,
                "signals": len(items),
                "related": len(related),
            },
        )


def causes_for(facts: Facts, vm: VmRef | None, moment: datetime | None) -> list[str]:
    """Ids of the incident findings on this VM around ``moment`` (they explain a merge or
    checkpoint failure of it)."""
    if vm is None or moment is None:
        return []
    key = vm_key(vm)
    found: list[str] = []
    for rule in IncidentRule.kinds:
        if not rule.explains_generic:
            continue
        if facts.coverage.missing(rule.requires):
            continue
        for incident in rule.incidents(facts):
            ivm = incident.vm
            times = [s.utc for s in incident.signals if s.utc is not None]
            if ivm is None or vm_key(ivm) != key or not times:
                continue
            if min(times) - CAUSE_WINDOW <= moment <= max(times) + CAUSE_WINDOW:
                anchor = [facts.evidence(incident.signals[0].record, "incident")]
                found.append(finding_id(rule.id, ivm, anchor))
    return found
