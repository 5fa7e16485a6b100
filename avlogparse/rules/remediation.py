"""Remediation steps shared by rules, specialised by HRESULT (``shared/scenario.md``)."""

from __future__ import annotations

from avlogparse.catalog import HRESULTS

RESTART_VMMS = (
    "Restart the Hyper-V Virtual Machine Management service on the host before the Avamar "
    "backup starts, for example from a scheduled task (`Restart-Service vmms`): 0x8007052F "
    "means the 'Log on as a service' right of NT VIRTUAL MACHINE\\Virtual Machines is out of "
    "sync with VMMS, and a restart re-syncs it with the logon service."
)
GPO_LOGON_AS_SERVICE = (
    "Disable the GPO setting User Rights Assignment > 'Log on as a service' (or add "
    "NT VIRTUAL MACHINE\\Virtual Machines to it), then run `gpupdate /force` on the Hyper-V "
    "host."
)
WINDOWS_UPDATES = "Install the latest Windows updates on the Hyper-V host."
MICROSOFT_CASE = (
    "Open a Microsoft support case to clean up the orphaned checkpoints (.avhdx files) "
    "safely; Microsoft owns the root cause of the failed merge."
)
FIND_ORPHANS = (
    "Look in the VM's folder for .avhdx files that are not part of its checkpoint chain "
    "(compare the files with `Get-VMSnapshot` and `Get-VHD` parent paths); neither Hyper-V "
    "Manager nor PowerShell may list an orphaned checkpoint."
)
SHARING_VIOLATION = (
    "Find what holds the virtual disk open during the merge (antivirus without Hyper-V "
    "exclusions, another backup or replica job, a leftover handle) and remove it."
)
ACCESS_DENIED = (
    "Check the permissions of the VM folder and its virtual disks for the VM's virtual "
    "account (NT VIRTUAL MACHINE\\<VM GUID>)."
)
DISK_SPACE = "Free space on the volume that holds the VM's virtual disks."

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


def describe_hresult(hresult: int | None) -> str:
    """``0x8007052F (ERROR_ACCOUNT_RESTRICTION: Account restrictions …)``."""
    if hresult is None:
        return "an unknown error"
    known = HRESULTS.get(hresult)
    text = f"0x{hresult:08X}"
    return f"{text} ({known.name}: {known.text})" if known else text
