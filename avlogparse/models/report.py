"""The report of one analysis: the semantic output other tools parse (versioned)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_serializer

from avlogparse.models.diagnostics import Diagnostic, text_without_surrogates
from avlogparse.models.display import show
from avlogparse.models.findings import Finding, VmRef
from avlogparse.models.incidents import Incident, group_incidents
from avlogparse.models.severity import Severity
from avlogparse.models.timeline import Timeline

if TYPE_CHECKING:

    import pandas


SCHEMA_VERSION = "1.4"
"""Bumped on any incompatible change of the JSON form (major) or any addition (minor).

1.1 added ``timeline``; 1.2 ``reason_id``/``reason_args`` of the time alignment; 1.3
``incidents`` (root cause first), ``Evidence.record_id``, the run outcome ``unknown``, and
``time_alignment.zone_name``, ``rule_family``, ``offsets_minutes``, ``switches``,
``evidence`` and ``rivals`` (the host clock across daylight saving time), ``hosts`` (each
input's host, per-node findings and clock) and ``clusters`` (hosts that are nodes of one
failover cluster, and how that is known; see docs/guide/clusters.md); 1.4
``Evidence.event_index`` (an event without an EventRecordID located among the events that
share its line) and, for each of ``time_alignment.rivals``, its ``tz`` and what choosing it
would change (``checked``, ``findings_lost``, ``findings_gained``).
"""


class ToolInfo(BaseModel):
    """Which tool wrote the report."""

    name: str = "avlogparse"
    version: str


class InputFile(BaseModel):
    """One member of the bundle and what became of it."""

    path: str
    kind: str
    status: Literal["read", "unknown", "refused"]
    reason: str | None = None
    encoding: str | None = None
    bytes: int | None = None
    lines: int = 0
    events: int = 0
    records: int = 0
    unparsed: int = 0
    complete: bool = True


class ClockSwitch(BaseModel):
    """A daylight-saving change of the host clock inside the bundle (added in 1.3).

    ``at`` is the instant (UTC); ``local`` the wall-clock time the host clock showed when it
    jumped (in the offset before). ``kind`` ``forward`` skips the host-local hour
    ``[window_start, window_end)``, ``back`` repeats it. ``records_in_window`` counts the
    host-local records whose time falls in that hour: a skipped one cannot be right, a
    repeated one is ambiguous; they are placed with the offset before the change (the first
    occurrence) unless an anchor places them (``resolved_by_anchor``).
    """

    at: datetime
    local: datetime
    offset_before: int
    offset_after: int
    kind: Literal["forward", "back"]
    window_start: datetime
    window_end: datetime
    records_in_window: int = 0
    resolved_by_anchor: int = 0


class ClockEvidence(BaseModel):
    """One piece of evidence for the host clock (added in 1.3).

    ``kind`` ``anchors``: host-local records with a UTC counterpart (``explained`` of
    ``anchors`` fit). ``abbreviation``: a zone name the logs print (avtar's
    ``<7883> Finished at … KST``), at ``local`` in ``path``:``line``; ``verdict`` says whether
    the clock used agrees with it.
    """

    kind: Literal["anchors", "abbreviation"]
    verdict: Literal["agrees", "contradicts", "unknown", "used"] = "agrees"
    name: str | None = None
    local: datetime | None = None
    path: str | None = None
    line: int | None = None
    explained: int | None = None
    anchors: int | None = None


class ClockRival(BaseModel):
    """Another explanation of the host clock and how well it fits (added in 1.3):
    a fixed ``offsets_minutes`` of one item, or an IANA ``zone`` (``zones`` names with the
    same rules over the bundle) with its ``rule_family``.

    Added in 1.4: ``tz``, the ``--tz`` value that chooses this rival, and what choosing it
    would change (``checked``: the rules were run again with it; past the first few rivals
    they are not): ``findings_lost`` counts, by rule, the findings of the report that would
    not be reported, ``findings_gained`` those that would be reported instead (a finding is
    its rule and VM). Both empty: the same findings.
    """

    offsets_minutes: list[int]
    explained: int
    zone: str | None = None
    rule_family: str | None = None
    zones: int = 0
    tz: str = ""
    checked: bool = False
    findings_lost: dict[str, int] = Field(default_factory=dict)
    findings_gained: dict[str, int] = Field(default_factory=dict)

    @property
    def changes_findings(self) -> bool:
        return bool(self.findings_lost or self.findings_gained)


class TimeAlignment(BaseModel):
    """How host-local times were placed in UTC, and why.

    Added in 1.3: ``zone_name`` (the IANA zone used, when the clock follows one),
    ``rule_family`` (``US``, ``EU``, ``AU`` … when known), ``offsets_minutes`` (every UTC
    offset in effect over the bundle), ``switches``, ``evidence`` and ``rivals``.
    """

    source: Literal["given", "inferred", "assumed"]
    zone: str
    offset_minutes: int | None
    reason: str
    anchors: int = 0
    reason_id: str = ""
    reason_args: dict[str, Any] = Field(default_factory=dict)
    zone_name: str | None = None
    rule_family: str | None = None
    offsets_minutes: list[int] = Field(default_factory=list)
    switches: list[ClockSwitch] = Field(default_factory=list)
    evidence: list[ClockEvidence] = Field(default_factory=list)
    rivals: list[ClockRival] = Field(default_factory=list)

    def host_zone(self) -> tzinfo | None:
        """The host's zone as aligned (None when neither offset nor zone name is usable)."""
        if self.offset_minutes is not None:
            return timezone(timedelta(minutes=self.offset_minutes))
        try:
            return ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError):
            return None


