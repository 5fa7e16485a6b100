"""The plug-in log's backup runs: from a 43419 (or a long pause) to the next.

The plug-in source splits its log with a :class:`RunSplitter` while it streams; a run keeps
its 434xx records and the VMs its lines mention, nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from avlogparse.catalog import CHECKPOINT_SKIPPED_CODE, NO_TARGETS_CODE

if TYPE_CHECKING:
    from avlogparse.correlation.collector import Collector
    from avlogparse.sources.avamar_log import LogLine
    from avlogparse.sources.avhypervvss import PluginLogRecord


@dataclass
class BackupRun:
    """One backup of the plug-in log: from a 43419 (or a long pause) to the next."""

    index: int
    path: str
    first: PluginLogRecord | LogLine
    last: PluginLogRecord | LogLine
    started: datetime | None = None
    ended: datetime | None = None
    records: list[PluginLogRecord] = field(default_factory=list)
    mentioned_vms: dict[tuple[str | None, str | None], None] = field(default_factory=dict)
    """(name, GUID) of every VM the run's lines mention, in order (a dict as ordered set)."""

    @property
    def failures(self) -> list[PluginLogRecord]:
        """The run's 43426 lines."""
        return [r for r in self.records if r.code == CHECKPOINT_SKIPPED_CODE]

    @property
    def no_targets(self) -> PluginLogRecord | None:
        """The run's 43427 line, if it has one."""
        return next((r for r in self.records if r.code == NO_TARGETS_CODE), None)

    @property
    def completed(self) -> bool:
        """Whether the run's lines go on past its last 434xx record and name the VMs it
        backed up (matched on codes and structure, never on English text)."""
        last_coded = max((r.line for r in self.records), default=self.first.line)
        return bool(self.mentioned_vms) and self.last.line > last_coded

    @property
    def outcome(self) -> Literal["success", "partial", "failed", "unknown"]:
        """``failed`` when nothing was backed up, ``partial`` when VMs were skipped,
        ``success`` when the run went on past checkpoint creation without a failure (see
        :attr:`completed`), and ``unknown`` when the log shows no outcome at all (e.g. only
        two "Creating backup CheckPoint" lines): silence is not success."""
        if self.no_targets is not None:
            return "failed"
        if self.failures:
            return "partial"
        return "success" if self.completed else "unknown"


MAX_RUNS = 10_000
"""Backup runs kept per bundle: 27 years of nightly backups. Past it (a log of nothing but
43419 lines) a would-be new run continues the last one and is counted
(``Collector.runs_over_limit``), so memory stays bounded by what is kept."""


class RunSplitter:
    """Starts runs in ``collector.runs`` as the log goes on."""

    def __init__(self, collector: Collector) -> None:
        self.collector = collector
        self.runs = collector.runs
        self.gap = collector.windows.run_gap
        self.count = 0

    def next(
        self,
        run: BackupRun | None,
        last: PluginLogRecord | LogLine | None,
        record: PluginLogRecord | LogLine,
        new_job: bool = False,
    ) -> BackupRun:
        """The run ``record`` belongs to: ``run``, or a new one when there is none, a new
        job starts or the log paused longer than ``run_gap`` (``run`` then ends at ``last``)."""
        timestamp = record.timestamp
        if (
            run is None
            or new_job
            or (
                timestamp is not None
                and run.ended is not None
                and timestamp - run.ended > self.gap
            )
        ):
            if run is not None and len(self.runs) >= MAX_RUNS:
                self.collector.runs_over_limit += 1
            else:
                if run is not None and last is not None:
                    run.last = last
                run = BackupRun(len(self.runs), record.path, record, record)
                self.runs.append(run)
                self.count += 1
        if timestamp is not None:
            if run.started is None:
                run.started = timestamp
            run.ended = timestamp
        return run


def note_vm_mention(run: BackupRun, found: dict[str, Any]) -> None:
    """A VM named in an uncatalogued line (``Virtual machine 'NAME<GUID>'``, split by the
    plug-in source)."""
    if found.get("vm_name") is not None:
        key = (found["vm_name"], found.get("vm_id") if found.get("vm_id_valid") else None)
        run.mentioned_vms[key] = None
