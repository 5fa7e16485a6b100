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
_MS_SA = "https://github.com/MicrosoftDocs/SupportArticles-docs/blob/main/support/windows-server/"
MS_SA_CHECKPOINT_STORAGE = (
    _MS_SA + "virtualization/hyper-v-virtual-machine-backup-checkpoint-storage.md"
)
MS_SA_DIFFERENCING_DISKS = (
    _MS_SA + "virtualization/hyper-v-snapshots-checkpoints-differencing-disks.md"
)
MS_SA_AV_EXCLUSIONS = _MS_SA + "virtualization/antivirus-exclusions-for-hyper-v-hosts.md"
MS_SA_GUEST_CLUSTER = _MS_SA + "virtualization/error-back-up-vms-in-guest-cluster.md"
MS_SA_EVENT_12289 = _MS_SA + "backup-and-storage/event-12289-vss-backup-restore.md"
MS_SA_EVENT_8193 = _MS_SA + "backup-and-storage/event-id-8193-when-you-perform-backup.md"
MS_SA_CSV_5120 = _MS_SA + "backup-and-storage/event-5120-5142-access-clusterstorage-folder.md"
MS_SA_KVP_4096 = _MS_SA + "virtualization/event-id-4096.md"
MS_KB_AUTORECOVERY = "https://support.microsoft.com/kb/3175561"
DELL_KB_SERVER_FULL = "https://dell.com/support/kbdoc/en-vg/000062852/"
DELL_KB_REPLICATION = "https://www.dell.com/support/kbdoc/en-us/000019734/"
BLOG_NO_SCSI = "https://itprotoday.com/data-backup/scsi-controller-requirements-for-host-backup-in-guest-with-windows-server-2012-r2"
BLOG_VHDMP_EVENTS = "https://detection-wiki-dev.pages.dev/microsoft-windows-vhdmp/"


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
    references: tuple[str, ...] = ()


class Hresult(BaseModel):
    """A Win32-wrapping HRESULT seen around checkpoints and merges."""

    model_config = ConfigDict(frozen=True)

    value: int
    name: str
    text: str
    relevance: str
    source: str = ""

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
            "States the consistency level of the backup checkpoint ('Application' is the only "
            "value seen; no other value is documented).",
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
            meaning="No public text or meaning found (only a synthetic generator uses it).",
            severity=Severity.WARNING,
            confidence="not-found",
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
            meaning="Listed by Microsoft among ids of storage, disk or file-system corruption "
            "(with 9, 39, 129, 55, 51, 513), without a provider; no checkpoint meaning is "
            "documented.",
            severity=Severity.ERROR,
            confidence="doc",
            references=(MS_SA_CHECKPOINT_STORAGE,),
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
            relevance="Out of memory; no public source ties it to checkpoints or merges.",
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


# ---- Failure modes beyond the seed KB (``shared/failure-catalog.md``, issue 12) -------------

FAMILY_HYPERV = "hyper-v"
FAMILY_VSS = "vss"
FAMILY_CLUSTER = "cluster"
FAMILY_VHDMP = "vhdmp"
KVP_PROVIDER = "microsoft-windows-hyper-v-integration-kvpexchange"
"""Hyper-V-Integration-KvpExchange: its 4096 is documented noise (failure catalog F28)."""


def event_family(provider: str | None) -> str:
    """Which family of providers an event belongs to ("" for the ones no rule reads).

    Hyper-V (every ``Microsoft-Windows-Hyper-V-*`` provider), VSS (the Application log's
    ``VSS`` source), failover clustering and VHDMP; compared case-insensitively."""
    if not provider:
        return ""
    lowered = provider.lower()
    if "hyper-v" in lowered:
        return FAMILY_HYPERV
    if lowered in ("vss", "microsoft-windows-vss", "volsnap"):
        return FAMILY_VSS
    if "failoverclustering" in lowered or lowered == "microsoft-windows-failoverclustering":
        return FAMILY_CLUSTER
    if lowered == "microsoft-windows-vhdmp":
        return FAMILY_VHDMP
    return ""


