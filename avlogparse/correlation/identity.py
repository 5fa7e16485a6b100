"""Which mentions are one VM: by GUID first, by name only when the name is unambiguous.

Logs name a VM by ``NAME<GUID>`` (plug-in), by ``VmName``/``VmId`` (events) or by name alone;
a GUID may be masked (the KB masks two VMs with the same text) or malformed, and a VM may be
renamed between backups. :class:`VmRegistry` learns every (name, GUID) pair seen and
resolves each mention to one canonical :class:`~avlogparse.models.findings.VmRef`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from avlogparse.models.findings import VmRef

if TYPE_CHECKING:
    from avlogparse.sources.avhypervvss import PluginLogRecord
    from avlogparse.sources.event_xml import EventRecord, MergeProgress


class VmRegistry:
    """Joins VM mentions by GUID first and by name second, never merging two GUIDs.

    A name maps to a GUID only when exactly one GUID was seen with that name; masked or
    malformed GUIDs are not join keys (the KB masks two VMs with the same text).
    """

    def __init__(self) -> None:
        self._names_by_id: dict[str, str | None] = {}
        self._ids_by_name: dict[str, set[str]] = defaultdict(set)
        # one VmRef per mention, shared (it is frozen): events repeat the same few VMs
        self._resolved: dict[tuple[str | None, str | None], VmRef] = {}

    def learn(self, name: str | None, vm_id: str | None) -> None:
        if vm_id is None:
            return
        self._resolved.clear()
        if name is not None or vm_id not in self._names_by_id:
            self._names_by_id[vm_id] = name
        if name is not None:
            self._ids_by_name[name.casefold()].add(vm_id)

    def resolve(self, name: str | None, vm_id: str | None) -> VmRef:
        """The canonical reference for a mention (``id`` set whenever it is certain)."""
        vm = self._resolved.get((name, vm_id))
        if vm is None:
            vm = self._reference(name, vm_id)
            if len(self._resolved) < 4096:  # hostile exports name a new VM per event
                self._resolved[(name, vm_id)] = vm
        return vm

    def _reference(self, name: str | None, vm_id: str | None) -> VmRef:
        if vm_id is not None:
            return VmRef(name=name or self._names_by_id.get(vm_id), id=vm_id)
        if name is not None:
            ids = self._ids_by_name.get(name.casefold(), set())
            if len(ids) == 1:
                return VmRef(name=name, id=next(iter(ids)))
        return VmRef(name=name, id=None)


def vm_key(vm: VmRef) -> str:
    """Hashable identity: the GUID when known, else the case-folded name."""
    return vm.id or f"name:{(vm.name or '').casefold()}"


def plugin_vm(record: PluginLogRecord) -> tuple[str | None, str | None]:
    """(name, GUID usable as a join key) of a plug-in record."""
    return record.vm_name, record.vm_id if record.vm_id_valid else None


def event_vm(record: EventRecord | MergeProgress) -> tuple[str | None, str | None]:
    return record.vm_name, record.vm_id


def same_vm(known: VmRef, mention: VmRef) -> bool:
    """By GUID when the mention has one; by name only when it has none."""
    if mention.id is not None:
        return mention.id == known.id
    return (mention.name or "").casefold() == (known.name or "").casefold()