class RuleRun(BaseModel):
    """Whether a rule ran; a skipped rule says why, so silence never reads as healthy."""

    rule_id: str
    severity: Severity
    title: str
    status: Literal["ran", "skipped"]
    reason: str | None = None
    missing_inputs: list[str] = Field(default_factory=list)
    findings: int = 0


class BackupRunSummary(BaseModel):
    """One backup run of the plug-in log."""

    index: int
    path: str
    first_line: int
    last_line: int
    started: datetime | None
    ended: datetime | None
    outcome: Literal["success", "partial", "failed", "unknown"] = Field(
        description="'unknown' (added in 1.3): the log shows no outcome of the run"
    )
    vms_mentioned: list[VmRef]
    vms_skipped: list[VmRef]


class HostInfo(BaseModel):
    """One host of the bundle: its inputs, its cluster, its clock and its findings.

    ``findings_by_rule`` is the per-node view: which findings concern this host (the
    finding's ``host``, else the host of its first evidence line). ``time_alignment`` is set
    when the host has a clock of its own (host-local logs from several hosts)."""

    name: str
    cluster: str | None = None
    """The name of its cluster (given, or the nodes joined by ``+`` when inferred)."""
    inputs: list[str] = Field(default_factory=list)
    time_alignment: TimeAlignment | None = None
    findings_by_rule: dict[str, int] = Field(default_factory=dict)
    findings_by_severity: dict[str, int] = Field(default_factory=dict)


class ClusterInfo(BaseModel):
    """Hosts that are nodes of one failover cluster, and how that is known.

    ``source``: ``given`` (the caller, ``--cluster``) or ``inferred`` from the bundle:
    ``shared_vms`` are VM GUIDs that several nodes log (the job's VMs spread over the nodes),
    ``migrations`` VM GUIDs with a live migration event (VMMS 20415)."""

    name: str
    nodes: list[str]
    source: Literal["given", "inferred"]
    shared_vms: list[str] = Field(default_factory=list)
    migrations: list[str] = Field(default_factory=list)


class UnparsedShape(BaseModel):
    """Unparsed lines of one shape (numbers, GUIDs, paths, strings masked), with an example."""

    kind: str
    template: str
    count: int
    example: str
    example_path: str
    example_line: int


class ReportStats(BaseModel):
    """Totals over the bundle; the line and event counts add up per file."""

    files: int = 0
    files_read: int = 0
    files_unknown: int = 0
    files_refused: int = 0
    lines: int = 0
    events: int = 0
    records: int = 0
    unparsed: int = 0
    findings_by_severity: dict[str, int] = Field(default_factory=dict)
    rules_run: int = 0
    rules_skipped: int = 0
    elapsed_seconds: float = 0.0


class Report(BaseModel):
    """Everything one analysis found; ``model_dump_json`` round-trips."""

    model_config = ConfigDict(frozen=False)

    schema_version: str = SCHEMA_VERSION
    tool: ToolInfo
    lang: str = Field(default="en", description="language of the texts: en or ja")
    bundle: str
    inputs: list[InputFile] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    stats: ReportStats = Field(default_factory=ReportStats)
    time_alignment: TimeAlignment
    rules: list[RuleRun] = Field(default_factory=list)
    backup_runs: list[BackupRunSummary] = Field(default_factory=list)
    unparsed_shapes: list[UnparsedShape] = Field(default_factory=list)
    timeline: Timeline = Field(
        default_factory=Timeline,
        description="per-VM moments in time order (added in 1.1; see models/timeline.py)",
    )
    hosts: list[HostInfo] = Field(
        default_factory=list, description="the bundle's hosts, per node (added in 1.3)"
    )
    clusters: list[ClusterInfo] = Field(
        default_factory=list, description="failover clusters the hosts form (added in 1.3)"
    )

    @field_serializer("bundle")
    def _bundle_text(self, bundle: str) -> str:
        """A bundle path that is not UTF-8 (``bundle-\\xff``) as escapes: JSON cannot carry
        its lone surrogates; the attribute itself keeps the real path."""
        return text_without_surrogates(bundle)

    @computed_field(  # type: ignore[prop-decorator]
        description="root causes with the findings they explain, worst first (added in 1.3; "
        "derived from the findings, see models/incidents.py)"
    )
    @property
    def incidents(self) -> list[Incident]:
        """The findings grouped cause first (see :mod:`avlogparse.models.incidents`)."""
        return group_incidents(self.findings)

    @property
    def complete(self) -> bool:
        """True when every input was read whole (nothing refused, truncated or failed)."""
        return all(i.status != "refused" and i.complete for i in self.inputs)

    def worst_severity(self) -> Severity | None:
        """The highest severity among the findings."""
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)

    # --- notebook helpers (need the ``notebook`` extra, except the HTML view) -------------

    def findings_frame(self, lang: str | None = None) -> pandas.DataFrame:
        """One row per finding (see :func:`avlogparse.notebook.findings_frame`)."""
        frame: pandas.DataFrame = show("findings_frame", self.findings, lang)
        return frame

    def _repr_html_(self) -> str:
        return str(show("report_html", self))