HYPERV_EVENTS.update(
    {
        entry.event_id: entry
        for entry in (
            EventKind(
                event_id=16060,
                provider="Microsoft-Windows-Hyper-V-VMMS",
                meaning="VMs paused because the host disk ran out of space.",
                severity=Severity.ERROR,
                confidence="seen",
                references=("https://blog.tpc.jp/",),
            ),
            EventKind(
                event_id=10103,
                provider="Microsoft-Windows-Hyper-V-VMMS",
                meaning="The VM cannot be hot backed up since it has no SCSI controllers "
                "attached (WS2012 R2).",
                severity=Severity.ERROR,
                confidence="doc",
                references=(BLOG_NO_SCSI,),
            ),
            EventKind(
                event_id=1101,
                provider="Microsoft-Windows-Hyper-V-VMMS",
                meaning="GetBackupSnapshot: ReadString failed for a snapshot (0x80070002: a "
                "checkpoint file or its metadata is missing).",
                severity=Severity.ERROR,
                confidence="seen",
                references=("https://gist.github.com/ducke/4506f32636e092788d229fddd31463fb",),
            ),
            EventKind(
                event_id=1102,
                provider="Microsoft-Windows-Hyper-V-VMMS",
                meaning="GetReplicaType: ReadUnsignedInteger failed for a snapshot (0x80070002: "
                "a checkpoint file or its metadata is missing).",
                severity=Severity.ERROR,
                confidence="seen",
                references=("https://gist.github.com/ducke/4506f32636e092788d229fddd31463fb",),
            ),
            EventKind(
                event_id=21502,
                provider="Microsoft-Windows-Hyper-V-High-Availability",
                meaning="'Virtual Machine <VM>' failed to start (cluster fallout of a lock).",
                severity=Severity.ERROR,
                confidence="seen",
            ),
        )
    }
)

WINDOWS_EVENTS: dict[tuple[str, int], EventKind] = {
    (family, entry.event_id): entry
    for family, entry in (
        (FAMILY_VSS, EventKind(
            event_id=8229, provider="VSS", severity=Severity.ERROR, confidence="doc",
            meaning="A VSS writer rejected an event (host writer errors).",
            references=(MS_SA_CHECKPOINT_STORAGE,),
        )),
        (FAMILY_VSS, EventKind(
            event_id=12293, provider="VSS", severity=Severity.ERROR, confidence="doc",
            meaning="Error calling a routine on a shadow copy provider (guest writer errors).",
            references=(MS_SA_CHECKPOINT_STORAGE,),
        )),
        (FAMILY_VSS, EventKind(
            event_id=8193, provider="VSS", severity=Severity.ERROR, confidence="doc",
            meaning="Unexpected error calling a routine (e.g. 0x80070018: writer metadata too "
            "large).",
            references=(MS_SA_EVENT_8193,),
        )),
        (FAMILY_VSS, EventKind(
            event_id=12289, provider="VSS", severity=Severity.ERROR, confidence="doc",
            meaning="Unexpected error; with 0x80042409 an older writer session state is "
            "removed (benign unless it recurs).",
            references=(MS_SA_EVENT_12289,),
        )),
        (FAMILY_VSS, EventKind(
            event_id=12292, provider="VSS", severity=Severity.ERROR, confidence="doc",
            meaning="Error creating the Shadow Copy Provider COM class.",
        )),
        (FAMILY_CLUSTER, EventKind(
            event_id=5120, provider="Microsoft-Windows-FailoverClustering",
            severity=Severity.ERROR, confidence="doc",
            meaning="Cluster Shared Volume is no longer available on this node (status code "
            "in the event data).",
            references=(MS_SA_CSV_5120,),
        )),
        (FAMILY_CLUSTER, EventKind(
            event_id=5142, provider="Microsoft-Windows-FailoverClustering",
            severity=Severity.ERROR, confidence="doc",
            meaning="Cluster Shared Volume is no longer accessible from this cluster node.",
            references=(MS_SA_CSV_5120,),
        )),
        (FAMILY_CLUSTER, EventKind(
            event_id=1254, provider="Microsoft-Windows-FailoverClustering",
            severity=Severity.ERROR, confidence="seen",
            meaning="Clustered role has exceeded its failover threshold.",
        )),
        *(
            (FAMILY_VHDMP, EventKind(
                event_id=event_id, provider="Microsoft-Windows-VHDMP", severity=Severity.ERROR,
                confidence="doc", meaning=meaning, references=(BLOG_VHDMP_EVENTS,),
            ))
            for event_id, meaning in (
                (7, "The VHD chain of a virtual disk is corrupted."),
                (8, "The change tracking (RCT) file of a virtual disk is corrupted."),
                (9, "A virtual disk was modified without updating its change tracking file."),
                (10, "Error updating the change tracking file of a virtual disk."),
            )
        ),
    )
}  # fmt: skip
"""Catalogued events of other providers, by (family, event id): :func:`event_family`."""

