"""The rule catalog: one module per rule, listed here in the order they run."""

from __future__ import annotations

from avlogparse.rules.autorecovery_leftover import AutorecoveryLeftover
from avlogparse.rules.backup_job_failed import BackupJobFailed
from avlogparse.rules.base import Rule
from avlogparse.rules.chain_corruption import ChainCorruption
from avlogparse.rules.chain_file_missing import ChainFileMissing
from avlogparse.rules.checkpoint_creation_failed import CheckpointCreationFailed
from avlogparse.rules.checkpoint_merge_failed import CheckpointMergeFailed
from avlogparse.rules.csv_lost import CsvLost
from avlogparse.rules.destroy_snapshot_failed import DestroySnapshotFailed
from avlogparse.rules.disk_full import DiskFull
from avlogparse.rules.file_lock import FileLock
from avlogparse.rules.guest_cluster_vhds import GuestClusterVhds
from avlogparse.rules.missing_evidence import MissingEvidence
from avlogparse.rules.no_backup_targets import NoBackupTargets
from avlogparse.rules.no_hot_backup import NoHotBackup
from avlogparse.rules.orphaned_checkpoint import OrphanedCheckpoint
from avlogparse.rules.repeated_checkpoint_failure import RepeatedCheckpointFailure
from avlogparse.rules.unexplained_errors import UnexplainedErrors
from avlogparse.rules.vss_writer_failed import VssWriterFailed

ALL_RULES: tuple[Rule, ...] = (
    OrphanedCheckpoint(),
    CheckpointMergeFailed(),
    CheckpointCreationFailed(),
    NoBackupTargets(),
    RepeatedCheckpointFailure(),
    DestroySnapshotFailed(),
    FileLock(),
    DiskFull(),
    VssWriterFailed(),
    CsvLost(),
    AutorecoveryLeftover(),
    ChainFileMissing(),
    ChainCorruption(),
    NoHotBackup(),
    GuestClusterVhds(),
    BackupJobFailed(),
    MissingEvidence(),
    UnexplainedErrors(),
)


def rule_by_id(rule_id: str) -> Rule:
    """The rule with this id (KeyError when there is none)."""
    for rule in ALL_RULES:
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)


__all__ = ["ALL_RULES", "Rule", "rule_by_id"]
