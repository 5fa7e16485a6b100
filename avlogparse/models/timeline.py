"""The per-VM timeline: correlated moments of backups, checkpoints, merges and findings.

The timeline holds only what correlation already kept (backup runs, 43419/43426 lines,
cleanups, catalogued Hyper-V checkpoint and merge events, findings), never every log line,
so its size follows the facts and not the bundle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, GetCoreSchemaHandler
from pydantic_core import core_schema

from avlogparse.models.display import show
from avlogparse.models.findings import VmRef
from avlogparse.models.records import Location
from avlogparse.models.severity import Severity

if TYPE_CHECKING:
    import pandas
    from matplotlib.axes import Axes

TimelineKind = Literal[
    "backup-start",
    "backup-end",
    "checkpoint-create",
    "checkpoint-failed",
    "cleanup",
    "merge-failed",
    "merge-completed",
    "finding",
]
"""What happened: ``checkpoint-create`` is the plug-in's 43419 (job-wide, no VM);
``checkpoint-failed`` is a 43426 line or a VMMS 18012 event; ``cleanup`` is winclustersvc's
"Cleaning up checkpoint" with its DestroySnapshot result."""


class TimelineEntry(BaseModel):
    """One moment on the timeline, with the input line that shows it.

    ``time`` is UTC; ``host_time`` is the same instant in the host's zone (as aligned by the
    report's ``time_alignment``), for showing host-local clocks. ``vm`` is None for job-wide
    or host-wide moments (a backup run, a cleanup of a checkpoint group). ``label`` is
    rendered from the catalog message ``label_id`` with the JSON values ``label_args``, so
    :func:`~avlogparse.i18n.localize_report` can render it again in another language; a
    finding's entry has no ``label_id`` and takes its finding's title.
    """

    model_config = ConfigDict(frozen=True)

    time: AwareDatetime
    host_time: AwareDatetime
    kind: TimelineKind
    label: str
    label_id: str = Field(default="", description="catalog message of the label (added in 1.2)")
    label_args: dict[str, Any] = Field(
        default_factory=dict, description="JSON values the label is rendered from (added in 1.2)"
    )
    vm: VmRef | None = None
    host: str | None = None
    severity: Severity | None = None
    path: str
    line: int
    finding_id: str | None = None

    @property
    def location(self) -> Location:
        return Location(self.path, self.line)


class Timeline(list[TimelineEntry]):
    """The report's timeline: a list of entries in time order, with notebook helpers.

    :meth:`frame` and :meth:`plot` need the ``notebook`` extra (pandas, matplotlib);
    the HTML view (:meth:`_repr_html_`) is an inline SVG that needs nothing.
    """

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """Validated and serialised as a plain list of entries (the JSON form is a list)."""
        return core_schema.no_info_after_validator_function(
            cls, handler.generate_schema(list[TimelineEntry])
        )

    def __call__(self, vm: str | None = None) -> Timeline:
        """``report.timeline()`` is the timeline itself; ``vm`` (name or GUID) narrows it."""
        if vm is None:
            return self
        return Timeline(entry for entry in self if entry.vm is not None and entry.vm.matches(vm))

    def frame(self) -> pandas.DataFrame:
        """One row per entry (see :func:`avlogparse.notebook.timeline_frame`)."""
        frame: pandas.DataFrame = show("timeline_frame", self)
        return frame

    def plot(self, ax: Axes | None = None) -> Axes:
        """A swimlane chart, one row per VM (see :func:`avlogparse.notebook.plot_timeline`)."""
        axes: Axes = show("plot_timeline", self, ax=ax)
        return axes

    def _repr_html_(self) -> str:
        return str(show("timeline_svg", self))