NOISE_EVENTS = frozenset({(KVP_PROVIDER, 4096)})
"""(provider lower case, id) of documented noise: never kept, never reported."""

_FC = "shared/failure-catalog.md"
HRESULTS.update(
    {
        entry.value: entry
        for entry in (
            Hresult(
                value=0x80070050,
                name="ERROR_FILE_EXISTS",
                text="The file exists.",
                relevance="A leftover AutoRecovery.avhdx blocks the checkpoint.",
                source=MS_KB_AUTORECOVERY,
            ),
            Hresult(
                value=0x800423FB,
                name="VSS_E_AUTORECOVERY_FAILED",
                text="The autorecovery operation failed to complete on the shadow copy.",
                relevance="A leftover AutoRecovery.avhdx from an earlier failed backup.",
                source=MS_KB_AUTORECOVERY,
            ),
            Hresult(
                value=0x800423F0,
                name="VSS_E_WRITERERROR_INCONSISTENTSNAPSHOT",
                text="The shadow copy contains only a subset of the volumes needed by the "
                "writer to correctly back up the application component.",
                relevance="VSS writer failure: inconsistent snapshot.",
                source=MS_SA_CHECKPOINT_STORAGE,
            ),
            Hresult(
                value=0x800423F1,
                name="VSS_E_WRITERERROR_OUTOFRESOURCES",
                text="The writer ran out of memory or other system resources.",
                relevance="VSS writer failure: out of resources.",
                source=MS_SA_CHECKPOINT_STORAGE,
            ),
            Hresult(
                value=0x800423F2,
                name="VSS_E_WRITERERROR_TIMEOUT",
                text="The writer's timeout expired between the Freeze and Thaw events.",
                relevance="VSS writer failure: timeout between Freeze and Thaw.",
                source=MS_SA_CHECKPOINT_STORAGE,
            ),
            Hresult(
                value=0x800423F3,
                name="VSS_E_WRITERERROR_RETRYABLE",
                text="The writer experienced a transient error.",
                relevance="VSS writer failure: retryable.",
                source=MS_SA_CHECKPOINT_STORAGE,
            ),
            Hresult(
                value=0x800423F4,
                name="VSS_E_WRITERERROR_NONRETRYABLE",
                text="The writer experienced a non-transient error.",
                relevance="VSS writer failure: not retryable.",
                source=MS_SA_CHECKPOINT_STORAGE,
            ),
            Hresult(
                value=0x80042409,
                name="VSS_E_WRITER_STATUS_NOT_AVAILABLE",
                text="Writer status is not available for one or more writers.",
                relevance="An older writer session state is removed: benign unless it recurs.",
                source=MS_SA_EVENT_12289,
            ),
            Hresult(
                value=0x80070032,
                name="ERROR_NOT_SUPPORTED",
                text="The request is not supported.",
                relevance="Listed by Microsoft as disk chain corruption around checkpoints.",
                source=MS_SA_DIFFERENCING_DISKS,
            ),
            Hresult(
                value=0x80070018,
                name="ERROR_BAD_LENGTH",
                text="The program issued a command but the command length is incorrect.",
                relevance="VSS 8193: writer metadata (backup document) too large.",
                source=MS_SA_EVENT_8193,
            ),
        )
    }
)

for _value, _source in (
    (0x80070020, MS_SA_DIFFERENCING_DISKS),
    (0x80070070, MS_SA_DIFFERENCING_DISKS),
    (0x80070002, MS_SA_DIFFERENCING_DISKS),
    (0x80070005, MS_SA_GUEST_CLUSTER),
    (0x8007052F, KB_ORPHANED_CHECKPOINT),
    (0x80070299, _FC + " F4"),
):
    HRESULTS[_value] = HRESULTS[_value].model_copy(update={"source": _source})

VSS_WRITER_ERRORS = frozenset(range(0x800423F0, 0x800423F5))
"""VSS_E_WRITERERROR_*: inconsistent snapshot, out of resources, timeout, retryable,
non-retryable."""
VSS_STALE_SESSION = 0x80042409
AUTORECOVERY_HRESULTS = frozenset({0x80070050, 0x800423FB})
SHARING_VIOLATION = 0x80070020
DISK_FULL = 0x80070070
FILE_NOT_FOUND = 0x80070002
CHAIN_CORRUPTION = 0x80070032
ACCESS_DENIED = 0x80070005

