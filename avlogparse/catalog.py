"""What the product's message codes, Hyper-V event ids and HRESULTs mean.

Knowledge only, no parsing: parsers use it to decide which lines get typed fields, rules to
explain findings, and ``avlogparse rules``/docs to print it. Each entry says how sure we are
(``seen`` verbatim in a public source, ``doc`` vendor documentation, ``inferred``,
``not-found``), as ``docs/formats/`` cites them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from avlogparse.models.severity import Severity

Confidence = Literal["seen", "doc", "inferred", "not-found"]

KB_ORPHANED_CHECKPOINT = "https://www.dell.com/support/kbdoc/en-us/000044579/"
MS_KB_LOGON_AS_SERVICE = "https://support.microsoft.com/kb/2779204"


class MessageCode(BaseModel):
    """One Avamar message code (the number in ``<43426>``)."""

    model_config = ConfigDict(frozen=True)

    code: int
    component: str
    level: str | None
    severity: Severity
    title: str
    meaning: str
    fields: tuple[str, ...] = ()
    spellings: tuple[str, ...] = ()
    confidence: Confidence
    references: tuple[str, ...] = ()


class EventKind(BaseModel):
    """One Hyper-V (or cluster) event id relevant to checkpoints and merges."""

    model_config = ConfigDict(frozen=True)

    event_id: int
    provider: str
    meaning: str
    severity: Severity
    confidence: Confidence


class Hresult(BaseModel):
    """A Win32-wrapping HRESULT seen around checkpoints and merges."""

    model_config = ConfigDict(frozen=True)

    value: int
    name: str
    text: str
    relevance: str

    @property
    def hex(self) -> str:
        """``0x8007052F`` spelling."""
        return f"0x{self.value:08X}"


def _code(
    code: int,
    component: str,
    level: str | None,
    severity: Severity,
    title: str,
    meaning: str,
    confidence: Confidence,
    fields: tuple[str, ...] = (),
    spellings: tuple[str, ...] = (),
) -> MessageCode:
    return MessageCode(
        code=code,
        component=component,
        level=level,
        severity=severity,
        title=title,
        meaning=meaning,
        fields=fields,
        spellings=spellings,
        confidence=confidence,
        references=(KB_ORPHANED_CHECKPOINT,) if 43419 <= code <= 43427 else (),
    )


_UNDOCUMENTED = "No public description; kept as code and message."

MESSAGE_CODES: dict[int, MessageCode] = {
    entry.code: entry
    for entry in (
        _code(
            43419,
            "avhypervvss",
            "Info",
            Severity.INFO,
            "Creating backup checkpoint",
            "The plug-in is about to create the backup checkpoint; states the VSS guest "
            "backup type (Copy or Full).",
            "seen",
            ("guest_backup_type",),
        ),
        _code(
            43420,
            "avhypervvss",
            "Info",
            Severity.INFO,
            "Checkpoint consistency level",
            "States the consistency level of the backup checkpoint (Application or Crash).",
            "seen",
            ("consistency_level",),
            ("consistenty level", "consistency level"),
        ),
        *(
            _code(
                code,
                "avhypervvss",
                None,
                Severity.INFO,
                f"Plug-in message {code}",
                _UNDOCUMENTED,
                "not-found",
            )
            for code in range(43421, 43426)
        ),
        _code(
            43426,
            "avhypervvss",
            "Error",
            Severity.ERROR,
            "Checkpoint creation failed",
            "Checkpoint creation failed for one VM; the VM is skipped from this backup. "
            "Details are in winclustersvc.log.",
            "seen",
            ("vm_name", "vm_id", "referenced_log"),
        ),
        _code(
            43427,
            "avhypervvss",
            "Warning",
            Severity.CRITICAL,
            "No backup targets",
            "Every VM of the job failed checkpointing: the backup produced nothing.",
            "seen",
        ),
        _code(
            8688,
            "avtar",
            "Info",
            Severity.INFO,
            "avtar status",
            "Periodic progress line of the backup engine (files, folders, bytes).",
            "seen",
        ),
        _code(
            5100,
            "avtar",
            "Info",
            Severity.INFO,
            "avtar status (older clients)",
            "Progress line of older avtar versions; same content as 8688.",
            "doc",
        ),
        _code(
            5314,
            "avtar",
            "Info",
            Severity.ERROR,
            "avtar command status",
            "End status of the backup engine with its exit code.",
            "seen",
        ),
        _code(
            13077,
            "avexvss",
            "Error",
            Severity.ERROR,
            "Exchange backup failed",
            "The Exchange VSS plug-in could not complete the backup.",
            "seen",
        ),
        _code(
            0,
            "any",
            None,
            Severity.INFO,
            "Uncatalogued message",
            "Free-text message without a catalogue number (written <0000>).",
            "seen",
        ),
    )
}
"""Every known Avamar message code; unknown codes still parse, with code and message only."""

HYPERV_EVENTS: dict[int, EventKind] = {
    entry.event_id: entry
    for entry in (
        EventKind(
            event_id=19100,
            provider="Microsoft-Windows-Hyper-V-VMMS",
            meaning="Background disk merge failed to complete (VMMS retries).",
            severity=Severity.ERROR,
            confidence="seen",
        ),
        EventKind(
            event_id=19090,
            provider="Microsoft-Windows-Hyper-V-VMMS",
            meaning="Background disk merge interrupted.",
            severity=Severity.WARNING,
            confidence="inferred",
        ),
        EventKind(
            event_id=19080,
            provider="Microsoft-Windows-Hyper-V-VMMS",
            meaning="Background disk merge completed.",
            severity=Severity.INFO,
            confidence="seen",
        ),
        EventKind(
            event_id=19070,
            provider="Microsoft-Windows-Hyper-V-VMMS",
            meaning="Background disk merge started.",
            severity=Severity.INFO,
            confidence="inferred",
        ),
        EventKind(
            event_id=18012,
            provider="Microsoft-Windows-Hyper-V-VMMS",
            meaning="Checkpoint operation failed.",
            severity=Severity.ERROR,
            confidence="inferred",
        ),
        EventKind(
            event_id=18014,
            provider="Microsoft-Windows-Hyper-V-VMMS",
            meaning="Checkpoint operation cancelled.",
            severity=Severity.WARNING,
            confidence="inferred",
        ),
        EventKind(
            event_id=3216,
            provider="Microsoft-Windows-Hyper-V-Worker",
            meaning="Failed to switch to new differencing disks during checkpoint.",
            severity=Severity.ERROR,
            confidence="inferred",
        ),
        EventKind(
            event_id=3280,
            provider="Microsoft-Windows-Hyper-V-Worker",
            meaning="Checkpoint differencing-disk error.",
            severity=Severity.ERROR,
            confidence="inferred",
        ),
    )
}

CHECKPOINT_CREATE_CODE = 43419
"""avhypervvss: "Creating backup CheckPoint with '<type>' guest backup type" (a job starts)."""
CONSISTENCY_LEVEL_CODE = 43420
CHECKPOINT_SKIPPED_CODE = 43426
"""avhypervvss: checkpoint creation for a VM failed; the VM is skipped from the backup."""
NO_TARGETS_CODE = 43427
"""avhypervvss: no targets available for backup after the checkpoint process."""

MERGE_FAILED_EVENT = 19100
MERGE_COMPLETED_EVENT = 19080
MERGE_STARTED_EVENT = 19070
MERGE_INTERRUPTED_EVENT = 19090
CHECKPOINT_FAILED_EVENT = 18012
MERGE_PROGRESS_EVENTS = frozenset(
    {MERGE_STARTED_EVENT, MERGE_INTERRUPTED_EVENT, MERGE_COMPLETED_EVENT}
)
MERGE_EVENTS = MERGE_PROGRESS_EVENTS | {MERGE_FAILED_EVENT}
"""Merge started / interrupted / completed: written for every checkpoint of every VM, read
only for when, where and for which VM (``MergeProgress``), never kept whole."""

HRESULTS: dict[int, Hresult] = {
    entry.value: entry
    for entry in (
        Hresult(
            value=0x8007052F,
            name="ERROR_ACCOUNT_RESTRICTION",
            text="Account restrictions are preventing this user from signing in.",
            relevance="The 'Log on as a service' right of NT VIRTUAL MACHINE\\Virtual "
            "Machines is out of sync with VMMS after a Group Policy refresh.",
        ),
        Hresult(
            value=0x80070569,
            name="ERROR_LOGON_TYPE_NOT_GRANTED",
            text="Logon failure: the user has not been granted the requested logon type.",
            relevance="Same root cause family as 0x8007052F (Log on as a service).",
        ),
        Hresult(
            value=0x80070020,
            name="ERROR_SHARING_VIOLATION",
            text="The process cannot access the file because it is being used by another process.",
            relevance="The disk is held open (backup agent, antivirus, leftover handle).",
        ),
        Hresult(
            value=0x80070005,
            name="ERROR_ACCESS_DENIED",
            text="Access is denied.",
            relevance="Permissions on the VM folder or the virtual disks.",
        ),
        Hresult(
            value=0x80070002,
            name="ERROR_FILE_NOT_FOUND",
            text="The system cannot find the file specified.",
            relevance="An .avhdx or configuration file is missing.",
        ),
        Hresult(
            value=0x80070299,
            name="ERROR_FILE_SYSTEM_LIMITATION",
            text="The requested operation could not be completed due to a file system limitation.",
            relevance="Replica and backup overlapping on the same VM.",
        ),
        Hresult(
            value=0x800703EE,
            name="ERROR_FILE_INVALID",
            text="The volume for a file has been externally altered so that the opened "
            "file is no longer valid.",
            relevance="The volume changed under an open file.",
        ),
        Hresult(
            value=0x80070490,
            name="ERROR_NOT_FOUND",
            text="Element not found.",
            relevance="Generic: an object Hyper-V expected is gone.",
        ),
        Hresult(
            value=0x8007000E,
            name="ERROR_OUTOFMEMORY",
            text="Not enough memory resources are available to complete this operation.",
            relevance="Host memory pressure during the merge.",
        ),
        Hresult(
            value=0x80070070,
            name="ERROR_DISK_FULL",
            text="There is not enough space on the disk.",
            relevance="No room on the volume for the merge.",
        ),
    )
}

WMI_RETURN_CODES: dict[int, str] = {
    0: "Completed with no error",
    4096: "Method parameters checked - job started",
    32768: "Failed",
    32769: "Access denied",
    32770: "Not supported",
    32771: "Status is unknown",
    32772: "Timeout",
    32773: "Invalid parameter",
    32774: "System is in use",
    32775: "Invalid state for this operation",
    32776: "Incorrect data type",
    32777: "System is not available",
    32778: "Out of memory",
}
"""Msvm_VirtualSystemManagementService method return codes (winclustersvc failures)."""
