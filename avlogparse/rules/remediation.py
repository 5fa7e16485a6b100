"""Remediation steps shared by rules, specialised by HRESULT (``docs/rules/``).

Steps are catalog ids (``fix.*`` in :mod:`avlogparse.i18n`); the text is per language.
"""

from __future__ import annotations

RESTART_VMMS = "fix.restart-vmms"
GPO_LOGON_AS_SERVICE = "fix.gpo-logon-as-service"
WINDOWS_UPDATES = "fix.windows-updates"
MICROSOFT_CASE = "fix.microsoft-case"
FIND_ORPHANS = "fix.find-orphans"
SHARING_VIOLATION = "fix.sharing-violation"
ACCESS_DENIED = "fix.access-denied"
DISK_SPACE = "fix.disk-space"
CHECK_CHECKPOINTS = "fix.check-checkpoints"

_BY_HRESULT: dict[int, tuple[str, ...]] = {
    0x8007052F: (RESTART_VMMS, GPO_LOGON_AS_SERVICE, WINDOWS_UPDATES),
    0x80070569: (RESTART_VMMS, GPO_LOGON_AS_SERVICE, WINDOWS_UPDATES),
    0x80070020: (SHARING_VIOLATION, WINDOWS_UPDATES),
    0x80070005: (ACCESS_DENIED, WINDOWS_UPDATES),
    0x80070070: (DISK_SPACE,),
}


def for_hresult(hresult: int | None) -> list[str]:
    """Steps that address the merge error itself (generic ones when it is unknown)."""
    return list(_BY_HRESULT.get(hresult or 0, (WINDOWS_UPDATES,)))


def hresult_arg(hresult: int | None) -> str | None:
    """An HRESULT as a message argument: ``0x8007052F`` (``{x:hresult}`` explains it)."""
    return None if hresult is None else f"0x{hresult:08X}"