WMI_SYSTEM_IN_USE = 32774
"""``Error code: '32774'`` beside 0x80070020 in requester text (failure catalog F3)."""
WMI_COLLECTION_CODES = frozenset({32768, 32770, 32775})
"""Guest-cluster (shared VHDX) collection checkpoint failures (KB 4230569)."""

WMI_CODE_SOURCES: dict[int, str] = {
    32774: _FC + " F3 (public sample)",
    32768: MS_SA_GUEST_CLUSTER,
    32770: MS_SA_GUEST_CLUSTER,
    32775: MS_SA_GUEST_CLUSTER,
}

NO_SCSI_EVENT = 10103
DISK_FULL_EVENT = 16060
MISSING_SNAPSHOT_EVENTS = frozenset({1101, 1102})
CSV_LOST_EVENTS = frozenset({5120, 5142})
CLUSTER_FALLOUT_EVENTS = frozenset({1254, 21502})
VHDMP_CORRUPTION_EVENTS = frozenset({7, 8, 9, 10})
VSS_WRITER_EVENTS = frozenset({8229, 12293, 8193})
VSS_STALE_SESSION_EVENT = 12289

JOB_STATUS_CODE = 5314
ERROR_SUMMARY_CODE = 6149
FINISHED_AT_CODE = 7883
AVTAR_JOB_CODES = frozenset({JOB_STATUS_CODE, ERROR_SUMMARY_CODE, FINISHED_AT_CODE})
DD_UNREACHABLE_CODES = frozenset({10541, 10509, 8941, 17964})
DD_REPLICATION_CODES = frozenset({10608, 40009, 5674, 6655})
SERVER_FULL_EXIT = 10028

AVTAR_EXIT_CODES: dict[int, str] = {
    10007: "miscellaneous error",
    10028: "Operation failed because target server is full",
}
"""avtar exit codes seen in ``<5314> Command failed (…, exit code E: text)``."""

_AVTAR = (
    (6149, "Info", Severity.INFO, "Error summary", "Lists the error codes of the job.", "seen"),
    (7883, "Info", Severity.INFO, "Finished at", "End time of the job with the time-zone name.",
     "seen"),
    (10541, "Error", Severity.ERROR, "Data Domain name not resolved",
     "Failed to resolve the Data Domain server name; Data Domain login failed.", "seen"),
    (10509, "Error", Severity.ERROR, "Data Domain login problem",
     "Problem logging into the DDR server; only GSAN communication was enabled.", "seen"),
    (8941, "FATAL", Severity.CRITICAL, "Fatal server connection problem",
     "Fatal server connection problem, aborting initialization.", "seen"),
    (17964, "FATAL", Severity.CRITICAL, "Backup incomplete",
     "Backup is incomplete because /ddr_files.xml is missing.", "seen"),
    (10608, "FATAL", Severity.CRITICAL, "Replication failed",
     "Replication to a remote DDR failed (written nested: FATAL <0000>: <10608>…).", "seen"),
    (40009, "FATAL", Severity.CRITICAL, "DDR encountered errors", "DDR encountered errors.",
     "seen"),
    (5674, "Error", Severity.ERROR, "Backup not found for replication",
     "Could not locate requested backup for replication.", "seen"),
    (6655, "Error", Severity.ERROR, "Replicate interrupted", "Replicate interrupted.", "seen"),
)  # fmt: skip
MESSAGE_CODES.update(
    {
        code: MessageCode(
            code=code,
            component="avtar",
            level=level,
            severity=severity,
            title=title,
            meaning=meaning,
            confidence=confidence,
            references=(_FC,),
        )
        for code, level, severity, title, meaning, confidence in _AVTAR
    }
)
MESSAGE_CODES[5314] = MESSAGE_CODES[5314].model_copy(
    update={
        "meaning": "End status of the backup engine: 'Command failed (N errors, M warnings, "
        "exit code E: text)' when the job failed.",
        "fields": ("job_errors", "job_warnings", "exit_code", "exit_text"),
    }
)


ERROR_LEVELS = frozenset({"error", "fatal", "critical"})
"""Level words (lower case) of the lines the unexplained-errors rule reads."""


def is_error_level(level: str) -> bool:
    """Error, FATAL (avtar), Critical: in any case."""
    return level.lower() in ERROR_LEVELS
