"""VM identity: GUID first, a name only when it names one GUID, masked GUIDs never joined."""

from __future__ import annotations

from avlogparse.correlation.identity import VmRegistry, same_vm, vm_key
from avlogparse.models.findings import VmRef

A = "3F2A8C10-7B4D-4E21-9C55-0A1B2C3D4E5F"
B = "9B7E6D5C-4A3B-4C2D-8E1F-123456789ABC"


def test_a_name_resolves_to_the_one_guid_seen_with_it() -> None:
    registry = VmRegistry()
    registry.learn("SQL-PROD01", A)
    assert registry.resolve("sql-prod01", None) == VmRef(name="sql-prod01", id=A)
    assert registry.resolve(None, A) == VmRef(name="SQL-PROD01", id=A)


def test_the_same_name_with_two_guids_stays_unjoined() -> None:
    """Two VMs named alike (two hosts, or a VM recreated): a bare name could be either."""
    registry = VmRegistry()
    registry.learn("APP", A)
    registry.learn("APP", B)
    assert registry.resolve("APP", None) == VmRef(name="APP", id=None)
    assert registry.resolve("APP", B).id == B
    assert vm_key(registry.resolve("APP", A)) != vm_key(registry.resolve("APP", B))


def test_masked_guids_are_not_join_keys() -> None:
    """The KB masks every GUID as XXXXX-…: the plug-in hands such a GUID over as None
    (``plugin_vm``), so two masked VMs never merge and a masked mention joins by name."""
    registry = VmRegistry()
    registry.learn("DDR-Dev2", None)  # masked: learned nothing
    registry.learn("DDR-Dev3", None)
    first, second = registry.resolve("DDR-Dev2", None), registry.resolve("DDR-Dev3", None)
    assert first.id is None and second.id is None and vm_key(first) != vm_key(second)


def test_a_renamed_vm_is_one_vm_under_either_name() -> None:
    registry = VmRegistry()
    registry.learn("OLD-NAME", A)
    registry.learn("NEW-NAME", A)
    assert registry.resolve("OLD-NAME", None).id == A
    assert registry.resolve("NEW-NAME", None).id == A
    assert registry.resolve(None, A).name == "NEW-NAME"  # the latest name is shown


def test_same_vm_compares_by_guid_when_the_mention_has_one() -> None:
    known = VmRef(name="X", id=A)
    assert same_vm(known, VmRef(name="other name", id=A))
    assert not same_vm(known, VmRef(name="X", id=B))
    assert same_vm(known, VmRef(name="x", id=None))
